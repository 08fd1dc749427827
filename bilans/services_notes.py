"""Writes of the period grade (docs/bilans.md, « La note de période »). Run inside the establishment's schema;
every write needs a subscription in force, a validated bilan and a formateur of the bilan's classe. A refusal
raises ValidationError in French and writes nothing (one transaction each).

The bilan is only read (it is frozen): a grade is a Note of its own. A proposal (not finalised) may be rewritten;
a finalised note never is (migration 0003): redoing it makes a new Note that supersedes it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from tenants.access import abonnement_ecriture_check

from .models import Bilan, BilanLigne
from .models_notes import Note, NotePoids
from .selectors import nombres_de_niveaux
from .selectors_notes import (
    ajustement_erreurs,
    lignes_of,
    note_finale_of,
    note_of,
    poids_erreurs,
    poids_of_note,
    poids_par_defaut,
    valeur_of,
)

REFUS = "Seuls les formateurs de la classe du bilan font sa note de période."
NON_VALIDE = "Ce bilan n'est pas encore validé : la note de période se calcule à partir d'un bilan validé."


def _check(bilan: Bilan, actor) -> Bilan:
    """The bilan locked (one grade write at a time per bilan), validated, and the actor teaches its classe."""
    abonnement_ecriture_check(connection.tenant)
    bilan = (Bilan.objects.select_for_update(no_key=True, of=("self",)).select_related("classe", "apprenant")
             .get(pk=bilan.pk))
    if not (actor.has_role(Role.FORMATEUR) and bilan.classe.formateurs.filter(pk=actor.pk).exists()):
        raise ValidationError(REFUS)
    if not bilan.valide:
        raise ValidationError(NON_VALIDE)
    return bilan


def _raise(erreurs: list[str]) -> None:
    if erreurs:
        raise ValidationError(erreurs)


def _notes(bilan_ids) -> tuple[dict[int, Note], dict[int, Note]]:
    """(bilan pk → its proposal, → its last finalised note): one query."""
    propositions, finales = {}, {}
    for note in Note.objects.filter(bilan_id__in=list(bilan_ids)).order_by("finalisee_le", "id"):
        (finales if note.finalisee else propositions)[note.bilan_id] = note
    return propositions, finales


def _ecrire(propositions: list[Note], nouvelles: list[Note], poids: dict[int, Decimal]) -> list[Note]:
    """Existing proposals get the new computed grade and weights, new ones are inserted: five queries at most."""
    if propositions:
        NotePoids.objects.filter(note__in=propositions).delete()
        Note.objects.bulk_update(propositions, ["valeur_calculee"])
    if nouvelles:
        Note.objects.bulk_create(nouvelles)
    notes = propositions + nouvelles
    NotePoids.objects.bulk_create([NotePoids(note=note, competence_id=c, poids=p)
                                   for note in notes for c, p in poids.items()])
    return notes


def _proposition(bilan: Bilan, poids: dict[int, Decimal] | None, actor, *, garder: bool = True) -> Note:
    """The bilan's proposal with these weights, checked (None: with `garder` the proposal's own if any, else the
    default model)."""
    evaluees, _ = lignes_of(bilan)
    if not evaluees:
        raise ValidationError("Aucune compétence n'est évaluée dans ce bilan (toutes « non évaluées ») : pas de "
                              "note de période possible.")
    ids = [ligne.competence_id for ligne in evaluees]
    propositions, finales = _notes([bilan.pk])
    proposition = propositions.get(bilan.pk)
    if poids is None:
        garde = proposition is not None and garder
        poids = poids_of_note(proposition) if garde else poids_par_defaut(bilan.referentiel_id, ids)
    poids = {int(c): Decimal(str(p)) for c, p in poids.items()}  # ints or floats from a caller: exact decimals
    _raise(poids_erreurs(poids, ids))
    valeur = note_of({ligne.competence_id: ligne.valeur for ligne in evaluees}, poids)
    if proposition is not None:
        proposition.valeur_calculee = valeur
        return _ecrire([proposition], [], poids)[0]
    nouvelle = Note(bilan=bilan, valeur_calculee=valeur, created_by=actor, remplace=finales.get(bilan.pk))
    return _ecrire([], [nouvelle], poids)[0]


@transaction.atomic
def note_poids_set(*, bilan: Bilan, poids: dict[int, Decimal] | None = None, actor) -> Note:
    """Save the bilan's proposed grade (not finalised) with these weights: competence pk → %, one per evaluated
    competency, summing to 100 (None: the default model from the épreuves' coefficients)."""
    return _proposition(_check(bilan, actor), poids, actor, garder=False)


@transaction.atomic
def note_finalise(*, bilan: Bilan, ajustement: Decimal = Decimal(0), justification: str = "",
                  poids: dict[int, Decimal] | None = None, actor, vu: int | None = None) -> Note:
    """Record the bilan's final grade: the grade the weights give (None: the proposal's weights, else the
    default model) plus `ajustement` (−2 to +2 points, to the tenth, justified unless 0), kept within 0..20, with
    who and when. `vu`: the pk of the final grade its author saw (0: none); if another was recorded since,
    nothing is written (code "conflit"). A bilan already graded gets a new note that supersedes the old one."""
    justification = (justification or "").strip()
    ajustement = Decimal(str(ajustement))  # 1.5 given as a float is 1.5, not its binary approximation
    _raise(ajustement_erreurs(ajustement, justification))
    bilan = _check(bilan, actor)
    en_vigueur = _notes([bilan.pk])[1].get(bilan.pk)
    if vu is not None and (en_vigueur.pk if en_vigueur else 0) != vu:
        par = f" par {en_vigueur.finalisee_par}" if en_vigueur else ""
        raise ValidationError(f"Une note a été enregistrée entre-temps{par} : rechargez la page avant de la "
                              "refaire.", code="conflit")
    note = _proposition(bilan, poids, actor)
    note.ajustement, note.justification = ajustement, justification
    note.note_finale = note_finale_of(note.valeur_calculee, ajustement)
    note.finalisee_par, note.finalisee_le = actor, timezone.now()
    note.save(update_fields=["ajustement", "justification", "note_finale", "finalisee_par", "finalisee_le"])
    audit_record(actor=actor, action="note_periode_enregistree", target=f"{bilan.apprenant} : {bilan}",
                 details={"note": note.pk, "bilan": bilan.pk, "calculee": str(note.valeur_calculee),
                          "ajustement": str(ajustement), "finale": str(note.note_finale),
                          "remplace": note.remplace_id})
    return note


@dataclass
class Application:
    notes: list[Note] = field(default_factory=list)  # proposals written, the source bilan's first
    ignores: list[str] = field(default_factory=list)  # learners skipped, each with why, in French


def _profils(bilans: list[Bilan]) -> dict[int, dict[int, object]]:
    """bilan pk → {competence pk: value} of its evaluated competencies: two queries."""
    nombres = nombres_de_niveaux({b.version_id for b in bilans})
    profils: dict[int, dict] = {b.pk: {} for b in bilans}
    for bilan_id, competence_id, rang, version_id in (
            BilanLigne.objects.filter(bilan_id__in=list(profils), niveau__isnull=False)
            .values_list("bilan_id", "competence_id", "niveau__rang", "niveau__version_id")):
        profils[bilan_id][competence_id] = valeur_of(rang, nombres.get(version_id, 0))
    return profils


@transaction.atomic
def notes_appliquer(*, bilan: Bilan, poids: dict[int, Decimal] | None = None, actor) -> Application:
    """The same weights for every learner of the classe whose bilan of the same date (their last validated of
    that day) has exactly the same evaluated competencies: their proposals are written (not finalised), the
    source bilan's too, in one transaction and a fixed number of queries. Learners with another set of evaluated
    competencies, a bilan of that day not validated, or a grade already recorded are skipped and listed."""
    bilan = _check(bilan, actor)
    source = _proposition(bilan, poids, actor)
    poids = poids_of_note(source)  # as checked and saved on the source bilan
    result = Application(notes=[source])
    cibles: dict[int, Bilan] = {}
    du_jour = Bilan.objects.filter(classe_id=bilan.classe_id, date=bilan.date).exclude(apprenant_id=bilan.apprenant_id)
    for autre in du_jour.select_related("apprenant").order_by("apprenant__nom", "apprenant__prenom", "validated_at",
                                                              "id"):
        if autre.valide:
            cibles[autre.apprenant_id] = autre  # the last validated of the day wins
        elif autre.apprenant_id not in cibles:
            result.ignores.append(f"{autre.apprenant} : son bilan du {autre.date:%d/%m/%Y} n'est pas encore validé.")
    cibles_list = list(Bilan.objects.filter(pk__in=[b.pk for b in cibles.values()]).order_by("pk")
                       .select_for_update(no_key=True))  # one grade write at a time per bilan
    apprenants = {b.pk: b.apprenant for b in cibles.values()}
    profils = _profils(cibles_list)
    propositions, finales = _notes(b.pk for b in cibles_list)
    a_jour, nouvelles = [], []
    for cible in sorted(cibles_list, key=lambda b: (apprenants[b.pk].nom.lower(), apprenants[b.pk].prenom.lower())):
        apprenant = apprenants[cible.pk]
        if set(profils[cible.pk]) != set(poids):
            result.ignores.append(f"{apprenant} : pas les mêmes compétences évaluées.")
        elif cible.pk in finales:
            result.ignores.append(f"{apprenant} : sa note est déjà enregistrée (refaites-la depuis son bilan).")
        else:
            valeur = note_of(profils[cible.pk], poids)
            if cible.pk in propositions:
                propositions[cible.pk].valeur_calculee = valeur
                a_jour.append(propositions[cible.pk])
            else:
                nouvelles.append(Note(bilan=cible, valeur_calculee=valeur, created_by=actor))
    result.notes += _ecrire(a_jour, nouvelles, poids)
    audit_record(actor=actor, action="note_periode_poids_appliques", target=f"{bilan.classe.code} : {bilan}",
                 details={"bilan": bilan.pk, "notes": [n.pk for n in result.notes], "ignores": len(result.ignores)})
    return result


ACTIONS = ("proposer", "appliquer", "finaliser")


def note_enregistrer(*, bilan: Bilan, action: str, poids: dict[int, Decimal], ajustement: Decimal,
                     justification: str, vu: int | None, actor) -> Note | Application:
    """The grade page's writes: « proposer » saves this learner's proposed grade, « appliquer » proposes the same
    weights to every learner of the classe with the same evaluated competencies, « finaliser » records the grade
    with its adjustment. Refusals are French ValidationErrors (code "conflit": someone recorded one since `vu`)."""
    if action == "proposer":
        return note_poids_set(bilan=bilan, poids=poids, actor=actor)
    if action == "appliquer":
        return notes_appliquer(bilan=bilan, poids=poids, actor=actor)
    if action == "finaliser":
        return note_finalise(bilan=bilan, poids=poids, ajustement=ajustement, justification=justification,
                             actor=actor, vu=vu)
    raise ValidationError("Action inconnue : recalculez, proposez, appliquez ou enregistrez la note.")
