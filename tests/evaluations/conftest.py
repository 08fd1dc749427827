"""Scenario fixtures: a formation on Bac pro CIEL in alpha, classe 1CIEL-A taught by alpha's formateur with two
learners, a colleague formateur, and a scenario of alpha's formateur targeting three criteria and a task."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from evaluations.services_scenario import scenario_create
from scolarite import services
from tenants.annees import annee_scolaire_of
from tests.conftest import FIXTURES, make_person

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)


@pytest.fixture
def tne(public):
    """The 2TNE référentiel: criteria of another référentiel."""
    from referentiels.services import referentiel_import

    report = referentiel_import(path=FIXTURES / "referentiels" / "2tne-famille-metiers.yaml", dry_run=False)
    assert report.ok, report.lines()
    return report.referentiel


@pytest.fixture
def collegue(alpha):
    user = make_person(alpha, Role.FORMATEUR, email="collegue@alpha.test")
    connection.set_schema_to_public()
    return user


@pytest.fixture
def classe_ciel(alpha, personas, ciel):
    with tenant_context(alpha):
        formation = services.formation_create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = services.classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A",
                                        formateurs=[personas["formateur"]])
        autre = services.classe_create(formation=formation, annee_scolaire=ANNEE, code="TCIEL-B")
        lea = services.apprenant_create(nom="Dupont", prenom="Léa", ine="1234567890A")
        services.inscription_open(apprenant=lea, classe=classe, statut="apprenti", debut=datetime.date(ANNEE, 9, 1))
        noe = services.apprenant_create(nom="Bernard", prenom="Noé")
        services.inscription_open(apprenant=noe, classe=classe, statut="scolaire", debut=datetime.date(ANNEE, 9, 1))
        hugo = services.apprenant_create(nom="Martin", prenom="Hugo")
        services.inscription_open(apprenant=hugo, classe=autre, statut="scolaire", debut=datetime.date(ANNEE, 9, 1))
    connection.set_schema_to_public()
    return {"formation": formation, "classe": classe, "autre": autre, "lea": lea, "noe": noe, "hugo": hugo}


@pytest.fixture
def scenario(alpha, personas, ciel, classe_ciel):
    criteres = list(ciel.criteres.order_by("competence__rang", "rang")[:3])
    tache = ciel.taches.order_by("rang").first()
    with tenant_context(alpha):
        created = scenario_create(auteur=personas["formateur"], referentiel=ciel, titre="TP réseau local",
                                  critere_ids=[c.pk for c in criteres], tache_ids=[tache.pk],
                                  description="Installer un réseau dans une PME.")
    connection.set_schema_to_public()
    return created
