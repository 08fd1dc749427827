"""Issue 18 through the demo, as its people would do it: the demo formateur creates today's bilans of the demo
classe, changes a level, validates them and turns the apprentie's bilan into a period grade with a +1.5
adjustment; the demo apprentie then finds that bilan on her dashboard."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.services import DEMO_PEOPLE

from .conftest import log_in

pytestmark = pytest.mark.browser

FORMATEUR = DEMO_PEOPLE[1][0]
APPRENTIE = "apprenti@demo.cpro.local"


def test_the_demo_formateur_grades_a_new_bilan_and_the_apprentie_sees_it_on_her_dashboard(page, demo_site):
    base = demo_site["etablissement"]
    today = timezone.localdate().strftime("%d/%m/%Y")
    log_in(page, base, FORMATEUR)
    page.goto(f"{base}/bilans/")
    page.get_by_role("link", name="Bilans de 1CIEL-A").click()
    page.get_by_role("button", name="Créer les bilans de la classe à cette date").click()  # today, the default
    expect(page.get_by_role("status").first).to_contain_text("créé(s), prérempli(s) avec les niveaux suggérés")

    cellule = page.get_by_role("row", name=re.compile("DUPONT Léa")).locator("td.bilan-cellule").first
    cellule.locator("select").select_option("BM")  # the formateur decides, whatever the suggestion was
    expect(cellule).to_have_attribute("data-valeur", "BM")
    expect(cellule).to_contain_text("enregistré")
    page.get_by_role("button", name=re.compile(r"Valider les \d+ bilans")).click()
    expect(page.get_by_role("status").first).to_contain_text("validé(s)")

    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="1CIEL-A").click()
    lea = page.get_by_role("row", name=re.compile("Léa"))
    lea.get_by_role("link", name=f"validé, du {today}").click()
    expect(page.locator("main")).to_contain_text("Bien maîtrisé")
    page.get_by_role("link", name="Transformer en note").click()
    expect(page.locator("#note-calcul")).to_contain_text("/ 20")
    page.get_by_label(re.compile("^Ajustement")).fill("1.5")  # a number field: the browser shows « 1,5 » in French
    page.get_by_label(re.compile("^Justification")).fill("Très bonne présentation orale de son projet.")
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_role("status").first).to_contain_text("Note de période enregistrée")
    expect(page.locator("main")).to_contain_text("1,5")
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, base, APPRENTIE)
    page.goto(f"{base}/apprenant/")
    dernier = page.get_by_role("region", name="Mon dernier bilan")
    expect(dernier).to_contain_text(f"Bilan validé le {today}")
    dernier.get_by_role("link", name=re.compile("Voir mes bilans")).click()
    expect(page.locator("main")).to_contain_text("Note de période")
