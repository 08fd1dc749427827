"""Writes of the class grid and of the learner's positionnement. Run inside the establishment's schema.

Evaluations are append-only: saving, correcting, clearing and undoing each add an event; nothing is updated.
Saves of one cell are serialised by a transaction-scoped advisory lock, so of two people saving the same cell
at once, the second always sees the first's event and is told (`conflit`), and both events stay.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from tenants.access import abonnement_ecriture_check

from .models import (
    CommentaireApprenant,
    Echelle,
    EchelleVersion,
    Evaluation,
    Lieu,
    Positionnement,
    ScenarioCritere,
    Situation,
)
from .selectors_grille import cell_latest, echelle_version_for, situation_has_apprenant


@dataclass
class EvaluationResult:
    evaluation: Evaluation
    conflit: bool  # someone else saved the cell after the event the author saw
    precedent: Evaluation | None  # the cell's latest event before this one


def valeur_resolve(version: EchelleVersion | None, valeur: str) -> tuple:
    """(niveau, etat) for a level or special-state code of `version` (case ignored); (None, None) for ""."""
    code = (valeur or "").strip().upper()
    if not code:
        return None, None
    if version is not None:
        for niveau in version.niveaux.all():
            if niveau.code.upper() == code:
                return niveau, None
        for etat in version.etats.all():
            if etat.code.upper() == code:
                return None, etat
    raise ValidationError(f"« {valeur} » n'est ni un niveau ni un état de l'échelle en usage.")


def _cell_check(situation: Situation, apprenant, critere, competence) -> None:
    if (critere is None) == (competence is None):
        raise ValidationError("Choisissez un critère ou une compétence.")
    if not situation_has_apprenant(situation, apprenant):
        raise ValidationError("Cet apprenant ne fait pas partie de la situation.")
    links = ScenarioCritere.objects.filter(scenario_id=situation.scenario_id)
    if critere is not None and not links.filter(critere_id=critere.pk).exists():
        raise ValidationError("Ce critère n'est pas évalué dans ce scénario.")
    if competence is not None and not links.filter(critere__competence_id=competence.pk).exists():
        raise ValidationError("Cette compétence n'est pas évaluée dans ce scénario.")


def _lock_cell(situation, apprenant, critere, competence) -> None:
    key = f"grille:{situation.pk}:{apprenant.pk}:{getattr(critere, 'pk', '')}:{getattr(competence, 'pk', '')}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _append(*, situation, apprenant, critere, competence, niveau, etat, auteur, role, vu, commentaire,
            lieu) -> EvaluationResult:
    _lock_cell(situation, apprenant, critere, competence)
    precedent = cell_latest(situation, apprenant, critere=critere, competence=competence)
    vu_pk = getattr(vu, "pk", vu)
    conflit = precedent is not None and precedent.pk != (int(vu_pk) if vu_pk not in (None, "") else None)
    evaluation = Evaluation.objects.create(
        situation=situation, apprenant=apprenant, critere=critere, competence=competence, niveau=niveau,
        etat=etat, commentaire=commentaire.strip(), auteur=auteur, role=role, lieu=lieu, at=timezone.now(),
        vu_id=int(vu_pk) if vu_pk not in (None, "") else None,
    )
    return EvaluationResult(evaluation, conflit, precedent)


@transaction.atomic
def evaluation_record(*, situation: Situation, apprenant, critere=None, competence=None, valeur: str, auteur,
                      role: str = Role.FORMATEUR, vu=None, commentaire: str = "",
                      lieu: str = Lieu.CENTRE) -> EvaluationResult:
    """Append the cell's new state: a level or special-state code of the current scale version, or "" to clear.
    `vu` is the event (or its pk) the author saw as the cell's latest."""
    abonnement_ecriture_check(connection.tenant)
    if lieu not in Lieu.values:
        raise ValidationError("Lieu inconnu.")
    _cell_check(situation, apprenant, critere, competence)
    portee = Echelle.Portee.COMPETENCE if competence is not None else Echelle.Portee.CRITERE
    niveau, etat = valeur_resolve(echelle_version_for(portee), valeur)
    if vu not in (None, "") and not Evaluation.objects.filter(
            pk=getattr(vu, "pk", vu), situation=situation, apprenant=apprenant, critere=critere,
            competence=competence).exists():
        raise ValidationError("L'état vu de la cellule est inconnu : rechargez la grille.")
    return _append(situation=situation, apprenant=apprenant, critere=critere, competence=competence, niveau=niveau,
                   etat=etat, auteur=auteur, role=role, vu=vu, commentaire=commentaire, lieu=lieu)


@transaction.atomic
def evaluation_undo(*, evaluation: Evaluation, auteur, role: str = Role.FORMATEUR) -> EvaluationResult:
    """Append an event that gives the cell back the state it had just before `evaluation` (empty if it was the
    first). Undoing is itself an event, so it can be undone too."""
    abonnement_ecriture_check(connection.tenant)
    cell = {"situation_id": evaluation.situation_id, "apprenant_id": evaluation.apprenant_id,
            "critere_id": evaluation.critere_id, "competence_id": evaluation.competence_id}
    avant = (Evaluation.objects.filter(**cell).filter(at__lte=evaluation.at).exclude(pk=evaluation.pk)
             .exclude(at=evaluation.at, id__gt=evaluation.pk).order_by("-at", "-id").first())
    situation = evaluation.situation
    _lock_cell(situation, evaluation.apprenant, evaluation.critere, evaluation.competence)
    latest = cell_latest(situation, evaluation.apprenant, critere=evaluation.critere,
                         competence=evaluation.competence)
    if latest is None or latest.pk != evaluation.pk:
        raise ValidationError("La cellule a changé depuis cet enregistrement : rien n'a été annulé. Consultez son "
                              "historique.")
    return _append(situation=situation, apprenant=evaluation.apprenant, critere=evaluation.critere,
                   competence=evaluation.competence, niveau=avant.niveau if avant else None,
                   etat=avant.etat if avant else None, auteur=auteur, role=role, vu=evaluation,
                   commentaire=avant.commentaire if avant else "", lieu=evaluation.lieu)


@transaction.atomic
def positionnement_record(*, apprenant, situation: Situation, critere, valeur: str, auteur,
                          commentaire: str = "") -> Positionnement:
    """The learner's own level on a criterion of a formative situation, beside the formateur's (never replacing
    it): a new row each time; "" withdraws it."""
    if apprenant.user_id is None or apprenant.user_id != auteur.pk:
        raise ValidationError("Seul l'apprenant se positionne lui-même.")
    abonnement_ecriture_check(connection.tenant)
    if situation.nature != Situation.Nature.FORMATIVE:
        raise ValidationError("Le positionnement se fait sur les situations formatives.")
    _cell_check(situation, apprenant, critere, None)
    niveau, etat = valeur_resolve(echelle_version_for(Echelle.Portee.CRITERE), valeur)
    if etat is not None:
        raise ValidationError("Choisissez un niveau de l'échelle.")
    return Positionnement.objects.create(apprenant=apprenant, situation=situation, critere=critere, niveau=niveau,
                                         commentaire=commentaire.strip(), at=timezone.now())


@transaction.atomic
def commentaire_apprenant_record(*, situation: Situation, apprenant, texte: str, auteur) -> CommentaireApprenant:
    """The formateur's comment on a learner's whole work in the situation: a new row each time ("" clears)."""
    abonnement_ecriture_check(connection.tenant)
    if not situation_has_apprenant(situation, apprenant):
        raise ValidationError("Cet apprenant ne fait pas partie de la situation.")
    texte = (texte or "").strip()
    if len(texte) > 2000:
        raise ValidationError("Le commentaire dépasse 2 000 caractères.")
    return CommentaireApprenant.objects.create(situation=situation, apprenant=apprenant, texte=texte, auteur=auteur,
                                               at=timezone.now())
