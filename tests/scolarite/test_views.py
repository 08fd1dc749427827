import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from scolarite import services
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tests.conftest import host_client, login

from .conftest import ANNEE

pytestmark = pytest.mark.django_db

READ_URLS = ["/classes/", "/apprenants/"]
DIRECTION_ONLY_GET = ["/classes/nouvelle/", "/apprenants/nouveau/"]


@pytest.mark.parametrize("role", ["apprenant", "tuteur"])
@pytest.mark.parametrize("url", READ_URLS + ["/formations/", "/formateurs/"])
def test_it_refuses_learners_and_tuteurs_the_school_pages(as_role, role, url):
    assert as_role(role).get(url).status_code == 403


@pytest.mark.parametrize("role", ["formateur", "inspecteur", "apprenant", "tuteur"])
@pytest.mark.parametrize("url", DIRECTION_ONLY_GET)
def test_it_keeps_creation_forms_for_the_direction(as_role, role, url):
    assert as_role(role).get(url).status_code == 403


def test_it_sends_anonymous_people_to_the_login_page(alpha_client):
    response = alpha_client.get("/classes/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_the_direction_sees_every_classe_of_the_year(as_role, scolarite_alpha):
    page = as_role("direction").get("/classes/").content.decode()
    assert "1CIEL-A" in page and "TCIEL-B" in page


def test_a_formateur_sees_only_the_classes_assigned_to_them(as_role, scolarite_alpha):
    client = as_role("formateur")
    page = client.get("/classes/").content.decode()
    assert "1CIEL-A" in page and "TCIEL-B" not in page
    assert client.get(f"/classes/{scolarite_alpha['classe'].pk}/").status_code == 200
    assert client.get(f"/classes/{scolarite_alpha['autre'].pk}/").status_code == 404


def test_a_formateur_sees_only_learners_of_their_classes(as_role, scolarite_alpha):
    client = as_role("formateur")
    page = client.get("/apprenants/").content.decode()
    assert "Léa" in page and "Hugo" not in page
    assert client.get(f"/apprenants/{scolarite_alpha['lea'].pk}/").status_code == 200
    assert client.get(f"/apprenants/{scolarite_alpha['hugo'].pk}/").status_code == 404


def test_an_inspecteur_reads_everything_and_writes_nothing(as_role, scolarite_alpha, alpha, personas):
    client = as_role("inspecteur")
    classe, lea = scolarite_alpha["classe"], scolarite_alpha["lea"]
    assert "TCIEL-B" in client.get("/classes/").content.decode()
    page = client.get(f"/classes/{classe.pk}/").content.decode()
    assert "Léa" in page and "Enregistrer les formateurs" not in page
    assert client.get(f"/apprenants/{lea.pk}/").status_code == 200
    assert client.get("/formations/").status_code == 200
    writes = [
        (f"/classes/{classe.pk}/formateurs/", {"formateurs": []}),
        (f"/apprenants/{lea.pk}/modifier/", {"nom": "X", "prenom": "Y"}),
        (f"/apprenants/{lea.pk}/inscription/", {"classe": classe.pk, "statut": "scolaire", "debut": "2030-01-01"}),
        ("/formations/", {"referentiel": scolarite_alpha["formation"].referentiel_id, "intitule": "Autre"}),
        ("/classes/nouvelle/", {"formation": scolarite_alpha["formation"].pk, "annee_scolaire": ANNEE, "code": "X"}),
        ("/apprenants/nouveau/", {"nom": "X", "prenom": "Y"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    with tenant_context(alpha):
        assert Apprenant.objects.get(pk=lea.pk).nom == "Dupont"
        assert classe.formateurs.count() == 1
        assert Formation.objects.count() == 1 and Classe.objects.count() == 2 and Apprenant.objects.count() == 2


def test_another_establishments_direction_finds_nothing_of_alpha(charlie, scolarite_alpha):
    client = host_client("beta.localhost")
    assert login(client, "direction@alpha.test").status_code == 302
    page = client.get("/classes/?annee=toutes").content.decode()
    assert "1CIEL-A" not in page
    assert client.get(f"/classes/{scolarite_alpha['classe'].pk}/").status_code == 404
    assert client.get(f"/apprenants/{scolarite_alpha['lea'].pk}/").status_code == 404
    assert client.post(f"/classes/{scolarite_alpha['classe'].pk}/formateurs/", {}).status_code == 404


def test_alpha_credentials_do_not_open_betas_site(personas, beta):
    client = host_client("beta.localhost")
    assert login(client, personas["direction"].email).status_code != 302


def test_the_direction_creates_a_classe_and_assigns_formateurs(as_role, scolarite_alpha, alpha, personas):
    client = as_role("direction")
    response = client.post("/classes/nouvelle/", {
        "formation": scolarite_alpha["formation"].pk, "annee_scolaire": ANNEE, "code": "2CIEL-C",
        "formateurs": [personas["formateur"].pk]})
    assert response.status_code == 302
    with tenant_context(alpha):
        classe = Classe.objects.get(code="2CIEL-C")
        assert list(classe.formateurs.all()) == [personas["formateur"]]


def test_it_refuses_a_duplicate_classe_code_with_a_message(as_role, scolarite_alpha, alpha):
    response = as_role("direction").post("/classes/nouvelle/", {
        "formation": scolarite_alpha["formation"].pk, "annee_scolaire": ANNEE, "code": "1ciel-a"})
    assert response.status_code == 200 and "existe déjà" in response.content.decode()
    with tenant_context(alpha):
        assert Classe.objects.count() == 2


def test_it_refuses_a_non_formateur_in_a_classe(as_role, scolarite_alpha, alpha, personas):
    client = as_role("direction")
    response = client.post(f"/classes/{scolarite_alpha['classe'].pk}/formateurs/",
                           {"formateurs": [personas["tuteur"].pk]})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert list(scolarite_alpha["classe"].formateurs.all()) == [personas["formateur"]]


def test_the_direction_adds_a_learner_and_a_bad_ine_changes_nothing(as_role, alpha):
    client = as_role("direction")
    response = client.post("/apprenants/nouveau/", {"nom": "Petit", "prenom": "Zoé", "ine": "12345"})
    assert response.status_code == 200 and "INE invalide" in response.content.decode()
    response = client.post("/apprenants/nouveau/", {"nom": "Petit", "prenom": "Zoé", "ine": "123456789ab"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert list(Apprenant.objects.values_list("ine", flat=True)) == ["123456789AB"]


def test_changing_classe_or_statut_keeps_the_history(as_role, scolarite_alpha, alpha):
    client = as_role("direction")
    lea, autre = scolarite_alpha["lea"], scolarite_alpha["autre"]
    change = datetime.date(ANNEE + 1, 1, 5)
    response = client.post(f"/apprenants/{lea.pk}/inscription/", {
        "classe": autre.pk, "statut": "scolaire", "debut": change.isoformat()})
    assert response.status_code == 302
    with tenant_context(alpha):
        old, new = Inscription.objects.filter(apprenant=lea).order_by("debut")
        assert (old.classe.code, old.statut, old.fin, old.motif_fin) == (
            "1CIEL-A", "apprenti", change - datetime.timedelta(days=1), "changement de classe")
        assert (new.classe.code, new.statut, new.fin) == ("TCIEL-B", "scolaire", None)
    page = client.get(f"/apprenants/{lea.pk}/").content.decode()
    assert "1CIEL-A" in page and "TCIEL-B" in page


def test_a_new_inscription_cannot_start_before_the_current_one(as_role, scolarite_alpha, alpha):
    lea = scolarite_alpha["lea"]
    response = as_role("direction").post(f"/apprenants/{lea.pk}/inscription/", {
        "classe": scolarite_alpha["autre"].pk, "statut": "scolaire", "debut": f"{ANNEE}-08-01"})
    assert response.status_code == 200 and "doit commencer après" in response.content.decode()
    with tenant_context(alpha):
        assert Inscription.objects.filter(apprenant=lea).count() == 1


def test_only_subscribed_referentiels_open_a_formation(as_role, scolarite_alpha, alpha, ciel):
    client = as_role("direction")
    connection.set_schema_to_public()
    alpha.abonnements.get().lignes.filter(referentiel_code="BACPRO-CIEL").delete()
    response = client.post("/formations/", {"referentiel": ciel.pk, "intitule": "CIEL bis"})
    assert response.status_code == 200
    with tenant_context(alpha):
        assert not Formation.objects.filter(intitule="CIEL bis").exists()


def test_the_direction_edits_a_formateurs_discipline(as_role, personas, alpha):
    client = as_role("direction")
    response = client.post(f"/formateurs/{personas['formateur'].pk}/", {"discipline": "Électronique"})
    assert response.status_code == 302
    assert "Électronique" in client.get("/formateurs/").content.decode()
    assert client.get(f"/formateurs/{personas['apprenant'].pk}/").status_code == 404


def _more_rows(alpha, scolarite_alpha, personas, n, prefix):
    with tenant_context(alpha):
        for i in range(n):
            classe = services.classe_create(formation=scolarite_alpha["formation"], annee_scolaire=ANNEE,
                                            code=f"{prefix}{i}", formateurs=[personas["formateur"]])
            apprenant = services.apprenant_create(nom=f"{prefix}{i}", prenom="P")
            services.inscription_open(apprenant=apprenant, classe=classe, statut="scolaire",
                                      debut=datetime.date(ANNEE, 9, 1))
    connection.set_schema_to_public()


@pytest.mark.parametrize("url", ["/classes/", "/apprenants/", "/formateurs/", "/formations/"])
def test_lists_run_a_constant_number_of_queries(as_role, scolarite_alpha, alpha, personas, url,
                                                django_assert_max_num_queries):
    client = as_role("direction")
    _more_rows(alpha, scolarite_alpha, personas, 2, "X")
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    _more_rows(alpha, scolarite_alpha, personas, 20, "Y")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and "Y19" in response.content.decode() or url == "/formations/"


def test_the_direction_invites_a_learner_whose_account_is_linked(as_role, scolarite_alpha, alpha, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    lea = scolarite_alpha["lea"]
    client = as_role("direction")
    response = client.post(f"/apprenants/{lea.pk}/inviter/")
    assert response.status_code == 302 and not mailoutbox  # no email on file yet
    with tenant_context(alpha):
        services.apprenant_update(apprenant=lea, email="lea@example.org")
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/apprenants/{lea.pk}/inviter/").status_code == 302
    with tenant_context(alpha):
        lea.refresh_from_db()
        assert lea.user.email == "lea@example.org" and lea.user.roles == ["apprenant"]
    assert mailoutbox[0].to == ["lea@example.org"]
    assert as_role("inspecteur").post(f"/apprenants/{lea.pk}/inviter/").status_code == 403


def test_a_formateurs_home_lists_only_their_classes(as_role, scolarite_alpha):
    page = as_role("formateur").get("/formateur/").content.decode()
    assert "1CIEL-A" in page and "TCIEL-B" not in page


def test_a_learners_record_shows_their_contracts(as_role, scolarite_alpha, alpha):
    from entreprise.services import contrat_create, entreprise_create

    with tenant_context(alpha):
        entreprise = entreprise_create(raison_sociale="Réseaux du Sud", siret="73282932000074")
        contrat_create(type="apprentissage", apprenant=scolarite_alpha["lea"], entreprise=entreprise,
                       debut=datetime.date(ANNEE, 9, 1), fin=datetime.date(ANNEE + 2, 8, 31))
    connection.set_schema_to_public()
    page = as_role("direction").get(f"/apprenants/{scolarite_alpha['lea'].pk}/").content.decode()
    assert "Réseaux du Sud" in page and "Ajouter un contrat" in page


@pytest.mark.parametrize("role", ["formateur", "apprenant", "tuteur"])
@pytest.mark.parametrize("url", ["/formations/", "/formateurs/"])
def test_formations_and_formateurs_are_for_direction_and_inspection(as_role, role, url):
    assert as_role(role).get(url).status_code == 403


@pytest.mark.parametrize("role", ["formateur", "inspecteur", "apprenant", "tuteur"])
def test_every_write_of_school_life_is_refused_to_other_roles(as_role, scolarite_alpha, personas, role, alpha):
    client = as_role(role)
    classe, lea = scolarite_alpha["classe"], scolarite_alpha["lea"]
    writes = [
        (f"/classes/{classe.pk}/formateurs/", {"formateurs": []}),
        (f"/apprenants/{lea.pk}/modifier/", {"nom": "X", "prenom": "Y"}),
        (f"/apprenants/{lea.pk}/inscription/", {"classe": classe.pk, "statut": "scolaire", "debut": "2030-01-01"}),
        (f"/apprenants/{lea.pk}/inviter/", {}),
        (f"/formateurs/{personas['formateur'].pk}/", {"discipline": "X"}),
        ("/direction/reglages/", {"uai": "0841234K"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    with tenant_context(alpha):
        assert Apprenant.objects.get(pk=lea.pk).nom == "Dupont" and lea.user_id is None
        assert not Inscription.objects.filter(apprenant=lea, statut="scolaire").exists()


def test_another_establishments_direction_cannot_reach_alphas_formateurs_or_invite_its_learners(
        charlie, scolarite_alpha, personas):
    client = host_client("beta.localhost")
    assert login(client, "direction@alpha.test").status_code == 302
    assert client.get(f"/formateurs/{personas['formateur'].pk}/").status_code == 404
    assert client.post(f"/apprenants/{scolarite_alpha['lea'].pk}/inviter/").status_code == 404
    assert client.post(f"/apprenants/{scolarite_alpha['lea'].pk}/inscription/", {}).status_code == 404
    assert client.get(f"/apprenants/{scolarite_alpha['lea'].pk}/modifier/").status_code == 404
