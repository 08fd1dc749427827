"""The period grade: a validated bilan's grade page (/bilans/<pk>/note/: weights, computed grade updated as one
types, adjustment, recording; applying the weights to the same-profile learners) and a classe's grades by date."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.access import role_required

from .access import LECTEURS, bilan_note_for, classe_for_bilans
from .forms_notes import ajustement_of, poids_of
from .models_notes import AJUSTEMENT_MAX
from .selectors_notes import (
    AJUSTEMENT_REFUS,
    NotePage,
    classe_notes,
    note_finale_of,
    note_of,
    note_page,
    poids_erreurs,
    poids_of_note,
)
from .services_notes import note_finalise, note_poids_set, notes_appliquer


@dataclass
class Calcul:
    """What the typed weights give, shown live: total, computed grade, final grade with the adjustment."""

    total: Decimal | None = None
    valeur: Decimal | None = None
    finale: Decimal | None = None
    erreurs: list[str] = field(default_factory=list)


def _fr(nombre: Decimal) -> str:
    return f"{nombre:.1f}".replace(".", ",")


def _calcul(page: NotePage, poids: dict, erreurs: list[str], ajustement: Decimal) -> Calcul:
    calcul = Calcul(erreurs=list(erreurs))
    if len(poids) == len(page.lignes):
        calcul.total = sum(poids.values(), Decimal(0))
        calcul.erreurs += poids_erreurs(poids, [ligne.competence_id for ligne in page.lignes])
    if page.lignes and not calcul.erreurs:
        calcul.valeur = note_of({ligne.competence_id: ligne.valeur for ligne in page.lignes}, poids)
        if abs(ajustement) <= AJUSTEMENT_MAX:  # the justification is checked on saving only
            calcul.finale = note_finale_of(calcul.valeur, ajustement)
        else:
            calcul.erreurs.append(AJUSTEMENT_REFUS)
    return calcul


def _render(request, page: NotePage, *, saisies: dict, ajustement: str = "", justification: str = "",
            erreurs=(), calcul: Calcul | None = None, status: int = 200):
    for ligne in page.lignes:
        ligne.saisie = saisies.get(ligne.competence_id, "")
    affichee = page.en_vigueur or page.proposition
    if affichee is not None:  # the readers' table: the weights of the grade shown
        poids = poids_of_note(affichee)
        for ligne in page.lignes:
            ligne.poids_note = poids.get(ligne.competence_id)
    return render(request, "bilans/note.html", {
        "bilan": page.bilan, "page": page, "calcul": calcul, "erreurs": list(erreurs),
        "ajustement": ajustement, "justification": justification, "affichee": affichee,
    }, status=status)


@role_required(*LECTEURS)
def bilan_note(request, pk: int):
    """GET: the grade in force, and for a formateur of the classe the weights form (the proposal's weights, else
    the grade in force's, else the default model; `?defaut=1`: the default model). POST `action`: « calculer »
    (nothing written; the HTMX requests), « proposer », « appliquer » or « finaliser »."""
    bilan = bilan_note_for(request.user, pk, ecriture=request.method == "POST")
    page = note_page(bilan)
    if request.method != "POST":
        poids = dict(page.defaut) if request.GET.get("defaut") else page.poids_initiaux()
        calcul = _calcul(page, poids, [], Decimal(0)) if bilan.valide else None
        return _render(request, page, saisies={c: str(p) for c, p in poids.items()}, calcul=calcul)
    poids, erreurs = poids_of(request.POST, page.lignes)
    ajustement, justification, erreurs_ajustement = ajustement_of(request.POST)
    action = request.POST.get("action", "calculer")
    saisies = {ligne.competence_id: request.POST.get(f"poids-{ligne.competence_id}", "") for ligne in page.lignes}
    formulaire = {"saisies": saisies, "ajustement": request.POST.get("ajustement", ""),
                  "justification": justification}
    calcul = _calcul(page, poids, erreurs, ajustement) if bilan.valide else None
    if action not in ("proposer", "appliquer", "finaliser"):
        return _render(request, page, calcul=calcul, **formulaire)
    if action == "finaliser":
        erreurs += erreurs_ajustement
    if erreurs:
        return _render(request, page, erreurs=erreurs, calcul=calcul, status=400, **formulaire)
    try:
        if action == "proposer":
            note = note_poids_set(bilan=bilan, poids=poids, actor=request.user)
            messages.success(request, f"Note proposée enregistrée : {_fr(note.valeur_calculee)} / 20. Elle n'est "
                                      "pas encore la note de période : enregistrez-la pour la finaliser.")
        elif action == "appliquer":
            result = notes_appliquer(bilan=bilan, poids=poids, actor=request.user)
            messages.success(request, f"Poids appliqués : {len(result.notes)} note(s) proposée(s), à finaliser "
                                      "pour chaque apprenant.")
            for ignore in result.ignores:
                messages.warning(request, f"Pas appliqué à {ignore}")
            return redirect("bilans_classe_notes", pk=bilan.classe_id)
        else:
            vu = request.POST.get("vu", "")
            note = note_finalise(bilan=bilan, poids=poids, ajustement=ajustement, justification=justification,
                                 actor=request.user, vu=int(vu) if vu.isdigit() else None)
            messages.success(request, f"Note de période enregistrée : {_fr(note.note_finale)} / 20.")
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "conflit" else 400
        return _render(request, page, erreurs=error.messages, calcul=calcul, status=status, **formulaire)
    return redirect("bilan_note", pk=bilan.pk)


@role_required(*LECTEURS)
def bilans_classe_notes(request, pk: int):
    """The classe's period grades, by bilan date: each learner's grade in force and proposal."""
    classe = classe_for_bilans(request.user, pk)
    return render(request, "bilans/notes_classe.html", {"classe": classe, "seances": classe_notes(classe)})
