"""Which catalogue items establishments' data points at: the import must not remove those.

`referentiels` imports no establishment app (docs/architecture.md), so the apps that store references to the
catalogue (evaluations, livret…) register a finder here, typically from their AppConfig.ready().
"""

from collections.abc import Callable
from uuid import UUID

Finder = Callable[[object], set[UUID]]
_finders: list[Finder] = []


def reference_finder_register(finder: Finder) -> Finder:
    """Register `finder(referentiel) -> set of item uuids`; usable as a decorator. Registering twice is harmless."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def referenced_items(referentiel) -> set[UUID]:
    """The uuids of the items of `referentiel` (pôles, activités, tâches, compétences, critères, blocs, épreuves)
    that any establishment's data references.

    Empty for now: no establishment app stores references to the catalogue yet. A finder must look in every
    establishment's schema (the catalogue is shared, its users are not), e.g. with `tenant_context` over
    `tenants.selectors.etablissement_list()`, and must leave the connection on the public schema.
    Called inside the import's transaction, with the référentiel's row locked.
    """
    found: set[UUID] = set()
    for finder in _finders:
        found |= set(finder(referentiel))
    return found
