"""Forms of the scales page. They type the input; the rules (increasing values, unique codes, contrast) are the
service's, so a script and the page refuse the same things with the same messages."""

from django import forms

from .models import Niveau

NEUTRE = "#e8eaee"  # the colour an added level starts with (dark text on it: 14:1)


class NiveauForm(forms.Form):
    code = forms.CharField(label="Code court", max_length=10,
                           error_messages={"required": "Donnez un code court (ex. TB)."})
    libelle = forms.CharField(label="Libellé", max_length=100,
                              error_messages={"required": "Donnez un libellé."})
    valeur = forms.DecimalField(label="Valeur", max_digits=6, decimal_places=2, localize=True,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                error_messages={"required": "Donnez une valeur numérique.",
                                                "invalid": "Saisissez un nombre (ex. 2 ou 1,5)."})
    couleur = forms.CharField(label="Couleur", max_length=7, initial=NEUTRE,
                              widget=forms.TextInput(attrs={"type": "color"}),
                              error_messages={"required": "Choisissez une couleur."})
    motif = forms.ChoiceField(label="Motif (signal sans couleur)", required=False,
                              choices=[("", "automatique")] + list(Niveau.Motif.choices))


class EtatForm(forms.Form):
    code = forms.CharField(label="Code court", max_length=10,
                           error_messages={"required": "Donnez un code court (ex. ABS)."})
    libelle = forms.CharField(label="Libellé", max_length=100,
                              error_messages={"required": "Donnez un libellé."})


class _Rangs(forms.BaseFormSet):
    """Rows sorted by the rang the person typed; deleted rows and untouched blank rows left out."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Rang"
        form.fields["ORDER"].widget.attrs["inputmode"] = "numeric"
        form.fields["DELETE"].label = "Retirer"

    def rows(self) -> list[dict]:
        fields = [name for name in self.form.base_fields]
        return [{name: form.cleaned_data.get(name) for name in fields} for form in self.ordered_forms]


NiveauFormSet = forms.formset_factory(NiveauForm, formset=_Rangs, extra=1, can_order=True, can_delete=True,
                                      max_num=20, validate_max=True)
EtatFormSet = forms.formset_factory(EtatForm, formset=_Rangs, extra=1, can_order=True, can_delete=True,
                                    max_num=10, validate_max=True)


def initial_niveaux(version) -> list[dict]:
    return [{"code": n.code, "libelle": n.libelle, "valeur": n.valeur, "couleur": n.couleur, "motif": n.motif,
             "ORDER": n.rang} for n in version.niveaux.all()] if version else []


def initial_etats(version) -> list[dict]:
    return [{"code": e.code, "libelle": e.libelle, "ORDER": e.rang} for e in version.etats.all()] if version else []
