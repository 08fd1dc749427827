"""The prefill reads centre situations and confirmed company bilans, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from bilans.models import Bilan, BilanLigne
from bilans.services import bilan_create, bilans_classe_create
from entreprise.models import BilanEntreprise

from ..entreprise.conftest import company_world
from .conftest import TODAY, evaluer, learners_add, reussir

pytestmark = pytest.mark.django_db
JOUR = datetime.timedelta(days=1)
PREFILL_QUERIES = 20  # 18 today, whatever the numbers of learners and events


def test_company_evidence_counts_once_both_parties_confirmed_the_bilan_entreprise(alpha, personas, ciel):
    world = company_world(alpha, ciel, formateur=personas["formateur"], apprenant_user=personas["apprenant"],
                          tuteur_user=personas["tuteur"])
    formateur, lea = personas["formateur"], world["lea"]
    criteres = list(ciel.criteres.filter(competence__code="C03").order_by("rang"))
    with tenant_context(alpha):
        now = timezone.now()
        confirme = BilanEntreprise.objects.create(
            periode=world["periode"], apprenant=lea, contrat=world["contrat"], tuteur=world["tuteur"],
            date=TODAY - 2 * JOUR, created_by=formateur, confirme_formateur_par=formateur, confirme_formateur_le=now,
            confirme_tuteur_par=personas["tuteur"], confirme_tuteur_le=now, valide_le=now)
        confirme.evaluations.add(*[evaluer(apprenant=lea, auteur=formateur, critere=c, code="TS", lieu="entreprise")
                                   for c in criteres])
        # Company events outside any confirmed bilan do not count.
        evaluer(apprenant=lea, auteur=formateur, critere=ciel.criteres.filter(competence__code="C06").first(),
                code="TS", lieu="entreprise")
        bilan = bilan_create(apprenant=lea, date=TODAY, actor=formateur)
        lignes = {ligne.competence.code: ligne for ligne in bilan.lignes.select_related("competence")}
        assert lignes["C03"].suggestion_code == "IM"  # one situation alone does not show transfer
        assert "en entreprise" in lignes["C03"].suggestion_phrase
        assert lignes["C06"].suggestion_code == "NE"
        Bilan.objects.filter(pk=bilan.pk).delete()
        avant = bilan_create(apprenant=lea, date=TODAY - 3 * JOUR, actor=formateur)  # before the company bilan
        assert avant.lignes.get(competence__code="C03").suggestion_code == "NE"


def test_prefilling_a_classe_runs_a_fixed_number_of_queries(alpha, monde, django_assert_max_num_queries):
    m = monde
    with tenant_context(alpha):
        reussir(m, m.lea, "C03", [TODAY - 3 * JOUR, TODAY - 2 * JOUR])
        learners_add(m.classe, 1, start=10)
        with django_assert_max_num_queries(PREFILL_QUERIES):
            assert len(bilans_classe_create(classe=m.classe, date=TODAY - JOUR, actor=m.formateur).crees) == 3
        for apprenant in learners_add(m.classe, 9, start=20):
            reussir(m, apprenant, "C07", [TODAY - 4 * JOUR])  # more events too
        Bilan.objects.all().delete()  # drafts
        with CaptureQueriesContext(connection) as queries:
            assert len(bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur).crees) == 12
        assert len(queries.captured_queries) <= PREFILL_QUERIES
        assert BilanLigne.objects.filter(bilan__apprenant=m.lea, competence__code="C03").get().suggestion_code == "M"
