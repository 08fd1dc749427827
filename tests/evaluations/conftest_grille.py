"""Test data for the class grid, built with the models directly: a classe 1CIEL-A of alpha taught by alpha's
formateur and a second one (`collegue`), another classe taught by `autre_formateur`, learners, a scenario on
Bac pro CIEL's criteria and a formative situation with the whole classe. Import the fixture in a test module:
`from .conftest_grille import grille_data_fixture  # noqa: F401`."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from evaluations.models import Scenario, ScenarioCritere, Situation
from referentiels.models import Critere
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of

from ..conftest import make_person

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)


def learners_add(classe, count: int, *, start: int = 0) -> list[Apprenant]:
    apprenants = Apprenant.objects.bulk_create(
        Apprenant(nom=f"Nom{start + i:03d}", prenom=f"Prénom{start + i:03d}") for i in range(count))
    Inscription.objects.bulk_create(
        Inscription(apprenant=a, classe=classe, statut="apprenti", debut=datetime.date(ANNEE, 9, 1))
        for a in apprenants)
    return apprenants


def situation_build(*, classe, auteur, ciel, n_criteres: int, nature="formative", par_competence=False,
                    titre="TP réseau") -> Situation:
    scenario = Scenario.objects.create(titre=titre, auteur=auteur, referentiel=ciel)
    criteres = list(Critere.objects.filter(referentiel=ciel).order_by("competence__rang", "rang")[:n_criteres])
    assert len(criteres) == n_criteres
    ScenarioCritere.objects.bulk_create(ScenarioCritere(scenario=scenario, critere=c, rang=i)
                                        for i, c in enumerate(criteres))
    epreuve = ciel.epreuves.first() if nature == "certificative" else None
    return Situation.objects.create(scenario=scenario, classe=classe, date=TODAY, nature=nature, epreuve=epreuve,
                                    par_competence=par_competence, created_by=auteur)


@pytest.fixture(name="grille_data")
def grille_data_fixture(alpha, personas, ciel):
    collegue = make_person(alpha, "formateur", email="collegue@alpha.test")
    autre_formateur = make_person(alpha, "formateur", email="autre-formateur@alpha.test")
    with tenant_context(alpha):
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A")
        classe.formateurs.set([personas["formateur"], collegue])
        autre = Classe.objects.create(formation=formation, annee_scolaire=ANNEE, code="TCIEL-B")
        autre.formateurs.set([autre_formateur])
        lea, hugo = learners_add(classe, 2)
        Apprenant.objects.filter(pk=lea.pk).update(user=personas["apprenant"], nom="Dupont", prenom="Léa")
        lea.refresh_from_db()
        (zoe,) = learners_add(autre, 1, start=50)
        situation = situation_build(classe=classe, auteur=personas["formateur"], ciel=ciel, n_criteres=3)
        criteres = [link.critere for link in situation.scenario.critere_links.select_related("critere")]
    connection.set_schema_to_public()
    return SimpleNamespace(classe=classe, autre=autre, lea=lea, hugo=hugo, zoe=zoe, situation=situation,
                           criteres=criteres, formateur=personas["formateur"], collegue=collegue,
                           autre_formateur=autre_formateur, personas=personas, ciel=ciel, formation=formation)
