"""Search in a loaded référentiel tree, in memory: the page keeps its constant number of queries."""

import unicodedata
from dataclasses import dataclass, field

from .selectors import ReferentielTree


def _fold(text: str) -> str:
    """Lower case without accents, so « evaluer » finds « Évaluer »."""
    decomposed = unicodedata.normalize("NFD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _hit(words: list[str], *texts: str) -> bool:
    haystack = _fold(" ".join(texts))
    return all(word in haystack for word in words)


@dataclass
class TreeMatches:
    """Which items match the query (codes and texts), and which containers to show open."""

    query: str
    criteres: set = field(default_factory=set)
    competences: set = field(default_factory=set)  # matching themselves or through a critère
    blocs: set = field(default_factory=set)
    taches: set = field(default_factory=set)
    activites: set = field(default_factory=set)
    poles: set = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.criteres) + len(self.competences) + len(self.taches) + len(self.activites)


def referentiel_search(*, tree: ReferentielTree, query: str) -> TreeMatches | None:
    words = _fold(query).split()
    if not words:
        return None
    matches = TreeMatches(query=query)
    for competence in tree.competences:
        for critere in competence.criteres.all():
            if _hit(words, critere.code, critere.intitule):
                matches.criteres.add(critere.pk)
                matches.competences.add(competence.pk)
        if _hit(words, competence.code, competence.intitule):
            matches.competences.add(competence.pk)
    for bloc in tree.blocs:
        if _hit(words, bloc.code, bloc.intitule) or any(c.pk in matches.competences for c in bloc.linked_competences):
            matches.blocs.add(bloc.pk)
    for pole in tree.poles:
        for activite in pole.activites.all():
            for tache in activite.taches.all():
                if _hit(words, tache.code, tache.intitule):
                    matches.taches.add(tache.pk)
                    matches.activites.add(activite.pk)
            if _hit(words, activite.code, activite.intitule, *activite.resultats_attendus):
                matches.activites.add(activite.pk)
            if activite.pk in matches.activites:
                matches.poles.add(pole.pk)
    return matches


def tree_annotate(tree: ReferentielTree) -> ReferentielTree:
    """Give each compétence the épreuves that assess it and the blocs it belongs to, and list the compétences
    that no bloc contains (the text lists some that the diploma does not certify)."""
    for competence in tree.competences:
        competence.assessed_by, competence.in_blocs = [], []
    for epreuve in tree.epreuves:
        for competence in epreuve.linked_competences:
            competence.assessed_by.append(epreuve)
    for bloc in tree.blocs:
        for competence in bloc.linked_competences:
            competence.in_blocs.append(bloc)
    tree.hors_bloc = [c for c in tree.competences if not c.in_blocs]
    return tree
