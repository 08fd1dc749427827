import re
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from demo.services import demo_referentiels_load
from tenants.annees import annee_scolaire_label, annee_scolaire_of
from tenants.models import Abonnement, Etablissement

pytestmark = pytest.mark.browser
YPAREO = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "exemple-ypareo.csv"


@pytest.fixture
def subscribed(site):
    """The throwaway establishment subscribes to the catalogue's référentiels for the current school year."""
    connection.set_schema_to_public()
    demo_referentiels_load()
    schema = site.split("//")[1].split(".")[0].replace("-", "_")
    abonnement = Abonnement.objects.create(etablissement=Etablissement.objects.get(schema_name=schema),
                                           annee_scolaire=annee_scolaire_of(timezone.localdate()),
                                           statut=Abonnement.Statut.PAYE)
    for code in ("BACPRO-CIEL", "2TNE"):
        abonnement.lignes.create(referentiel_code=code)
    yield
    connection.set_schema_to_public()
    Abonnement.objects.filter(pk=abonnement.pk).delete()  # before the establishment is dropped


def test_the_direction_imports_the_fixture_file_and_sees_the_classes_it_created(page, site, subscribed, login_as):
    login_as("direction@demo.cpro.local")
    page.goto(f"{site}/direction/imports/")
    page.get_by_label("Fichier à importer").set_input_files(YPAREO)
    page.get_by_role("button", name="Prévisualiser").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Prévisualisation : exemple-ypareo.csv")
    classes = page.locator(".classes-importees")
    for code in ("1CIEL-A", "TCIEL-A", "1CIEL-B"):
        expect(classes).to_contain_text(f"{code} ({annee_scolaire_label(annee_scolaire_of(timezone.localdate()))})")
    expect(classes).to_contain_text("sera créée")
    expect(page.get_by_role("row", name=re.compile("DUPONT Léa"))).to_contain_text("ligne 2")

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status").first).to_contain_text("Import appliqué : 24 apprenant·e·s ajouté·e·s")
    expect(classes).not_to_contain_text("sera créée")

    page.get_by_role("link", name="Voir les classes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Classes")
    for code in ("1CIEL-A", "TCIEL-A", "1CIEL-B"):
        expect(page.get_by_role("link", name=code, exact=True)).to_be_visible()
