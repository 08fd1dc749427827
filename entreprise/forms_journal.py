"""Forms of the journal de bord: an entry (new or changed), a request for changes, a comment."""

from django import forms
from django.utils import timezone

from .preuves import PREUVES_MAX_PAR_ENVOI


class TacheChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, tache):
        return f"{tache.code} — {tache.intitule}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PreuvesField(forms.FileField):
    """Several files in one input; the type, size and content are checked by the service (entreprise.preuves)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(PreuvesField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class EntreeForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    texte = forms.CharField(label="Ce que j'ai fait", widget=forms.Textarea(attrs={"rows": 5}),
                            help_text="Les travaux réalisés, le matériel utilisé, ce que vous avez appris.")
    duree_minutes = forms.IntegerField(label="Durée (minutes)", required=False, min_value=1, max_value=24 * 60,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 15}),
                                       help_text="Par exemple 210 pour 3 h 30. Facultatif.")
    taches = TacheChoice(label="Tâches du référentiel concernées", queryset=None, required=False,
                         widget=forms.CheckboxSelectMultiple)
    photo = PreuvesField(label="Prendre une photo", required=False,
                         widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
                         help_text="Sur un téléphone, ouvre l'appareil photo.")
    preuves = PreuvesField(label="Joindre des photos ou des PDF", required=False,
                           help_text=f"JPEG, PNG ou PDF, 10 Mo au plus par fichier, {PREUVES_MAX_PAR_ENVOI} fichiers "
                                     "au plus. Les photos sont réduites et leurs métadonnées (position GPS) retirées.")

    def __init__(self, *args, taches, tuteur: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["taches"].queryset = taches
        if tuteur:
            self.fields["texte"].label = "Ce que l'apprenti a fait"

    def fichiers(self) -> list:
        return [*self.cleaned_data.get("photo", []), *self.cleaned_data.get("preuves", [])]

    def service_kwargs(self) -> dict:
        return {"date": self.cleaned_data["date"], "texte": self.cleaned_data["texte"],
                "duree_minutes": self.cleaned_data["duree_minutes"],
                "tache_ids": [tache.pk for tache in self.cleaned_data["taches"]], "fichiers": self.fichiers()}


class CommentaireForm(forms.Form):
    commentaire = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["commentaire"].label = label
