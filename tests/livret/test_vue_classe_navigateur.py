"""The vue classe and the learner's dashboard in a real browser, on the demo establishment: WCAG 2.1 AA as far as
axe-core tells, no sideways page scroll down to 320 px, the learner column in view while the table scrolls."""

import pytest
from playwright.sync_api import expect

from ..e2e.a11y import Report, check_page
from ..e2e.conftest import (  # noqa: F401
    browser_type_launch_args,  # noqa: F401
    demo_site,
    log_in,
)

pytestmark = pytest.mark.browser


def test_the_vue_classe_passes_the_checks_and_keeps_the_learner_column_in_view(browser, demo_site):  # noqa: F811
    base = demo_site["etablissement"]
    page = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR").new_page()
    log_in(page, base, "formateur@demo.cpro.local")
    page.goto(f"{base}/classes/")
    page.locator("main table a").first.click()
    page.get_by_role("link", name="Vue classe").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vue classe")
    for source in ("Niveau suggéré", "Dernier bilan validé"):
        page.get_by_role("link", name=source).click()
        expect(page.get_by_role("link", name=source)).to_have_attribute("aria-current", "page")
        report = Report()
        check_page(page, page.url, "vue classe", report)
        assert not report.problems, "\n".join(report.problems)
    page.set_viewport_size({"width": 360, "height": 800})
    region = page.get_by_role("region", name="de chaque apprenant")
    nom = page.locator("tbody th.vc-nom").first
    avant = nom.bounding_box()["x"]
    region.evaluate("element => element.scrollLeft = element.scrollWidth")
    assert region.evaluate("element => element.scrollLeft") > 0  # the table is wider than a phone
    assert abs(nom.bounding_box()["x"] - avant) < 1  # sticky: the learner's name did not move
    page.locator("thead th.vc-comp a").first.click()  # sort by the first competency
    expect(page.locator("thead th.vc-comp").first).to_have_attribute("aria-sort", "ascending")


def test_the_learner_dashboard_passes_the_checks_and_its_chart_has_a_name(browser, demo_site):  # noqa: F811
    base = demo_site["etablissement"]
    page = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR").new_page()
    log_in(page, base, "apprenti@demo.cpro.local")
    page.goto(f"{base}/apprenant/")
    expect(page.get_by_role("heading", name="Ma progression par bloc")).to_be_visible()
    expect(page.get_by_role("img", name="Compétences acquises par bloc")).to_be_visible()
    report = Report()
    check_page(page, page.url, "tableau de bord", report)
    assert not report.problems, "\n".join(report.problems)
