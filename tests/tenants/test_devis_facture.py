"""Quote and invoice PDFs of a subscription year: the establishment, the seller, the lines and the totals in the
text; a stable number; the direction of the establishment and the operators download them, nobody else."""

import html
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from tenants.annees import annee_scolaire_of
from tenants.devis import numero
from tenants.models import Abonnement

from ..conftest import host_client, login, make_person, subscribe

pytestmark = pytest.mark.django_db
ANNEE = annee_scolaire_of(timezone.localdate())


def texte(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def paye(alpha):
    """alpha's current year: paid, BACPRO-CIEL and 2TNE at 60 € each, plus the application at 130 €."""
    abonnement = Abonnement.objects.get(etablissement=alpha, annee_scolaire=ANNEE)
    Abonnement.objects.filter(pk=abonnement.pk).update(paye_le=timezone.now(), montant_paye=Decimal("250.00"))
    abonnement.refresh_from_db()
    return abonnement


@pytest.fixture
def commande(alpha):
    return subscribe(alpha, ["BACPRO-CIEL"], annee=ANNEE + 1, statut=Abonnement.Statut.COMMANDE)


@pytest.fixture
def operateur_client(operator):
    client = host_client("localhost")
    login(client, operator.email)
    return client


def test_the_direction_downloads_the_quote_of_an_ordered_year(as_role, commande, settings):
    settings.CPRO_OPERATEUR = settings.CPRO_OPERATEUR | {"nom": "Opérateur SAS", "adresse": "1 place X\n75001 Paris"}
    response = as_role("direction").get(f"/direction/abonnement/{commande.pk}/devis.pdf")
    text = texte(response)
    assert f"D-{ANNEE + 1}-{commande.pk:05d}" in text and "CFA Alpha" in text and "0841234K" in text
    assert "Opérateur SAS" in text and "BACPRO-CIEL" in text
    assert "190,00 €" in text and "TVA non applicable" in text
    assert f'filename="devis-D-{ANNEE + 1}-{commande.pk:05d}.pdf"' in response["Content-Disposition"]


def test_the_direction_downloads_the_invoice_once_paid(as_role, paye):
    text = texte(as_role("direction").get(f"/direction/abonnement/{paye.pk}/facture.pdf"))
    assert f"F-{ANNEE}-{paye.pk:05d}" in text and "Facture" in text
    assert "BACPRO-CIEL" in text and "2TNE" in text and "250,00 €" in text and "Reste à payer 0,00 €" in text


def test_there_is_no_invoice_before_payment(as_role, commande):
    response = as_role("direction").get(f"/direction/abonnement/{commande.pk}/facture.pdf", follow=True)
    assert "La facture n'existe qu'une fois l'abonnement payé" in html.unescape(response.content.decode())


def test_a_cancelled_order_has_no_quote(as_role, commande):
    Abonnement.objects.filter(pk=commande.pk).update(statut=Abonnement.Statut.ANNULE)
    response = as_role("direction").get(f"/direction/abonnement/{commande.pk}/devis.pdf", follow=True)
    assert "annulée" in html.unescape(response.content.decode())


def test_the_numbers_are_stable(paye):
    assert numero(paye, "devis") == numero(paye, "devis") == f"D-{ANNEE}-{paye.pk:05d}"
    assert numero(paye, "facture") == f"F-{ANNEE}-{paye.pk:05d}"


@pytest.mark.parametrize("role", ["formateur", "inspecteur", "apprenant", "tuteur"])
def test_only_the_direction_downloads_them_on_the_establishment_site(as_role, paye, role):
    client = as_role(role)
    assert client.get(f"/direction/abonnement/{paye.pk}/devis.pdf").status_code == 403
    assert client.get(f"/direction/abonnement/{paye.pk}/facture.pdf").status_code == 403


def test_another_establishments_direction_gets_404(beta, paye, charlie):
    client = host_client("beta.localhost")
    login(client, charlie.email)
    assert client.get(f"/direction/abonnement/{paye.pk}/devis.pdf").status_code == 404
    assert client.get(f"/direction/abonnement/{paye.pk}/facture.pdf").status_code == 404
    connection.set_schema_to_public()


def test_the_operator_downloads_both_on_the_public_site(operateur_client, paye, alpha):
    page = html.unescape(operateur_client.get(f"/operateur/etablissements/{alpha.pk}/abonnements/").content.decode())
    for kind in ("devis", "facture"):
        assert f"/operateur/abonnements/{paye.pk}/{kind}.pdf" in page
    assert "CFA Alpha" in texte(operateur_client.get(f"/operateur/abonnements/{paye.pk}/facture.pdf"))
    assert "CFA Alpha" in texte(operateur_client.get(f"/operateur/abonnements/{paye.pk}/devis.pdf"))


def test_people_who_are_not_operators_get_nothing_on_the_public_site(public_client, paye, alpha):
    response = public_client.get(f"/operateur/abonnements/{paye.pk}/devis.pdf")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    # An establishment's direction has no account on the public site.
    make_person(alpha, "direction", email="d2@alpha.test")
    client = host_client("localhost")
    login(client, "d2@alpha.test")
    assert client.get(f"/operateur/abonnements/{paye.pk}/facture.pdf").status_code in (302, 403)


def test_the_subscription_page_offers_the_downloads_to_the_direction_only(as_role, paye):
    page = html.unescape(as_role("direction").get("/direction/abonnement/").content.decode())
    for kind in ("devis", "facture"):
        assert f"/direction/abonnement/{paye.pk}/{kind}.pdf" in page
    page = html.unescape(as_role("inspecteur").get("/direction/abonnement/").content.decode())
    assert "devis.pdf" not in page
