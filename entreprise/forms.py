"""Forms of the companies pages: they read input, the services decide (and their errors land on the field at
fault through `add_service_error`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from scolarite.models import Apprenant, Inscription

from .models import Contrat, Entreprise, Tuteur
from .validators import siret_normalize, validate_siret

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHONE = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Service errors' codes start with the field at fault (`siret_duplicate`, `rompu_le_after_fin`)."""
    for item in error.error_list:
        code = item.code or ""
        fields = [name for name in form.fields if code.startswith(f"{name}_")]
        form.add_error(max(fields, key=len) if fields else None, item)


class EntrepriseForm(forms.Form):
    raison_sociale = forms.CharField(label="Raison sociale", max_length=200)
    siret = forms.CharField(label="SIRET", max_length=30, required=False,
                            help_text="14 chiffres ; les espaces sont acceptés. La clé de contrôle est vérifiée.",
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    adresse = forms.CharField(label="Adresse", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    code_postal = forms.CharField(label="Code postal", max_length=10, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                "autocomplete": "postal-code"}))
    ville = forms.CharField(label="Ville", max_length=120, required=False)
    secteur = forms.CharField(label="Secteur d'activité", max_length=200, required=False)
    code_naf = forms.CharField(label="Code NAF (APE)", max_length=6, required=False, help_text="Par exemple 6202A.")
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False, widget=PHONE)
    email = forms.EmailField(label="Adresse e-mail", required=False)

    def clean_siret(self):
        siret = siret_normalize(self.cleaned_data["siret"])
        if siret:
            validate_siret(siret)
        return siret

    @classmethod
    def initial_from(cls, entreprise: Entreprise) -> dict:
        return {name: getattr(entreprise, name) for name in cls.base_fields}


class TuteurForm(forms.Form):
    nom = forms.CharField(label="Nom", max_length=150)
    prenom = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Adresse e-mail", required=False,
                             help_text="Nécessaire pour l'inviter : il se connecte ensuite avec un code reçu par "
                                       "e-mail, sans mot de passe à retenir.")
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False, widget=PHONE)
    fonction = forms.CharField(label="Fonction", max_length=150, required=False)
    qualification = forms.CharField(label="Qualification (diplôme, années d'expérience)", max_length=300,
                                    required=False)

    @classmethod
    def initial_from(cls, tuteur: Tuteur) -> dict:
        return {name: getattr(tuteur, name) for name in cls.base_fields}


class ApprenantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, apprenant):
        classes = ", ".join(i.classe.code for i in getattr(apprenant, "inscriptions_courantes", []))
        return f"{apprenant}{f' — {classes}' if classes else ''}"


class TuteursField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, tuteur):
        return f"{tuteur}{f' — {tuteur.fonction}' if tuteur.fonction else ''}"


def apprenant_choices():
    """Every learner, with their current classe in the label: two queries."""
    today = timezone.localdate()
    current = Inscription.objects.filter(Q(debut__lte=today) & (Q(fin__isnull=True) | Q(fin__gte=today)))
    return Apprenant.objects.order_by("nom", "prenom").prefetch_related(
        Prefetch("inscriptions", queryset=current.select_related("classe"), to_attr="inscriptions_courantes"))


class ContratDatesForm(forms.Form):
    """What can change on an existing contract."""

    tuteurs = TuteursField(label="Tuteurs / maîtres d'apprentissage", queryset=Tuteur.objects.none(),
                           required=False, widget=forms.CheckboxSelectMultiple)
    debut = forms.DateField(label="Début", widget=DATE)
    fin = forms.DateField(label="Fin", widget=DATE)
    numero = forms.CharField(label="Numéro (dépôt du contrat, convention)", max_length=40, required=False)
    prolonge_apres_echec = forms.BooleanField(
        label="Contrat prolongé après un échec à l'examen", required=False,
        help_text="Un maître d'apprentissage peut accueillir un tel apprenti en plus des deux autres.")

    def __init__(self, *args, entreprise: Entreprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_entreprise = entreprise
        tuteurs = entreprise.tuteurs.order_by("nom", "prenom") if entreprise is not None else Tuteur.objects.none()
        self.fields["tuteurs"].queryset = tuteurs

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin du contrat précède son début.")
        return cleaned

    @classmethod
    def initial_from(cls, contrat: Contrat) -> dict:
        return {"tuteurs": list(contrat.tuteurs.all()), "debut": contrat.debut, "fin": contrat.fin,
                "numero": contrat.numero, "prolonge_apres_echec": contrat.prolonge_apres_echec}


class ContratForm(ContratDatesForm):
    """A new contract. The tuteurs offered are those of the chosen company: with JavaScript, htmx reloads them
    when the company changes; without, they appear once the company is chosen and the form sent."""

    type = forms.ChoiceField(label="Type", choices=Contrat.Type.choices)
    apprenant = ApprenantChoiceField(label="Apprenant·e", queryset=Apprenant.objects.none(),
                                     empty_label="— choisir —")
    entreprise = forms.ModelChoiceField(label="Entreprise", queryset=Entreprise.objects.none(),
                                        empty_label="— choisir —")

    field_order = ["type", "apprenant", "entreprise", "tuteurs", "debut", "fin", "numero", "prolonge_apres_echec"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprenant"].queryset = apprenant_choices()
        self.fields["entreprise"].queryset = Entreprise.objects.order_by("raison_sociale", "pk")
        self.fields["entreprise"].widget.attrs.update({
            "hx-get": reverse("contrat_tuteurs_field"), "hx-target": "#tuteurs-field", "hx-swap": "outerHTML",
            "hx-trigger": "change",
        })
        self.initial.setdefault("type", Contrat.Type.APPRENTISSAGE)
        if self.chosen_entreprise is None:
            self.chosen_entreprise = self._chosen_entreprise()
            if self.chosen_entreprise is not None:
                self.fields["tuteurs"].queryset = self.chosen_entreprise.tuteurs.order_by("nom", "prenom")

    def _chosen_entreprise(self) -> Entreprise | None:
        value = self.data.get("entreprise") if self.is_bound else self.initial.get("entreprise")
        if isinstance(value, Entreprise):
            return value
        if value and str(value).isdigit():
            return Entreprise.objects.filter(pk=value).first()
        return None


class RuptureForm(forms.Form):
    rompu_le = forms.DateField(label="Date de la rupture", widget=DATE,
                               help_text="Le contrat cesse ce jour-là ; une nouvelle date corrige la précédente.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("rompu_le", timezone.localdate())
