"""The company side in alpha: classe 1CIEL-A (taught by alpha's formateur) with its alternance calendar, the
apprentie Léa (alpha's apprenant account) at Acme with alpha's tuteur as maître d'apprentissage, and Hugo,
another apprentice of the same classe at Bureau Vert with another tuteur (whom alpha's tuteur must never see).
Beta has its own apprentice, for isolation tests."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models import Contrat, Periode
from entreprise.services import contrat_create, entreprise_create, tuteur_create
from entreprise.services_fiches import fiche_prepare
from referentiels.models import Critere, Tache
from scolarite import services as scolarite
from tenants.annees import annee_scolaire_of

from ..conftest import FIXTURES, make_person

TODAY = datetime.date.today()
ANNEE = annee_scolaire_of(TODAY)
RENTREE = datetime.date(ANNEE, 9, 1)
FIN_ANNEE = datetime.date(ANNEE + 1, 8, 31)


def company_world(etablissement, ciel, *, formateur, apprenant_user, tuteur_user, autre_tuteur_user=None):
    with tenant_context(etablissement):
        formation = scolarite.formation_create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = scolarite.classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A",
                                         formateurs=[formateur])
        lea = scolarite.apprenant_create(nom="Dupont", prenom="Léa", email=apprenant_user.email)
        lea.user = apprenant_user
        lea.save(update_fields=["user"])
        hugo = scolarite.apprenant_create(nom="Martin", prenom="Hugo")
        for apprenant in (lea, hugo):
            scolarite.inscription_open(apprenant=apprenant, classe=classe, statut="apprenti", debut=RENTREE)
        acme = entreprise_create(raison_sociale="Acme Réseaux", ville="Avignon")
        vert = entreprise_create(raison_sociale="Bureau Vert", ville="Orange")
        tuteur = tuteur_create(entreprise=acme, nom="Moreau", prenom="Jean", email=tuteur_user.email)
        tuteur.user = tuteur_user
        tuteur.save(update_fields=["user"])
        autre_tuteur = tuteur_create(entreprise=vert, nom="Vert", prenom="Jo", email="jo@vert.test")
        if autre_tuteur_user is not None:
            autre_tuteur.user = autre_tuteur_user
            autre_tuteur.save(update_fields=["user"])
        contrat = contrat_create(type=Contrat.Type.APPRENTISSAGE, apprenant=lea, entreprise=acme,
                                 tuteurs=[tuteur], debut=RENTREE, fin=FIN_ANNEE).contrat
        contrat_hugo = contrat_create(type=Contrat.Type.APPRENTISSAGE, apprenant=hugo, entreprise=vert,
                                      tuteurs=[autre_tuteur], debut=RENTREE, fin=FIN_ANNEE).contrat
        # The calendar: in the company for the last three weeks and the next three, in the centre before.
        entreprise_periode = Periode.objects.create(
            classe=classe, lieu=Periode.Lieu.ENTREPRISE, nature=Periode.Nature.ALTERNANCE,
            debut=TODAY - datetime.timedelta(days=21), fin=TODAY + datetime.timedelta(days=21))
        centre_periode = Periode.objects.create(
            classe=classe, lieu=Periode.Lieu.CENTRE, debut=RENTREE,
            fin=max(RENTREE, TODAY - datetime.timedelta(days=22)))
    connection.set_schema_to_public()
    return {"classe": classe, "lea": lea, "hugo": hugo, "acme": acme, "vert": vert, "tuteur": tuteur,
            "autre_tuteur": autre_tuteur, "contrat": contrat, "contrat_hugo": contrat_hugo,
            "periode": entreprise_periode, "periode_centre": centre_periode}


@pytest.fixture
def alternance(alpha, personas, ciel):
    autre = make_person(alpha, Role.TUTEUR, email="jo@vert.test")
    connection.set_schema_to_public()
    return company_world(alpha, ciel, formateur=personas["formateur"], apprenant_user=personas["apprenant"],
                         tuteur_user=personas["tuteur"], autre_tuteur_user=autre)


@pytest.fixture
def alternance_beta(beta, ciel):
    people = {role: make_person(beta, role) for role in (Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR)}
    connection.set_schema_to_public()
    world = company_world(beta, ciel, formateur=people[Role.FORMATEUR], apprenant_user=people[Role.APPRENANT],
                          tuteur_user=people[Role.TUTEUR])
    return {**world, "people": people}


# Fiches activités: a second référentiel (for refusals), the first tasks and criteria of one, the classe's fiche.

@pytest.fixture
def tne(public):
    from referentiels.services import referentiel_import

    report = referentiel_import(path=FIXTURES / "referentiels" / "2tne-famille-metiers.yaml", dry_run=False)
    assert report.ok, report.lines()
    return report.referentiel


def items(referentiel, n_taches=3, n_criteres=2):
    taches = list(Tache.objects.filter(referentiel=referentiel).order_by("activite__pole__rang", "activite__rang",
                                                                        "rang").values_list("pk", flat=True))
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang")
                    .values_list("pk", flat=True))
    return taches[:n_taches], criteres[:n_criteres]


@pytest.fixture
def fiche(alpha, alternance, personas, ciel):
    taches, criteres = items(ciel)
    with tenant_context(alpha):
        fiche = fiche_prepare(periode=alternance["periode"], titre="Installer un réseau", consignes="Avec le tuteur.",
                              tache_ids=taches, critere_ids=criteres, actor=personas["formateur"])
    connection.set_schema_to_public()
    return fiche
