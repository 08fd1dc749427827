"""The CCF grid as a document: the PDF (kind "ccf", never for the learner) and the XLSX exports hold the
learner's name, the référentiel, the competencies and their levels, the barème and the proposed grade."""

import io

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context
from openpyxl import load_workbook
from pypdf import PdfReader

from documents import kinds
from documents.rendu import pdf_from_template
from evaluations.models_ccf import GrilleCCF
from evaluations.services_ccf import grille_ccf_new_version

from ..conftest import call
from .test_ccf_data import ccf_fixture, grilles_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_ccf_kind_is_registered_and_never_for_the_learner_nor_the_tutor():
    kind = kinds.get("ccf")
    assert (kind.apprenant, kind.tuteur, kind.template) == (False, False, "documents/ccf.html")


def test_the_pdf_holds_the_learner_the_referentiel_the_competencies_levels_and_the_grade(ccf, grilles):
    kind = kinds.get("ccf")
    with tenant_context(ccf.alpha):
        context = kind.context(ccf.lea)
        assert context["grille"].pk == grilles["lea"].pk and context["etablissement"] == ccf.alpha
        text = pdf_text(pdf_from_template(kind.template, context))
    for attendu in ("DUPONT Léa", "BACPRO-CIEL", "E2", "C03", "C07", "C11", "X M", "X BM", "X IM", "02468",
                    "13,3 / 20", "Mme Roux — professeure", "M. Blanc — professionnel", "6,66"):
        assert attendu in text, attendu


def test_the_total_sits_under_the_bareme_and_points_columns_once(ccf, grilles):
    from django.template.loader import render_to_string

    kind = kinds.get("ccf")
    with tenant_context(ccf.alpha):
        context = kind.context(ccf.lea)
        html = render_to_string(kind.template, context)
    # the name column plus one per level and per state, then barème and points
    assert f'colspan="{context["colonnes_cochees"] + 1}">Total</th>' in html
    assert context["colonnes_cochees"] == len(context["niveaux"]) + len(context["etats"]) >= 5
    assert "<tfoot" not in html  # WeasyPrint would repeat a tfoot at the foot of every page
    connection.set_schema_to_public()


def test_the_pdf_defaults_to_the_latest_locked_grid_and_takes_a_grille_id(ccf, grilles):
    kind = kinds.get("ccf")
    with tenant_context(ccf.alpha):
        v2 = grille_ccf_new_version(grille=grilles["lea"], motif="Correction", actor=ccf.formateur)
        assert kind.context(ccf.lea)["grille"].pk == grilles["lea"].pk  # the draft v2 is not the default
        assert kind.context(ccf.lea, grille_id=str(v2.pk))["grille"].pk == v2.pk
        text = pdf_text(pdf_from_template(kind.template, kind.context(ccf.lea, grille_id=v2.pk)))
        assert "Brouillon" in text and "Correction" in text
        assert kind.context(ccf.hugo)["grille"].pk == grilles["hugo"].pk  # no locked one: the latest
        with pytest.raises(kinds.Indisponible, match="n'existe pas"):
            kind.context(ccf.hugo, grille_id=grilles["lea"].pk)  # another learner's grid
        with pytest.raises(kinds.Indisponible, match="inconnue"):
            kind.context(ccf.hugo, grille_id="abc")
        with pytest.raises(kinds.Indisponible, match="Aucune grille"):
            kind.context(ccf.zoe)
    connection.set_schema_to_public()


def test_the_xlsx_of_a_grid_opens_and_holds_the_same_content(ccf, grilles, as_role):
    response = call(as_role("inspecteur"), "get", reverse("ccf_grille_xlsx", args=[grilles["lea"].pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Dupont Léa v1"]
    cells = [str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None]
    text = "\n".join(cells)
    for attendu in ("DUPONT Léa", "BACPRO-CIEL", "E2", "C03", "C07", "C11", "M – Maîtrisé", "BM – Bien maîtrisé",
                    "IM – Insuffisamment maîtrisé", "02468", "13,3", "Mme Roux — professeure", "6.66"):
        assert attendu in text, attendu


def test_the_xlsx_of_a_situation_has_one_sheet_per_learners_latest_grid(ccf, grilles, as_role):
    with tenant_context(ccf.alpha):
        grille_ccf_new_version(grille=grilles["lea"], motif="Correction", actor=ccf.formateur)
    connection.set_schema_to_public()
    response = call(as_role("formateur"), "get", reverse("ccf_situation_xlsx", args=[ccf.situation.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    assert sorted(wb.sheetnames) == ["Dupont Léa v2", "Martin Hugo v1"]
    with tenant_context(ccf.alpha):
        assert GrilleCCF.objects.count() == 3
