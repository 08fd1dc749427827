"""The periods pages: who sees what (formateurs only their classes, inspection read-only, another
establishment nothing), the calendar's forms, the PFMP weeks with their visible flag, in constant queries."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models import AmenagementPFMP, EntreeJournal, Periode
from entreprise.services import entreprise_create

from ..conftest import host_client, login, make_person
from .conftest import ANNEE
from .test_periodes import FREE, eleve, journal_entry

D = datetime.date


@pytest.fixture
def pupils(alpha, alternance):
    """Two pupils in 1CIEL-A: one with all 20 weeks, one with 6 (flagged)."""
    with tenant_context(alpha):
        classe, acme = alternance["classe"], alternance["acme"]
        complet = eleve(classe, "Complet", 6, 8, 6, entreprise=acme)
        court = eleve(classe, "Court", 6, entreprise=acme)
    connection.set_schema_to_public()
    return {"complet": complet, "court": court}


@pytest.fixture
def autre_formateur(alpha):
    """A formateur of alpha who does not teach 1CIEL-A."""
    user = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
    connection.set_schema_to_public()
    client = host_client("alpha.localhost")
    assert login(client, user.email).status_code == 302
    return client


def urls(world) -> dict[str, str]:
    classe, periode = world["classe"].pk, world["periode"].pk
    return {
        "calendrier": f"/periodes/classes/{classe}/",
        "pfmp": f"/periodes/classes/{classe}/pfmp/",
        "modifier": f"/periodes/classes/{classe}/{periode}/modifier/",
        "couper": f"/periodes/classes/{classe}/{periode}/couper/",
    }


# Who sees what

@pytest.mark.parametrize("role", [Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR])
def test_direction_formateurs_of_the_classe_and_inspection_read_the_calendar_and_weeks(as_role, alternance, pupils,
                                                                                       role):
    client = as_role(role)
    for url in ("/periodes/", urls(alternance)["calendrier"], urls(alternance)["pfmp"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "1CIEL-A" in response.content.decode()


@pytest.mark.parametrize("role", [Role.APPRENANT, Role.TUTEUR])
def test_learners_and_tutors_get_a_403(as_role, alternance, role):
    client = as_role(role)
    for url in ("/periodes/", *urls(alternance).values(), "/periodes/pfmp/signales/",
                f"/periodes/apprenants/{alternance['lea'].pk}/amenagement/"):
        assert client.get(url).status_code == 403, url


def test_a_formateur_of_another_classe_gets_a_404(autre_formateur, alternance):
    for url in urls(alternance).values():
        assert autre_formateur.get(url).status_code == 404, url
    assert autre_formateur.post(f"/periodes/classes/{alternance['classe'].pk}/nouvelle/", {
        "lieu": "centre", "nature": "alternance", "debut": FREE, "fin": FREE}).status_code == 404
    assert "1CIEL-A" not in autre_formateur.get("/periodes/").content.decode()


def test_beta_s_direction_gets_a_404_on_alpha_s_classe(alternance, charlie, beta_client):
    assert login(beta_client, charlie.email).status_code == 302
    for url in urls(alternance).values():
        assert beta_client.get(url).status_code == 404, url
    assert beta_client.post(f"/periodes/classes/{alternance['classe'].pk}/{alternance['periode'].pk}/supprimer/"
                            ).status_code == 404
    assert beta_client.get(f"/periodes/apprenants/{alternance['lea'].pk}/amenagement/").status_code == 404


def test_alpha_s_period_is_never_reached_through_beta_s_classe(alpha, beta, alternance, alternance_beta, personas,
                                                                beta_client):
    """Beta's classe may carry alpha's classe's number: under it, only beta's periods exist."""
    with tenant_context(alpha):
        secrete = Periode.objects.create(classe=alternance["classe"], lieu="centre", debut=FREE, fin=FREE,
                                         libelle="Période secrète d'alpha")
    with tenant_context(beta):
        beta_ids = set(Periode.objects.values_list("pk", flat=True))
    connection.set_schema_to_public()
    assert login(beta_client, alternance_beta["people"][Role.FORMATEUR].email).status_code == 302
    classe_beta = alternance_beta["classe"].pk
    page = beta_client.get(f"/periodes/classes/{classe_beta}/").content.decode()
    assert "1CIEL-A" in page and "secrète" not in page
    if secrete.pk not in beta_ids:
        assert beta_client.get(f"/periodes/classes/{classe_beta}/{secrete.pk}/couper/").status_code == 404


# The calendar's forms

def test_inspection_reads_the_calendar_without_forms_and_may_not_post(as_role, alternance):
    client = as_role(Role.INSPECTEUR)
    page = client.get(urls(alternance)["calendrier"]).content.decode()
    assert "Nouvelle période" not in page and "Couper" not in page
    classe = alternance["classe"].pk
    assert client.post(f"/periodes/classes/{classe}/nouvelle/", {
        "lieu": "centre", "nature": "alternance", "debut": FREE, "fin": FREE}).status_code == 403
    assert client.get(urls(alternance)["couper"]).status_code == 403


def test_a_formateur_creates_a_period_from_the_calendar(as_role, alternance, alpha):
    client = as_role(Role.FORMATEUR)
    page = client.get(urls(alternance)["calendrier"]).content.decode()
    assert "Nouvelle période" in page and 'class="table-wrap" role="region" tabindex="0"' in page
    response = client.post(f"/periodes/classes/{alternance['classe'].pk}/nouvelle/", {
        "lieu": "entreprise", "nature": "pfmp", "libelle": "PFMP 2", "debut": FREE,
        "fin": FREE + datetime.timedelta(days=25)})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Periode.objects.filter(libelle="PFMP 2", nature="pfmp", debut=FREE).exists()


def test_an_overlapping_period_shows_the_error_next_to_its_field(as_role, alternance, alpha):
    client = as_role(Role.DIRECTION)
    response = client.post(f"/periodes/classes/{alternance['classe'].pk}/nouvelle/", {
        "lieu": "centre", "nature": "alternance", "debut": alternance["periode"].fin, "fin": FREE})
    assert response.status_code == 400
    page = response.content.decode()
    assert "chevauchent" in page and 'id="id_debut_error"' in page and 'role="alert"' in page
    with tenant_context(alpha):
        assert Periode.objects.filter(classe=alternance["classe"]).count() == 2


def test_a_formateur_cuts_a_period_and_its_journal_follows(as_role, alternance, alpha, personas):
    periode = alternance["periode"]
    le = periode.debut + datetime.timedelta(days=7)
    with tenant_context(alpha):
        entree = journal_entry(alternance["contrat"], periode, le + datetime.timedelta(days=1),
                               personas[Role.APPRENANT])
    connection.set_schema_to_public()
    client = as_role(Role.FORMATEUR)
    assert client.get(urls(alternance)["couper"]).status_code == 200
    response = client.post(urls(alternance)["couper"], {"le": le})
    assert response.status_code == 302
    with tenant_context(alpha):
        seconde = Periode.objects.get(classe=alternance["classe"], debut=le)
        assert EntreeJournal.objects.get(pk=entree.pk).periode_id == seconde.pk
    page = client.get(urls(alternance)["calendrier"]).content.decode()
    assert "Période coupée" in page


def test_a_period_with_a_journal_is_not_deleted_from_the_page(as_role, alternance, alpha, personas):
    periode = alternance["periode"]
    with tenant_context(alpha):
        journal_entry(alternance["contrat"], periode, periode.debut, personas[Role.APPRENANT])
    connection.set_schema_to_public()
    client = as_role(Role.DIRECTION)
    classe = alternance["classe"].pk
    response = client.post(f"/periodes/classes/{classe}/{periode.pk}/supprimer/", follow=True)
    assert "ne peut pas être supprimée" in response.content.decode()
    response = client.post(f"/periodes/classes/{classe}/{alternance['periode_centre'].pk}/supprimer/", follow=True)
    assert "supprimée" in response.content.decode()
    with tenant_context(alpha):
        assert list(Periode.objects.filter(classe_id=classe).values_list("pk", flat=True)) == [periode.pk]


def test_a_period_is_edited(as_role, alternance, alpha):
    client = as_role(Role.DIRECTION)
    periode = alternance["periode"]
    assert client.get(urls(alternance)["modifier"]).status_code == 200
    response = client.post(urls(alternance)["modifier"], {
        "lieu": "entreprise", "nature": "alternance", "libelle": "Entreprise d'automne", "debut": periode.debut,
        "fin": periode.fin})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Periode.objects.get(pk=periode.pk).libelle == "Entreprise d'automne"


# PFMP weeks

def test_the_pfmp_page_flags_pupils_short_of_weeks_in_words(as_role, alternance, pupils):
    page = as_role(Role.FORMATEUR).get(urls(alternance)["pfmp"]).content.decode()
    assert "COMPLET" in page and "COURT" in page
    assert "À signaler : il manque 14 semaines" in page
    assert page.count("À signaler :") == 1
    assert "DUPONT" not in page  # Léa is an apprentice
    assert 'role="region" tabindex="0" aria-label="Semaines de PFMP' in page
    assert "Aménager" not in page  # the direction's


def test_the_pfmp_page_runs_a_constant_number_of_queries(as_role, alternance, pupils, alpha,
                                                         django_assert_max_num_queries):
    client = as_role(Role.DIRECTION)
    url = urls(alternance)["pfmp"]
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    with tenant_context(alpha):
        autre = entreprise_create(raison_sociale="Autre SARL")
        for n in range(12):
            eleve(alternance["classe"], f"Eleve{n:02d}", 4, 2, entreprise=autre)
        AmenagementPFMP.objects.create(apprenant=pupils["court"], semaines_requises=6, motif="cycle d'un an",
                                       decide_par=alternance["classe"].formateurs.first(), decide_le=D(ANNEE, 9, 1))
    connection.set_schema_to_public()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "ELEVE11" in page and "aménagement" in page


def test_the_direction_lists_every_pupil_short_of_weeks(as_role, alternance, pupils):
    page = as_role(Role.DIRECTION).get("/periodes/pfmp/signales/").content.decode()
    assert "COURT" in page and "COMPLET" not in page and "1CIEL-A" in page
    assert "1 élève à signaler" in page


@pytest.mark.parametrize("role", [Role.FORMATEUR, Role.INSPECTEUR])
def test_the_list_of_flagged_pupils_is_the_direction_s(as_role, alternance, role):
    assert as_role(role).get("/periodes/pfmp/signales/").status_code == 403


def test_the_direction_records_an_amenagement_and_the_flag_goes(as_role, alternance, pupils, alpha):
    client = as_role(Role.DIRECTION)
    url = f"/periodes/apprenants/{pupils['court'].pk}/amenagement/?classe={alternance['classe'].pk}"
    page = client.get(url).content.decode()
    assert "Minimum sans lieu d'accueil" in page and "Baccalauréat professionnel" in page
    response = client.post(url, {"semaines_requises": "5", "motif": "Aucun lieu d'accueil (décret 2022-672)",
                                 "decide_le": D(ANNEE, 10, 1), "classe": alternance["classe"].pk})
    assert response.status_code == 302 and response["Location"] == urls(alternance)["pfmp"]
    with tenant_context(alpha):
        assert AmenagementPFMP.objects.get(apprenant=pupils["court"]).semaines_requises == 5
    connection.set_schema_to_public()
    page = client.get(urls(alternance)["pfmp"]).content.decode()
    assert "À signaler" not in page
    assert "Aucun élève à signaler" in client.get("/periodes/pfmp/signales/").content.decode()


def test_an_amenagement_without_motif_is_refused(as_role, pupils, alpha):
    client = as_role(Role.DIRECTION)
    response = client.post(f"/periodes/apprenants/{pupils['court'].pk}/amenagement/",
                           {"semaines_requises": "5", "motif": ""})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    with tenant_context(alpha):
        assert not AmenagementPFMP.objects.exists()


def test_a_formateur_may_not_record_an_amenagement(as_role, pupils):
    assert as_role(Role.FORMATEUR).post(f"/periodes/apprenants/{pupils['court'].pk}/amenagement/", {
        "semaines_requises": "5", "motif": "x"}).status_code == 403
