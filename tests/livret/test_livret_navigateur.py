"""The livret in a real browser, on the demo establishment: WCAG 2.1 AA as far as axe-core tells, no sideways
page scroll down to 320 px (wide tables scroll inside their focusable region), and HTMX filtering."""

import pytest
from playwright.sync_api import expect

from ..e2e.a11y import Report, check_page
from ..e2e.conftest import (  # noqa: F401
    browser_type_launch_args,  # noqa: F401
    demo_site,
    log_in,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("email, start", [("formateur@demo.cpro.local", "/apprenants/"),
                                          ("apprenti@demo.cpro.local", "/apprenant/")])
def test_the_livret_passes_the_accessibility_checks(browser, demo_site, email, start):  # noqa: F811
    base = demo_site["etablissement"]
    page = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR").new_page()
    log_in(page, base, email)
    page.goto(f"{base}{start}")
    if start == "/apprenants/":
        page.get_by_role("link", name="Dupont", exact=False).first.click()
    page.get_by_role("link", name="Livret de suivi").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ivret de suivi")
    expect(page.locator(".livret-table").first).to_be_visible()
    report = Report()
    check_page(page, page.url, "livret", report)
    assert not report.problems, "\n".join(report.problems)
    page.set_viewport_size({"width": 360, "height": 800})  # the brief's smallest phone: the page never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_filtering_swaps_the_livret_without_a_page_load(browser, demo_site):  # noqa: F811
    base = demo_site["etablissement"]
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    log_in(page, base, "apprenti@demo.cpro.local")
    page.goto(f"{base}/livret/")
    page.evaluate("window.marqueur = 1")  # gone if the page reloads
    page.get_by_label("Nature").select_option("formative")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(f"{base}/livret/?epreuve=&nature=formative&du=&au=")
    expect(page.locator("#livret-statut")).to_contain_text("pour ces filtres")
    expect(page.get_by_role("columnheader", name="En entreprise")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Au centre").first).to_be_visible()
    assert page.evaluate("window.marqueur") == 1
