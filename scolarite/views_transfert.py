"""Transfers: the log (both directions), sending a learner's file, reading a received file.

The direction sends; the inspection reads the log and the received files; nobody edits a received file
(the dossier page answers GET only, and no view or service writes one after the transfer).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from accounts.access import role_required
from accounts.roles import Role

from .historique import history_cell, history_counts, history_display, learner_history_export
from .models import Apprenant, DossierAnterieur, Transfert
from .selectors import apprenants_visible
from .transfert import apprenant_transferer, destination_find, destinations_for, transfert_check


class ApprenantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, apprenant: Apprenant) -> str:
        return f"{apprenant} — INE {apprenant.ine}" if apprenant.ine else f"{apprenant} — sans INE"


class TransfertForm(forms.Form):
    apprenant = ApprenantChoiceField(queryset=Apprenant.objects.none(), label="Apprenant·e",
                                     empty_label="— Choisir —",
                                     error_messages={"invalid_choice": "Choisissez un·e apprenant·e de la liste.",
                                                     "required": "Choisissez l'apprenant·e à transférer."})
    uai = forms.CharField(label="Code UAI de l'établissement d'accueil", max_length=20,
                          error_messages={"required": "Indiquez le code UAI de l'établissement d'accueil."},
                          help_text="7 chiffres et une lettre (ex. 0691234S) ; la direction de l'établissement "
                                    "d'accueil vous le donne. Il doit utiliser cpro.",
                          widget=forms.TextInput(attrs={"list": "etablissements", "autocomplete": "off",
                                                        "autocapitalize": "characters"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprenant"].queryset = apprenants_visible(user).order_by("nom", "prenom")
        self.destination = None

    def clean_uai(self):
        self.destination = destination_find(self.cleaned_data["uai"])
        return self.destination.uai

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("apprenant") and self.destination is not None:
            transfert_check(apprenant=cleaned["apprenant"], destination=self.destination)
        return cleaned


def dossier_get_for(user, pk) -> DossierAnterieur:
    """Direction and inspection see every file their establishment received; other schemas' do not exist."""
    return get_object_or_404(DossierAnterieur.objects.select_related("apprenant"), pk=pk)


@role_required(Role.DIRECTION, Role.INSPECTEUR)
@require_safe
def transfert_list(request):
    transferts = Transfert.objects.select_related("apprenant").order_by("-at", "-id")
    return render(request, "scolarite/transfert_list.html", {
        "transferts": transferts, "can_send": request.user.has_role(Role.DIRECTION)})


@role_required(Role.DIRECTION)
def transfert_create(request):
    """Pick the learner and the destination, see what will be sent, confirm."""
    if request.method != "POST":
        initial = {"apprenant": request.GET.get("apprenant"), "uai": request.GET.get("uai", "")}
        form = TransfertForm(initial=initial, user=request.user)
        return _form(request, form)
    form = TransfertForm(request.POST, user=request.user)
    if not form.is_valid():
        return _form(request, form)
    apprenant, destination = form.cleaned_data["apprenant"], form.destination
    if "confirmer" not in request.POST:
        return render(request, "scolarite/transfert_confirm.html", {
            "apprenant": apprenant, "destination": destination,
            "counts": history_counts(learner_history_export(apprenant)),
            "inscription": apprenant.inscriptions.filter(fin__isnull=True).select_related("classe").first(),
        })
    try:
        apprenant_transferer(apprenant=apprenant, destination=destination, actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _form(request, form)
    messages.success(request, f"Le dossier de {apprenant} a été transféré à {destination} ({destination.uai}).")
    return redirect("transfert_list")


def _form(request, form):
    return render(request, "scolarite/transfert_form.html", {
        "form": form, "destinations": destinations_for(request.tenant)})


@role_required(Role.DIRECTION, Role.INSPECTEUR)
@require_safe
def dossier_detail(request, pk):
    dossier = dossier_get_for(request.user, pk)
    identite = {key: history_cell(value) for key, value in (dossier.contenu.get("apprenant") or {}).items()}
    return render(request, "scolarite/transfert_dossier.html", {
        "dossier": dossier, "identite": identite,
        "parts": history_display(dossier.contenu, etablissement=dossier.etablissement, uai=dossier.uai)})
