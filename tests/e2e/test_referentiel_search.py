import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from demo.services import demo_referentiels_load

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(site):
    connection.set_schema_to_public()
    demo_referentiels_load()
    connection.set_schema_to_public()


def test_a_formateur_opens_the_demo_referentiel_and_finds_a_criterion_by_its_words(page, site, catalogue, login_as):
    login_as("formateur@demo.cpro.local")
    page.get_by_role("link", name="Référentiels").click()
    page.get_by_role("link", name=re.compile("Cybersécurité, Informatique et réseaux")).click()
    expect(page.get_by_role("heading", name="Blocs de compétences")).to_be_visible()

    page.get_by_label("Rechercher un code ou des mots").fill("planning previsionnel")
    status = page.get_by_role("status")
    expect(status).to_contain_text("correspond")
    hit = page.locator("li.hit", has_text="Le planning prévisionnel est compris")
    expect(hit.first).to_be_visible()
    expect(page.get_by_text("Le dysfonctionnement est constaté")).to_have_count(0)
    assert "q=planning" in page.url  # the search is in the address: it can be shared and reloaded
