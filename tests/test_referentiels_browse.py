"""Browsing the catalogue from an establishment: tree, search, épreuves per compétence, downloads."""

import json
from pathlib import Path

import pytest
import yaml
from django.db import connection

from accounts.roles import Role
from referentiels.models import Referentiel
from referentiels.services import referentiel_import

from .conftest import host_client, login

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "referentiels"


@pytest.fixture
def ciel(public):
    report = referentiel_import(path=FIXTURES / "bacpro-ciel.yaml")
    assert report.ok, report.errors
    return Referentiel.objects.get(code="BACPRO-CIEL")


def synthetic(competences: int, criteres: int) -> dict:
    return {
        "format": "cpro-referentiel/1",
        "referentiel": {"code": f"SYNTH-{competences}", "version": "1", "intitule": "Synthétique", "type": "AUTRE",
                        "niveau": 4, "sources": ["généré pour les tests"]},
        "competences": [
            {"code": f"C{i}", "intitule": f"Compétence {i}",
             "criteres": [{"intitule": f"Critère {i}.{j}"} for j in range(criteres)]}
            for i in range(competences)
        ],
        "blocs": [{"code": "B1", "intitule": "Bloc", "competences": [f"C{i}" for i in range(competences)]}],
        "epreuves": [{"code": "E1", "intitule": "Épreuve", "coefficient": 2, "modes": ["CCF"],
                      "competences": [f"C{i}" for i in range(competences)]}],
    }


def page(client, url):
    response = client.get(url)
    connection.set_schema_to_public()
    return response


def test_a_formateur_sees_the_blocs_competences_criteres_and_the_epreuves_that_assess_them(as_role, ciel):
    client = as_role(Role.FORMATEUR)
    index = page(client, "/referentiels/").content.decode()
    assert "Cybersécurité, Informatique et réseaux, Électronique" in index
    html = page(client, f"/referentiels/{ciel.uuid}/").content.decode()
    assert "Blocs de compétences" in html and "Activités professionnelles (RAP)" in html
    assert "Participer à un projet" in html and "Le planning prévisionnel est compris" in html
    assert "savoir-être" in html and "Évaluée par :" in html
    assert "Compétences hors bloc" in html  # C02 and C05 are listed in the text but certified by no bloc
    assert "<details" in html and "<summary>" in html  # expand / collapse without script


def test_search_finds_a_criterion_by_its_words_without_accents(as_role, ciel):
    html = page(as_role(Role.FORMATEUR), f"/referentiels/{ciel.uuid}/?q=planning+previsionnel").content.decode()
    assert 'class="hit"' in html and "Le planning prévisionnel est compris" in html
    assert "correspond" in html
    assert "Le dysfonctionnement est constaté" not in html  # compétences without a hit are hidden


def test_search_by_code_and_with_no_result(as_role, ciel):
    client = as_role(Role.FORMATEUR)
    assert "Participer à un projet" in page(client, f"/referentiels/{ciel.uuid}/?q=C03").content.decode()
    assert "Aucun résultat pour « zzzz »" in page(client, f"/referentiels/{ciel.uuid}/?q=zzzz").content.decode()


def test_an_htmx_search_returns_only_the_tree(as_role, ciel):
    client = as_role(Role.FORMATEUR)
    response = client.get(f"/referentiels/{ciel.uuid}/?q=planning", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="arbre">') and "<html" not in html


def test_the_tree_page_runs_a_constant_number_of_queries(as_role, public, django_assert_max_num_queries):
    client = as_role(Role.FORMATEUR)
    small = referentiel_import(document=synthetic(2, 2)).referentiel
    large = referentiel_import(document=synthetic(40, 8)).referentiel
    counts = []
    for referentiel in (small, large):
        with django_assert_max_num_queries(30) as captured:
            assert page(client, f"/referentiels/{referentiel.uuid}/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_referentiel_downloads_as_yaml_and_as_ims_case(as_role, ciel):
    client = as_role(Role.INSPECTEUR)
    response = page(client, f"/referentiels/{ciel.uuid}/telecharger/yaml/")
    assert response["Content-Disposition"] == 'attachment; filename="bacpro-ciel-2026.yaml"'
    assert yaml.safe_load(response.content)["referentiel"]["code"] == "BACPRO-CIEL"
    case = json.loads(page(client, f"/referentiels/{ciel.uuid}/telecharger/case/").content)
    assert case["CFDocument"]["identifier"] == str(ciel.uuid)
    assert len(case["CFItems"]) > 100


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR, Role.APPRENANT, Role.TUTEUR])
def test_every_establishment_role_may_read_the_catalogue(as_role, ciel, role):
    assert page(as_role(role), f"/referentiels/{ciel.uuid}/").status_code == 200


def test_anonymous_visitors_are_sent_to_login_and_unknown_ids_get_a_404(alpha_client, as_role, ciel):
    response = page(alpha_client, f"/referentiels/{ciel.uuid}/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    client = as_role(Role.FORMATEUR)
    assert page(client, "/referentiels/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert page(client, f"/referentiels/{ciel.uuid}/telecharger/pdf/").status_code == 404


def test_a_beta_user_reads_the_same_national_catalogue(charlie, ciel):
    client = host_client("beta.localhost")
    login(client, charlie.email)
    assert "Participer à un projet" in page(client, f"/referentiels/{ciel.uuid}/").content.decode()


def test_the_operator_browses_the_catalogue_on_the_public_site(public_client, operator, ciel):
    login(public_client, operator.email)
    assert "BACPRO-CIEL" in page(public_client, "/referentiels/").content.decode()
    assert page(public_client, f"/referentiels/{ciel.uuid}/").status_code == 200


def test_the_catalogue_list_runs_a_constant_number_of_queries(as_role, public, django_assert_max_num_queries):
    client = as_role(Role.FORMATEUR)
    referentiel_import(document=synthetic(1, 1))
    with django_assert_max_num_queries(20) as one:
        page(client, "/referentiels/")
    for size in range(2, 7):
        referentiel_import(document=synthetic(size, 1))
    with django_assert_max_num_queries(20) as six:
        html = page(client, "/referentiels/").content.decode()
    assert html.count("SYNTH-") == 6 and len(one) == len(six)
