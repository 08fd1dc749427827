"""Bilans intermédiaires test data, built with the models directly: in alpha, classe 1CIEL-A (Bac pro CIEL) taught
by alpha's formateur and a colleague, with Léa (alpha's apprenant account) and Hugo; classe TCIEL-B taught by
another formateur, with Zoé. Enrolled since last school year, so bilans and situations can be dated in the past.
Helpers add situations and evaluation events."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from evaluations.models import EtatSpecial, Evaluation, Niveau, Scenario, Situation
from referentiels.models import Competence, Critere
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of

from ..conftest import make_person

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)
DEBUT = datetime.date(ANNEE - 1, 9, 1)


def learners_add(classe, count: int, *, start: int = 0) -> list[Apprenant]:
    apprenants = Apprenant.objects.bulk_create(
        Apprenant(nom=f"Nom{start + i:03d}", prenom=f"Prénom{start + i:03d}") for i in range(count))
    Inscription.objects.bulk_create(
        Inscription(apprenant=a, classe=classe, statut="apprenti", debut=DEBUT) for a in apprenants)
    return apprenants


def situation_add(*, classe, auteur, referentiel, date, par_competence=False) -> Situation:
    scenario = Scenario.objects.create(titre=f"TP du {date}", auteur=auteur, referentiel=referentiel)
    return Situation.objects.create(scenario=scenario, classe=classe, date=date, par_competence=par_competence,
                                    created_by=auteur)


def niveau(echelle_code: str, code: str) -> Niveau:
    return Niveau.objects.filter(version__echelle__code=echelle_code, code=code).order_by("-version__numero").first()


def evaluer(*, apprenant, auteur, critere=None, competence=None, situation=None, code="S", lieu="centre",
            at=None) -> Evaluation:
    """An event: a Performance level for a criterion (S, TS... or NO for a special state), a Maîtrise level for
    a whole competency."""
    echelle = "performance" if critere is not None else "maitrise"
    level = niveau(echelle, code)
    etat = None if level else EtatSpecial.objects.filter(version__echelle__code=echelle, code=code).first()
    return Evaluation.objects.create(situation=situation, apprenant=apprenant, critere=critere, competence=competence,
                                     niveau=level, etat=etat, auteur=auteur, role="formateur", lieu=lieu,
                                     at=at or timezone.now())


@pytest.fixture
def monde(alpha, personas, ciel):
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
        Apprenant.objects.filter(pk=hugo.pk).update(nom="Martin", prenom="Hugo")
        lea.refresh_from_db()
        hugo.refresh_from_db()
        (zoe,) = learners_add(autre, 1, start=50)
    connection.set_schema_to_public()
    competences = {c.code: c for c in Competence.objects.filter(referentiel=ciel)}
    criteres = {code: list(Critere.objects.filter(competence=c).order_by("rang")) for code, c in competences.items()}
    return SimpleNamespace(classe=classe, autre=autre, lea=lea, hugo=hugo, zoe=zoe, formation=formation,
                           formateur=personas["formateur"], collegue=collegue, autre_formateur=autre_formateur,
                           personas=personas, ciel=ciel, competences=competences, criteres=criteres)


def reussir(m, apprenant, competence_code: str, dates, *, code="S"):
    """`apprenant` satisfies every criterion of the competency in a situation at each date. Run in alpha."""
    for date in dates:
        situation = situation_add(classe=m.classe, auteur=m.formateur, referentiel=m.ciel, date=date)
        for critere in m.criteres[competence_code]:
            evaluer(apprenant=apprenant, auteur=m.formateur, critere=critere, situation=situation, code=code)
