"""The vue classe: the learners of a classe × the competencies of its référentiel, each cell the level of the
learner's last validated bilan or the suggested level (bilans.selectors_suggestion), with the number of distinct
situations that evaluated it. Ten queries whatever the numbers of learners, competencies and events."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from bilans.models import BilanLigne
from bilans.selectors import apprenants_inscrits, bilans_en_vigueur
from bilans.selectors_suggestion import preuves_of
from evaluations.models import Niveau
from evaluations.suggestion import LIBELLES, suggestion_competence
from referentiels.models import Bloc, BlocCompetence, Competence
from scolarite.models import Apprenant, Classe
from tenants.annees import annee_scolaire_bounds

SOURCES = {"bilan": "Dernier bilan validé", "suggestion": "Niveau suggéré"}
SEMAINES_RECENT = 8  # a learner whose last validated bilan is older is flagged


@dataclass
class Cellule:
    code: str = ""  # "" : no level (no bilan, or its line has none)
    libelle: str = ""
    rang: int = 0  # the level's rank, 0 for a special state or nothing: the sort key
    niveau: Niveau | None = None  # for its colour and motif; None for a special state
    phrase: str = ""  # the suggestion's reason
    preuves: int = 0  # distinct situations (centre or company bilan) with events


@dataclass
class Colonne:
    competence: Competence
    jamais: bool = False  # no learner of the classe was ever evaluated on it
    debut: bool = False  # the first of its bloc


@dataclass
class Groupe:
    code: str
    intitule: str
    colonnes: list[Colonne]


@dataclass
class LigneClasse:
    apprenant: Apprenant
    bilan_date: datetime.date | None
    ancien: bool  # no validated bilan in the last SEMAINES_RECENT weeks
    cellules: list[Cellule] = field(default_factory=list)


@dataclass
class VueClasse:
    classe: Classe
    source: str
    tri: str
    groupes: list[Groupe]
    lignes: list[LigneClasse]
    maitrise: list[Niveau]  # the legend

    @property
    def colonnes(self) -> list[Colonne]:
        return [c for g in self.groupes for c in g.colonnes]

    @property
    def jamais(self) -> list[Competence]:
        return [c.competence for c in self.colonnes if c.jamais]

    @property
    def anciens(self) -> list[LigneClasse]:
        return [ligne for ligne in self.lignes if ligne.ancien]


def niveaux_maitrise() -> tuple[dict[str, Niveau], dict[int, Niveau]]:
    """The current Maîtrise scale's levels by code, and every version's by pk (bilans keep theirs): one query."""
    niveaux = list(Niveau.objects.filter(version__echelle__code="maitrise").order_by("-version__numero", "rang"))
    courants = {n.code: n for n in niveaux if n.version_id == niveaux[0].version_id} if niveaux else {}
    return courants, {n.pk: n for n in niveaux}


def _groupes(referentiel_id: int) -> list[Groupe]:
    """The competencies by bloc, each once (under its first bloc), then those in no bloc: three queries."""
    competences = {c.pk: c for c in Competence.objects.filter(referentiel_id=referentiel_id).order_by("rang", "pk")}
    liens = defaultdict(list)
    for bloc_id, competence_id in (BlocCompetence.objects.filter(bloc__referentiel_id=referentiel_id)
                                   .order_by("rang", "pk").values_list("bloc_id", "competence_id")):
        liens[bloc_id].append(competence_id)
    groupes, placees = [], set()
    for bloc in Bloc.objects.filter(referentiel_id=referentiel_id).order_by("rang", "pk"):
        ids = [pk for pk in liens[bloc.pk] if pk in competences and pk not in placees]
        placees.update(ids)
        if ids:
            groupes.append(Groupe(bloc.code, bloc.intitule, [Colonne(competences[pk]) for pk in ids]))
    reste = [Colonne(c) for pk, c in competences.items() if pk not in placees]
    if reste:
        groupes.append(Groupe("", "Hors bloc", reste))
    for groupe in groupes:
        groupe.colonnes[0].debut = True
    return groupes


def _jour(classe: Classe, day: datetime.date) -> datetime.date:
    """Whom to list: today's learners, or those of the classe's last (or first) day if its year is over (or to
    come)."""
    debut, fin = annee_scolaire_bounds(classe.annee_scolaire)
    return min(max(day, debut), fin)


def _lignes_bilan(bilan_ids: list[int], niveaux: dict[int, Niveau]) -> dict[tuple[int, int], Cellule]:
    """(bilan pk, competence pk) → its cell: one query, rows rather than models (1,400 lines for a classe)."""
    cellules = {}
    for bilan_id, competence_id, niveau_id, etat_code, etat_libelle in BilanLigne.objects.filter(
            bilan_id__in=bilan_ids).order_by().values_list("bilan_id", "competence_id", "niveau_id", "etat__code",
                                                           "etat__libelle"):
        niveau = niveaux.get(niveau_id)
        cellules[(bilan_id, competence_id)] = (Cellule(niveau.code, niveau.libelle, niveau.rang, niveau) if niveau
                                               else Cellule(etat_code or "", etat_libelle or "Pas de niveau"))
    return cellules


def _cellule_bilan(cellule: Cellule | None, *, bilan: bool) -> Cellule:
    if cellule is None:  # no bilan, or a competency added to the référentiel after it
        return Cellule(libelle="Pas dans son dernier bilan" if bilan else "Pas de bilan validé")
    return Cellule(cellule.code, cellule.libelle, cellule.rang, cellule.niveau)  # a copy: each gets its count


def _cellule_suggestion(preuves, maitrise: dict[str, Niveau]) -> Cellule:
    suggestion = suggestion_competence(preuves)
    niveau = maitrise.get(suggestion.code)
    return Cellule(suggestion.code, LIBELLES.get(suggestion.code, suggestion.code), niveau.rang if niveau else 0,
                   niveau, suggestion.phrase)


def tri_clean(tri: str, codes: set[str]) -> str:
    """`nom`, `-nom`, `<code>` or `-<code>` of a competency of the page; anything else sorts by name."""
    return tri if tri.removeprefix("-") in codes | {"nom"} else "nom"


def _trier(lignes: list[LigneClasse], tri: str, colonnes: list[Colonne]) -> list[LigneClasse]:
    def nom(ligne):
        return (ligne.apprenant.nom.lower(), ligne.apprenant.prenom.lower(), ligne.apprenant.pk)

    cle = tri.removeprefix("-")
    lignes = sorted(lignes, key=nom, reverse=tri == "-nom")
    if cle != "nom":  # stable sort on the rank: equal levels stay in name order
        index = next(i for i, c in enumerate(colonnes) if c.competence.code == cle)
        lignes.sort(key=lambda ligne: ligne.cellules[index].rang, reverse=tri.startswith("-"))
    return lignes


def vue_classe(classe: Classe, *, source: str = "bilan", tri: str = "nom",
               day: datetime.date | None = None) -> VueClasse:
    day = day or timezone.localdate()
    source = source if source in SOURCES else "bilan"
    apprenants = list(apprenants_inscrits(classe, _jour(classe, day)))
    ids = [a.pk for a in apprenants]
    groupes = _groupes(classe.formation.referentiel_id)
    colonnes = [c for g in groupes for c in g.colonnes]
    preuves = preuves_of(ids, day)
    evaluees = {competence_id for (_, competence_id) in preuves}
    for colonne in colonnes:
        colonne.jamais = colonne.competence.pk not in evaluees
    maitrise, par_pk = niveaux_maitrise()
    bilans = {b.apprenant_id: b for b in bilans_en_vigueur().filter(apprenant_id__in=ids)}
    lignes_bilan = _lignes_bilan([b.pk for b in bilans.values()], par_pk) if source == "bilan" else {}
    seuil = day - datetime.timedelta(weeks=SEMAINES_RECENT)
    lignes = []
    for apprenant in apprenants:
        bilan = bilans.get(apprenant.pk)
        ligne = LigneClasse(apprenant, bilan.date if bilan else None, bilan is None or bilan.date < seuil)
        for colonne in colonnes:
            siennes = preuves.get((apprenant.pk, colonne.competence.pk), ())
            if source == "bilan":
                cellule = _cellule_bilan(lignes_bilan.get((bilan.pk, colonne.competence.pk)) if bilan else None,
                                         bilan=bilan is not None)
            else:
                cellule = _cellule_suggestion(siennes, maitrise)
            cellule.preuves = len({p.situation for p in siennes})
            ligne.cellules.append(cellule)
        lignes.append(ligne)
    tri = tri_clean(tri, {c.competence.code for c in colonnes})
    return VueClasse(classe, source, tri, groupes, _trier(lignes, tri, colonnes), list(maitrise.values()))
