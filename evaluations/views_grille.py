"""The class grid of a situation: the page, and the fragments the grid's script asks for (a cell after a save
or an undo, a cell's history). Saves answer with the cell's HTML; a refusal answers 400 with the cell unchanged
and a French message in it."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.roles import Role
from referentiels.models import Competence, Critere
from scolarite.models import Apprenant

from .access_grille import LECTEURS, situation_for_grid
from .grille_rendu import cellule_html
from .models import Evaluation
from .selectors_grille import Cellule, Ligne, cell_history, cell_latest, commentaires_latest, grille
from .services_grille import commentaire_apprenant_record, evaluation_record, evaluation_undo


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cell_target(request, situation):
    """(apprenant, critere, competence) named by the request, or a ValidationError in French."""
    data = request.POST if request.method == "POST" else request.GET
    apprenant = Apprenant.objects.filter(pk=_int(data.get("apprenant"))).first()
    if apprenant is None:
        raise ValidationError("Apprenant inconnu.")
    if situation.par_competence:
        competence = Competence.objects.filter(pk=_int(data.get("competence"))).first()
        if competence is None:
            raise ValidationError("Compétence inconnue.")
        return apprenant, None, competence
    critere = Critere.objects.filter(pk=_int(data.get("critere"))).first()
    if critere is None:
        raise ValidationError("Critère inconnu.")
    return apprenant, critere, None


def _cell_response(request, situation, apprenant, colonne, evaluation, *, statut="", message="", precedent=None,
                   status=200):
    html = cellule_html(Cellule(apprenant, colonne, evaluation), statut=statut, message=message,
                        precedent=precedent)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


@role_required(*LECTEURS)
@require_GET
def grille_page(request, pk: int):
    situation = situation_for_grid(request.user, pk)
    data = grille(situation)
    for ligne in data.lignes:
        ligne.html = mark_safe("".join(cellule_html(cellule) for cellule in ligne.cellules))  # noqa: S308 -- escaped
    return render(request, "evaluations/grille.html", {"situation": situation, "grille": data})


@role_required(*LECTEURS)
@require_POST
def grille_cellule(request, pk: int):
    situation = situation_for_grid(request.user, pk, ecriture=True)
    try:
        apprenant, critere, competence = _cell_target(request, situation)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    colonne = critere or competence
    try:
        result = evaluation_record(
            situation=situation, apprenant=apprenant, critere=critere, competence=competence,
            valeur=request.POST.get("valeur", ""), auteur=request.user, role=Role.FORMATEUR,
            vu=_int(request.POST.get("vu")), commentaire=request.POST.get("commentaire", "")[:2000],
        )
    except ValidationError as error:
        latest = cell_latest(situation, apprenant, critere=critere, competence=competence)
        return _cell_response(request, situation, apprenant, colonne, latest, statut="erreur",
                              message=" ".join(error.messages), status=400)
    return _cell_response(request, situation, apprenant, colonne, result.evaluation,
                          statut="conflit" if result.conflit else "enregistre", precedent=result.precedent)


@role_required(*LECTEURS)
@require_POST
def grille_annuler(request, pk: int):
    situation = situation_for_grid(request.user, pk, ecriture=True)
    evaluation = (Evaluation.objects.filter(situation=situation, pk=_int(request.POST.get("evaluation")))
                  .select_related("apprenant", "critere", "competence").first())
    if evaluation is None:
        return HttpResponse("Enregistrement inconnu.", status=400, content_type="text/plain; charset=utf-8")
    colonne = evaluation.critere or evaluation.competence
    try:
        result = evaluation_undo(evaluation=evaluation, auteur=request.user, role=Role.FORMATEUR)
    except ValidationError as error:
        latest = cell_latest(situation, evaluation.apprenant, critere=evaluation.critere,
                             competence=evaluation.competence)
        return _cell_response(request, situation, evaluation.apprenant, colonne, latest, statut="erreur",
                              message=" ".join(error.messages), status=400)
    undone = Evaluation.objects.select_related("niveau", "etat", "auteur").get(pk=result.evaluation.pk)
    return _cell_response(request, situation, evaluation.apprenant, colonne, undone, statut="annule")


@role_required(*LECTEURS)
@require_GET
def grille_historique(request, pk: int):
    situation = situation_for_grid(request.user, pk)
    try:
        apprenant, critere, competence = _cell_target(request, situation)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    return render(request, "evaluations/grille_historique.html", {
        "situation": situation, "apprenant": apprenant, "colonne": critere or competence,
        "evenements": cell_history(situation, apprenant, critere=critere, competence=competence),
    })


@role_required(*LECTEURS)
@require_POST
def grille_commentaire(request, pk: int):
    """The comment on a learner's whole work in the situation; answers the row's comment cell."""
    situation = situation_for_grid(request.user, pk, ecriture=True)
    apprenant = Apprenant.objects.filter(pk=_int(request.POST.get("apprenant"))).first()
    if apprenant is None:
        return HttpResponse("Apprenant inconnu.", status=400, content_type="text/plain; charset=utf-8")
    statut, message, status = "enregistre", "", 200
    try:
        commentaire_apprenant_record(situation=situation, apprenant=apprenant, texte=request.POST.get("texte", ""),
                                     auteur=request.user)
    except ValidationError as error:
        statut, message, status = "erreur", " ".join(error.messages), 400
    ligne = Ligne(apprenant, [], commentaires_latest(situation, apprenant).get(apprenant.pk))
    return render(request, "evaluations/grille_commentaire.html", {
        "situation": situation, "ligne": ligne, "statut": statut, "message": message}, status=status)
