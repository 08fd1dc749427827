"""The livret's columns and cells, loaded in a fixed number of queries: the learner's centre situations with the
latest event of each (situation, criterion) cell (DISTINCT ON) and their positionnement, then the confirmed company
bilans with their events. Events are read as rows: thousands of model instances cost more than the queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from entreprise.models_bilan import BilanEntreprise
from evaluations.models import EtatSpecial, Evaluation, Niveau, Positionnement, ScenarioCritere, Situation
from scolarite.models import Apprenant, Inscription

from .access import Vue
from .filtres import Filtres


@dataclass
class Colonne:
    key: str  # "s:<situation pk>" or "b:<bilan pk>", the suggestion's distinct situations
    date: datetime.date
    lieu: str  # "centre" or "entreprise"
    titre: str
    nature: str  # "formative", "certificative" or "entreprise"
    pk: int  # the situation's or the bilan's
    par_competence: bool = False  # rated on whole competencies, not on criteria


@dataclass(slots=True)
class Fait:
    """The latest event of a cell, read as a row (thousands of model instances would cost more than the
    queries): what the badge and the suggestion need."""

    critere_id: int | None
    competence_id: int | None
    niveau_id: int | None
    etat_id: int | None
    commentaire: str
    at: datetime.datetime
    lieu: str
    niveau: Niveau | None = None
    etat: EtatSpecial | None = None


FAIT_FIELDS = ("critere_id", "competence_id", "niveau_id", "etat_id", "commentaire", "at", "lieu")


@dataclass(slots=True)
class Position:
    niveau_id: int
    niveau: Niveau | None = None


def _situations(apprenant: Apprenant, vue: Vue, filtres: Filtres) -> list[Situation]:
    """The learner's situations: chosen for them, or (nobody chosen) their classe's while they were enrolled in
    it, up to today; and any other where they were evaluated. One query."""
    chosen = Situation.apprenants.through.objects.filter(situation_id=OuterRef("pk"))
    enrolled = Inscription.objects.filter(apprenant_id=apprenant.pk, classe_id=OuterRef("classe_id"),
                                          debut__lte=OuterRef("date")).filter(
        Q(fin__isnull=True) | Q(fin__gte=OuterRef("date")))
    evaluated = Evaluation.objects.filter(apprenant_id=apprenant.pk, situation_id=OuterRef("pk"))
    member = Exists(chosen.filter(apprenant_id=apprenant.pk)) | (~Exists(chosen) & Exists(enrolled))
    # Candidates first (the classes they were ever in, the situations they were rated in): the establishment's
    # other situations are never scanned.
    candidates = Situation.objects.filter(
        Q(classe_id__in=Inscription.objects.filter(apprenant_id=apprenant.pk).values("classe_id"))
        | Q(pk__in=Evaluation.objects.filter(apprenant_id=apprenant.pk, situation__isnull=False)
            .values("situation_id")))
    situations = candidates.filter((member & Q(date__lte=timezone.localdate())) | Exists(evaluated))
    if not vue.certificatif:
        situations = situations.filter(nature=Situation.Nature.FORMATIVE)
    if filtres.nature in (Situation.Nature.FORMATIVE, Situation.Nature.CERTIFICATIVE):
        situations = situations.filter(nature=filtres.nature)
    if filtres.du:
        situations = situations.filter(date__gte=filtres.du)
    if filtres.au:
        situations = situations.filter(date__lte=filtres.au)
    return list(situations.select_related("scenario").order_by("date", "id"))


def centre_of(apprenant: Apprenant, vue: Vue, filtres: Filtres, criteres_of: dict) -> tuple:
    """Columns, cells, positionnements, the competencies each column touches and the criteria it targets: four
    queries (none when the centre side is hidden or filtered out)."""
    if not vue.centre or filtres.nature == "entreprise":
        return [], {}, {}, defaultdict(set), {}
    situations = _situations(apprenant, vue, filtres)
    pks = [s.pk for s in situations]
    touches = defaultdict(set)  # competence_id → column keys
    cibles = defaultdict(set)
    for scenario_id, critere_id in ScenarioCritere.objects.filter(
            scenario_id__in={s.scenario_id for s in situations}).values_list("scenario_id", "critere_id"):
        cibles[scenario_id].add(critere_id)
    for s in situations:
        for critere_id in cibles[s.scenario_id]:
            if critere_id in criteres_of:
                touches[criteres_of[critere_id]].add(f"s:{s.pk}")
    cibles = {f"s:{s.pk}": set() if s.par_competence else cibles[s.scenario_id] for s in situations}
    cells = {}
    for situation_id, *row in (Evaluation.objects.filter(apprenant=apprenant, situation_id__in=pks)
                               .order_by("situation_id", "critere_id", "competence_id", "-at", "-id")
                               .distinct("situation_id", "critere_id", "competence_id")
                               .values_list("situation_id", *FAIT_FIELDS)):
        _cell_add(cells, touches, criteres_of, f"s:{situation_id}", Fait(*row))
    positions = {}
    for situation_id, critere_id, niveau_id in (
            Positionnement.objects.filter(apprenant=apprenant, situation_id__in=pks)
            .order_by("situation_id", "critere_id", "-at", "-id").distinct("situation_id", "critere_id")
            .values_list("situation_id", "critere_id", "niveau_id")):
        if niveau_id is not None:
            positions[(f"s:{situation_id}", critere_id)] = Position(niveau_id)
    colonnes = [Colonne(f"s:{s.pk}", s.date, "centre", s.scenario.titre, s.nature, s.pk, s.par_competence)
                for s in situations]
    return colonnes, cells, positions, touches, cibles


def _cell_add(cells: dict, touches: dict, criteres_of: dict, key: str, event: Fait) -> None:
    if event.critere_id is not None:
        cells[(key, event.critere_id)] = event
        competence_id = criteres_of.get(event.critere_id)
    else:
        cells[(key, "k", event.competence_id)] = event
        competence_id = event.competence_id
    if competence_id is not None:
        touches[competence_id].add(key)


def entreprise_of(apprenant: Apprenant, vue: Vue, filtres: Filtres, criteres_of: dict, cells: dict,
                  touches: dict) -> list[Colonne]:
    """The confirmed company bilans as columns and their events as cells: two queries."""
    if filtres.nature in (Situation.Nature.FORMATIVE, Situation.Nature.CERTIFICATIVE):
        return []
    bilans = BilanEntreprise.objects.filter(apprenant=apprenant, valide_le__isnull=False)
    if vue.tuteur is not None:
        bilans = bilans.filter(Q(tuteur__user=vue.tuteur) | Q(contrat__tuteurs__user=vue.tuteur)).distinct()
    if filtres.du:
        bilans = bilans.filter(date__gte=filtres.du)
    if filtres.au:
        bilans = bilans.filter(date__lte=filtres.au)
    bilans = list(bilans.select_related("contrat__entreprise").order_by("date", "id"))
    latest = {}  # a confirmed bilan writes one event per criterion; the latest wins should there be more
    for bilan_id, *row in (
            BilanEntreprise.evaluations.through.objects.filter(bilanentreprise_id__in=[b.pk for b in bilans])
            .order_by("evaluation__at", "evaluation_id")
            .values_list("bilanentreprise_id", *(f"evaluation__{f}" for f in FAIT_FIELDS))):
        latest[(bilan_id, row[0], row[1])] = Fait(*row)
    for (bilan_id, _, _), event in latest.items():
        _cell_add(cells, touches, criteres_of, f"b:{bilan_id}", event)
    return [Colonne(f"b:{b.pk}", b.date, "entreprise", f"Bilan entreprise — {b.contrat.entreprise}", "entreprise",
                    b.pk) for b in bilans]


def echelles_attach(cells: dict, positions: dict) -> dict[int, int]:
    """Attach their level and state to the cells and positionnements; return the number of levels of each scale
    version used (the suggestion needs it): two queries, whatever the number of cells."""
    niveau_ids = {e.niveau_id for e in cells.values() if e.niveau_id} | {p.niveau_id for p in positions.values()}
    etat_ids = {e.etat_id for e in cells.values() if e.etat_id}
    niveaux = {n.pk: n for n in Niveau.objects.filter(
        version_id__in=Niveau.objects.filter(pk__in=niveau_ids).values("version_id"))} if niveau_ids else {}
    etats = {e.pk: e for e in EtatSpecial.objects.filter(pk__in=etat_ids)} if etat_ids else {}
    for event in cells.values():
        event.niveau, event.etat = niveaux.get(event.niveau_id), etats.get(event.etat_id)
    for position in positions.values():
        position.niveau = niveaux.get(position.niveau_id)
    nombres = defaultdict(int)
    for niveau in niveaux.values():
        nombres[niveau.version_id] += 1
    return nombres
