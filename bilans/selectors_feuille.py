"""The class fill page: a classe's bilans of one date, learners × competencies. A fixed number of queries (six)
whatever the numbers of learners and competencies."""

import datetime
from dataclasses import dataclass, field

from evaluations.models import EtatSpecial, Niveau
from referentiels.models import Competence
from scolarite.models import Apprenant, Classe

from .models import Bilan, BilanLigne


@dataclass
class Choix:
    """A value a cell may take: a level (rang ≥ 1, typed as its digit) or a special state."""

    code: str
    libelle: str
    touche: str


@dataclass
class LigneFeuille:
    apprenant: Apprenant
    bilan: Bilan
    cellules: list[BilanLigne | None] = field(default_factory=list)


@dataclass
class Feuille:
    classe: Classe
    date: datetime.date
    competences: list[Competence]
    lignes: list[LigneFeuille]
    choix: dict[int, list[Choix]]  # version pk → its choices

    @property
    def choix_legende(self) -> list[Choix]:
        return next(iter(self.choix.values()), [])

    @property
    def en_cours(self) -> int:
        return sum(1 for ligne in self.lignes if not ligne.bilan.valide)


def choix_of(version_ids) -> dict[int, list[Choix]]:
    """version pk → its levels (digit keys 1..n) then its special states (typed by their code): two queries."""
    choix: dict[int, list[Choix]] = {}
    for niveau in Niveau.objects.filter(version_id__in=version_ids).order_by("version_id", "rang"):
        choix.setdefault(niveau.version_id, []).append(Choix(niveau.code, niveau.libelle, str(niveau.rang)))
    for etat in EtatSpecial.objects.filter(version_id__in=version_ids).order_by("version_id", "rang"):
        choix.setdefault(etat.version_id, []).append(Choix(etat.code, etat.libelle, ""))
    return choix


def bilans_classe(classe: Classe, date: datetime.date) -> Feuille:
    """The classe's bilans of `date`, one row per learner (their bilan in progress, else the last validated of
    that date), one column per competency of the classe's référentiel."""
    bilans = {}
    for bilan in (Bilan.objects.filter(classe=classe, date=date).select_related("apprenant")
                  .order_by("validated_at", "id")):
        courant = bilans.get(bilan.apprenant_id)
        if courant is None or courant.valide:  # a draft wins; among validated ones, the latest
            bilans[bilan.apprenant_id] = bilan
    referentiel_ids = {b.referentiel_id for b in bilans.values()} or {classe.formation.referentiel_id}
    competences = list(Competence.objects.filter(referentiel_id__in=referentiel_ids).order_by("rang", "pk"))
    cellules: dict[tuple[int, int], BilanLigne] = {
        (ligne.bilan_id, ligne.competence_id): ligne
        for ligne in BilanLigne.objects.filter(bilan_id__in=[b.pk for b in bilans.values()])
        .select_related("niveau", "etat")}
    ordre = sorted(bilans.values(), key=lambda b: (b.apprenant.nom.lower(), b.apprenant.prenom.lower(),
                                                   b.apprenant.pk))
    lignes = [LigneFeuille(b.apprenant, b, [cellules.get((b.pk, c.pk)) for c in competences]) for b in ordre]
    return Feuille(classe, date, competences, lignes, choix_of({b.version_id for b in bilans.values()}))
