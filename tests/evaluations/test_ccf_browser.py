"""The CCF grid in Chromium: the formateur fills a grid from the keyboard (Tab between competencies, arrows for
the level), saves and locks it; the pages pass the accessibility checks at every width (360 px included, no
sideways scrolling of the page); the apprentie then reads her levels, without the grade."""

import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from evaluations.models import Scenario, ScenarioCritere, Situation
from evaluations.services_ccf import grilles_ccf_create
from referentiels.models import Critere

from ..e2e.a11y import Report, check_page
from ..e2e.conftest import browser_type_launch_args, classe_1ciel, login_as, site  # noqa: F401  (e2e fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def grille_url(site, classe_1ciel):  # noqa: F811
    """Léa's draft CCF grid on épreuve E2 of a certificative situation of the demo formateur's 1CIEL-A."""
    w = classe_1ciel
    with tenant_context(w.etablissement):
        scenario = Scenario.objects.create(titre="CCF E2", auteur=w.formateur, referentiel=w.ciel)
        ScenarioCritere.objects.create(scenario=scenario, critere=Critere.objects.filter(referentiel=w.ciel).first())
        situation = Situation.objects.create(scenario=scenario, classe=w.classe, date=timezone.localdate(),
                                             nature="certificative", epreuve=w.ciel.epreuves.get(code="E2"),
                                             created_by=w.formateur)
        (grille,) = grilles_ccf_create(situation=situation, actor=w.formateur, apprenants=[w.lea])
    connection.set_schema_to_public()
    return f"{site}/ccf/grilles/{grille.pk}/"


def test_the_formateur_fills_a_grid_from_the_keyboard_and_locks_it(page, grille_url, login_as):  # noqa: F811
    report = Report()
    login_as("formateur@demo.cpro.local")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(grille_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grille CCF de Léa DUPONT")
    check_page(page, page.url, "grille CCF brouillon", report)
    page.set_viewport_size({"width": 360, "height": 800})
    # C03: first level then two arrows → M; Tab to C07: three arrows → BM; Tab to C11: one arrow → IM
    page.locator('input[type=radio]').first.focus()
    page.keyboard.press("Space")
    for touches in (["ArrowRight", "ArrowRight"], ["Tab", "ArrowRight", "ArrowRight", "ArrowRight"],
                    ["Tab", "ArrowRight"]):
        for touche in touches:
            page.keyboard.press(touche)
    page.get_by_label("Numéro de candidat").fill("02468")
    page.get_by_label("Membres de la commission").fill("Mme Roux — professeure\nM. Blanc — professionnel")
    page.get_by_role("button", name="Enregistrer et verrouiller").click()
    main = page.locator("main")
    expect(page.get_by_role("status").filter(has_text="Grille verrouillée")).to_be_visible()
    expect(main).to_contain_text("Note proposée : 13,3 / 20")
    expect(main).to_contain_text("Mme Roux — professeure")
    check_page(page, page.url, "grille CCF verrouillée", report)
    page.get_by_role("link", name="Corriger : créer une nouvelle version").click()
    page.get_by_role("button", name="Créer la version 2").click()
    expect(page.locator("main")).to_contain_text("Donnez la raison")
    page.get_by_label("Raison de la nouvelle version").fill("C07 : erreur de saisie.")
    page.get_by_role("button", name="Créer la version 2").click()
    expect(main).to_contain_text("Remplace la version 1 : « C07 : erreur de saisie. »")
    page.get_by_role("link", name=re.compile("^Grilles CCF")).click()
    expect(main).to_contain_text("Brouillon")
    check_page(page, page.url, "grilles CCF de la situation", report)
    page.get_by_role("button", name="Se déconnecter").click()

    login_as("apprenti@demo.cpro.local")
    page.goto(grille_url.split("/ccf/")[0] + "/ccf/mes-grilles/")
    expect(page.locator("main")).to_contain_text("Bien maîtrisé")
    expect(page.locator("main")).not_to_contain_text("/ 20")
    check_page(page, page.url, "mes grilles CCF", report)
    assert not report.problems, "\n".join(report.problems)
