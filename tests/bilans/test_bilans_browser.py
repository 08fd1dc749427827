"""The class fill page in Chromium: typed codes and digits set levels and move on, arrows move between learners,
each change is saved without a reload; on a phone only the table scrolls sideways; the apprentie then reads her
validated bilan."""

import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from bilans.services import bilans_classe_create

from ..e2e.a11y import Report, check_page
from ..e2e.conftest import browser_type_launch_args, classe_1ciel, login_as, site  # noqa: F401  (e2e fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def feuille(site, classe_1ciel):  # noqa: F811
    """The demo formateur's 1CIEL-A (Léa Dupont, the demo apprentie; Hugo Martin; Zoé Petit) and its bilans of
    today, prefilled."""
    with tenant_context(classe_1ciel.etablissement):
        bilans_classe_create(classe=classe_1ciel.classe, date=timezone.localdate(), actor=classe_1ciel.formateur)
    connection.set_schema_to_public()
    return f"{site}/bilans/classes/{classe_1ciel.classe.pk}/{timezone.localdate().isoformat()}/"


def test_the_formateur_fills_the_classe_bilans_with_the_keyboard(page, feuille, login_as):  # noqa: F811
    login_as("formateur@demo.cpro.local")
    page.goto(feuille)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilans du")
    lea = page.get_by_role("row", name=re.compile("DUPONT Léa")).locator("td.bilan-cellule")
    hugo = page.get_by_role("row", name=re.compile("MARTIN Hugo")).locator("td.bilan-cellule")
    expect(lea.first.locator("select")).to_have_attribute("tabindex", "0")  # one tab stop for the table
    lea.first.locator("select").focus()
    for key in ("b", "m", "1", "i", "m"):  # BM, NM (digit 1), IM: each sets its cell and moves right
        page.keyboard.press(key)
    for index, code in enumerate(("BM", "NM", "IM")):
        expect(lea.nth(index)).to_have_attribute("data-valeur", code)
        expect(lea.nth(index)).to_contain_text("enregistré")
    expect(lea.nth(3).locator("select")).to_be_focused()
    page.keyboard.press("ArrowDown")  # to Hugo, same competency
    expect(hugo.nth(3).locator("select")).to_be_focused()
    page.keyboard.press("3")
    expect(hugo.nth(3)).to_have_attribute("data-valeur", "M")
    expect(page.locator("#bilan-annonce")).to_contain_text("Enregistré : MARTIN Hugo")

    page.reload()
    for index, code in enumerate(("BM", "NM", "IM")):
        expect(lea.nth(index)).to_have_attribute("data-valeur", code)
    expect(hugo.nth(3)).to_have_attribute("data-valeur", "M")

    page.get_by_role("button", name=re.compile("Valider les 3 bilans")).click()
    expect(page.get_by_role("status").first).to_contain_text("3 bilan(s) validé(s)")
    expect(page.locator("td.bilan-cellule select")).to_have_count(0)
    page.get_by_role("button", name="Se déconnecter").click()

    login_as("apprenti@demo.cpro.local")
    page.goto(feuille.split("/bilans/")[0] + "/bilans/mes-bilans/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes bilans")
    expect(page.locator("main")).to_contain_text("Bien maîtrisé")
    expect(page.locator("main")).to_contain_text("En vigueur")


def test_on_a_phone_only_the_table_scrolls_sideways(page, feuille, login_as):  # noqa: F811
    page.set_viewport_size({"width": 360, "height": 740})
    login_as("formateur@demo.cpro.local")
    page.goto(feuille)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cell = page.get_by_role("row", name=re.compile("PETIT Zoé")).locator("td.bilan-cellule").first
    cell.locator("select").select_option("M")  # a tap on the native list
    expect(cell).to_have_attribute("data-valeur", "M")
    expect(cell).to_contain_text("enregistré")
    page.screenshot(path="/tmp/bilans-360.png", full_page=True)


def test_the_bilans_pages_pass_the_accessibility_checks(page, feuille, login_as):  # noqa: F811
    """The crawl of tests/e2e sees no bilan in the demo: these pages are checked here, editable and read-only."""
    report = Report()
    login_as("formateur@demo.cpro.local")
    page.goto(feuille)
    check_page(page, feuille, "bilans feuille", report)
    page.get_by_role("link", name=re.compile("En cours : bilan de Léa Dupont")).click()
    check_page(page, page.url, "bilan", report)
    page.get_by_role("button", name="Enregistrer et valider le bilan").click()
    expect(page.get_by_role("status").first).to_contain_text("validé")
    check_page(page, page.url, "bilan validé", report)
    page.get_by_role("link", name=re.compile("Bilans de DUPONT")).click()
    check_page(page, page.url, "archive", report)
    page.goto(feuille)
    check_page(page, feuille, "bilans feuille, une ligne validée", report)
    page.get_by_role("button", name="Se déconnecter").click()
    login_as("apprenti@demo.cpro.local")
    page.goto(feuille.split("/bilans/")[0] + "/bilans/mes-bilans/")
    check_page(page, page.url, "mes bilans", report)
    assert not report.problems, "\n".join(report.problems)
