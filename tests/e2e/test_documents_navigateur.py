"""Issue 19 through the demo, as its people would do it: the demo formateur asks for the attestations of the demo
classe from its page, follows the progress and downloads the ZIP (one PDF per learner) and the merged PDF; the
demo apprentie then finds her attestation under « Mes documents » and downloads it. Each page on the way passes
axe-core (WCAG 2.1 A and AA) and never scrolls sideways down to 320 px.

Without Redis the lot is rendered before the redirect; here the worker is held back (the live server runs in this
process) and the test plays it, one document and then the rest, so that the page's HTMX polling is what shows
the progress and then the download links."""

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from demo.services import DEMO_PEOPLE
from documents import services, tasks
from documents.services import _slug, apprenants_of_classe
from scolarite.models import Classe
from tenants.models import Etablissement

from .a11y import Report, check_page
from .conftest import log_in

pytestmark = pytest.mark.browser

FORMATEUR = DEMO_PEOPLE[1][0]
APPRENTIE = DEMO_PEOPLE[2][0]
ATTESTATION = "Attestation de compétences acquises"


def establishment(base: str) -> Etablissement:
    return Etablissement.objects.get(schema_name=urlsplit(base).hostname.split(".")[0].replace("-", "_"))


def learners_of_the_classe(base: str, code: str) -> list[tuple[str, str]]:
    """(nom, prénom) of the learners a classe lot prints, read in the demo establishment behind `base`."""
    with tenant_context(establishment(base)):
        learners = [(a.nom, a.prenom) for a in apprenants_of_classe(Classe.objects.get(code=code))]
    connection.set_schema_to_public()
    return learners


def worker_renders(base: str, lot_id: int, *, first_only: bool = False) -> None:
    """What the Celery worker does with the lot: its first document only, or every waiting one, then the ZIP."""
    with tenant_context(establishment(base)):
        if first_only:
            tasks.render_document(services.lot_start(lot_id=lot_id)[0])
        else:
            tasks.render_lot(lot_id)
    connection.set_schema_to_public()


def accessible(page, kind: str) -> None:
    report = Report()
    check_page(page, page.url, kind, report)
    page.set_viewport_size({"width": 360, "height": 800})  # the smallest phone: the page never scrolls sideways
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        report.problems.append(f"{page.url} à 360 px : la page défile de côté ({overflow} px de trop)")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not report.problems, "\n".join(report.problems)


def downloaded(page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_the_formateur_downloads_the_classe_attestations_and_the_apprentie_finds_hers(page, demo_site, monkeypatch):
    monkeypatch.setattr(services, "_enqueue_lot", lambda lot_id: None)  # the worker has not taken the lot yet
    base = demo_site["etablissement"]
    learners = learners_of_the_classe(base, "1CIEL-A")
    n = len(learners)
    assert n > 1 and ("DUPONT", "Léa") in learners
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, FORMATEUR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Classes").click()
    page.get_by_role("link", name="1CIEL-A", exact=True).click()
    page.get_by_role("link", name="Documents de la classe").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Documents de la classe 1CIEL-A")
    accessible(page, "documents/classes/<int:pk>/")

    page.get_by_label("Document à établir pour chaque apprenant").select_option(label=ATTESTATION)
    page.get_by_role("button", name="Établir les documents de la classe").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ATTESTATION)
    progression = page.locator("#progression")
    annonce = page.get_by_role("status")  # what a screen reader hears: each change of state, not every poll
    expect(progression).to_contain_text(f"0 document sur {n} — En attente")
    expect(progression).to_contain_text("Cette page se met à jour d'elle-même")
    page.evaluate("window.marqueur = 1")  # gone if the page reloads
    lot_id = int(re.search(r"/documents/lots/(\d+)/$", page.url)[1])
    worker_renders(base, lot_id, first_only=True)
    expect(progression).to_contain_text(f"1 document sur {n} — En cours")  # the polling, no reload
    expect(annonce).to_have_text(f"En cours : 1 document(s) sur {n}.")
    worker_renders(base, lot_id)
    zip_link = page.get_by_role("link", name="Télécharger l'archive ZIP (un PDF par apprenant)")
    expect(zip_link).to_be_visible()
    expect(progression).to_contain_text(f"{n} documents sur {n} — Terminé")
    expect(progression).not_to_contain_text("Cette page se met à jour")
    expect(annonce).to_contain_text(f"Documents prêts : {n} sur {n}")
    assert page.evaluate("window.marqueur") == 1
    expect(page.get_by_role("link", name="télécharger le PDF")).to_have_count(n)
    accessible(page, "documents/lots/<int:pk>/")

    name, data = downloaded(page, zip_link)
    assert name.startswith("1CIEL-A-attestation-") and name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    expected = {f"{_slug(nom).upper()}-{_slug(prenom)}-attestation.pdf" for nom, prenom in learners}
    assert set(archive.namelist()) == expected  # one PDF per learner of the classe
    assert all(archive.read(member).startswith(b"%PDF-") for member in archive.namelist())
    name, data = downloaded(page, page.get_by_role("link", name="Télécharger un PDF unique de la classe"))
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, base, APPRENTIE)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes documents").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes documents")
    attestation = page.get_by_role("row", name=re.compile(ATTESTATION))
    expect(attestation).to_have_count(1)
    expect(attestation).to_contain_text("Établi")
    accessible(page, "documents/mes-documents/")
    name, data = downloaded(page, attestation.get_by_role("link", name=re.compile("^Télécharger")))
    assert name.startswith("DUPONT-Lea-attestation-") and name.endswith(".pdf") and data.startswith(b"%PDF-")
