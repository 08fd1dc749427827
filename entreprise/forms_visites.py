"""Forms of the visits pages: they read input, the service decides (its errors land on the field at fault
through `add_service_error`)."""

from django import forms
from django.utils import timezone

from .forms import DATE
from .models import Visite
from .selectors_visites import SEMAINES_DEFAUT, SEMAINES_MAX


class VisiteForm(forms.Form):
    date = forms.DateField(label="Date", widget=DATE, error_messages={
        "required": "Indiquez la date de la visite ou du contact.", "invalid": "Date invalide."})
    mode = forms.ChoiceField(label="Mode", choices=Visite.Mode.choices, initial=Visite.Mode.VISITE,
                             widget=forms.RadioSelect)
    participants = forms.CharField(label="Qui", max_length=300, required=False,
                                   help_text="Les personnes présentes ou jointes (tuteur, apprenti, formateur…).")
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 4}), error_messages={
                                "required": "Notez en quelques mots ce qui s'est dit : c'est la trace de l'échange."},
                            help_text="Ce qui s'est dit, ce qui a été vu ou fait en entreprise.")
    suites = forms.CharField(label="Suites à donner", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Ce que chacun fera ensuite ; laissez vide s'il n'y a rien à faire.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("date", today)
        # The phone's date picker stops at today: a planned visit is not a visit (the service refuses it too).
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    @classmethod
    def initial_from(cls, visite: Visite) -> dict:
        return {name: getattr(visite, name) for name in cls.base_fields}


class SuiviForm(forms.Form):
    """The follow-up pages' filter: a classe (all of them by default) and N weeks."""

    classe = forms.TypedChoiceField(label="Classe", required=False, coerce=int, empty_value=None)
    semaines = forms.IntegerField(label="Sans visite ni contact depuis (semaines)", min_value=1,
                                  max_value=SEMAINES_MAX, initial=SEMAINES_DEFAUT, required=False,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    seulement = forms.BooleanField(label="Seulement les apprenants sans visite ni contact sur cette durée",
                                   required=False)

    def __init__(self, *args, classes=(), seulement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seulement", seulement)
        self.classes = {classe.pk: classe for classe in classes}
        self.fields["classe"].choices = [("", "Toutes les classes")] + [
            (classe.pk, str(classe)) for classe in classes]

    def filtres(self) -> dict:
        """classe, semaines and seulement, the defaults where the input is missing or wrong."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return {"classe": self.classes.get(data.get("classe")),
                    "semaines": data.get("semaines") or SEMAINES_DEFAUT, "seulement": data["seulement"]}
        return {"classe": None, "semaines": SEMAINES_DEFAUT, "seulement": self.initial["seulement"]}
