import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from evaluations.models import Scenario, ScenarioCritere, Situation
from referentiels.models import Critere

pytestmark = pytest.mark.browser


@pytest.fixture
def situation(classe_1ciel):
    """The demo formateur runs a formative TP on three criteria today in 1CIEL-A (classe_1ciel)."""
    w = classe_1ciel
    criteres = list(Critere.objects.filter(referentiel=w.ciel).order_by("competence__rang", "rang")[:3])
    with tenant_context(w.etablissement):
        scenario = Scenario.objects.create(titre="TP câblage réseau", auteur=w.formateur, referentiel=w.ciel)
        for rang, critere in enumerate(criteres):
            ScenarioCritere.objects.create(scenario=scenario, critere=critere, rang=rang)
        situation = Situation.objects.create(scenario=scenario, classe=w.classe, date=timezone.localdate(),
                                             created_by=w.formateur)
    connection.set_schema_to_public()
    return situation


def test_the_formateur_fills_a_row_with_the_keyboard_and_the_apprentie_sees_it(page, site, situation, login_as):
    login_as("formateur@demo.cpro.local")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace formateur")
    page.goto(f"{site}/formateur/situations/{situation.pk}/grille/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("TP câblage réseau")

    row = page.get_by_role("row", name=re.compile("DUPONT Léa"))
    cells = row.locator("td.grille-cellule")
    row.locator(".grille-btn").first.click()  # a tap opens the chooser...
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")  # ...Escape closes it and gives the focus back to the cell
    expect(row.locator(".grille-btn").first).to_be_focused()
    for key in ("3", "4", "n"):  # S, TS, then the special state NO: one key per cell, the focus moves right
        page.keyboard.press(key)
    for index, code in enumerate(("S", "TS", "NO")):
        expect(cells.nth(index)).to_have_attribute("data-valeur", code)
        expect(cells.nth(index)).to_contain_text("enregistré")
    expect(page.get_by_role("status").first).to_contain_text("Enregistré")

    page.keyboard.press("Control+z")  # undoes the last save (NO)
    expect(cells.nth(2)).to_have_attribute("data-valeur", "")
    expect(cells.nth(2)).to_contain_text("annulé")
    cells.nth(2).locator(".grille-btn").focus()
    page.keyboard.press("2")
    expect(cells.nth(2)).to_have_attribute("data-valeur", "RP")

    page.reload()
    for index, code in enumerate(("S", "TS", "RP")):
        expect(cells.nth(index)).to_have_attribute("data-valeur", code)
    page.get_by_role("button", name="Se déconnecter").click()

    login_as("apprenti@demo.cpro.local")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon livret")
    resultats = page.locator("section", has=page.get_by_role("heading", name="Mes résultats"))
    expect(resultats).to_contain_text("TP câblage réseau")
    for libelle in ("Satisfaisante", "Très satisfaisante", "Réalisation partielle"):
        expect(resultats).to_contain_text(libelle)


def test_on_a_phone_a_tap_opens_the_chooser_and_the_page_never_scrolls_sideways(page, site, situation, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("formateur@demo.cpro.local")
    page.goto(f"{site}/formateur/situations/{situation.pk}/grille/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the grid itself scrolls

    progression = page.locator("#grille-progression")
    expect(progression).to_have_text("0 cellule renseignée sur 9.")
    cell = page.get_by_role("row", name=re.compile("MARTIN Hugo")).locator("td.grille-cellule").first
    cell.locator(".grille-btn").click()
    chooser = page.get_by_role("dialog")
    expect(chooser).to_be_visible()
    chooser.get_by_label("Commentaire").fill("Câblage à reprendre")
    chooser.get_by_role("button", name=re.compile("Réalisation partielle")).click()
    expect(chooser).to_be_hidden()
    expect(cell).to_have_attribute("data-valeur", "RP")
    expect(cell).to_have_attribute("data-commentaire", "Câblage à reprendre")
    expect(progression).to_have_text("1 cellule renseignée sur 9.")

    cell.locator(".grille-btn").click()  # the history is one tap away
    chooser.get_by_role("button", name="Historique de la cellule").click()
    expect(page.locator("#grille-historique")).to_contain_text("Câblage à reprendre")
    expect(page.locator("#grille-historique")).to_contain_text("Réalisation partielle")
