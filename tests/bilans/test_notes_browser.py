"""The period grade in Chromium: from a validated bilan, the weights change the computed grade as one types (HTMX,
no reload), the grade is recorded with an adjustment, the pages pass the accessibility checks at every width, and
the apprentie reads her grade."""

import re

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from accounts.models import User
from bilans.models import Bilan
from bilans.services import bilan_ligne_set, bilan_validate
from tenants.models import Etablissement

from ..e2e.a11y import Report, check_page
from ..e2e.conftest import browser_type_launch_args, classe_1ciel, login_as, site  # noqa: F401  (e2e fixtures)
from .test_bilans_browser import feuille  # noqa: F401  (the demo formateur's 1CIEL-A and today's bilans)

pytestmark = pytest.mark.browser


@pytest.fixture
def bilan_url(feuille):  # noqa: F811
    """Léa's bilan of today, validated with C03 BM and C01 M (every other competency NE)."""
    schema = feuille.split("//")[1].split(".")[0].replace("-", "_")
    with tenant_context(Etablissement.objects.get(schema_name=schema)):
        formateur = User.objects.get(email="formateur@demo.cpro.local")
        bilan = Bilan.objects.get(apprenant__prenom="Léa")
        for ligne in bilan.lignes.select_related("competence").filter(competence__code__in=["C03", "C01"]):
            bilan_ligne_set(ligne=ligne, niveau_code="BM" if ligne.competence.code == "C03" else "M",
                            commentaire=None, actor=formateur)
        bilan_validate(bilan=bilan, actor=formateur)
    connection.set_schema_to_public()
    return feuille.split("/bilans/")[0] + f"/bilans/{bilan.pk}/"


def test_the_formateur_records_a_period_grade_with_an_adjustment(page, bilan_url, login_as):  # noqa: F811
    report = Report()
    login_as("formateur@demo.cpro.local")
    page.goto(bilan_url)
    page.get_by_role("link", name="Transformer en note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Note de période de Léa DUPONT")
    calcul = page.locator("#note-calcul")
    expect(calcul).to_contain_text("17,5 / 20")
    check_page(page, page.url, "note de période", report)

    c03 = page.get_by_label(re.compile("^Poids de C03 "))
    c03.fill("50")  # 50 + 37.5: refused live, nothing written
    expect(calcul).to_contain_text("Les poids totalisent 87,50 %")
    page.get_by_label(re.compile("^Poids de C01 ")).fill("50")
    expect(calcul).to_contain_text("16,7 / 20")  # 20 × (50 + 50 × 2/3) / 100
    page.get_by_label(re.compile("^Ajustement")).fill("1.5")
    expect(calcul).to_contain_text("avec l'ajustement : 18,2 / 20")
    page.get_by_label(re.compile("^Justification")).fill("Très bon oral de présentation.")
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_role("status").first).to_contain_text("Note de période enregistrée : 18,2 / 20.")
    expect(page.locator("main")).to_contain_text("Note de période : 18,2 / 20")
    check_page(page, page.url, "note de période enregistrée", report)
    page.get_by_role("link", name=re.compile("Notes de 1CIEL-A")).click()
    expect(page.locator("main")).to_contain_text("18,2 / 20")
    check_page(page, page.url, "notes de la classe", report)
    page.get_by_role("button", name="Se déconnecter").click()

    login_as("apprenti@demo.cpro.local")
    page.goto(bilan_url.split("/bilans/")[0] + "/bilans/mes-bilans/")
    expect(page.locator("main")).to_contain_text("Note de période : 18,2 / 20")
    check_page(page, page.url, "mes bilans, avec la note", report)
    assert not report.problems, "\n".join(report.problems)
