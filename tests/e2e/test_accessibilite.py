"""Every page any role can reach meets WCAG 2.1 AA as far as axe-core can tell, reflows at 320 px and at 200 %
zoom, and logs no console error; the public déclaration d'accessibilité says what this crawl checks."""


import pytest

from demo.services import DEMO_OPERATOR, DEMO_PEOPLE
from tenants.accessibilite import exceptions_declarees

from .a11y import Report, check_page, crawl
from .conftest import log_in

pytestmark = pytest.mark.browser


def test_every_page_of_every_role_passes_the_accessibility_checks(browser, demo_site, settings):
    settings.CPRO_PORT = demo_site["public"].rsplit(":", 1)[1]  # the footer's link to the statement
    report = Report()
    visits = [("anonyme", demo_site["public"], None, "cpro.urls_public"),
              ("anonyme", demo_site["etablissement"], None, "cpro.urls"),
              ("opérateur", demo_site["public"], DEMO_OPERATOR, "cpro.urls_public")]
    visits += [(roles[0], demo_site["etablissement"], email, "cpro.urls") for email, roles, *_ in DEMO_PEOPLE]
    for label, base, email, urlconf in visits:
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
        page = context.new_page()
        if email:
            log_in(page, base, email)
        start = f"{base}/" if email else f"{base}/comptes/login/"
        crawl(page, start, urlconf=urlconf, report=report, label=label)
        if base == demo_site["public"] and not email:
            crawl(page, f"{base}/", urlconf=urlconf, report=report, label=label)
        context.close()
    print(f"\naccessibilité : {len(report.pages)} pages, {len(report.kinds)} types de page, {len(visits)} visites")
    assert not report.problems, "\n".join(report.problems)
    unused = [e for i, e in enumerate(exceptions_declarees()) if i not in report.exceptions_vues]
    assert not unused, f"exceptions devenues inutiles, à retirer de tenants/accessibilite_exceptions.yaml : {unused}"
    for role in ("direction", "formateur", "apprenant", "tuteur", "inspecteur", "opérateur"):
        assert sum(1 for kind in report.kinds if kind.startswith(role)) >= 2, f"{role} : trop peu de pages"


def test_the_crawl_catches_an_unreachable_scroll_box_a_missing_language_and_a_wide_page(page):
    """The checks themselves, on a page made to fail them: a crawl that sees nothing proves nothing."""
    page.set_content('<html><head><title>t</title></head><body><main><div style="overflow:auto;width:100px">'
                     '<table><tr><td style="min-width:600px;text-align:right">cachée à droite</td></tr></table></div>'
                     '<p style="width:900px">trop large</p></main></body></html>')
    report = Report()
    check_page(page, "essai", "essai", report)
    found = "\n".join(report.problems)
    assert "scrollable-region-focusable" in found
    assert "html-has-lang" in found
    assert "à 320 px : la page défile de côté" in found


def test_nothing_moves_for_those_who_asked_for_reduced_motion(page, site):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{site}/comptes/login/")
    page.evaluate("""() => { const s = document.createElement('style');
        s.textContent = '.essai { transition: opacity 2s; animation: x 3s infinite; }'; document.head.append(s);
        const p = document.createElement('p'); p.className = 'essai'; document.body.append(p); }""")
    durations = page.evaluate("() => { const s = getComputedStyle(document.querySelector('.essai'));"
                              " return [s.transitionDuration, s.animationDuration]; }")
    assert all(float(d.rstrip("s")) <= 0.0001 for d in durations), durations
    assert page.evaluate("document.documentElement.lang") == "fr"
