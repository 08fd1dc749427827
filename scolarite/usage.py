"""Tells the catalogue which référentiels establishments' formations use, so none is deleted under them."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, tenant_context

from referentiels.usage import reference_finder_register


@reference_finder_register
def formations_using(referentiel) -> set:
    from tenants.selectors import etablissement_list

    from .models import Formation

    found = set()
    for etablissement in etablissement_list():
        with tenant_context(etablissement):
            if Formation.objects.filter(referentiel_id=referentiel.pk).exists():
                found.add(referentiel.uuid)
                break
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    return found
