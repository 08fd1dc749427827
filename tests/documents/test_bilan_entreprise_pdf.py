"""The bilan entreprise as a PDF (entreprise/documents.py): the printable form prefilled with the current values,
the latest bilan by default; a kind the tutor may download, but only for the bilans of contracts they supervise."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User
from documents import kinds
from entreprise.services_bilan import bilan_entreprise_create, bilan_entreprise_fill
from referentiels.models import Critere

from ..entreprise.conftest import TODAY, alternance, fiche  # noqa: F401  (fixtures reused)
from .test_attestation import render


@pytest.fixture
def alt(alternance):  # noqa: F811  (Léa at Acme with alpha's tuteur, Hugo at Bureau Vert with Jo)
    return alternance


@pytest.fixture
def bilan(alpha, alternance, fiche, personas):  # noqa: F811
    with tenant_context(alpha):
        bilan = bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                        actor=personas["formateur"])
    connection.set_schema_to_public()
    return bilan


def test_the_form_is_prefilled_with_the_current_values_and_comments(alpha, alt, bilan, personas):
    with tenant_context(alpha):
        pks = list(bilan.critere_links.order_by("rang").values_list("critere_id", flat=True))
        criteres = list(Critere.objects.filter(pk__in=pks).select_related("competence"))
        bilan_entreprise_fill(bilan=bilan, valeurs={pks[0]: "A", pks[1]: "NV"},
                              commentaires={pks[0]: "Câblage soigné."}, appreciation="Apprentie motivée.",
                              actor=personas["tuteur"])
        kind = kinds.get("bilan_entreprise")
        text = " ".join(render(alt["lea"], "bilan_entreprise").split())
    connection.set_schema_to_public()
    assert kind.tuteur and kind.apprenant
    assert "Bilan de période en entreprise" in text and "Léa DUPONT" in text and "BACPRO-CIEL" in text
    assert "Acme Réseaux" in text and "Jean Moreau" in text.replace("MOREAU", "Moreau")
    for critere in criteres:
        assert critere.code in text and critere.competence.code in text
    assert "☒A" in text.replace(" ", "") and "☒NV" in text.replace(" ", "")
    assert "Câblage soigné." in text and "Apprentie motivée." in text
    assert "2 critères remplis sur 2" in text


def test_a_blank_bilan_prints_empty_boxes(alpha, alt, bilan):
    with tenant_context(alpha):
        text = render(alt["lea"], "bilan_entreprise", bilan_id=bilan.pk)
    connection.set_schema_to_public()
    assert "☒" not in text and "☐" in text


def test_nothing_prints_without_a_bilan_nor_for_a_tutor_of_another_contract(alpha, alt, bilan, personas):
    contexte = kinds.get("bilan_entreprise").context
    with tenant_context(alpha):
        with pytest.raises(kinds.Indisponible, match="Aucun bilan entreprise"):
            contexte(alt["hugo"])
        with pytest.raises(kinds.Indisponible, match="n'existe pas pour cet apprenant"):
            contexte(alt["hugo"], bilan_id=bilan.pk)
        autre_tuteur = User.objects.get(email="jo@vert.test")
        with pytest.raises(kinds.Indisponible):
            contexte(alt["lea"], user=autre_tuteur)
        assert contexte(alt["lea"], user=personas["tuteur"])["bilan"] == bilan
        assert contexte(alt["lea"], user=personas["direction"])["bilan"] == bilan
    connection.set_schema_to_public()


def test_the_latest_bilan_is_the_default(alpha, alt, bilan, personas):
    from entreprise.models import Periode
    from entreprise.models_bilan import BilanEntreprise

    with tenant_context(alpha):
        ancienne = Periode.objects.create(classe=alt["classe"], lieu=Periode.Lieu.ENTREPRISE,
                                          nature=Periode.Nature.ALTERNANCE, debut=TODAY - datetime.timedelta(days=90),
                                          fin=TODAY - datetime.timedelta(days=60))
        BilanEntreprise.objects.create(periode=ancienne, apprenant=alt["lea"], contrat=bilan.contrat,
                                       tuteur=bilan.tuteur, date=TODAY - datetime.timedelta(days=61),
                                       created_by=personas["formateur"])
        context = kinds.get("bilan_entreprise").context(alt["lea"])
    connection.set_schema_to_public()
    assert context["bilan"] == bilan
