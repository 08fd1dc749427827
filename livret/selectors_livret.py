"""The livret de suivi of one learner: per competency (grouped by bloc), its criteria as rows and the situations
as chronological columns, centre then company (livret/colonnes.py), each cell the latest event of that (column,
criterion), with the suggested level and the level of the bilan in force.

A fixed number of queries whatever the number of situations, events and competencies: the inscriptions and the
référentiel tree in seven, the centre side in four, the company side in two, the levels in four.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404

from bilans.selectors import niveaux_valides_of
from evaluations.models import Niveau
from evaluations.suggestion import LIBELLES, Suggestion, preuve_from_event, suggestion_competence
from referentiels.models import Bloc, BlocCompetence, Competence, Critere, Epreuve, EpreuveCompetence
from scolarite.models import Apprenant, Inscription
from tenants.annees import annee_scolaire_bounds, annee_scolaire_label

from .access import Vue, vue_for
from .colonnes import Colonne, Fait, Position, centre_of, echelles_attach, entreprise_of
from .filtres import NATURES, Filtres


@dataclass
class Cellule:
    evaluation: Fait | None
    positionnement: Position | None = None
    cible: bool = False  # the column's situation targets the criterion (an empty cell is then "non évalué")


@dataclass
class Ligne:
    critere: Critere | None  # None: the row of events on the whole competency
    cellules: list[Cellule]


@dataclass
class CompetenceLivret:
    competence: Competence
    centre: list[Colonne]
    entreprise: list[Colonne]
    lignes: list[Ligne]
    suggestion: Suggestion | None = None
    suggestion_niveau: Niveau | None = None  # the Maîtrise scale's level of that code, for its badge
    niveau_bilan: object = None

    @property
    def colonnes(self) -> list[Colonne]:
        return self.centre + self.entreprise

    @property
    def suggestion_libelle(self) -> str:
        return LIBELLES.get(self.suggestion.code, self.suggestion.code) if self.suggestion else ""


@dataclass
class BlocLivret:
    bloc: Bloc | None  # None: competencies in no bloc
    competences: list[CompetenceLivret]


@dataclass
class Livret:
    apprenant: Apprenant
    vue: Vue
    filtres: Filtres
    blocs: list[BlocLivret]
    epreuves: list[Epreuve]
    natures: dict[str, str]
    annees: list[dict] = field(default_factory=list)  # quick period links, one per school year

    @property
    def n_colonnes(self) -> int:
        return len({c.key for b in self.blocs for cl in b.competences for c in cl.colonnes})


def _niveaux_bilan(apprenant: Apprenant) -> dict:
    """competence_id → the level of the learner's bilan in force (.code, .libelle, .date): one query."""
    return niveaux_valides_of(apprenant)


def _arbre(referentiel_ids: list[int]) -> dict:
    """The référentiels' blocs, competencies, criteria and épreuves: six queries."""
    rang = {pk: i for i, pk in enumerate(referentiel_ids)}
    competences = sorted(Competence.objects.filter(referentiel_id__in=referentiel_ids),
                         key=lambda c: (rang[c.referentiel_id], c.rang))
    blocs = sorted(Bloc.objects.filter(referentiel_id__in=referentiel_ids),
                   key=lambda b: (rang[b.referentiel_id], b.rang))
    criteres = defaultdict(list)
    for critere in Critere.objects.filter(referentiel_id__in=referentiel_ids).order_by("competence_id", "rang"):
        criteres[critere.competence_id].append(critere)
    liens = defaultdict(list)
    for bloc_id, competence_id in (BlocCompetence.objects.filter(bloc__referentiel_id__in=referentiel_ids)
                                   .order_by("bloc_id", "rang").values_list("bloc_id", "competence_id")):
        liens[bloc_id].append(competence_id)
    epreuves = sorted(Epreuve.objects.filter(referentiel_id__in=referentiel_ids),
                      key=lambda e: (rang[e.referentiel_id], e.rang))
    par_epreuve = defaultdict(set)
    for epreuve_id, competence_id in EpreuveCompetence.objects.filter(
            epreuve__referentiel_id__in=referentiel_ids).values_list("epreuve_id", "competence_id"):
        par_epreuve[epreuve_id].add(competence_id)
    return {"competences": competences, "blocs": blocs, "criteres": criteres, "liens": liens,
            "epreuves": epreuves, "par_epreuve": par_epreuve}


def _maitrise() -> dict[str, Niveau]:
    """The current Maîtrise scale's levels by code, for the suggestion's badge: one query."""
    niveaux = list(Niveau.objects.filter(version__echelle__code="maitrise").order_by("-version__numero", "rang"))
    return {n.code: n for n in niveaux if n.version_id == niveaux[0].version_id} if niveaux else {}


def _annees(inscriptions: list[Inscription]) -> list[dict]:
    annees = sorted({i.classe.annee_scolaire for i in inscriptions})
    return [{"label": annee_scolaire_label(a), "du": annee_scolaire_bounds(a)[0], "au": annee_scolaire_bounds(a)[1]}
            for a in annees]


def livret_of(apprenant: Apprenant, *, user, filtres: Filtres, vue: Vue | None = None) -> Livret:
    """The livret as `user` may see it (`vue`, when the caller already has it, saves its queries)."""
    vue = vue or vue_for(user, apprenant)
    if vue is None:
        raise Http404("Aucun apprenant ne correspond.")
    inscriptions = list(Inscription.objects.filter(apprenant=apprenant).select_related("classe__formation")
                        .order_by("-debut", "-id"))
    referentiel_ids = list(dict.fromkeys(i.classe.formation.referentiel_id for i in inscriptions))
    arbre = _arbre(referentiel_ids)
    if filtres.epreuve and filtres.epreuve not in {e.pk for e in arbre["epreuves"]}:
        filtres.messages.append("Cette épreuve n'est pas dans le référentiel de l'apprenant : filtre ignoré.")
        filtres.epreuve = None
    natures = NATURES if vue.certificatif else {k: v for k, v in NATURES.items() if k != "certificative"}
    natures = natures if vue.centre else {"entreprise": NATURES["entreprise"]}
    if filtres.nature and filtres.nature not in natures:
        filtres.messages.append("Cette nature d'évaluation ne vous est pas accessible : filtre ignoré.")
        filtres.nature = ""
    criteres_of = {c.pk: c.competence_id for liste in arbre["criteres"].values() for c in liste}
    centre, cells, positions, touches, cibles = centre_of(apprenant, vue, filtres, criteres_of)
    entreprise = entreprise_of(apprenant, vue, filtres, criteres_of, cells, touches)
    nombres = echelles_attach(cells, positions)
    maitrise = _maitrise() if vue.niveaux else {}
    bilan = _niveaux_bilan(apprenant) if vue.niveaux else {}
    gardees = arbre["par_epreuve"][filtres.epreuve] if filtres.epreuve else None
    par_competence = {}
    for competence in arbre["competences"]:
        if gardees is None or competence.pk in gardees:
            par_competence[competence.pk] = _competence(
                competence, arbre["criteres"][competence.pk], [c for c in centre if c.key in touches[competence.pk]],
                [c for c in entreprise if c.key in touches[competence.pk]], (cells, positions, cibles), vue, nombres,
                maitrise, bilan)
    blocs, placees = [], set()
    for bloc in arbre["blocs"]:
        membres = [par_competence[pk] for pk in arbre["liens"][bloc.pk] if pk in par_competence]
        placees.update(c.competence.pk for c in membres)
        if membres:
            blocs.append(BlocLivret(bloc, membres))
    hors_bloc = [c for pk, c in par_competence.items() if pk not in placees]
    if hors_bloc:
        blocs.append(BlocLivret(None, hors_bloc))
    return Livret(apprenant, vue, filtres, blocs, arbre["epreuves"], natures, _annees(inscriptions))


def _competence(competence, criteres, centre, entreprise, donnees, vue, nombres, maitrise, bilan) -> CompetenceLivret:
    cells, positions, cibles = donnees
    colonnes = centre + entreprise
    lignes = [Ligne(critere, [_cellule(cells.get((c.key, critere.pk)), positions.get((c.key, critere.pk)),
                                       critere.pk in cibles.get(c.key, ())) for c in colonnes])
              for critere in criteres]
    globales = [_cellule(cells.get((c.key, "k", competence.pk)), None, c.par_competence) for c in colonnes]
    if any(cell.cible for cell in globales):
        lignes.append(Ligne(None, globales))
    livret = CompetenceLivret(competence, centre, entreprise, lignes if colonnes else [],
                              niveau_bilan=bilan.get(competence.pk))
    if vue.niveaux:
        preuves = [preuve_from_event(cell.evaluation, situation_key=colonne.key, date=colonne.date,
                                     nombre_niveaux=max(2, nombres.get(_version(cell.evaluation), 2)))
                   for ligne in lignes for colonne, cell in zip(colonnes, ligne.cellules, strict=True)
                   if cell.evaluation is not None]
        livret.suggestion = suggestion_competence(preuves)
        livret.suggestion_niveau = maitrise.get(livret.suggestion.code)
    return livret


def _cellule(evaluation, positionnement, cible: bool) -> Cellule:
    return Cellule(evaluation, positionnement, cible or evaluation is not None or positionnement is not None)


def _version(event: Fait) -> int | None:
    return event.niveau.version_id if event.niveau_id is not None else None
