"""Writes of the class grid and of the learner's positionnement. Run inside the establishment's schema.

Evaluations are append-only: saving, correcting, clearing and undoing each add an event; nothing is updated.
Saves of one cell are serialised by a transaction-scoped advisory lock, so of two people saving the same cell
at once, the second always sees the first's event and is told (`conflit`), and both events stay.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.roles import Role
from referentiels.models import Critere
from tenants.access import abonnement_ecriture_check

from .models import (
    CommentaireApprenant,
    Echelle,
    Evaluation,
    Lieu,
    Positionnement,
    ScenarioCritere,
    Situation,
)
from .selectors_grille import cell_latest, situation_has_apprenant, situation_membre, valeur_find


@dataclass
class EvaluationResult:
    evaluation: Evaluation
    conflit: bool  # someone else saved the cell after the event the author saw
    precedent: Evaluation | None  # the cell's latest event before this one


def valeur_resolve(portee: str, valeur: str) -> tuple:
    """(niveau, etat) for a level or special-state code of the current version of the scale in use for `portee`
    (case ignored); (None, None) for ""."""
    code = (valeur or "").strip()
    if not code:
        return None, None
    niveau, etat = valeur_find(portee, code)
    if niveau is None and etat is None:
        raise ValidationError(f"« {valeur} » n'est ni un niveau ni un état de l'échelle en usage.")
    return niveau, etat


def _cell_key(situation, apprenant, critere, competence) -> str:
    return f"grille:{situation.pk}:{apprenant.pk}:{getattr(critere, 'pk', '')}:{getattr(competence, 'pk', '')}"


def _cell_check(situation: Situation, apprenant, critere, competence, *, verrou: bool = False) -> None:
    """The learner takes part in the situation and the criterion (or competency) is the scenario's: one query.
    With `verrou`, the same statement takes the cell's lock (see `_lock_cell`), so a save costs one round trip
    less; the next statement's snapshot then sees every event committed before the lock was granted."""
    if (critere is None) == (competence is None):
        raise ValidationError("Choisissez un critère ou une compétence.")
    links = ScenarioCritere.objects.filter(scenario_id=OuterRef("scenario_id"))
    links = links.filter(critere_id=critere.pk) if critere is not None else links.filter(
        critere__competence_id=competence.pk)
    flags = Situation.objects.filter(pk=situation.pk).annotate(
        membre=ExpressionWrapper(situation_membre(situation, apprenant), output_field=BooleanField()),
        cible=Exists(links))
    if verrou:
        flags = flags.annotate(verrou=RawSQL("pg_advisory_xact_lock(hashtext(%s))::text IS NOT NULL",
                                             [_cell_key(situation, apprenant, critere, competence)],
                                             output_field=BooleanField()))
    flags = flags.values("membre", "cible", *(["verrou"] if verrou else [])).first()  # values() drops the rest
    if not flags or not flags["membre"]:
        raise ValidationError("Cet apprenant ne fait pas partie de la situation.")
    if not flags["cible"]:
        raise ValidationError("Ce critère n'est pas évalué dans ce scénario." if critere is not None
                              else "Cette compétence n'est pas évaluée dans ce scénario.")


def _lock_cell(situation, apprenant, critere, competence) -> None:
    """Serialises the writes of one cell until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                       [_cell_key(situation, apprenant, critere, competence)])


def _append(*, situation, apprenant, critere, competence, niveau, etat, auteur, role, vu, commentaire,
            lieu) -> EvaluationResult:
    """Append the event; the caller holds the cell's lock."""
    precedent = cell_latest(situation, apprenant, critere=critere, competence=competence)
    vu_pk = getattr(vu, "pk", vu)
    vu_pk = int(vu_pk) if vu_pk not in (None, "") else None
    conflit = precedent is not None and precedent.pk != vu_pk
    if conflit and vu_pk is not None and not Evaluation.objects.filter(
            pk=vu_pk, situation=situation, apprenant=apprenant, critere=critere, competence=competence).exists():
        raise ValidationError("L'état vu de la cellule est inconnu : rechargez la grille.")
    evaluation = Evaluation.objects.create(
        situation=situation, apprenant=apprenant, critere=critere, competence=competence, niveau=niveau,
        etat=etat, commentaire=commentaire.strip(), auteur=auteur, role=role, lieu=lieu, at=timezone.now(),
        vu_id=vu_pk,
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
    _cell_check(situation, apprenant, critere, competence, verrou=True)
    portee = Echelle.Portee.COMPETENCE if competence is not None else Echelle.Portee.CRITERE
    niveau, etat = valeur_resolve(portee, valeur)
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
    niveau, etat = valeur_resolve(Echelle.Portee.CRITERE, valeur)
    if etat is not None:
        raise ValidationError("Choisissez un niveau de l'échelle.")
    return Positionnement.objects.create(apprenant=apprenant, situation=situation, critere=critere, niveau=niveau,
                                         commentaire=commentaire.strip(), at=timezone.now())


@transaction.atomic
def positionnements_record(*, apprenant, situation: Situation, valeurs: dict[int, str], auteur) -> list[Positionnement]:
    """The learner's page sends every criterion at once (critère pk → level code, "" for none): a criterion whose
    value did not change gets no new row; one bad value and nothing is written."""
    criteres = {c.pk: c for c in Critere.objects.filter(pk__in=list(valeurs))}
    if len(criteres) != len(valeurs):
        raise ValidationError("Critère inconnu.")
    actuels = {p.critere_id: (p.niveau.code if p.niveau_id else "") for p in
               Positionnement.objects.filter(apprenant=apprenant, situation=situation, critere_id__in=list(valeurs))
               .order_by("critere_id", "-at", "-id").distinct("critere_id").select_related("niveau")}
    return [positionnement_record(apprenant=apprenant, situation=situation, critere=criteres[pk], valeur=valeur,
                                  auteur=auteur)
            for pk, valeur in valeurs.items() if (valeur or "").strip().upper() != actuels.get(pk, "").upper()]


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
