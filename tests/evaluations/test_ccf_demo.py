"""The demo's CCF grid (demo.ccf.demo_ccf), in a throwaway establishment seeded like the demo."""

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User
from demo.ccf import demo_ccf
from demo.services import DEMO_PEOPLE, demo_seed
from evaluations.models_ccf import GrilleCCF


@pytest.mark.django_db
def test_the_demo_has_one_filled_locked_ccf_grid_for_lea_and_a_second_call_changes_nothing(public, settings):
    settings.CPRO_BASE_DOMAIN = "localhost"
    etablissement = demo_seed(schema="demo_ccf", domain="demo-ccf.localhost", uai="0750001U")
    with tenant_context(etablissement):
        formateur = User.objects.get(email=DEMO_PEOPLE[1][0])
        grille = demo_ccf(formateur=formateur) or GrilleCCF.objects.get()
        assert demo_ccf(formateur=formateur) is None and GrilleCCF.objects.count() == 1
        grille = GrilleCCF.objects.select_related("apprenant", "situation").get(pk=grille.pk)
        assert grille.apprenant.user.email == "apprenti@demo.cpro.local"
        assert grille.situation.nature == "certificative" and grille.verrouillee
        assert {ligne.competence.code: ligne.niveau.code for ligne in grille.lignes.all()} == {
            "C03": "M", "C07": "BM", "C11": "IM"}
        assert grille.note_proposee == Decimal("13.3") and len(grille.membres()) == 2
    connection.set_schema_to_public()
