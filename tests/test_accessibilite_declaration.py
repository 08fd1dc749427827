"""The public déclaration d'accessibilité (RGAA model) says what the accessibility crawl checks, and every page
links to it with its state of conformity."""

import importlib.metadata

from django.utils.html import escape
from django.utils.text import capfirst

from tenants.accessibilite import ESPACES_VERIFIES, OUTILS, exceptions_declarees


def test_the_statement_says_what_the_crawl_checks(client, settings, public):
    settings.CPRO_CONTACT_ACCESSIBILITE = "accessibilite@cfa.example"
    response = client.get("/accessibilite/", HTTP_HOST="localhost")
    html = response.content.decode()
    assert response.status_code == 200
    assert "non conforme" in html and "RGAA 4.1" in html
    for espace in ESPACES_VERIFIES:
        assert escape(capfirst(espace)) in html
    for exception in exceptions_declarees():
        assert escape(exception["raison"]) in html
    assert "mailto:accessibilite@cfa.example" in html
    axe_version = importlib.metadata.version("axe-playwright-python")
    assert axe_version == "0.1.8" and "axe-core 4.12" in OUTILS, "la déclaration doit nommer l'axe-core utilisé"


def test_every_establishment_page_links_to_the_statement(alpha_client, settings):
    settings.CPRO_PORT = "8000"
    html = alpha_client.get("/comptes/login/").content.decode()
    assert 'href="http://localhost:8000/accessibilite/">Accessibilité : non conforme</a>' in html
