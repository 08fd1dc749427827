"""Bilans entreprise, under /bilans-entreprise/: the formateur opens one from a learner's fiche activités; formateur
and tutor fill it (together on one phone, or each on theirs) and each confirms; the printable form serves a visit
without the app. What one may not see is a 404; a write by someone who only reads is a 403.

Every view: access → one service → render."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .access_bilan import bilan_get_for, bilan_staff_check
from .access_fiches import apprenant_fiche_get_for, voit_cote_centre
from .models_bilan import BilanEntreprise
from .selectors_bilan import bilan_contenu
from .services_bilan import (
    Enregistrement,
    bilan_entreprise_confirm,
    bilan_entreprise_create,
    bilan_entreprise_save,
    est_tuteur_du_bilan,
    peut_remplir,
)
from .services_fiches import peut_preparer

READERS = (Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR, Role.TUTEUR, Role.APPRENANT)


def _date_posted(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@role_required(Role.DIRECTION, Role.FORMATEUR)
def bilan_ouvrir(request, periode_pk: int, apprenant_pk: int):
    """Open the learner's bilan for the period, on a date (the visit's), filled together or from the paper form."""
    periode, apprenant = apprenant_fiche_get_for(request.user, periode_pk, apprenant_pk)
    if not voit_cote_centre(request.user, periode):
        raise PermissionDenied("Seuls la direction et les formateurs de la classe ouvrent un bilan entreprise.")
    existant = BilanEntreprise.objects.filter(periode=periode, apprenant=apprenant).first()
    if existant is not None:
        return redirect("bilan_entreprise", pk=existant.pk)
    today = timezone.localdate()
    valeurs = {"date": min(today, periode.fin).isoformat(), "mode": BilanEntreprise.Mode.VISITE}
    errors = []
    if request.method == "POST":
        valeurs = {"date": request.POST.get("date", ""), "mode": request.POST.get("mode", "")}
        try:
            date = _date_posted(valeurs["date"])
            if date is None:
                raise ValidationError("Indiquez la date du bilan (jj/mm/aaaa).", code="date")
            bilan = bilan_entreprise_create(periode=periode, apprenant=apprenant, date=date, mode=valeurs["mode"],
                                            actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Bilan ouvert : il reprend les critères de la fiche activités.")
            return redirect("bilan_entreprise", pk=bilan.pk)
    return render(request, "entreprise/bilans/ouvrir.html", {
        "periode": periode, "apprenant": apprenant, "valeurs": valeurs, "errors": errors,
        "modes": BilanEntreprise.Mode.choices,
    }, status=400 if errors else 200)


def _posted(request, contenu) -> tuple[dict, dict]:
    valeurs, commentaires = {}, {}
    for groupe in contenu["groupes"]:
        for ligne in groupe.lignes:
            pk = ligne.lien.critere_id
            if f"valeur-{pk}" in request.POST:
                valeurs[pk] = request.POST.get(f"valeur-{pk}", "")
            if f"commentaire-{pk}" in request.POST:
                commentaires[pk] = request.POST.get(f"commentaire-{pk}", "")
    return valeurs, commentaires


@role_required(*READERS)
def bilan_entreprise(request, pk: int):
    """The bilan: read, fill (formateurs of the classe, the direction, its tutor), confirm."""
    bilan = bilan_get_for(request.user, pk)
    contenu = bilan_contenu(bilan)
    can_fill = peut_remplir(request.user, bilan) and not bilan.valide
    errors = []
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied("Ce bilan ne se modifie pas.")
        valeurs, commentaires = _posted(request, contenu)
        vu = request.POST.get("vu", "")
        confirmer = request.POST.get("action") == "confirmer"
        try:
            fait = bilan_entreprise_save(bilan=bilan, valeurs=valeurs, commentaires=commentaires,
                                         appreciation=request.POST.get("appreciation"), actor=request.user,
                                         vu=int(vu) if vu.isdigit() else None, confirmer=confirmer)
        except ValidationError as error:
            errors = error.messages
        else:
            _messages_of(request, fait)
            if fait.confirme and est_tuteur_du_bilan(request.user, bilan):
                return redirect("tuteur_home")  # the tutor goes back to what else awaits them
            return redirect("bilan_entreprise", pk=bilan.pk)
    bilan.refresh_from_db()
    return render(request, "entreprise/bilans/bilan.html", {
        "bilan": bilan, **contenu, "can_fill": can_fill, "errors": errors,
        "est_tuteur": est_tuteur_du_bilan(request.user, bilan),
        "cote_centre": bilan_staff_check(request.user, bilan),
        "peut_papier": peut_preparer(request.user, bilan.periode.classe) and not bilan.confirme_tuteur_le,
    }, status=400 if errors else 200)


def _messages_of(request, fait: Enregistrement) -> None:
    if fait.refus_confirmation:  # what was typed is kept: only the confirmation waits
        messages.error(request, "Vos choix sont enregistrés, mais le bilan n'est pas confirmé : "
                       + " ".join(fait.refus_confirmation))
        return
    if fait.saisie.conflit:
        messages.warning(request, "Quelqu'un d'autre a aussi rempli ce bilan pendant que vous le lisiez : "
                                  "vos choix sont enregistrés, l'historique montre les deux.")
    if fait.saisie.confirmations_retirees:
        messages.warning(request, "Le bilan a changé après une confirmation : chacun doit le confirmer à nouveau.")
    messages.success(request, "Bilan confirmé. Merci !" if fait.confirme else
                     f"{fait.saisie.ecrites} changement(s) enregistré(s)." if fait.saisie.ecrites else
                     "Rien n'a changé.")


@role_required(Role.DIRECTION, Role.FORMATEUR, Role.TUTEUR)
@require_POST
def bilan_confirmer(request, pk: int):
    """Confirm without changing anything; `papier=1`: the formateur records the tutor's signed paper form."""
    bilan = bilan_get_for(request.user, pk)
    if not peut_remplir(request.user, bilan):
        raise PermissionDenied("Seuls les formateurs de la classe, la direction et le tuteur confirment ce bilan.")
    try:
        bilan_entreprise_confirm(bilan=bilan, actor=request.user, papier=request.POST.get("papier") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Signature du tuteur enregistrée." if request.POST.get("papier") == "1"
                         else "Bilan confirmé. Merci !")
        if est_tuteur_du_bilan(request.user, bilan):
            return redirect("tuteur_home")
    return redirect("bilan_entreprise", pk=bilan.pk)


@role_required(*READERS)
def bilan_imprimer(request, pk: int):
    """The prefilled form to print for a visit without the app (a PDF comes with the documents)."""
    bilan = bilan_get_for(request.user, pk)
    return render(request, "entreprise/bilans/imprimer.html", {"bilan": bilan, **bilan_contenu(bilan)})
