"""Scenario and situation pages: the formateur's flow, permissions per role on every URL, tenant isolation,
constant query count on the list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context

from evaluations import services_scenario as services
from evaluations.models import Ressource, Scenario, Situation
from tests.conftest import host_client, login, make_person

from ..conftest import call
from .conftest import TODAY

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def situation(alpha, scenario, personas, classe_ciel):
    with tenant_context(alpha):
        created = services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                            created_by=personas["formateur"])
    connection.set_schema_to_public()
    return created


@pytest.fixture
def ressource(alpha, scenario, personas, media_root):
    with tenant_context(alpha):
        created = services.ressource_add(scenario=scenario, upload=SimpleUploadedFile("sujet.pdf", PDF),
                                         actor=personas["formateur"])
    connection.set_schema_to_public()
    return created


def urls(scenario, ressource, situation):
    """(method, url, kind): kind "read" for pages direction and inspection may see, "write" otherwise."""
    base = f"/formateur/scenarios/{scenario.pk}"
    return [
        ("get", "/formateur/scenarios/", "read"),
        ("get", "/formateur/scenarios/nouveau/", "create"),
        ("get", f"{base}/", "read"),
        ("get", f"{base}/modifier/", "write"),
        ("get", f"{base}/liaison/", "write"),
        ("post", f"{base}/dupliquer/", "duplicate"),
        ("post", f"{base}/partage/", "write"),
        ("post", f"{base}/archive/", "write"),
        ("post", f"{base}/ressources/", "write"),
        ("get", f"{base}/ressources/{ressource.pk}/", "read"),
        ("post", f"{base}/ressources/{ressource.pk}/supprimer/", "write"),
        ("get", f"{base}/situations/nouvelle/", "launch"),
        ("get", f"/formateur/scenarios/situations/{situation.pk}/", "read"),
    ]



@pytest.mark.parametrize("role", ["apprenant", "tuteur"])
def test_learners_and_tuteurs_are_refused_everywhere(as_role, role, scenario, ressource, situation):
    client = as_role(role)
    for method, url, _ in urls(scenario, ressource, situation):
        assert call(client, method, url).status_code == 403, url


@pytest.mark.parametrize("role", ["direction", "inspecteur"])
def test_direction_and_inspection_read_and_never_write(as_role, role, scenario, ressource, situation):
    client = as_role(role)
    for method, url, kind in urls(scenario, ressource, situation):
        assert call(client, method, url).status_code == (200 if kind == "read" else 403), url


def test_anonymous_people_go_to_the_login_page(alpha_client, scenario, ressource, situation):
    for method, url, _ in urls(scenario, ressource, situation):
        response = call(alpha_client, method, url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], url


def test_the_author_reaches_every_page(as_role, scenario, ressource, situation):
    client = as_role("formateur")
    for method, url, _ in urls(scenario, ressource, situation):
        assert call(client, method, url).status_code in (200, 302), url


def colleague_client(alpha, collegue):
    client = host_client("alpha.localhost")
    assert login(client, collegue.email).status_code == 302
    return client


def test_a_colleague_gets_404_on_an_unshared_scenario(alpha, collegue, scenario, ressource, situation):
    client = colleague_client(alpha, collegue)
    for method, url, kind in urls(scenario, ressource, situation):
        if url != "/formateur/scenarios/" and kind != "create":
            assert call(client, method, url).status_code == 404, url


def test_a_colleague_reads_and_duplicates_a_shared_scenario_but_cannot_edit_it(alpha, personas, collegue, scenario,
                                                                              ressource, situation):
    with tenant_context(alpha):
        services.scenario_share(scenario=scenario, partage=True, actor=personas["formateur"])
    connection.set_schema_to_public()
    client = colleague_client(alpha, collegue)
    expected = {"read": 200, "write": 403, "duplicate": 302, "launch": 200, "create": 200}
    for method, url, kind in urls(scenario, ressource, situation):
        if "situations/" in url and "nouvelle" not in url:
            continue  # the situation belongs to a classe the colleague does not teach
        assert call(client, method, url).status_code == expected[kind], url
    assert call(client, "get", f"/formateur/scenarios/situations/{situation.pk}/").status_code == 404
    list_page = call(client, "get", "/formateur/scenarios/?vue=partages").content.decode()
    assert "TP réseau local" in list_page
    with tenant_context(alpha):
        copie = Scenario.objects.get(auteur=collegue)
        assert copie.titre == "TP réseau local (copie)"
        scenario.refresh_from_db()
        assert scenario.titre == "TP réseau local" and scenario.partage


def test_another_establishment_sees_nothing(beta, charlie, scenario, ressource, situation):
    client = host_client("beta.localhost")
    assert login(client, charlie.email).status_code == 302
    for method, url, kind in urls(scenario, ressource, situation):
        if kind == "read" and url != "/formateur/scenarios/":
            assert call(client, method, url).status_code == 404, url
    assert "TP réseau local" not in call(client, "get", "/formateur/scenarios/").content.decode()
    formateur = make_person(beta, "formateur", email="formateur@beta.test")
    client = host_client("beta.localhost")
    assert login(client, formateur.email).status_code == 302
    for method, url, kind in urls(scenario, ressource, situation):
        if url != "/formateur/scenarios/" and kind != "create":
            assert call(client, method, url).status_code == 404, url


def test_a_formateur_creates_a_scenario_chooses_criteria_and_launches_it(as_role, alpha, ciel, personas,
                                                                         classe_ciel):
    client = as_role("formateur")
    response = call(client, "post", "/formateur/scenarios/nouveau/")
    assert response.status_code == 200 and "obligatoire" in response.content.decode()
    response = client.post("/formateur/scenarios/nouveau/", {
        "titre": "TP supervision", "referentiel": ciel.pk, "co_intervention": "on", "missions": "Superviser."})
    connection.set_schema_to_public()
    assert response.status_code == 302
    with tenant_context(alpha):
        scenario = Scenario.objects.get(titre="TP supervision")
    assert response["Location"] == f"/formateur/scenarios/{scenario.pk}/liaison/"
    page = call(client, "get", response["Location"]).content.decode()
    criteres = list(ciel.criteres.order_by("competence__rang", "rang")[:2])
    assert f'value="{criteres[0].pk}"' in page and "<legend" in page
    response = client.post(f"/formateur/scenarios/{scenario.pk}/liaison/", {
        "criteres": [c.pk for c in criteres], "taches": [ciel.taches.first().pk],
        f"indicateurs-{criteres[0].pk}": "Schéma à jour."})
    connection.set_schema_to_public()
    assert response.status_code == 302
    detail = call(client, "get", f"/formateur/scenarios/{scenario.pk}/").content.decode()
    assert "Schéma à jour." in detail and "<strong>2</strong> critères" in detail
    response = client.post(f"/formateur/scenarios/{scenario.pk}/situations/nouvelle/", {
        "classe": classe_ciel["classe"].pk, "date": TODAY.isoformat(), "nature": "formative",
        "apprenants": [classe_ciel["lea"].pk]})
    connection.set_schema_to_public()
    assert response.status_code == 302, response.content.decode()[-2000:]
    with tenant_context(alpha):
        situation = Situation.objects.get(scenario=scenario)
    page = call(client, "get", response["Location"]).content.decode()
    assert f'href="/formateur/situations/{situation.pk}/grille/"' in page and "DUPONT Léa" in page


def test_the_liaison_page_refuses_a_criterion_of_another_referentiel(as_role, alpha, scenario, tne):
    client = as_role("formateur")
    response = client.post(f"/formateur/scenarios/{scenario.pk}/liaison/", {"criteres": [tne.criteres.first().pk]})
    connection.set_schema_to_public()
    assert response.status_code == 400 and "n&#x27;appartiennent pas" in response.content.decode()
    with tenant_context(alpha):
        assert scenario.critere_links.count() == 3
    response = client.post(f"/formateur/scenarios/{scenario.pk}/liaison/", {"criteres": ["abc"]})
    connection.set_schema_to_public()
    assert response.status_code == 400


def test_the_launch_form_refuses_a_certificative_without_epreuve(as_role, scenario, classe_ciel):
    client = as_role("formateur")
    response = client.post(f"/formateur/scenarios/{scenario.pk}/situations/nouvelle/", {
        "classe": classe_ciel["classe"].pk, "date": TODAY.isoformat(), "nature": "certificative"})
    connection.set_schema_to_public()
    assert response.status_code == 400 and "choisissez-la" in response.content.decode()


def test_the_launch_form_offers_only_the_formateurs_classes(as_role, scenario, classe_ciel):
    client = as_role("formateur")
    response = client.post(f"/formateur/scenarios/{scenario.pk}/situations/nouvelle/", {
        "classe": classe_ciel["autre"].pk, "date": TODAY.isoformat(), "nature": "formative"})
    connection.set_schema_to_public()
    assert response.status_code == 400


def test_resource_upload_download_and_refusals(as_role, alpha, scenario, media_root):
    client = as_role("formateur")
    url = f"/formateur/scenarios/{scenario.pk}/ressources/"
    response = client.post(url, {"fichier": SimpleUploadedFile("outil.exe", b"MZ")}, follow=True)
    connection.set_schema_to_public()
    assert "Type de fichier non accepté" in response.content.decode()
    response = client.post(url, {"fichier": SimpleUploadedFile("faux.pdf", b"<html>")}, follow=True)
    connection.set_schema_to_public()
    assert "ne correspond pas" in response.content.decode()
    response = client.post(url, {}, follow=True)
    connection.set_schema_to_public()
    assert "Choisissez un fichier" in response.content.decode()
    client.post(url, {"fichier": SimpleUploadedFile("sujet.pdf", PDF)})
    connection.set_schema_to_public()
    with tenant_context(alpha):
        ressource = Ressource.objects.get()
    response = call(client, "get", f"{url}{ressource.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert call(client, "post", f"{url}{ressource.pk}/supprimer/").status_code == 302
    with tenant_context(alpha):
        assert not Ressource.objects.exists()


def test_share_and_archive_toggles(as_role, alpha, scenario):
    client = as_role("formateur")
    client.post(f"/formateur/scenarios/{scenario.pk}/partage/", {"partage": "1"})
    client.post(f"/formateur/scenarios/{scenario.pk}/archive/", {"archive": "1"})
    connection.set_schema_to_public()
    with tenant_context(alpha):
        scenario.refresh_from_db()
        assert scenario.partage and scenario.archive
    assert "TP réseau local" in call(client, "get", "/formateur/scenarios/?vue=archives").content.decode()
    assert "TP réseau local" not in call(client, "get", "/formateur/scenarios/").content.decode()


def test_the_edit_page_saves_title_and_context(as_role, alpha, scenario, collegue):
    client = as_role("formateur")
    response = client.post(f"/formateur/scenarios/{scenario.pk}/modifier/", {
        "titre": "TP VLAN", "co_auteurs": [collegue.pk], "espace_formation": "Salle B12"})
    connection.set_schema_to_public()
    assert response.status_code == 302
    with tenant_context(alpha):
        scenario.refresh_from_db()
        assert scenario.titre == "TP VLAN" and scenario.espace_formation == "Salle B12"
        assert list(scenario.co_auteurs.all()) == [collegue]
        assert scenario.description == ""  # the form carries every context field


def test_the_list_runs_a_constant_number_of_queries(as_role, alpha, personas, ciel, collegue,
                                                    django_assert_max_num_queries):
    client = as_role("formateur")
    criteres = [c.pk for c in ciel.criteres.all()[:4]]

    def add(n):
        with tenant_context(alpha):
            for i in range(n):
                scenario = services.scenario_create(auteur=personas["formateur"], referentiel=ciel, titre=f"TP {i}",
                                                    critere_ids=criteres, co_auteurs=[collegue])
                services.scenario_share(scenario=scenario, partage=True, actor=personas["formateur"])
        connection.set_schema_to_public()

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert call(client, "get", "/formateur/scenarios/").status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = call(client, "get", "/formateur/scenarios/")
    assert response.content.decode().count("/formateur/scenarios/") >= 12


def test_a_co_author_finds_the_scenario_among_theirs_and_edits_it(alpha, personas, collegue, scenario):
    with tenant_context(alpha):
        services.scenario_update(scenario=scenario, actor=personas["formateur"], co_auteurs=[collegue])
    connection.set_schema_to_public()
    client = colleague_client(alpha, collegue)
    assert "TP réseau local" in call(client, "get", "/formateur/scenarios/").content.decode()
    response = client.post(f"/formateur/scenarios/{scenario.pk}/modifier/", {"titre": "TP co-écrit"})
    connection.set_schema_to_public()
    assert response.status_code == 302
    with tenant_context(alpha):
        scenario.refresh_from_db()
        assert scenario.titre == "TP co-écrit" and scenario.auteur == personas["formateur"]


def test_a_formateur_of_the_classe_opens_the_situation_and_its_grid_link(as_role, situation):
    page = call(as_role("formateur"), "get", "/formateur/scenarios/").content.decode()
    assert f'href="/formateur/situations/{situation.pk}/grille/"' in page
    page = call(as_role("formateur"), "get", f"/formateur/scenarios/situations/{situation.pk}/").content.decode()
    assert "Toute la classe" in page and "BERNARD Noé" in page and "DUPONT Léa" in page


def test_the_formateurs_home_opens_the_latest_grids_in_one_click(as_role, situation, alpha, collegue):
    page = call(as_role("formateur"), "get", "/formateur/").content.decode()
    assert f'href="/formateur/situations/{situation.pk}/grille/"' in page
    colleague = host_client("alpha.localhost")
    assert login(colleague, collegue.email).status_code == 302  # teaches no classe of this situation
    assert f"/formateur/situations/{situation.pk}/grille/" not in call(colleague, "get", "/formateur/").content.decode()
