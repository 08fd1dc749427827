"""The suggested level of every competency of many learners at a date, from their evaluation events: centre
situations dated up to that day, and company events of bilans entreprise confirmed by both parties and dated up
to that day. A fixed number of queries whatever the numbers of learners, competencies and events (the rule
itself is evaluations.suggestion's, pure Python)."""

import datetime
from collections import defaultdict

from django.db.models import Count

from entreprise.models import BilanEntreprise
from evaluations.models import Evaluation, Lieu, Niveau
from evaluations.suggestion import Preuve, Suggestion, preuve_from_event, suggestion_competence


class _Niveau:
    __slots__ = ("rang",)

    def __init__(self, rang):
        self.rang = rang


class _Event:
    """What `preuve_from_event` reads of an Evaluation, built from a values_list row (no model instances)."""

    __slots__ = ("niveau_id", "niveau", "at", "critere_id", "lieu")

    def __init__(self, niveau_id, rang, at, critere_id, lieu):
        self.niveau_id, self.niveau, self.at, self.critere_id, self.lieu = (
            niveau_id, _Niveau(rang), at, critere_id, lieu)


# Per row: apprenant, competence (whole-competency event), critère's competence, situation key, situation date,
# at, critère, level, its rank, its version, the special state's version, lieu.
CENTRE_FIELDS = ("apprenant_id", "competence_id", "critere__competence_id", "situation_id", "situation__date", "at",
                 "critere_id", "niveau_id", "niveau__rang", "niveau__version_id", "etat__version_id", "lieu")


# The same for company events, read through the bilan entreprise they belong to (its pk and date stand for the
# situation's).
COMPANY_FIELDS = ("evaluation__apprenant_id", "evaluation__competence_id", "evaluation__critere__competence_id",
                  "bilanentreprise_id", "bilanentreprise__date", "evaluation__at", "evaluation__critere_id",
                  "evaluation__niveau_id", "evaluation__niveau__rang", "evaluation__niveau__version_id",
                  "evaluation__etat__version_id", "evaluation__lieu")


def preuves_of(apprenant_ids: list[int], date: datetime.date) -> dict[tuple[int, int], list[Preuve]]:
    """(apprenant pk, competence pk) → the learner's evidence on that competency up to `date`: three queries."""
    nombres = dict(Niveau.objects.values("version_id").annotate(n=Count("id")).values_list("version_id", "n"))
    centre = (Evaluation.objects.filter(apprenant_id__in=apprenant_ids, situation__isnull=False,
                                        situation__date__lte=date)
              .order_by().values_list(*CENTRE_FIELDS))
    through = BilanEntreprise.evaluations.through
    entreprise = (through.objects.filter(bilanentreprise__valide_le__isnull=False,
                                         bilanentreprise__date__lte=date,
                                         evaluation__apprenant_id__in=apprenant_ids,
                                         evaluation__situation__isnull=True,
                                         evaluation__lieu=Lieu.ENTREPRISE)
                  .order_by().values_list(*COMPANY_FIELDS))
    preuves: dict[tuple[int, int], list[Preuve]] = defaultdict(list)
    for rows, prefix in ((centre, "s"), (entreprise, "b")):
        for (apprenant_id, competence_id, critere_competence_id, cle, jour, at, critere_id, niveau_id, rang,
             version_id, etat_version_id, lieu) in rows:
            nombre = nombres.get(version_id or etat_version_id, 2)  # a cleared cell has no scale: no value anyway
            event = _Event(niveau_id, rang, at, critere_id, lieu)
            preuve = preuve_from_event(event, nombre_niveaux=max(nombre, 2), situation_key=f"{prefix}:{cle}",
                                       date=jour)
            preuves[(apprenant_id, competence_id or critere_competence_id)].append(preuve)
    return preuves


def suggestions_for(apprenant_ids: list[int], competence_ids: list[int],
                    date: datetime.date) -> dict[tuple[int, int], Suggestion]:
    """(apprenant pk, competence pk) → the suggested level and its reason, for every pair."""
    preuves = preuves_of(apprenant_ids, date)
    return {(a, c): suggestion_competence(preuves.get((a, c), ())) for a in apprenant_ids for c in competence_ids}
