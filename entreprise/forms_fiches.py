"""Forms of the fiches activités pages: they read input, the services decide. The tasks and criteria are
checkboxes of the référentiel tree (read from the request), not form fields."""

from django import forms

from .forms import add_service_error  # noqa: F401 re-exported for the views


class FicheForm(forms.Form):
    titre = forms.CharField(label="Titre de la fiche", max_length=200,
                            help_text="Par exemple « Installation d'un réseau chez le client ».")
    consignes = forms.CharField(label="Consignes pour l'apprenant et le tuteur", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))


class RealisationForm(forms.Form):
    compte_rendu = forms.CharField(label="Ce que j'ai fait", required=False, max_length=5000,
                                   help_text="Racontez avec vos mots les travaux réalisés, le matériel, les "
                                             "difficultés rencontrées.",
                                   widget=forms.Textarea(attrs={"rows": 8}))


class RemarqueForm(forms.Form):
    remarque = forms.CharField(label="Remarque pour l'apprenant (facultatif)", required=False, max_length=5000,
                               help_text="Le tuteur ne la voit pas.", widget=forms.Textarea(attrs={"rows": 3}))
