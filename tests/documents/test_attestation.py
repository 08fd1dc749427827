"""The attestation de compétences acquises (bilans/documents.py): a PDF listing, by bloc, the competencies at M or BM
in the learner's last validated bilan at the date, the blocs entirely acquired, and nothing else."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from bilans.models import Bilan, BilanLigne
from bilans.selectors_documents import acquis_at
from bilans.services import bilan_create, bilan_ligne_set, bilan_validate
from documents import kinds
from documents.rendu import pdf_from_template

from ..bilans.conftest import monde, niveau  # noqa: F401  (fixture reused)

TODAY = datetime.date.today()
JOUR = datetime.timedelta(days=1)
@pytest.fixture
def m(monde):  # noqa: F811  (bilans' classes, Léa and Hugo, the Bac pro CIEL référentiel)
    return monde


# BC03 (C01, C04, C08) entirely acquired, C03 of BC01 acquired, C06 insufficient, the rest not mastered.
NIVEAUX = {"C01": "BM", "C04": "M", "C08": "M", "C03": "BM", "C06": "IM"}


def bilan_valide(m, apprenant, date, niveaux=NIVEAUX, commentaires=None):
    """A validated bilan of `apprenant` at `date` with these levels (NM elsewhere). Run in alpha."""
    bilan = bilan_create(apprenant=apprenant, date=date, actor=m.formateur)
    BilanLigne.objects.filter(bilan=bilan).update(niveau=niveau("maitrise", "NM"), etat=None)
    for ligne in bilan.lignes.select_related("competence"):
        code = ligne.competence.code
        if code in niveaux or (commentaires and code in commentaires):
            bilan_ligne_set(ligne=ligne, niveau_code=niveaux.get(code, "NM"),
                            commentaire=(commentaires or {}).get(code, ""), actor=m.formateur)
    return bilan_validate(bilan=bilan, actor=m.formateur)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def competences_in(text: str) -> set[str]:
    return set(re.findall(r"\bC\d\d\b", text))


def render(apprenant, code="attestation", **options) -> str:
    kind = kinds.get(code)
    return pdf_text(pdf_from_template(kind.template, kind.context(apprenant, **options)))


def test_the_attestation_lists_the_acquired_competencies_by_bloc_and_the_blocs_entirely_acquired(alpha, m):
    with tenant_context(alpha):
        bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        text = render(m.lea)
    connection.set_schema_to_public()
    assert "Attestation de compétences acquises" in text
    assert "DUPONT" in text and "Léa" in text and "CFA Alpha" in text and "0841234K" in text
    assert "BACPRO-CIEL" in text
    assert competences_in(text) == {"C01", "C03", "C04", "C08"}
    assert "BC03" in text and "bloc acquis" in text
    assert "Blocs de compétences entièrement acquis" in text
    assert "aucune valeur de certification" in text.replace("\n", " ")


def test_it_never_lists_a_competency_that_is_not_acquired(alpha, m):
    with tenant_context(alpha):
        bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        text = render(m.lea)
    connection.set_schema_to_public()
    assert not competences_in(text) & {"C02", "C05", "C06", "C07", "C09", "C10", "C11"}
    assert "IM" not in text.split() and "NM" not in text.split()


def test_it_is_unavailable_without_a_validated_bilan_even_with_a_draft(alpha, m):
    with tenant_context(alpha):
        bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        with pytest.raises(kinds.Indisponible, match="Aucun bilan validé"):
            kinds.get("attestation").context(m.lea)
    connection.set_schema_to_public()


def test_at_a_past_date_it_uses_the_bilan_validated_for_that_date(alpha, m):
    with tenant_context(alpha):
        bilan_valide(m, m.lea, TODAY - 20 * JOUR, niveaux={"C01": "M"})
        bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        ancien = render(m.lea, date=(TODAY - 10 * JOUR).isoformat())
        with pytest.raises(kinds.Indisponible, match="Aucun bilan validé"):
            kinds.get("attestation").context(m.lea, date=TODAY - 30 * JOUR)
        with pytest.raises(kinds.Indisponible, match="pas une date valide"):
            kinds.get("attestation").context(m.lea, date="31/02/2026")
    connection.set_schema_to_public()
    assert competences_in(ancien) == {"C01"}


def test_acquis_at_gives_the_referentiel_the_bilan_the_competencies_and_the_blocs_entirely_acquired(
        alpha, m, django_assert_max_num_queries):
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        Bilan.objects.exists()  # django-tenants sets the search_path on a first query: not counted below
        with django_assert_max_num_queries(8):
            acquis = acquis_at(m.lea, TODAY)
        assert acquis_at(m.hugo, TODAY) is None
    connection.set_schema_to_public()
    assert acquis.bilan.pk == bilan.pk and acquis.referentiel.code == "BACPRO-CIEL"
    assert sorted(ligne.competence.code for ligne in acquis.competences) == ["C01", "C03", "C04", "C08"]
    assert [b.bloc.code for b in acquis.blocs_acquis] == ["BC03"]
    assert {b.bloc.code: [ligne.competence.code for ligne in b.lignes] for b in acquis.blocs} == {
        "BC01": ["C03"], "BC03": ["C01", "C04", "C08"]}


def test_it_shows_the_learners_birth_date_and_ine_and_the_establishments_stamp_when_there_are(alpha, m,
                                                                                             media_root):
    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), "navy").save(buffer, format="PNG")
    with tenant_context(alpha):
        m.lea.date_naissance, m.lea.ine = datetime.date(2008, 3, 14), "1234567890A"
        m.lea.save(update_fields=["date_naissance", "ine"])
        connection.tenant.tampon.save("tampon.png", ContentFile(buffer.getvalue()), save=False)
        bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        kind = kinds.get("attestation")
        pdf = pdf_from_template(kind.template, kind.context(m.lea, lieu="Avignon"))
    connection.set_schema_to_public()
    text = pdf_text(pdf)
    assert "14/03/2008" in text and "1234567890A" in text and "Fait à Avignon" in text
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_the_demo_learners_four_documents_render(public, settings):
    """The demo's Léa (bilans, livret, bilans entreprise as `make run` seeds them) through every kind of this area.
    With CPRO_DOCS_PNG=<folder>, each PDF and HTML is also written there, the HTML shot as print in Chromium, to
    look at the layout (WeasyPrint makes no PNG)."""
    import os

    from django.template.loader import render_to_string

    from demo.services import demo_seed
    from scolarite.models import Apprenant

    settings.CPRO_BASE_DOMAIN = "localhost"
    demo = demo_seed()
    rendus = {}
    with tenant_context(demo):
        lea = Apprenant.objects.get(user__email="apprenti@demo.cpro.local")
        for code in ("attestation", "bilan", "livret", "bilan_entreprise"):
            kind = kinds.get(code)
            context = kind.context(lea, certificatif=True) if code == "livret" else kind.context(lea)
            pdf = pdf_from_template(kind.template, context)
            rendus[code] = (pdf_text(pdf), render_to_string(kind.template, context), pdf)
    connection.set_schema_to_public()
    for code, (text, *_) in rendus.items():
        assert "DUPONT" in text and "Léa" in text, code
    dossier = os.environ.get("CPRO_DOCS_PNG")
    if dossier:
        _screenshots(dossier, {code: html for code, (_, html, _) in rendus.items()})
        for code, (*_, pdf) in rendus.items():
            (Path(dossier) / f"{code}.pdf").write_bytes(pdf)


def _screenshots(dossier: str, pages: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    Path(dossier).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for code, html in pages.items():
            fichier = Path(dossier) / f"{code}.html"
            fichier.write_text(html)
            large = code == "livret"  # landscape A4 at 96 dpi
            page = browser.new_page(viewport={"width": 1123 if large else 794, "height": 794 if large else 1123})
            page.emulate_media(media="print")
            page.goto(fichier.as_uri())
            page.screenshot(path=str(Path(dossier) / f"{code}.png"), full_page=True)
            page.close()
        browser.close()
