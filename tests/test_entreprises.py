"""Companies, tuteurs / maîtres d'apprentissage and contracts: SIRET checks, the R6223-6 warning, the pages of
each role, the tuteur's home, and no crossing between establishments."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent, User
from accounts.roles import Role
from entreprise.models import Contrat, Entreprise, Tuteur
from entreprise.services import (
    contrat_create,
    contrat_rompre,
    contrat_update,
    entreprise_create,
    entreprise_update,
    tuteur_create,
    tuteur_update,
)
from entreprise.validators import luhn_ok, siret_normalize, validate_siret
from scolarite.models import Apprenant, Classe, Formation, Inscription

from .conftest import host_client, login

TODAY = datetime.date.today()
DEBUT, FIN = TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=700)
SIRET_A, SIRET_B, SIRET_C = "73282932000074", "44306184100047", "55208131766522"


def make_siret(n: int) -> str:
    """A Luhn-valid SIRET built from `n`."""
    base = f"{n:013d}"
    return next(base + d for d in "0123456789" if luhn_ok(base + d))


@pytest.fixture
def world(alpha, personas, ciel):
    """In alpha: a company with two tuteurs, another with one, four learners; the formateur teaches a classe
    where only Ada is."""
    with tenant_context(alpha):
        acme = entreprise_create(raison_sociale="Acme Réseaux", siret="732 829 320 00074", ville="Avignon",
                                 code_postal="84000")
        autre = entreprise_create(raison_sociale="Bureau Vert", siret=SIRET_B, ville="Orange")
        martin = tuteur_create(entreprise=acme, nom="Martin", prenom="Paul", email="paul.martin@acme.test",
                               fonction="Technicien réseau")
        durand = tuteur_create(entreprise=acme, nom="Durand", prenom="Léa")
        vert = tuteur_create(entreprise=autre, nom="Vert", prenom="Jo", email="jo@vert.test")
        learners = [Apprenant.objects.create(nom=nom, prenom=prenom) for nom, prenom in
                    [("Lovelace", "Ada"), ("Hopper", "Grace"), ("Turing", "Alan"), ("Liskov", "Barbara")]]
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=TODAY.year, code="1CIEL-A")
        classe.formateurs.add(personas[Role.FORMATEUR])
        Inscription.objects.create(apprenant=learners[0], classe=classe, statut="apprenti", debut=DEBUT)
    connection.set_schema_to_public()
    return {"acme": acme, "autre": autre, "martin": martin, "durand": durand, "vert": vert, "learners": learners}


def apprentissage(world, apprenant, tuteurs, *, prolonge=False, debut=DEBUT, fin=FIN, entreprise=None):
    return contrat_create(type=Contrat.Type.APPRENTISSAGE, apprenant=apprenant,
                          entreprise=entreprise or world["acme"], tuteurs=tuteurs, debut=debut, fin=fin,
                          prolonge_apres_echec=prolonge)


# SIRET

@pytest.mark.parametrize("siret", [SIRET_A, SIRET_B, SIRET_C, "35600000000048"])
def test_a_siret_with_a_good_luhn_key_is_accepted(siret):
    validate_siret(siret)


def test_la_poste_establishments_follow_the_sum_of_digits_rule():
    validate_siret("35600000049837")  # digits sum to 50, Luhn fails
    assert not luhn_ok("35600000049837")
    with pytest.raises(ValidationError):
        validate_siret("35600000049838")


def test_la_poste_head_office_follows_luhn():
    validate_siret("35600000000048")  # digit sum 26: only Luhn makes it valid
    with pytest.raises(ValidationError):
        validate_siret("35600000000050")


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000745", "7328293200007A", ""])
def test_a_siret_of_the_wrong_shape_is_refused_with_its_reason(siret):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == "siret_format" and "14 chiffres" in error.value.messages[0]


def test_a_siret_with_a_wrong_key_is_refused_with_its_reason():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert error.value.code == "siret_checksum" and "clé de contrôle" in error.value.messages[0]


def test_spaces_dots_and_dashes_are_taken_out_of_a_siret():
    assert siret_normalize("732 829 320 00074") == SIRET_A
    assert siret_normalize("732.829.320-00074") == SIRET_A
    assert siret_normalize("732\u00a0829\u00a0320\u00a000074") == SIRET_A


# Services

def test_the_service_normalises_the_siret_and_refuses_a_duplicate(alpha):
    with tenant_context(alpha):
        entreprise = entreprise_create(raison_sociale=" Acme ", siret="732 829 320 00074")
        assert (entreprise.raison_sociale, entreprise.siret) == ("Acme", SIRET_A)
        with pytest.raises(ValidationError) as error:
            entreprise_create(raison_sociale="Copie", siret=SIRET_A)
        assert error.value.code == "siret_duplicate" and "Acme" in error.value.messages[0]
        assert entreprise_update(entreprise=entreprise, siret="73282932000074", ville="Avignon") == ["ville"]
        assert Entreprise.objects.count() == 1


def test_the_service_refuses_what_the_columns_cannot_hold(alpha):
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as error:
            entreprise_create(raison_sociale="Acme", code_naf="6202AXX")
        assert error.value.code == "code_naf_length"
        with pytest.raises(ValidationError):
            entreprise_create(raison_sociale="Acme", email="pas-un-email")
        with pytest.raises(ValidationError):
            entreprise_create(raison_sociale="  ")
        assert not Entreprise.objects.exists()


def test_a_tuteur_keeps_a_name(world, alpha):
    with tenant_context(alpha):
        with pytest.raises(ValidationError):
            tuteur_update(tuteur=world["martin"], nom="")
        assert tuteur_update(tuteur=world["martin"], email="PAUL@ACME.TEST") == ["email"]
        assert Tuteur.objects.get(pk=world["martin"].pk).email == "paul@acme.test"


def test_a_third_ordinary_apprentice_warns_and_the_contract_is_saved(world, alpha):
    a, b, c, _ = world["learners"]
    with tenant_context(alpha):
        assert apprentissage(world, a, [world["martin"]]).warnings == []
        assert apprentissage(world, b, [world["martin"]]).warnings == []
        result = apprentissage(world, c, [world["martin"]])
        assert len(result.warnings) == 1 and "Paul MARTIN encadre 3 apprentis" in result.warnings[0]
        assert "R6223-6" in result.warnings[0]
        assert Contrat.objects.filter(pk=result.contrat.pk, tuteurs=world["martin"]).exists()
        assert AuditEvent.objects.get(action="contrat_create", target=str(result.contrat)).details["alertes"]


def test_two_apprentices_plus_one_extended_after_a_failed_exam_do_not_warn(world, alpha):
    a, b, c, _ = world["learners"]
    with tenant_context(alpha):
        apprentissage(world, a, [world["martin"]])
        apprentissage(world, b, [world["martin"]])
        assert apprentissage(world, c, [world["martin"]], prolonge=True).warnings == []


def test_two_apprentices_plus_two_extended_warn(world, alpha):
    a, b, c, d = world["learners"]
    with tenant_context(alpha):
        apprentissage(world, a, [world["martin"]])
        apprentissage(world, b, [world["martin"]])
        apprentissage(world, c, [world["martin"]], prolonge=True)
        result = apprentissage(world, d, [world["martin"]], prolonge=True)
        assert len(result.warnings) == 1 and "4 apprentis en même temps, dont 2 prolongés" in result.warnings[0]
        assert Contrat.objects.filter(tuteurs=world["martin"]).count() == 4


def test_contracts_one_after_the_other_are_not_supervised_at_once(world, alpha):
    a, b, c, _ = world["learners"]
    half = DEBUT + datetime.timedelta(days=300)
    with tenant_context(alpha):
        apprentissage(world, a, [world["martin"]], fin=half)
        apprentissage(world, b, [world["martin"]], debut=half + datetime.timedelta(days=1))
        apprentissage(world, c, [world["martin"]])  # two at once at most
        assert apprentissage(world, world["learners"][3], [world["martin"]]).warnings  # now three


def test_a_broken_contract_frees_its_place_and_agreements_do_not_count(world, alpha):
    a, b, c, d = world["learners"]
    with tenant_context(alpha):
        first = apprentissage(world, a, [world["martin"]]).contrat
        apprentissage(world, b, [world["martin"]])
        contrat_rompre(contrat=first, le=DEBUT)
        contrat_create(type=Contrat.Type.PFMP, apprenant=d, entreprise=world["acme"], tuteurs=[world["martin"]],
                       debut=DEBUT, fin=FIN)
        assert apprentissage(world, c, [world["martin"]]).warnings == []


def test_a_learner_with_two_contracts_at_once_is_warned_about(world, alpha):
    a = world["learners"][0]
    with tenant_context(alpha):
        apprentissage(world, a, [world["martin"]])
        result = apprentissage(world, a, [world["vert"]], entreprise=world["autre"])
        assert any("Acme Réseaux" in w and "chevauche" in w for w in result.warnings)


def test_a_contract_refuses_a_tuteur_of_another_company_and_bad_dates(world, alpha):
    a = world["learners"][0]
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as error:
            apprentissage(world, a, [world["vert"]])
        assert error.value.code == "tuteurs_entreprise"
        with pytest.raises(ValidationError) as error:
            apprentissage(world, a, [], debut=FIN, fin=DEBUT)
        assert error.value.code == "fin_before_debut"
        assert not Contrat.objects.exists()


def test_updating_a_contract_warns_too_and_changes_its_tuteurs(world, alpha):
    a, b, c, _ = world["learners"]
    with tenant_context(alpha):
        apprentissage(world, a, [world["martin"]])
        apprentissage(world, b, [world["martin"]])
        contrat = apprentissage(world, c, [world["durand"]]).contrat
        result = contrat_update(contrat=contrat, tuteurs=[world["martin"], world["durand"]], debut=DEBUT, fin=FIN)
        assert len(result.warnings) == 1
        assert set(contrat.tuteurs.all()) == {world["martin"], world["durand"]}


def test_a_rupture_must_fall_within_the_contract(world, alpha):
    with tenant_context(alpha):
        contrat = apprentissage(world, world["learners"][0], [world["martin"]]).contrat
        for day in (DEBUT - datetime.timedelta(days=1), FIN + datetime.timedelta(days=1)):
            with pytest.raises(ValidationError):
                contrat_rompre(contrat=contrat, le=day)
        contrat_rompre(contrat=contrat, le=TODAY)
        assert Contrat.objects.get(pk=contrat.pk).etat() == "rompu"


# Pages: companies

def test_the_direction_adds_a_company_with_a_spaced_siret(as_role, alpha):
    response = as_role(Role.DIRECTION).post("/entreprises/nouvelle/", {
        "raison_sociale": "Acme", "siret": "732 829 320 00074", "ville": "Avignon"})
    assert response.status_code == 302
    with tenant_context(alpha):
        entreprise = Entreprise.objects.get()
        assert entreprise.siret == SIRET_A
        assert response["Location"] == f"/entreprises/{entreprise.pk}/"
        assert AuditEvent.objects.filter(action="entreprise_create", target="Acme").exists()


@pytest.mark.parametrize("siret, message", [
    ("1234", "14 chiffres attendus"),
    ("73282932000075", "la clé de contrôle ne correspond pas"),
])
def test_a_bad_siret_is_refused_with_a_message_and_nothing_written(as_role, alpha, siret, message):
    response = as_role(Role.DIRECTION).post("/entreprises/nouvelle/", {"raison_sociale": "Acme", "siret": siret})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'class="field-error" id="id_siret_error"' in page
    with tenant_context(alpha):
        assert not Entreprise.objects.exists()


def test_a_duplicate_siret_is_refused_on_its_field(as_role, world, alpha):
    response = as_role(Role.DIRECTION).post("/entreprises/nouvelle/", {"raison_sociale": "Copie", "siret": SIRET_A})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_siret_error"' in page and "Acme Réseaux" in page
    with tenant_context(alpha):
        assert Entreprise.objects.count() == 2


def test_the_direction_edits_a_company(as_role, world, alpha):
    url = f"/entreprises/{world['acme'].pk}/modifier/"
    client = as_role(Role.DIRECTION)
    assert 'value="Acme Réseaux"' in client.get(url).content.decode()
    response = client.post(url, {"raison_sociale": "Acme Réseaux", "siret": SIRET_A, "ville": "Carpentras"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Entreprise.objects.get(pk=world["acme"].pk).ville == "Carpentras"


def test_the_company_list_searches_by_name_siret_and_town(as_role, world):
    client = as_role(Role.DIRECTION)
    assert "Bureau Vert" not in client.get("/entreprises/?q=acme").content.decode()
    page = client.get("/entreprises/?q=732 829 320").content.decode()
    assert "Acme Réseaux" in page and "Bureau Vert" not in page
    page = client.get("/entreprises/?q=orange").content.decode()
    assert "Bureau Vert" in page and "Acme Réseaux" not in page


def test_an_htmx_search_returns_only_the_table(as_role, world):
    page = as_role(Role.DIRECTION).get("/entreprises/?q=vert", HTTP_HX_REQUEST="true").content.decode()
    assert page.startswith('<div id="entreprises">') and "Bureau Vert" in page and "<html" not in page


def test_the_company_page_shows_its_tuteurs_and_contracts(as_role, world, alpha):
    with tenant_context(alpha):
        apprentissage(world, world["learners"][1], [world["martin"]])
    page = as_role(Role.DIRECTION).get(f"/entreprises/{world['acme'].pk}/").content.decode()
    assert "Paul MARTIN" in page and "Technicien réseau" in page and "Léa DURAND" in page
    assert "HOPPER Grace" in page and "Jo VERT" not in page
    assert "732 829 320 00074" in page


def assert_constant_queries(client, url, grow, django_assert_max_num_queries, alpha) -> str:
    """The page runs no more statements (each query comes with django-tenants' SET search_path) once `grow`
    has added rows."""
    with django_assert_max_num_queries(MAX_STATEMENTS) as few:
        assert client.get(url).status_code == 200
    with tenant_context(alpha):
        grow()
    connection.set_schema_to_public()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    return response.content.decode()


MAX_STATEMENTS = 16


def test_the_company_list_runs_a_constant_number_of_queries(as_role, world, alpha, django_assert_max_num_queries):
    def grow():
        for n in range(30):
            entreprise = entreprise_create(raison_sociale=f"Entreprise {n}", siret=make_siret(n + 1))
            tuteur = tuteur_create(entreprise=entreprise, nom=f"T{n}", prenom="X")
            contrat_create(type="pfmp", apprenant=world["learners"][n % 4], entreprise=entreprise, tuteurs=[tuteur],
                           debut=DEBUT, fin=FIN)

    page = assert_constant_queries(as_role(Role.DIRECTION), "/entreprises/", grow, django_assert_max_num_queries,
                                   alpha)
    assert "Entreprise 29" in page


# Pages: tuteurs and their invitation

def test_the_direction_adds_and_edits_a_tuteur(as_role, world, alpha):
    client = as_role(Role.DIRECTION)
    acme = world["acme"].pk
    response = client.post(f"/entreprises/{acme}/tuteurs/nouveau/", {
        "nom": "Noir", "prenom": "Eva", "email": "Eva@Acme.test", "fonction": "Cheffe d'équipe",
        "qualification": "BTS SN, 8 ans"})
    assert response.status_code == 302 and response["Location"] == f"/entreprises/{acme}/"
    with tenant_context(alpha):
        tuteur = Tuteur.objects.get(nom="Noir")
        assert tuteur.email == "eva@acme.test" and tuteur.entreprise_id == acme
    response = client.post(f"/entreprises/{acme}/tuteurs/{tuteur.pk}/modifier/", {
        "nom": "Noir", "prenom": "Eva", "telephone": "06 12 34 56 78"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert Tuteur.objects.get(pk=tuteur.pk).telephone == "06 12 34 56 78"


def test_a_tuteur_without_a_name_is_refused(as_role, world, alpha):
    response = as_role(Role.DIRECTION).post(f"/entreprises/{world['acme'].pk}/tuteurs/nouveau/", {"nom": "X"})
    assert response.status_code == 200 and "id_prenom_error" in response.content.decode()


def test_a_tuteur_of_another_company_is_not_found_under_this_one(as_role, world):
    url = f"/entreprises/{world['acme'].pk}/tuteurs/{world['vert'].pk}/modifier/"
    assert as_role(Role.DIRECTION).get(url).status_code == 404


def invite_tuteur(client, world, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/entreprises/{world[name].entreprise_id}/tuteurs/{world[name].pk}/inviter/",
                               follow=True)
    connection.set_schema_to_public()
    return response


def test_inviting_a_tuteur_creates_a_linked_account_who_logs_in_by_code_and_sees_the_apprentice(
        as_role, world, alpha, django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        apprentissage(world, world["learners"][0], [world["martin"]])
        Apprenant.objects.filter(pk=world["learners"][0].pk).update(telephone="06 00 00 00 01")
    response = invite_tuteur(as_role(Role.DIRECTION), world, "martin", django_capture_on_commit_callbacks)
    assert "Invitation envoyée à paul.martin@acme.test" in response.content.decode()
    with tenant_context(alpha):
        user = User.objects.get(email="paul.martin@acme.test")
        assert user.roles == [Role.TUTEUR] and (user.first_name, user.last_name) == ("Paul", "Martin")
        assert Tuteur.objects.get(pk=world["martin"].pk).user == user
        assert AuditEvent.objects.filter(action="tuteur_invite").exists()
    assert mail.outbox[-1].to == ["paul.martin@acme.test"]
    assert "code de connexion" in mail.outbox[-1].body

    mail.outbox.clear()
    tuteur = host_client("alpha.localhost")
    response = tuteur.post("/comptes/login/code/", {"email": "paul.martin@acme.test"})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.M).group(1)
    assert tuteur.post(response["Location"], {"code": code}).status_code == 302
    page = tuteur.get("/tuteur/").content.decode()
    assert "Ada LOVELACE" in page and "1CIEL-A" in page and "Acme Réseaux" in page
    assert 'href="tel:0600000001"' in page
    assert "Grace" not in page


def test_inviting_again_resends_and_keeps_one_account(as_role, world, alpha, django_capture_on_commit_callbacks):
    client = as_role(Role.DIRECTION)
    invite_tuteur(client, world, "martin", django_capture_on_commit_callbacks)
    page = client.get(f"/entreprises/{world['acme'].pk}/").content.decode()
    assert "Renvoyer l'invitation" in page and "pas encore connecté" in page
    invite_tuteur(client, world, "martin", django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        assert User.objects.filter(email="paul.martin@acme.test").count() == 1
    assert len(mail.outbox) == 2


def test_a_tuteur_without_email_cannot_be_invited(as_role, world, alpha, django_capture_on_commit_callbacks):
    response = invite_tuteur(as_role(Role.DIRECTION), world, "durand", django_capture_on_commit_callbacks)
    assert "Renseignez l&#x27;adresse e-mail de Léa DURAND" in response.content.decode()
    with tenant_context(alpha):
        assert Tuteur.objects.get(pk=world["durand"].pk).user is None
    assert not mail.outbox


def test_an_account_already_tuteur_elsewhere_is_not_linked_twice(as_role, world, alpha,
                                                                 django_capture_on_commit_callbacks):
    client = as_role(Role.DIRECTION)
    invite_tuteur(client, world, "vert", django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        tuteur_update(tuteur=world["durand"], email="jo@vert.test")
    response = invite_tuteur(client, world, "durand", django_capture_on_commit_callbacks)
    assert "déjà celui de Jo VERT" in response.content.decode()
    with tenant_context(alpha):
        assert Tuteur.objects.get(pk=world["durand"].pk).user is None


def test_an_existing_account_gains_the_tuteur_role(as_role, world, alpha, personas,
                                                   django_capture_on_commit_callbacks):
    with tenant_context(alpha):
        tuteur_update(tuteur=world["durand"], email=personas[Role.FORMATEUR].email)
    invite_tuteur(as_role(Role.DIRECTION), world, "durand", django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        user = User.objects.get(pk=personas[Role.FORMATEUR].pk)
        assert user.roles == [Role.FORMATEUR, Role.TUTEUR] and user.tuteur.pk == world["durand"].pk


def test_a_tuteur_without_a_linked_record_gets_an_explanation(as_role):
    page = as_role(Role.TUTEUR).get("/tuteur/").content.decode()
    assert "pas encore relié" in page


def test_the_tuteur_home_runs_a_constant_number_of_queries(as_role, world, alpha, personas,
                                                           django_assert_max_num_queries):
    with tenant_context(alpha):
        Tuteur.objects.filter(pk=world["martin"].pk).update(user=personas[Role.TUTEUR])
        apprentissage(world, world["learners"][0], [world["martin"]])

    def grow():
        for n in range(12):
            learner = Apprenant.objects.create(nom=f"Nom{n}", prenom="P")
            contrat_create(type="pfmp", apprenant=learner, entreprise=world["acme"], tuteurs=[world["martin"]],
                           debut=DEBUT, fin=FIN)

    page = assert_constant_queries(as_role(Role.TUTEUR), "/tuteur/", grow, django_assert_max_num_queries, alpha)
    assert "NOM11" in page


# Pages: contracts

def contrat_payload(world, **overrides):
    payload = {"type": "apprentissage", "apprenant": world["learners"][2].pk, "entreprise": world["acme"].pk,
               "tuteurs": [world["martin"].pk], "debut": DEBUT.isoformat(), "fin": FIN.isoformat(),
               "numero": "084202600123"}
    payload.update(overrides)
    return payload


def test_the_direction_records_a_contract_and_sees_the_warning_after_saving(as_role, world, alpha):
    with tenant_context(alpha):
        apprentissage(world, world["learners"][0], [world["martin"]])
        apprentissage(world, world["learners"][1], [world["martin"]])
    response = as_role(Role.DIRECTION).post("/contrats/nouveau/", contrat_payload(world), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/contrats/")
    assert "Contrat enregistré. Attention : 1 alerte" in page
    assert "Paul MARTIN encadre 3 apprentis" in page and "R6223-6" in page
    with tenant_context(alpha):
        contrat = Contrat.objects.get(apprenant=world["learners"][2])
        assert contrat.numero == "084202600123" and list(contrat.tuteurs.all()) == [world["martin"]]


def test_a_contract_within_the_rule_shows_no_warning(as_role, world, alpha):
    response = as_role(Role.DIRECTION).post("/contrats/nouveau/", contrat_payload(world), follow=True)
    page = response.content.decode()
    assert "Contrat enregistré." in page and "Attention" not in page


def test_the_contract_form_starts_from_the_company_or_the_learner(as_role, world):
    client = as_role(Role.DIRECTION)
    page = client.get(f"/contrats/nouveau/?entreprise={world['acme'].pk}").content.decode()
    assert "Paul MARTIN — Technicien réseau" in page and "Léa DURAND" in page and "Jo VERT" not in page
    assert f'<option value="{world["acme"].pk}" selected>' in page
    assert "LOVELACE Ada — 1CIEL-A" in page
    page = client.get(f"/contrats/nouveau/?apprenant={world['learners'][1].pk}").content.decode()
    assert f'<option value="{world["learners"][1].pk}" selected>' in page
    assert "Choisissez d'abord l'entreprise" in page


def test_htmx_brings_the_tuteurs_of_the_chosen_company(as_role, world):
    response = as_role(Role.DIRECTION).get(f"/contrats/tuteurs/?entreprise={world['autre'].pk}",
                                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.startswith('<div id="tuteurs-field"') and "Jo VERT" in page and "Paul MARTIN" not in page


def test_without_javascript_the_form_shows_the_tuteurs_and_saves_nothing(as_role, world, alpha):
    response = as_role(Role.DIRECTION).post("/contrats/nouveau/", {
        **contrat_payload(world, entreprise=world["autre"].pk, tuteurs=[]), "_tuteurs": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Jo VERT" in page and "field-error" not in page
    with tenant_context(alpha):
        assert not Contrat.objects.exists()


def test_a_contract_with_a_tuteur_of_another_company_or_bad_dates_is_refused(as_role, world, alpha):
    client = as_role(Role.DIRECTION)
    response = client.post("/contrats/nouveau/", contrat_payload(world, tuteurs=[world["vert"].pk]))
    assert response.status_code == 200 and "id_tuteurs_error" in response.content.decode()
    response = client.post("/contrats/nouveau/", contrat_payload(world, debut=FIN.isoformat(),
                                                                 fin=DEBUT.isoformat()))
    assert "La fin du contrat précède son début." in response.content.decode()
    with tenant_context(alpha):
        assert not Contrat.objects.exists()


def test_the_direction_edits_a_contract_and_records_a_rupture(as_role, world, alpha):
    with tenant_context(alpha):
        contrat = apprentissage(world, world["learners"][0], [world["martin"]]).contrat
    client = as_role(Role.DIRECTION)
    response = client.post(f"/contrats/{contrat.pk}/modifier/", {
        "tuteurs": [world["martin"].pk, world["durand"].pk], "debut": DEBUT.isoformat(), "fin": FIN.isoformat(),
        "numero": "N-1", "prolonge_apres_echec": "on"})
    assert response.status_code == 302
    response = client.post(f"/contrats/{contrat.pk}/rupture/", {"rompu_le": (DEBUT - datetime.timedelta(days=1))
                                                                .isoformat()})
    assert "précède le début du contrat" in response.content.decode()
    response = client.post(f"/contrats/{contrat.pk}/rupture/", {"rompu_le": TODAY.isoformat()}, follow=True)
    assert f"Rupture enregistrée au {TODAY:%d/%m/%Y}" in response.content.decode()
    with tenant_context(alpha):
        contrat.refresh_from_db()
        assert contrat.rompu_le == TODAY and contrat.numero == "N-1" and contrat.prolonge_apres_echec
        assert contrat.tuteurs.count() == 2
    page = client.get("/contrats/").content.decode()
    assert "LOVELACE Ada" not in page  # no longer current
    assert "LOVELACE Ada" in client.get("/contrats/?etat=rompus").content.decode()


def test_the_contract_list_filters_by_state_and_type(as_role, world, alpha):
    with tenant_context(alpha):
        apprentissage(world, world["learners"][0], [world["martin"]])
        contrat_create(type="pfmp", apprenant=world["learners"][1], entreprise=world["autre"], debut=TODAY
                       + datetime.timedelta(days=10), fin=TODAY + datetime.timedelta(days=40))
    client = as_role(Role.DIRECTION)
    page = client.get("/contrats/").content.decode()
    assert "LOVELACE Ada" in page and "HOPPER Grace" not in page
    page = client.get("/contrats/?etat=a_venir").content.decode()
    assert "HOPPER Grace" in page and "LOVELACE Ada" not in page
    page = client.get("/contrats/?etat=tous&type=pfmp").content.decode()
    assert "HOPPER Grace" in page and "LOVELACE Ada" not in page
    page = client.get("/contrats/?etat=tous&q=bureau").content.decode()
    assert "HOPPER Grace" in page and "LOVELACE Ada" not in page


def test_the_contract_list_runs_a_constant_number_of_queries(as_role, world, alpha, django_assert_max_num_queries):
    with tenant_context(alpha):
        apprentissage(world, world["learners"][0], [world["martin"]])

    def grow(start):
        def add():
            for n in range(start, start + 20):
                learner = Apprenant.objects.create(nom=f"Nom{n}", prenom="P")
                contrat_create(type="pfmp", apprenant=learner, entreprise=world["acme"],
                               tuteurs=[world["martin"], world["durand"]], debut=DEBUT, fin=FIN)
        return add

    client = as_role(Role.DIRECTION)
    page = assert_constant_queries(client, "/contrats/", grow(0), django_assert_max_num_queries, alpha)
    assert "NOM19" in page
    page = assert_constant_queries(client, f"/entreprises/{world['acme'].pk}/", grow(20),
                                   django_assert_max_num_queries, alpha)
    assert "NOM39" in page


# Permissions

@pytest.fixture
def urls(world, alpha):
    with tenant_context(alpha):
        contrat = apprentissage(world, world["learners"][0], [world["martin"]]).contrat
    acme, martin = world["acme"].pk, world["martin"].pk
    reads = ["/entreprises/", f"/entreprises/{acme}/", "/contrats/", f"/contrats/{contrat.pk}/"]
    writes = ["/entreprises/nouvelle/", f"/entreprises/{acme}/modifier/", f"/entreprises/{acme}/tuteurs/nouveau/",
              f"/entreprises/{acme}/tuteurs/{martin}/modifier/", f"/entreprises/{acme}/tuteurs/{martin}/inviter/",
              "/contrats/nouveau/", f"/contrats/tuteurs/?entreprise={acme}", f"/contrats/{contrat.pk}/modifier/",
              f"/contrats/{contrat.pk}/rupture/"]
    return {"reads": reads, "writes": writes, "contrat": contrat}


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR])
def test_direction_inspection_and_formateurs_read_companies_and_contracts(as_role, urls, role):
    client = as_role(role)
    for url in urls["reads"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.APPRENANT, Role.TUTEUR])
def test_learners_and_tuteurs_are_refused_the_companies_pages(as_role, urls, role):
    client = as_role(role)
    for url in urls["reads"] + urls["writes"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url.split("?")[0], {}).status_code == 403, url


@pytest.mark.parametrize("role", [Role.INSPECTEUR, Role.FORMATEUR])
def test_readers_are_refused_every_write_and_see_no_write_button(as_role, urls, world, alpha, role):
    client = as_role(role)
    for url in urls["writes"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url.split("?")[0], {"raison_sociale": "Pirate", "nom": "X", "prenom": "Y",
                                               "rompu_le": TODAY.isoformat()}).status_code == 403, url
    for url in urls["reads"]:
        page = client.get(url).content.decode()
        assert "/nouvelle/" not in page and "/modifier/" not in page and "/inviter/" not in page, url
        assert "/rupture/" not in page and "/contrats/nouveau/" not in page, url
    with tenant_context(alpha):
        assert not Entreprise.objects.filter(raison_sociale="Pirate").exists()
        assert Contrat.objects.get(pk=urls["contrat"].pk).rompu_le is None


def test_the_direction_reaches_every_write_page(as_role, urls):
    client = as_role(Role.DIRECTION)
    for url in urls["writes"]:
        if "/inviter/" not in url:
            assert client.get(url).status_code == 200, url
    assert client.get(urls["writes"][4]).status_code == 405  # inviting is a POST


def test_anonymous_people_are_sent_to_the_login_page(alpha_client, urls):
    for url in urls["reads"] + urls["writes"]:
        response = alpha_client.get(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], url


def test_a_formateur_sees_only_the_contracts_of_the_learners_of_their_classes(as_role, world, alpha):
    with tenant_context(alpha):
        mine = apprentissage(world, world["learners"][0], [world["martin"]]).contrat
        other = apprentissage(world, world["learners"][1], [world["martin"]]).contrat
    client = as_role(Role.FORMATEUR)
    assert client.get(f"/contrats/{mine.pk}/").status_code == 200
    assert client.get(f"/contrats/{other.pk}/").status_code == 404
    for url in ("/contrats/", f"/entreprises/{world['acme'].pk}/"):
        page = client.get(url).content.decode()
        assert "LOVELACE Ada" in page and "HOPPER Grace" not in page, url


def test_an_unknown_company_or_contract_is_a_404(as_role, world):
    client = as_role(Role.DIRECTION)
    assert client.get("/entreprises/999999/").status_code == 404
    assert client.get("/contrats/999999/").status_code == 404
    assert client.get("/contrats/nouveau/?entreprise=999999").status_code == 404


# Tenant isolation

def test_betas_direction_never_reaches_alphas_companies_or_contracts(urls, world, charlie, beta):
    client = host_client("beta.localhost")
    assert login(client, charlie.email).status_code == 302
    for url in urls["reads"][1::2] + urls["writes"][1:5] + urls["writes"][7:]:
        method = client.post if "/inviter/" in url else client.get
        assert method(url).status_code == 404, url
    assert "Acme Réseaux" not in client.get("/entreprises/").content.decode()
    assert "LOVELACE" not in client.get("/contrats/?etat=tous").content.decode()
    assert "Paul MARTIN" not in client.get(f"/contrats/tuteurs/?entreprise={world['acme'].pk}").content.decode()


def test_the_same_siret_may_exist_in_two_establishments(world, beta):
    with tenant_context(beta):
        assert entreprise_create(raison_sociale="Acme à Lyon", siret=SIRET_A).siret == SIRET_A
