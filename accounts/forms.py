from django import forms

from .roles import ESTABLISHMENT_ROLES


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail")
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label="Rôles",
        choices=[(r.value, r.label) for r in ESTABLISHMENT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un rôle."},
    )
