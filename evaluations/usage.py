"""Tells the catalogue which of its items establishments' scenarios and evaluations point at, so a re-import
never removes them (referentiels.usage)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, tenant_context

from referentiels.usage import reference_finder_register


@reference_finder_register
def items_used_by_evaluations(referentiel) -> set:
    from referentiels.models import Competence, Critere, Epreuve, Tache
    from tenants.selectors import etablissement_list

    from .models import Evaluation, Positionnement, Scenario, ScenarioCritere, ScenarioTache, Situation

    criteres, competences, taches, epreuves = set(), set(), set(), set()
    uses_referentiel = False
    for etablissement in etablissement_list():
        with tenant_context(etablissement):
            uses_referentiel |= Scenario.objects.filter(referentiel_id=referentiel.pk).exists()
            criteres |= set(ScenarioCritere.objects.filter(scenario__referentiel_id=referentiel.pk)
                            .values_list("critere_id", flat=True))
            criteres |= set(Evaluation.objects.filter(critere__isnull=False).values_list("critere_id", flat=True))
            criteres |= set(Positionnement.objects.values_list("critere_id", flat=True))
            competences |= set(Evaluation.objects.filter(competence__isnull=False)
                               .values_list("competence_id", flat=True))
            taches |= set(ScenarioTache.objects.filter(scenario__referentiel_id=referentiel.pk)
                          .values_list("tache_id", flat=True))
            epreuves |= set(Situation.objects.filter(epreuve__isnull=False).values_list("epreuve_id", flat=True))
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()
    found = {referentiel.uuid} if uses_referentiel else set()
    for model, ids in ((Critere, criteres), (Competence, competences), (Tache, taches), (Epreuve, epreuves)):
        if ids:
            found |= set(model.objects.filter(referentiel=referentiel, pk__in=ids).values_list("uuid", flat=True))
    return found
