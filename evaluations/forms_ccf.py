"""Forms of the CCF grid: the header and the commission's part, and the reason of a new version. The levels and
the barème come as one field per competency (niveau-<pk>, points-<pk>), read by the views."""

from django import forms


class GrilleEnteteForm(forms.Form):
    numero_candidat = forms.CharField(label="Numéro de candidat", max_length=30, required=False)
    session = forms.CharField(label="Session", max_length=20, required=False)
    date = forms.DateField(label="Date de l'épreuve", required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"invalid": "Date invalide : utilisez le format jj/mm/aaaa."})
    commission = forms.CharField(label="Membres de la commission", required=False,
                                 help_text="Un membre par ligne : nom, puis sa qualité (ex. « M. Durand — "
                                           "professeur »).", widget=forms.Textarea(attrs={"rows": 3}))
    commentaire = forms.CharField(label="Appréciation de la commission", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    ajustement = forms.CharField(label="Ajustement de la note proposée (de −2 à +2 points)", required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}))
    justification = forms.CharField(label="Justification de l'ajustement", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class NouvelleVersionForm(forms.Form):
    motif = forms.CharField(label="Raison de la nouvelle version", max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "Donnez la raison de la nouvelle version : elle reste "
                                                        "dans l'historique."})
