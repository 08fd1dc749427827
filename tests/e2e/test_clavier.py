"""Three journeys made with the keyboard alone: no click, no tap. Every stop of the focus is visible, and the
focus is never lost (on the page's body) after a save or an HTMX swap."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from accounts.models import User
from evaluations.models import Situation
from scolarite.models import Apprenant
from tenants.models import Etablissement

from ..conftest import PASSWORD
from .test_grille_browser import situation  # noqa: F401 the same throwaway TP
from .test_import_browser import subscribed  # noqa: F401

pytestmark = pytest.mark.browser
YPAREO = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "exemple-ypareo.csv"
MAX_TABS = 80

FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
}"""


def focus_described(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : ''; }")


def tab_to(page, target, *, backwards: bool = False) -> None:
    """Presses Tab until `target` has the focus, checking that every element reached shows it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert page.evaluate(FOCUS_IS_VISIBLE), f"focus invisible ou perdu sur : {focus_described(page)}"
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{target} jamais atteint au clavier en {MAX_TABS} tabulations")


def log_in_with_the_keyboard(page, site: str, email: str) -> None:
    page.goto(f"{site}/comptes/login/")
    tab_to(page, page.get_by_label("Adresse e-mail"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_attached()


def assert_focus_kept(page) -> None:
    assert page.evaluate("document.activeElement !== document.body"), "le focus est perdu"
    assert page.evaluate(FOCUS_IS_VISIBLE), f"focus invisible sur : {focus_described(page)}"


def test_the_formateur_fills_a_grid_row_and_undoes_a_cell_with_the_keyboard_only(page, site, situation):  # noqa: F811
    log_in_with_the_keyboard(page, site, "formateur@demo.cpro.local")
    page.goto(f"{site}/formateur/situations/{situation.pk}/grille/")
    row = page.get_by_role("row", name=re.compile("DUPONT Léa"))
    cells = row.locator("td.grille-cellule")
    tab_to(page, row.locator(".grille-btn").first)
    for key in ("3", "4", "2"):  # one key per cell; the focus moves right after each save
        page.keyboard.press(key)
        assert_focus_kept(page)
    for index, code in enumerate(("S", "TS", "RP")):
        expect(cells.nth(index)).to_have_attribute("data-valeur", code)
    page.keyboard.press("Control+z")
    expect(cells.nth(2)).to_have_attribute("data-valeur", "")
    expect(page.locator("#grille-annonce")).to_contain_text("nnul")
    assert_focus_kept(page)
    page.reload()
    for index, code in enumerate(("S", "TS", "")):
        expect(cells.nth(index)).to_have_attribute("data-valeur", code)


def test_the_direction_previews_and_confirms_an_import_with_the_keyboard_only(page, site, subscribed):  # noqa: F811
    log_in_with_the_keyboard(page, site, "direction@demo.cpro.local")
    page.goto(f"{site}/direction/imports/")

    # Sent without a file: the error is announced, focused, and tied to the field.
    tab_to(page, page.get_by_role("button", name="Prévisualiser"))
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Fichier à importer")
    field = page.get_by_label("Fichier à importer")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby")
    error = page.locator(f"#{described_by.split()[-1]}")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    assert page.title().startswith("Erreur : ")

    tab_to(page, field)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(YPAREO)
    tab_to(page, page.get_by_role("button", name="Prévisualiser"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prévisualisation : exemple-ypareo.csv")

    tab_to(page, page.get_by_role("button", name="Confirmer l'import"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Import appliqué : 24 apprenant·e·s ajouté·e·s")


def test_the_learner_records_a_positionnement_with_the_keyboard_only(page, site, situation):  # noqa: F811
    log_in_with_the_keyboard(page, site, "apprenti@demo.cpro.local")
    page.goto(f"{site}/apprenant/situations/{situation.pk}/")
    first, second = page.locator("fieldset", has=page.locator("input[type=radio]")).all()[:2]
    tab_to(page, first.locator("input[type=radio]:checked"))  # a radio group is one Tab stop, on its choice
    page.keyboard.press("ArrowUp")  # from « Pas encore » to the highest level of the scale
    tab_to(page, second.locator("input[type=radio]:checked"))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    tab_to(page, page.get_by_role("button", name="Enregistrer mon positionnement"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text("Positionnement enregistré.")

    connection.set_schema_to_public()
    schema = site.split("//")[1].split(".")[0].replace("-", "_")
    with tenant_context(Etablissement.objects.get(schema_name=schema)):
        lea = Apprenant.objects.get(user=User.objects.get(email="apprenti@demo.cpro.local"))
        saved = list(Situation.objects.get(pk=situation.pk).positionnements.filter(apprenant=lea)
                     .values_list("niveau__code", flat=True))
    connection.set_schema_to_public()
    assert len(saved) == 2 and all(saved), saved
