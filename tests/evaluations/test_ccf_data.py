"""CCF test data (fixtures only, no tests): in alpha, classe 1CIEL-A (Bac pro CIEL) taught by alpha's formateur
and a colleague, with Léa (alpha's apprenant account) and Hugo; classe TCIEL-B taught by another formateur, with
Zoé; a certificative situation of 1CIEL-A on épreuve E2 (competencies C03, C07, C11), and one formative.
Also `grilles`: Léa's grid locked, Hugo's a draft. Import in a test module:
`from .test_ccf_data import ccf_fixture, grilles_fixture  # noqa: F401`."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from evaluations.models import Scenario, ScenarioCritere, Situation
from evaluations.models_ccf import GrilleCCF
from evaluations.services_ccf import grille_ccf_lock, grille_ccf_save, grilles_ccf_create
from referentiels.models import Critere
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of

from ..conftest import make_person

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)


def learners_add(classe, noms) -> list[Apprenant]:
    apprenants = Apprenant.objects.bulk_create(Apprenant(nom=nom, prenom=prenom) for nom, prenom in noms)
    Inscription.objects.bulk_create(Inscription(apprenant=a, classe=classe, statut="apprenti",
                                                debut=datetime.date(ANNEE, 9, 1)) for a in apprenants)
    return apprenants


def situation_build(*, classe, auteur, ciel, nature="certificative", epreuve_code="E2") -> Situation:
    scenario = Scenario.objects.create(titre=f"Épreuve {epreuve_code}", auteur=auteur, referentiel=ciel)
    critere = Critere.objects.filter(referentiel=ciel).order_by("competence__rang", "rang").first()
    ScenarioCritere.objects.create(scenario=scenario, critere=critere, rang=0)
    epreuve = ciel.epreuves.get(code=epreuve_code) if nature == "certificative" else None
    return Situation.objects.create(scenario=scenario, classe=classe, date=TODAY, nature=nature, epreuve=epreuve,
                                    created_by=auteur)


@pytest.fixture(name="ccf")
def ccf_fixture(alpha, personas, ciel):
    collegue = make_person(alpha, "formateur", email="collegue@alpha.test")
    autre_formateur = make_person(alpha, "formateur", email="autre-formateur@alpha.test")
    with tenant_context(alpha):
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A")
        classe.formateurs.set([personas["formateur"], collegue])
        autre = Classe.objects.create(formation=formation, annee_scolaire=ANNEE, code="TCIEL-B")
        autre.formateurs.set([autre_formateur])
        lea, hugo = learners_add(classe, [("Dupont", "Léa"), ("Martin", "Hugo")])
        Apprenant.objects.filter(pk=lea.pk).update(user=personas["apprenant"])
        lea.refresh_from_db()
        (zoe,) = learners_add(autre, [("Petit", "Zoé")])
        situation = situation_build(classe=classe, auteur=personas["formateur"], ciel=ciel)
        formative = situation_build(classe=classe, auteur=personas["formateur"], ciel=ciel, nature="formative")
        autre_situation = situation_build(classe=autre, auteur=autre_formateur, ciel=ciel)
    connection.set_schema_to_public()
    competences = {c.code: c for c in ciel.epreuves.get(code="E2").competences.all()}
    return SimpleNamespace(classe=classe, autre=autre, lea=lea, hugo=hugo, zoe=zoe, situation=situation,
                           formative=formative, autre_situation=autre_situation, formateur=personas["formateur"],
                           collegue=collegue, autre_formateur=autre_formateur, personas=personas, ciel=ciel,
                           alpha=alpha, competences=competences)


@pytest.fixture(name="grilles")
def grilles_fixture(ccf):
    """Léa's grid locked (M, BM, IM → 13.3, candidate 02468, commission of two); Hugo's a draft."""
    c = {code: comp.pk for code, comp in ccf.competences.items()}
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        lea = GrilleCCF.objects.get(situation=ccf.situation, apprenant=ccf.lea)
        grille_ccf_save(grille=lea, niveaux={c["C03"]: "M", c["C07"]: "BM", c["C11"]: "IM"},
                        numero_candidat="02468", commission="Mme Roux — professeure\nM. Blanc — professionnel",
                        commentaire="Travail rigoureux.", actor=ccf.formateur)
        lea = grille_ccf_lock(grille=lea, actor=ccf.formateur)
        hugo = GrilleCCF.objects.get(situation=ccf.situation, apprenant=ccf.hugo)
    connection.set_schema_to_public()
    return {"lea": lea, "hugo": hugo, "c": c}
