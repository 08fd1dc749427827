"""Forms of the periods pages: they read input, the services decide (their errors land on the field at fault
through `add_service_error`)."""

from django import forms
from django.utils import timezone

from .forms import DATE, add_service_error  # noqa: F401 re-exported for the views
from .models import Periode


class PeriodeForm(forms.Form):
    lieu = forms.ChoiceField(label="Lieu", choices=Periode.Lieu.choices)
    nature = forms.ChoiceField(label="Nature", choices=Periode.Nature.choices, initial=Periode.Nature.ALTERNANCE,
                               help_text="Une PFMP se déroule en entreprise ; celles du parcours différencié de "
                                         "terminale ne comptent pas pour l'examen.")
    libelle = forms.CharField(label="Libellé", max_length=120, required=False,
                              help_text="Facultatif, par exemple « PFMP 1 » ou « Semaine au centre ».")
    debut = forms.DateField(label="Début", widget=DATE)
    fin = forms.DateField(label="Fin", widget=DATE, help_text="Dernier jour de la période, inclus.")

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la période précède son début.")
        return cleaned

    @classmethod
    def initial_from(cls, periode: Periode) -> dict:
        return {name: getattr(periode, name) for name in cls.base_fields}


class CoupeForm(forms.Form):
    le = forms.DateField(label="Premier jour de la seconde partie", widget=DATE,
                         help_text="La première partie s'arrête la veille ; les entrées du journal de bord suivent "
                                   "leur date.")


class AmenagementPFMPForm(forms.Form):
    semaines_requises = forms.IntegerField(label="Semaines de PFMP exigées", min_value=0, max_value=60,
                                           widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    motif = forms.CharField(label="Motif de la décision", max_length=300,
                            help_text="Par exemple : « positionnement : cycle réduit à 2 ans » ou « aucun lieu "
                                      "d'accueil trouvé (décret 2022-672) ».")
    decide_le = forms.DateField(label="Décidé le", widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("decide_le", timezone.localdate())
