"""Forms of the scenario pages: the Titre and Contexte parts, a resource, a situation."""

from django import forms

from accounts.models import User
from accounts.roles import Role
from referentiels.models import Epreuve, Referentiel
from scolarite.models import Apprenant, Formation, Inscription

from .models import Scenario, Situation
from .services_scenario import CONTEXTE_FIELDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class ScenarioForm(forms.ModelForm):
    """Titre and Contexte. The référentiel is chosen at creation only, among those the establishment teaches."""

    referentiel = forms.ModelChoiceField(label="Référentiel", queryset=Referentiel.objects.none(),
                                         empty_label=None)
    co_auteurs = UserChoice(label="Co-auteurs", queryset=User.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple,
                            help_text="Les co-auteurs modifient le scénario comme vous.")

    class Meta:
        model = Scenario
        fields = ["titre", "co_intervention", "co_auteurs", "referentiel", *CONTEXTE_FIELDS]
        labels = {"description": "Description et mise en situation professionnelle",
                  "problematique": "Problématique métier", "missions": "Missions à réaliser",
                  "equipements": "Matériels utilisés", "logiciels": "Logiciels utilisés", "liens": "Liens associés"}
        widgets = {name: TEXTAREA for name in CONTEXTE_FIELDS if name != "espace_formation"}

    TITRE = ("titre", "co_intervention", "co_auteurs", "referentiel")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_auteurs"].queryset = (User.objects.filter(is_active=True, roles__contains=[Role.FORMATEUR])
                                              .exclude(pk=user.pk).order_by("last_name", "first_name"))
        if self.instance.pk:
            del self.fields["referentiel"]
        else:
            ids = Formation.objects.values("referentiel_id")
            self.fields["referentiel"].queryset = Referentiel.objects.filter(pk__in=ids).order_by("code", "version")

    def titre_fields(self):
        return [self[name] for name in self.TITRE if name in self.fields]

    def contexte_fields(self):
        return [self[name] for name in CONTEXTE_FIELDS]


class RessourceForm(forms.Form):
    fichier = forms.FileField(label="Fichier", help_text="PDF, PNG, JPEG, odt, ods, odp, docx, xlsx, pptx, txt "
                                                         "ou zip ; 10 Mo au plus.")


class ApprenantChoice(forms.ModelMultipleChoiceField):
    classes_of: dict[int, str] = {}

    def label_from_instance(self, apprenant):
        classe = self.classes_of.get(apprenant.pk)
        return f"{apprenant} ({classe})" if classe else str(apprenant)


class EpreuveChoice(forms.ModelChoiceField):
    def label_from_instance(self, epreuve):
        return f"{epreuve.code} {epreuve.intitule}"


class SituationForm(forms.Form):
    classe = forms.ModelChoiceField(label="Classe", queryset=None, empty_label=None)
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    nature = forms.ChoiceField(label="Nature", choices=Situation.Nature.choices, initial="formative",
                               widget=forms.RadioSelect)
    epreuve = EpreuveChoice(label="Épreuve", queryset=None, required=False, empty_label="Aucune",
                                     help_text="Obligatoire pour une situation certificative.")
    apprenants = ApprenantChoice(label="Apprenants", queryset=None, required=False,
                                 widget=forms.CheckboxSelectMultiple,
                                 help_text="Aucun coché : toute la classe.")
    par_competence = forms.BooleanField(label="Saisie par compétence (sans le détail des critères)",
                                        required=False)

    def __init__(self, *args, classes, referentiel_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].queryset = classes
        self.fields["epreuve"].queryset = Epreuve.objects.filter(referentiel_id=referentiel_id).order_by("rang")
        # Learners enrolled now in one of the classes, labelled with it (the service checks the chosen date).
        en_cours = Inscription.objects.filter(fin__isnull=True, classe__in=classes)
        field = self.fields["apprenants"]
        field.classes_of = dict(en_cours.values_list("apprenant_id", "classe__code"))
        field.queryset = Apprenant.objects.filter(pk__in=en_cours.values("apprenant_id")).order_by("nom", "prenom")
