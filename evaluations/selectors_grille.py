"""Reads for the class grid and the learner's results: a fixed number of queries whatever the numbers of
learners, criteria and events (the latest event of each cell comes from one DISTINCT ON query)."""

from dataclasses import dataclass, field

from django.db.models import Case, Exists, Prefetch, Q, QuerySet, Subquery, Value, When

from scolarite.models import Apprenant, Inscription

from .models import (
    CommentaireApprenant,
    Echelle,
    EchelleVersion,
    EtatSpecial,
    Evaluation,
    Niveau,
    Positionnement,
    ScenarioCritere,
    Situation,
)
from .selectors import echelle_list

CELL_FIELDS = ("apprenant_id", "critere_id", "competence_id")


def echelle_version_for(portee: str) -> EchelleVersion | None:
    """The current version of the scale in use for `portee` (Performance for criteria by default): four queries."""
    echelles = [e for e in echelle_list(portee=portee, en_usage=True) if e.version_courante is not None]
    if not echelles:
        return None
    prefere = {Echelle.Portee.CRITERE: "performance", Echelle.Portee.COMPETENCE: "ccf"}.get(portee)
    echelle = next((e for e in echelles if e.code == prefere), echelles[0])
    return echelle.version_courante


def touches(version: EchelleVersion | None) -> list[dict]:
    """The keyboard keys of a version: digits 1..n for levels, a letter for each special state (its code's first
    letter not already taken)."""
    if version is None:
        return []
    keys = [{"touche": str(n.rang), "code": n.code, "libelle": n.libelle, "niveau": n} for n in version.niveaux.all()]
    taken = {k["touche"] for k in keys}
    for etat in version.etats.all():
        letter = next((c.lower() for c in etat.code + "abcdefghijklmnopqrstuvwxyz" if c.isalpha()
                       and c.lower() not in taken and c.lower() != "z"), "")
        taken.add(letter)
        keys.append({"touche": letter, "code": etat.code, "libelle": etat.libelle, "etat": etat})
    return keys


def situation_apprenants(situation: Situation) -> QuerySet[Apprenant]:
    """The chosen learners, or everyone enrolled in the classe on the situation's date."""
    chosen = situation.apprenants.all()
    if situation.pk and chosen.exists():
        return chosen.order_by("nom", "prenom", "pk")
    day = situation.date
    return Apprenant.objects.filter(
        Q(inscriptions__classe_id=situation.classe_id, inscriptions__debut__lte=day)
        & (Q(inscriptions__fin__isnull=True) | Q(inscriptions__fin__gte=day))
    ).distinct().order_by("nom", "prenom", "pk")


def situation_membre(situation: Situation, apprenant: Apprenant):
    """An expression: the learner is chosen for the situation, or (nobody chosen) enrolled in its classe on its
    date."""
    day = situation.date
    chosen = Situation.apprenants.through.objects.filter(situation_id=situation.pk)
    enrolled = Inscription.objects.filter(apprenant_id=apprenant.pk, classe_id=situation.classe_id, debut__lte=day
                                          ).filter(Q(fin__isnull=True) | Q(fin__gte=day))
    return Exists(chosen.filter(apprenant_id=apprenant.pk)) | (~Exists(chosen) & Exists(enrolled))


def situation_has_apprenant(situation: Situation, apprenant: Apprenant) -> bool:
    """One query."""
    return Situation.objects.filter(pk=situation.pk).filter(situation_membre(situation, apprenant)).exists()


def version_courante_pk(portee: str):
    """A subquery: the current version of the scale in use for `portee` (Performance, CCF preferred)."""
    prefere = {Echelle.Portee.CRITERE: "performance", Echelle.Portee.COMPETENCE: "ccf"}.get(portee, "")
    return Subquery(EchelleVersion.objects.filter(echelle__portee=portee, echelle__en_usage=True).order_by(
        Case(When(echelle__code=prefere, then=Value(0)), default=Value(1)), "echelle__nom", "-numero",
    ).values("pk")[:1])


def valeur_find(portee: str, code: str) -> tuple:
    """(niveau, etat) of the current scale version whose code is `code` (case ignored): one query, or two for a
    special state; (None, None) when no level or state has that code."""
    niveau = Niveau.objects.filter(version_id=version_courante_pk(portee), code__iexact=code).first()
    if niveau is not None:
        return niveau, None
    return None, EtatSpecial.objects.filter(version_id=version_courante_pk(portee), code__iexact=code).first()


def situation_criteres(situation: Situation) -> list[ScenarioCritere]:
    return list(ScenarioCritere.objects.filter(scenario_id=situation.scenario_id)
                .select_related("critere__competence").order_by("rang", "id"))


def situation_colonnes(situation: Situation, links: list[ScenarioCritere] | None = None) -> list:
    """The grid's columns: the scenario's criteria, or their competencies (each once) when par_competence."""
    links = situation_criteres(situation) if links is None else links
    if not situation.par_competence:
        return [link.critere for link in links]
    seen, competences = set(), []
    for link in links:
        if link.critere.competence_id not in seen:
            seen.add(link.critere.competence_id)
            competences.append(link.critere.competence)
    return competences


def _latest(events: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return (events.order_by("apprenant_id", "critere_id", "competence_id", "-at", "-id")
            .distinct("apprenant_id", "critere_id", "competence_id")
            .select_related("niveau", "etat", "auteur"))


def cell_latest(situation: Situation, apprenant, *, critere=None, competence=None) -> Evaluation | None:
    return (Evaluation.objects.filter(situation=situation, apprenant=apprenant, critere=critere,
                                      competence=competence)
            .select_related("niveau", "etat", "auteur").order_by("-at", "-id").first())


@dataclass
class Cellule:
    apprenant: Apprenant
    colonne: object
    evaluation: Evaluation | None = None


@dataclass
class Ligne:
    apprenant: Apprenant
    cellules: list[Cellule] = field(default_factory=list)
    commentaire: CommentaireApprenant | None = None


@dataclass
class Grille:
    situation: Situation
    version: EchelleVersion | None
    touches: list[dict]
    colonnes: list
    lignes: list[Ligne]
    par_competence: bool

    @property
    def cellules_total(self) -> int:
        return len(self.lignes) * len(self.colonnes)

    @property
    def cellules_remplies(self) -> int:
        """Cells whose latest event holds a level or a special state (a cleared cell is empty again)."""
        return sum(1 for ligne in self.lignes for c in ligne.cellules
                   if c.evaluation is not None and (c.evaluation.niveau_id or c.evaluation.etat_id))


def grille(situation: Situation) -> Grille:
    """Learners × criteria (or competencies) with each cell's latest event and each learner's comment: a fixed number of
    queries, whatever the sizes."""
    portee = Echelle.Portee.COMPETENCE if situation.par_competence else Echelle.Portee.CRITERE
    version = echelle_version_for(portee)
    colonnes = situation_colonnes(situation)
    apprenants = list(situation_apprenants(situation))
    events = Evaluation.objects.filter(situation=situation)
    events = events.filter(competence__isnull=False) if situation.par_competence else events.filter(
        critere__isnull=False)
    kind = "competence_id" if situation.par_competence else "critere_id"
    latest = {(e.apprenant_id, getattr(e, kind)): e for e in _latest(events).select_related(None).select_related(
        "niveau", "etat")}
    commentaires = commentaires_latest(situation)
    lignes = [Ligne(a, [Cellule(a, c, latest.get((a.pk, c.pk))) for c in colonnes], commentaires.get(a.pk))
              for a in apprenants]
    return Grille(situation, version, touches(version), colonnes, lignes, situation.par_competence)


def commentaires_latest(situation: Situation, apprenant=None) -> dict[int, CommentaireApprenant]:
    """The latest per-learner comment of the situation, by learner pk: one query."""
    rows = CommentaireApprenant.objects.filter(situation=situation)
    if apprenant is not None:
        rows = rows.filter(apprenant=apprenant)
    rows = rows.order_by("apprenant_id", "-at", "-id").distinct("apprenant_id").select_related("auteur")
    return {c.apprenant_id: c for c in rows}


def cell_history(situation: Situation, apprenant, critere=None, competence=None) -> list[Evaluation]:
    """Every event of a cell, newest first, each with its own level (of its own scale version)."""
    return list(Evaluation.objects.filter(situation=situation, apprenant=apprenant, critere=critere,
                                          competence=competence)
                .select_related("niveau__version__echelle", "etat", "auteur").order_by("-at", "-id"))


# --- The learner's view ---------------------------------------------------------------------------------------

def situations_of(apprenant: Apprenant) -> QuerySet[Situation]:
    """Formative situations the learner takes part in (chosen, or the whole classe they are enrolled in)."""
    chosen = Situation.objects.filter(apprenants=apprenant).values("pk")
    whole = Situation.objects.filter(apprenants__isnull=True, classe__inscriptions__apprenant=apprenant).values("pk")
    return (Situation.objects.filter(nature=Situation.Nature.FORMATIVE)
            .filter(Q(pk__in=chosen) | Q(pk__in=whole)))


@dataclass
class ResultatCritere:
    critere: object
    evaluation: Evaluation | None
    positionnement: Positionnement | None


@dataclass
class ResultatSituation:
    situation: Situation
    criteres: list[ResultatCritere]
    competences: list[tuple]  # (competence, evaluation) when the situation is entered per competency
    commentaire: CommentaireApprenant | None = None


def apprenant_resultats(apprenant: Apprenant, *, situation_pk: int | None = None) -> list[ResultatSituation]:
    """Each formative situation of the learner, newest first, with the formateur's latest result per criterion
    (or competency), the learner's own latest positionnement beside it, the formateur's comment: six queries."""
    situations = situations_of(apprenant).select_related("scenario", "classe").prefetch_related(
        Prefetch("scenario__critere_links",
                 queryset=ScenarioCritere.objects.select_related("critere__competence").order_by("rang", "id"))
    ).order_by("-date", "-id")
    if situation_pk is not None:
        situations = situations.filter(pk=situation_pk)
    situations = list(situations)
    pks = [s.pk for s in situations]
    events = {(e.situation_id, e.critere_id, e.competence_id): e for e in
              Evaluation.objects.filter(apprenant=apprenant, situation_id__in=pks)
              .order_by("situation_id", "critere_id", "competence_id", "-at", "-id")
              .distinct("situation_id", "critere_id", "competence_id").select_related("niveau", "etat")}
    positions = {(p.situation_id, p.critere_id): p for p in
                 Positionnement.objects.filter(apprenant=apprenant, situation_id__in=pks)
                 .order_by("situation_id", "critere_id", "-at", "-id").distinct("situation_id", "critere_id")
                 .select_related("niveau")}
    commentaires = {c.situation_id: c for c in
                    CommentaireApprenant.objects.filter(apprenant=apprenant, situation_id__in=pks)
                    .order_by("situation_id", "-at", "-id").distinct("situation_id")}
    resultats = []
    for situation in situations:
        links = list(situation.scenario.critere_links.all())
        criteres = [ResultatCritere(link.critere, events.get((situation.pk, link.critere_id, None)),
                                    positions.get((situation.pk, link.critere_id))) for link in links]
        competences = []
        if situation.par_competence:
            competences = [(c, events.get((situation.pk, None, c.pk))) for c in situation_colonnes(situation, links)]
        commentaire = commentaires.get(situation.pk)
        resultats.append(ResultatSituation(situation, criteres, competences,
                                           commentaire if commentaire and commentaire.texte else None))
    return resultats
