"""Tells the catalogue which competencies establishments' bilans point at, so a re-import never removes them
(referentiels.usage)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, tenant_context

from referentiels.usage import reference_finder_register


@reference_finder_register
def items_used_by_bilans(referentiel) -> set:
    from referentiels.models import Competence
    from tenants.selectors import etablissement_list

    from .models import Bilan, BilanLigne

    competences, uses_referentiel = set(), False
    for etablissement in etablissement_list():
        with tenant_context(etablissement):
            uses_referentiel |= Bilan.objects.filter(referentiel_id=referentiel.pk).exists()
            competences |= set(BilanLigne.objects.filter(bilan__referentiel_id=referentiel.pk)
                               .values_list("competence_id", flat=True).distinct())
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    found = {referentiel.uuid} if uses_referentiel else set()
    if competences:
        found |= set(Competence.objects.filter(referentiel=referentiel, pk__in=competences)
                     .values_list("uuid", flat=True))
    return found
