"""A bilan intermédiaire as a PDF (bilans/documents.py): date, the formateur who validated it, each competency by
bloc with its level and comment, the projection per épreuve, the period grade once finalised."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from bilans.services import bilan_create
from bilans.services_notes import note_finalise
from documents import kinds

from ..bilans.conftest import monde  # noqa: F401  (fixture reused)
from .test_attestation import bilan_valide, competences_in, render

TODAY = datetime.date.today()
JOUR = datetime.timedelta(days=1)


@pytest.fixture
def m(monde):  # noqa: F811
    return monde


def test_the_bilan_in_force_prints_each_competency_with_its_level_and_comment_and_the_projection(alpha, m):
    with tenant_context(alpha):
        bilan_valide(m, m.lea, TODAY - 3 * JOUR, niveaux={"C03": "BM", "C06": "IM"},
                     commentaires={"C03": "Soudures propres et régulières."})
        text = render(m.lea, "bilan")
    connection.set_schema_to_public()
    flat = " ".join(text.split())
    assert f"Bilan intermédiaire du {TODAY - 3 * JOUR:%d/%m/%Y}" in flat
    assert "Léa DUPONT" in flat and "BACPRO-CIEL" in flat and "1CIEL-A" in flat
    assert f"par {m.formateur}" in flat
    assert competences_in(text) == {f"C{i:02d}" for i in range(1, 12)}
    assert "C03" in flat and "BM Bien maîtrisé" in flat and "Soudures propres et régulières." in flat
    assert "IM Insuffisamment maîtrisé" in flat and "NM Non maîtrisé" in flat
    assert "Projection par épreuve" in flat and "E31" in flat and "C03 BM ✓" in flat
    assert "Note de période" not in flat


def test_it_shows_the_finalised_period_grade(alpha, m):
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, TODAY - 3 * JOUR, niveaux={"C03": "BM"})
        note = note_finalise(bilan=bilan, ajustement=Decimal("1.5"), justification="Très bon oral.",
                             actor=m.formateur)
        text = " ".join(render(m.lea, "bilan", bilan_id=bilan.pk).split())
    connection.set_schema_to_public()
    assert "Note de période" in text and f"{note.note_finale:.2f}".rstrip("0").rstrip(".").replace(".", ",") in text
    assert "Très bon oral." in text


def test_an_older_bilan_prints_as_replaced(alpha, m):
    with tenant_context(alpha):
        ancien = bilan_valide(m, m.lea, TODAY - 20 * JOUR, niveaux={"C01": "M"})
        bilan_valide(m, m.lea, TODAY - 2 * JOUR)
        text = " ".join(render(m.lea, "bilan", bilan_id=ancien.pk).split())
    connection.set_schema_to_public()
    assert f"Bilan intermédiaire du {TODAY - 20 * JOUR:%d/%m/%Y}" in text
    assert f"remplacé depuis par le bilan du {TODAY - 2 * JOUR:%d/%m/%Y}" in text


def test_nothing_prints_without_a_validated_bilan_nor_for_a_draft_nor_another_learners_bilan(alpha, m):
    contexte = kinds.get("bilan").context
    with tenant_context(alpha):
        brouillon = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        with pytest.raises(kinds.Indisponible, match="Aucun bilan validé"):
            contexte(m.lea)
        with pytest.raises(kinds.Indisponible, match="pas encore validé"):
            contexte(m.lea, bilan_id=brouillon.pk)
        autre = bilan_valide(m, m.hugo, TODAY - JOUR)
        with pytest.raises(kinds.Indisponible, match="n'existe pas pour cet apprenant"):
            contexte(m.lea, bilan_id=autre.pk)
    connection.set_schema_to_public()
