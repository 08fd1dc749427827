"""The period grade: a validated bilan's grade page (/bilans/<pk>/note/: weights, computed grade updated as one
types, adjustment, recording; applying the weights to the same-profile learners) and a classe's grades by date."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.access import role_required

from .access import LECTEURS, bilan_note_for, classe_for_bilans
from .forms_notes import ajustement_of, poids_of
from .selectors_notes import Calcul, NotePage, classe_notes, note_calcul, note_page, poids_of_note
from .services_notes import ACTIONS, note_enregistrer


def _fr(nombre: Decimal) -> str:
    return f"{nombre:.1f}".replace(".", ",")


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


@dataclass
class _Saisie:
    """The grade form as posted: parsed weights and adjustment, their errors, and what to show back."""

    poids: dict
    erreurs: list[str]
    ajustement: Decimal
    erreurs_ajustement: list[str]
    formulaire: dict


def _saisie(request, page: NotePage) -> _Saisie:
    poids, erreurs = poids_of(request.POST, page.lignes)
    ajustement, justification, erreurs_ajustement = ajustement_of(request.POST)
    saisies = {ligne.competence_id: request.POST.get(f"poids-{ligne.competence_id}", "") for ligne in page.lignes}
    return _Saisie(poids, list(erreurs), ajustement, list(erreurs_ajustement), {
        "saisies": saisies, "ajustement": request.POST.get("ajustement", ""), "justification": justification})


@role_required(*LECTEURS)
def bilan_note(request, pk: int):
    """GET: the grade in force, and for a formateur of the classe the weights form (the proposal's weights, else
    the grade in force's, else the default model; `?defaut=1`: the default model). POST `action`: « calculer »
    (nothing written; the HTMX requests), « proposer », « appliquer » or « finaliser »."""
    bilan = bilan_note_for(request.user, pk, ecriture=request.method == "POST")
    page = note_page(bilan)
    if request.method != "POST":
        poids = dict(page.defaut) if request.GET.get("defaut") else page.poids_initiaux()
        calcul = note_calcul(page, poids, [], Decimal(0)) if bilan.valide else None
        return _render(request, page, saisies={c: str(p) for c, p in poids.items()}, calcul=calcul)
    saisie, action = _saisie(request, page), request.POST.get("action", "calculer")
    calcul = note_calcul(page, saisie.poids, saisie.erreurs, saisie.ajustement) if bilan.valide else None
    if action not in ACTIONS:
        return _render(request, page, calcul=calcul, **saisie.formulaire)
    erreurs = saisie.erreurs + (saisie.erreurs_ajustement if action == "finaliser" else [])
    vu = request.POST.get("vu", "")
    try:
        if erreurs:
            raise ValidationError(erreurs)
        fait = note_enregistrer(bilan=bilan, action=action, poids=saisie.poids, ajustement=saisie.ajustement,
                                justification=saisie.formulaire["justification"], actor=request.user,
                                vu=int(vu) if vu.isdigit() else None)
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "conflit" else 400
        return _render(request, page, erreurs=error.messages, calcul=calcul, status=status, **saisie.formulaire)
    return _apres(request, action, fait, bilan)


def _apres(request, action: str, fait, bilan):
    if action == "appliquer":
        messages.success(request, f"Poids appliqués : {len(fait.notes)} note(s) proposée(s), à finaliser pour "
                                  "chaque apprenant.")
        for ignore in fait.ignores:
            messages.warning(request, f"Pas appliqué à {ignore}")
        return redirect("bilans_classe_notes", pk=bilan.classe_id)
    if action == "proposer":
        messages.success(request, f"Note proposée enregistrée : {_fr(fait.valeur_calculee)} / 20. Elle n'est pas "
                                  "encore la note de période : enregistrez-la pour la finaliser.")
    else:
        messages.success(request, f"Note de période enregistrée : {_fr(fait.note_finale)} / 20.")
    return redirect("bilan_note", pk=bilan.pk)


@role_required(*LECTEURS)
def bilans_classe_notes(request, pk: int):
    """The classe's period grades, by bilan date: each learner's grade in force and proposal."""
    classe = classe_for_bilans(request.user, pk)
    return render(request, "bilans/notes_classe.html", {"classe": classe, "seances": classe_notes(classe)})
