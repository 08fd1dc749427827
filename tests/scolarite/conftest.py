"""A formation on Bac pro CIEL in alpha, with classe 1CIEL-A taught by alpha's formateur, and a learner in it."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from scolarite import services
from tenants.annees import annee_scolaire_of

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)


@pytest.fixture
def scolarite_alpha(alpha, personas, ciel):
    with tenant_context(alpha):
        formation = services.formation_create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = services.classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A",
                                        formateurs=[personas["formateur"]])
        autre = services.classe_create(formation=formation, annee_scolaire=ANNEE, code="TCIEL-B")
        lea = services.apprenant_create(nom="Dupont", prenom="Léa", ine="1234567890A")
        services.inscription_open(apprenant=lea, classe=classe, statut="apprenti",
                                  debut=datetime.date(ANNEE, 9, 1))
        hugo = services.apprenant_create(nom="Martin", prenom="Hugo")
        services.inscription_open(apprenant=hugo, classe=autre, statut="scolaire", debut=datetime.date(ANNEE, 9, 1))
    connection.set_schema_to_public()
    return {"formation": formation, "classe": classe, "autre": autre, "lea": lea, "hugo": hugo}
