"""The classe's side of bilans intermédiaires: the list of classes, a classe's bilans by date (and their creation),
the class fill page (learners × competencies) and its per-cell save, which answers the cell's HTML."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.access import role_required
from scolarite.selectors import classe_list
from tenants.annees import annee_scolaire_of

from .access import LECTEURS, classe_for_bilans, ligne_for
from .forms import DateBilanForm
from .models import BilanLigne
from .rendu import cellule_html
from .selectors import bilans_seances, classe_suivi
from .selectors_feuille import bilans_classe, choix_of
from .services import bilan_ligne_set, bilans_classe_create
from .services_saisie import bilans_enregistrer


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _jour(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def valeurs_of(post) -> dict[int, dict]:
    """The whole form's lines: `l-<pk>` the level, `v-<pk>` the revision seen, `o-<pk>`/`oc-<pk>` the level and
    comment shown, `c-<pk>` the comment (absent on the class page: unchanged)."""
    valeurs = {}
    for key, value in post.items():
        if key.startswith("l-") and key[2:].isdigit() and len(key) < 20:
            pk = int(key[2:])
            initial = (post.get(f"o-{pk}", ""), post.get(f"oc-{pk}")) if f"o-{pk}" in post else None
            valeurs[pk] = {"code": value, "vu": _int(post.get(f"v-{pk}")), "commentaire": post.get(f"c-{pk}"),
                           "initial": initial}
    return valeurs


def enregistrement_messages(request, result) -> None:
    """What a whole-form post did, in French: levels saved, lines refused (each with why), validations."""
    saisie, validation = result.saisie, result.validation
    if saisie.enregistrees:
        messages.success(request, f"{saisie.enregistrees} ligne(s) enregistrée(s).")
    for ligne, message in saisie.refus:
        messages.error(request, f"{ligne.bilan.apprenant}, {ligne.competence.code} : {message}")
    if saisie.refus and request.POST.get("action") == "valider":
        messages.warning(request, "Rien n'est validé : vérifiez d'abord les lignes non enregistrées.")
    if validation is not None:
        if validation.valides:
            messages.success(request, f"{len(validation.valides)} bilan(s) validé(s) : ils ne changeront plus.")
        for refus in validation.refus:
            messages.error(request, f"Non validé — {refus}")
    elif not saisie.enregistrees and not saisie.refus:
        messages.info(request, "Rien n'a changé.")


@role_required(*LECTEURS)
def bilans_index(request):
    annee = annee_scolaire_of(timezone.localdate())
    return render(request, "bilans/index.html", {"classes": classe_list(user=request.user, annee_scolaire=annee)})


@role_required(*LECTEURS)
def bilans_classe_page(request, pk: int):
    """The classe's bilans by date, its learners with their bilan in force, and the creation form."""
    classe = classe_for_bilans(request.user, pk, ecriture=request.method == "POST")
    form = DateBilanForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        date = form.cleaned_data["date"]
        try:
            result = bilans_classe_create(classe=classe, date=date, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            if result.crees:
                messages.success(request, f"{len(result.crees)} bilan(s) créé(s), prérempli(s) avec les niveaux "
                                          "suggérés.")
            if result.deja_faits:
                messages.info(request, f"{len(result.deja_faits)} apprenant(s) avaient déjà leur bilan à cette date.")
            for ignore in result.ignores:
                messages.warning(request, f"Pas de nouveau bilan pour {ignore}")
            return redirect("bilans_feuille", pk=classe.pk, jour=date.isoformat())
    return render(request, "bilans/classe.html", {
        "classe": classe, "form": form, "errors": errors, "seances": bilans_seances(classe),
        "suivi": classe_suivi(classe, timezone.localdate()),
    }, status=400 if request.method == "POST" else 200)


@role_required(*LECTEURS)
def bilans_feuille(request, pk: int, jour: str):
    """Learners × competencies of one date; each cell saves on its own (bilans.js), or the whole form posts
    (its « Valider » button saves, then validates every bilan in progress of the date)."""
    date = _jour(jour)
    classe = classe_for_bilans(request.user, pk, ecriture=request.method == "POST")
    feuille = bilans_classe(classe, date)
    if request.method == "POST":
        bilans = [ligne.bilan for ligne in feuille.lignes]  # a line of a bilan validated meanwhile: refused, told
        try:
            enregistrement_messages(request, bilans_enregistrer(
                bilans=bilans, valeurs=valeurs_of(request.POST), actor=request.user, classe=classe, date=date,
                valider=request.POST.get("action") == "valider"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("bilans_feuille", pk=classe.pk, jour=jour)
    if not feuille.lignes:
        raise Http404
    for ligne in feuille.lignes:
        modifiable = classe.peut_ecrire and not ligne.bilan.valide
        choix = feuille.choix.get(ligne.bilan.version_id, [])
        ligne.html = mark_safe("".join(  # noqa: S308 -- cellule_html escapes every value
            cellule_html(cellule, choix, apprenant_id=ligne.apprenant.pk, competence_id=competence.pk,
                         modifiable=modifiable) for cellule, competence in zip(ligne.cellules, feuille.competences,
                                                                               strict=True)))
    return render(request, "bilans/feuille.html", {"classe": classe, "feuille": feuille})


@role_required(*LECTEURS)
@require_POST
def bilans_ligne(request, pk: int):
    """One cell of the class fill page: saves the level and answers the cell (200 saved, 409 changed by someone
    else meanwhile, 400 refused), showing the line as it now is."""
    ligne = ligne_for(request.user, pk)
    statut, message, status = "enregistre", "", 200
    try:
        bilan_ligne_set(ligne=ligne, niveau_code=request.POST.get("niveau", ""), commentaire=None,
                        actor=request.user, vu=_int(request.POST.get("vu")))
    except ValidationError as error:
        conflit = getattr(error, "code", None) == "conflit"
        statut, status = ("conflit", 409) if conflit else ("erreur", 400)
        message = " ".join(error.messages)
    ligne = BilanLigne.objects.select_related("niveau", "etat", "bilan").get(pk=ligne.pk)
    html = cellule_html(ligne, choix_of({ligne.bilan.version_id}).get(ligne.bilan.version_id, []),
                        apprenant_id=ligne.bilan.apprenant_id, competence_id=ligne.competence_id,
                        modifiable=not ligne.bilan.valide, statut=statut, message=message)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
