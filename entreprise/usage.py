"""Tells the catalogue which of its tasks and criteria the company side points at (fiches activités, journal
entries, bilans entreprise), so a re-import never removes them (referentiels.usage)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, tenant_context

from referentiels.usage import reference_finder_register


@reference_finder_register
def items_used_by_entreprise(referentiel) -> set:
    from referentiels.models import Critere, Tache
    from tenants.selectors import etablissement_list

    from .models_bilan import BilanCritere, BilanSaisie
    from .models_fiches import FicheCritere, FicheRealisationTache, FicheTache
    from .models_journal import EntreeTache

    criteres, taches = set(), set()
    for etablissement in etablissement_list():
        with tenant_context(etablissement):
            for model in (FicheTache, FicheRealisationTache, EntreeTache):
                taches |= set(model.objects.values_list("tache_id", flat=True).distinct())
            for model in (FicheCritere, BilanCritere, BilanSaisie):
                criteres |= set(model.objects.values_list("critere_id", flat=True).distinct())
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    found = set()
    for model, ids in ((Critere, criteres), (Tache, taches)):
        if ids:
            found |= set(model.objects.filter(referentiel=referentiel, pk__in=ids).values_list("uuid", flat=True))
    return found
