"""Reads of the catalogue. The tables live in the public schema, which is on every establishment's search path, so
these work from any schema."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .models import (
    Activite,
    Bloc,
    BlocCompetence,
    Competence,
    CompetenceActivite,
    CompetenceTache,
    Critere,
    Epreuve,
    EpreuveCompetence,
    Pole,
    Referentiel,
    Tache,
)


def referentiel_list() -> QuerySet[Referentiel]:
    return Referentiel.objects.order_by("code", "-version")


def referentiel_get(*, code: str, version: str) -> Referentiel | None:
    return Referentiel.objects.filter(code=code, version=version).first()


@dataclass
class ReferentielTree:
    """A whole référentiel, every list in the text's order.

    - `poles`: `pole.activites.all()`, then `activite.taches.all()`;
    - `competences`: `competence.criteres.all()`, `competence.linked_activites`, `competence.linked_taches`;
    - `blocs` and `epreuves`: `.linked_competences`.
    The `linked_*` lists hold the very objects found under `poles` and `competences`.
    """

    referentiel: Referentiel
    poles: list[Pole]
    competences: list[Competence]
    blocs: list[Bloc]
    epreuves: list[Epreuve]

    def activites(self) -> list[Activite]:
        return [activite for pole in self.poles for activite in pole.activites.all()]

    def taches(self) -> list[Tache]:
        return [tache for activite in self.activites() for tache in activite.taches.all()]

    def criteres(self) -> list[Critere]:
        return [critere for competence in self.competences for critere in competence.criteres.all()]


def _ordered(model, lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=model.objects.order_by("rang"))


def referentiel_tree(referentiel: Referentiel) -> ReferentielTree:
    """Load a whole référentiel in a constant number of queries (12 at most, whatever its size): one per table.

    Reads the référentiel again, so the tree is fresh even if `referentiel` was loaded before a change."""
    referentiel = Referentiel.objects.prefetch_related(
        _ordered(Pole, "poles"),
        _ordered(Activite, "poles__activites"),
        _ordered(Tache, "poles__activites__taches"),
        _ordered(Competence, "competences"),
        _ordered(Critere, "competences__criteres"),
        _ordered(CompetenceActivite, "competences__activite_links"),
        _ordered(CompetenceTache, "competences__tache_links"),
        _ordered(Bloc, "blocs"),
        _ordered(BlocCompetence, "blocs__competence_links"),
        _ordered(Epreuve, "epreuves"),
        _ordered(EpreuveCompetence, "epreuves__competence_links"),
    ).get(pk=referentiel.pk)
    tree = ReferentielTree(referentiel=referentiel, poles=list(referentiel.poles.all()),
                           competences=list(referentiel.competences.all()), blocs=list(referentiel.blocs.all()),
                           epreuves=list(referentiel.epreuves.all()))
    # Links are resolved in memory rather than joined, so they point at the objects of the tree.
    activites = {activite.pk: activite for activite in tree.activites()}
    taches = {tache.pk: tache for tache in tree.taches()}
    competences = {competence.pk: competence for competence in tree.competences}
    for competence in tree.competences:
        competence.linked_activites = [activites[link.activite_id] for link in competence.activite_links.all()]
        competence.linked_taches = [taches[link.tache_id] for link in competence.tache_links.all()]
    for item in tree.blocs + tree.epreuves:
        item.linked_competences = [competences[link.competence_id] for link in item.competence_links.all()]
    return tree
