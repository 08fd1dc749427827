"""The learner's dashboard (their home): progress per bloc, recent evaluations, upcoming company periods, journal
entries waiting, the last validated bilan. It reuses what the home already loaded (inscriptions, formative
results, confirmed company bilans) and adds a fixed number of queries: eight, or ten before any bilan.

Never a certificative result: the recent evaluations come from the formative results, and before any bilan the
progress is the suggestion from formative and company evidence only (livret.access, APPRENANT view)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from bilans.models import Bilan, BilanLigne
from bilans.selectors import bilan_en_vigueur, est_acquis, nombres_de_niveaux
from bilans.selectors_suggestion import preuves_of
from entreprise.models import EntreeJournal, Periode
from entreprise.selectors_journal import A_TRAITER
from evaluations.models import Situation
from evaluations.suggestion import suggestion_competence
from referentiels.models import Bloc, BlocCompetence, Competence
from scolarite.models import Apprenant, Inscription

ACQUIS = {"M", "BM"}  # the suggestion's codes that count as acquired (upper half of the Maîtrise scale)
RECENTES = 5


@dataclass
class Barre:
    code: str
    intitule: str
    acquises: int
    total: int

    @property
    def pourcent(self) -> int:
        return round(100 * self.acquises / self.total) if self.total else 0


@dataclass
class Progression:
    source: str  # "bilan": the last validated bilan; "suggestion": the suggested levels, before any bilan
    barres: list[Barre]

    @property
    def acquises(self) -> int:
        return sum(b.acquises for b in self.barres)


@dataclass
class Recente:
    date: datetime.date
    at: datetime.datetime
    titre: str
    url: str
    entreprise: bool
    item: object  # the criterion, or the competency of an event on the whole competency
    evaluation: object


@dataclass
class Tableau:
    progression: Progression | None
    bilan: Bilan | None
    recentes: list[Recente] = field(default_factory=list)
    periodes: list[Periode] = field(default_factory=list)
    journal: list[EntreeJournal] = field(default_factory=list)


def _ouvertes(inscriptions: list[Inscription], day: datetime.date) -> list[Inscription]:
    return [i for i in inscriptions if i.debut <= day and (i.fin is None or i.fin >= day)]


def _acquises_suggestion(apprenant: Apprenant, competence_ids: list[int], day: datetime.date) -> set[int]:
    """Competencies whose suggestion is M or BM, certificative situations left out: four queries."""
    preuves = preuves_of([apprenant.pk], day)
    certificatives = {f"s:{pk}" for pk in Situation.objects.filter(
        nature=Situation.Nature.CERTIFICATIVE, evaluations__apprenant=apprenant).values_list("pk", flat=True)}
    return {c for c in competence_ids if suggestion_competence(
        [p for p in preuves.get((apprenant.pk, c), ()) if p.situation not in certificatives]).code in ACQUIS}


def _progression(apprenant: Apprenant, referentiel_id: int, bilan: Bilan | None,
                 day: datetime.date) -> Progression:
    """Each bloc's share of competencies acquired (a competency of two blocs counts in both), then those in no
    bloc: three queries, plus two from the bilan or four from the suggestions."""
    competence_ids = list(Competence.objects.filter(referentiel_id=referentiel_id).order_by("rang", "pk")
                          .values_list("pk", flat=True))
    liens = defaultdict(set)
    for bloc_id, competence_id in BlocCompetence.objects.filter(bloc__referentiel_id=referentiel_id).values_list(
            "bloc_id", "competence_id"):
        liens[bloc_id].add(competence_id)
    if bilan is not None:
        lignes = list(BilanLigne.objects.filter(bilan=bilan).select_related("niveau"))
        nombres = nombres_de_niveaux({bilan.version_id})
        acquises = {ligne.competence_id for ligne in lignes if est_acquis(ligne, nombres)}
    else:
        acquises = _acquises_suggestion(apprenant, competence_ids, day)
    barres = [Barre(b.code, b.intitule, len(liens[b.pk] & acquises), len(liens[b.pk]))
              for b in Bloc.objects.filter(referentiel_id=referentiel_id).order_by("rang", "pk") if liens[b.pk]]
    hors_bloc = set(competence_ids) - set().union(*liens.values())
    if hors_bloc:
        barres.append(Barre("Hors bloc", "", len(hors_bloc & acquises), len(hors_bloc)))
    return Progression("bilan" if bilan is not None else "suggestion", barres)


def _recentes(resultats, bilans_entreprise) -> list[Recente]:
    """The latest RECENTES results among those the home shows (no query): the current state of each cell."""
    recentes = []
    for r in resultats:
        url = reverse("apprenant_situation", args=[r.situation.pk])
        cellules = [(c.critere, c.evaluation) for c in r.criteres] + list(r.competences)
        recentes += [Recente(r.situation.date, ev.at, r.situation.scenario.titre, url, False, item, ev)
                     for item, ev in cellules if ev is not None and (ev.niveau_id or ev.etat_id)]
    for bilan in bilans_entreprise:
        url = reverse("bilan_entreprise", args=[bilan.pk])
        recentes += [Recente(bilan.date, ev.at, f"Bilan entreprise — {bilan.contrat.entreprise}", url, True,
                             ev.critere, ev) for ev in bilan.evaluations.all() if ev.niveau_id or ev.etat_id]
    return sorted(recentes, key=lambda r: (r.date, r.at), reverse=True)[:RECENTES]


def tableau_of(apprenant: Apprenant, *, inscriptions: list[Inscription], resultats, bilans_entreprise,
               day: datetime.date) -> Tableau:
    ouvertes = _ouvertes(inscriptions, day) or inscriptions[-1:]  # else the last classe they were in
    bilan = bilan_en_vigueur(apprenant)
    progression = None
    if ouvertes:
        progression = _progression(apprenant, ouvertes[-1].classe.formation.referentiel_id, bilan, day)
    periodes = list(Periode.objects.filter(classe_id__in=[i.classe_id for i in _ouvertes(inscriptions, day)],
                                           lieu=Periode.Lieu.ENTREPRISE, fin__gte=day).order_by("debut", "pk")[:4])
    for periode in periodes:
        periode.en_cours = periode.debut <= day
    journal = list(EntreeJournal.objects.filter(apprenant=apprenant, statut__in=A_TRAITER)
                   .select_related("contrat__entreprise").order_by("date", "pk"))
    return Tableau(progression, bilan, _recentes(resultats, bilans_entreprise), periodes, journal)
