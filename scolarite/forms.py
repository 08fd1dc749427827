from django import forms
from django.utils import timezone

from referentiels.models import Referentiel
from tenants.annees import annee_scolaire_label, annee_scolaire_of

from .models import Classe, Inscription, Reglages

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def annee_choices() -> list[tuple[int, str]]:
    current = annee_scolaire_of(timezone.localdate())
    return [(a, annee_scolaire_label(a)) for a in range(current - 1, current + 2)]


class FormationForm(forms.Form):
    referentiel = forms.ModelChoiceField(label="Référentiel", queryset=Referentiel.objects.none(),
                                         empty_label="— choisir —",
                                         help_text="Seuls les référentiels couverts par l'abonnement sont proposés.")
    intitule = forms.CharField(label="Intitulé", max_length=200,
                               help_text="Par exemple « Bac pro CIEL en apprentissage ».")
    code = forms.CharField(label="Code dans le logiciel de gestion", max_length=40, required=False)

    def __init__(self, *args, referentiel_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referentiel"].queryset = Referentiel.objects.filter(code__in=list(referentiel_codes))


ANNEE_CYCLE_HELP = "Sert à vérifier les semaines de PFMP obligatoires de l'année terminale (terminale de bac pro)."


def annee_cycle_field(empty_label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label="Année du cycle", coerce=int, empty_value=None, required=False,
                                  choices=[("", empty_label), *Classe.AnneeCycle.choices], help_text=help_text)


class ClasseForm(forms.Form):
    formation = forms.ModelChoiceField(label="Formation", queryset=None, empty_label="— choisir —")
    annee_scolaire = forms.TypedChoiceField(label="Année scolaire", coerce=int, choices=annee_choices)
    code = forms.CharField(label="Code", max_length=40, help_text="Le code de la division, par exemple 1CIEL-A.")
    # Left on its first choice, the year is guessed from the code (no script: the code is typed in the same form).
    annee_cycle = annee_cycle_field(
        "D'après le code de la classe",
        f"{ANNEE_CYCLE_HELP} « D'après le code » : 2… donne la 1re année, 1… la 2e, T… la 3e, 1CAP… et 2CAP… "
        "l'année indiquée ; sinon elle reste non précisée.")
    intitule = forms.CharField(label="Intitulé", max_length=200, required=False)
    formateurs = forms.ModelMultipleChoiceField(label="Formateurs", queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, formations, formateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formation"].queryset = formations
        self.fields["formateurs"].queryset = formateurs
        self.initial.setdefault("annee_scolaire", annee_scolaire_of(timezone.localdate()))

    def clean(self):
        data = super().clean()
        if data.get("annee_cycle") is None and data.get("code"):
            data["annee_cycle"] = Classe.annee_cycle_guess(data["code"])
        return data


class ClasseEditForm(forms.Form):
    intitule = forms.CharField(label="Intitulé", max_length=200, required=False)
    annee_cycle = annee_cycle_field("Non précisée", ANNEE_CYCLE_HELP)


class FormateursForm(forms.Form):
    formateurs = forms.ModelMultipleChoiceField(label="Formateurs de la classe", queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, formateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formateurs"].queryset = formateurs


class ApprenantForm(forms.Form):
    nom = forms.CharField(label="Nom", max_length=150)
    prenom = forms.CharField(label="Prénom", max_length=150)
    ine = forms.CharField(label="INE", max_length=20, required=False,
                          help_text="11 caractères (ex. 1234567890A). Sans INE, pas de transfert possible.")
    date_naissance = forms.DateField(label="Date de naissance", required=False, widget=DATE)
    email = forms.EmailField(label="Adresse e-mail", required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    adresse = forms.CharField(label="Adresse", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    identifiant_externe = forms.CharField(label="Identifiant externe (SIECLE, logiciel de gestion)", max_length=40,
                                          required=False)


class InscriptionForm(forms.Form):
    classe = forms.ModelChoiceField(label="Classe", queryset=None, empty_label="— choisir —")
    statut = forms.ChoiceField(label="Statut", choices=Inscription.Statut.choices)
    debut = forms.DateField(label="À partir du", widget=DATE)
    redoublant = forms.BooleanField(label="Redoublement ou prolongation", required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].queryset = classes
        self.initial.setdefault("debut", timezone.localdate())


class FormateurProfilForm(forms.Form):
    discipline = forms.CharField(label="Discipline", max_length=120, required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)


IMAGE_MAX_BYTES = 1024 * 1024
IMAGE_FORMATS = {"PNG", "JPEG"}


def _image_clean(upload):
    """Pillow has read the file (so it is an image); keep to safe raster formats and a modest size."""
    if not upload:
        return upload
    if upload.size > IMAGE_MAX_BYTES:
        raise forms.ValidationError("Image trop lourde : 1 Mo au plus.")
    image = getattr(upload, "image", None)
    if image is not None and image.format not in IMAGE_FORMATS:
        raise forms.ValidationError("Format d'image non accepté : PNG ou JPEG.")
    return upload


class ReglagesForm(forms.Form):
    address = forms.CharField(label="Adresse", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    uai = forms.CharField(label="Code UAI", max_length=8, help_text="7 chiffres et une lettre, ex. 0841234K.")
    logo = forms.ImageField(label="Logo (PNG ou JPEG, 1 Mo au plus)", required=False)
    tampon = forms.ImageField(label="Tampon de l'établissement (utilisé sur les documents)", required=False)

    def __init__(self, *args, niveaux, **kwargs):
        super().__init__(*args, **kwargs)
        self.niveaux = niveaux
        for niveau, label in niveaux.items():
            self.fields[f"periodicite_{niveau}"] = forms.ChoiceField(
                label=f"Périodicité des bilans — {label}", choices=Reglages.Periodicite.choices)

    def clean_logo(self):
        return _image_clean(self.cleaned_data.get("logo"))

    def clean_tampon(self):
        return _image_clean(self.cleaned_data.get("tampon"))

    def clean_uai(self):
        return self.cleaned_data["uai"].strip().upper()

    def periodicites(self) -> dict:
        return {str(n): self.cleaned_data[f"periodicite_{n}"] for n in self.niveaux}
