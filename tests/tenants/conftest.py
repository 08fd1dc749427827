"""Credentials test data: Léa (alpha's apprenant account, in bilans' `monde`) with a validated bilan where the
first bloc of Bac pro CIEL is wholly acquired (BM) and the rest not (NM); Hugo with nothing validated."""

import datetime

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from bilans.models import BilanLigne
from bilans.services import bilan_create, bilan_validate
from referentiels.models import Bloc

from ..bilans.conftest import monde, niveau  # noqa: F401  (fixture reused)

TODAY = datetime.date.today()


@pytest.fixture
def acquis(alpha, monde):  # noqa: F811
    m = monde
    bloc = Bloc.objects.filter(referentiel=m.ciel).order_by("rang").first()
    codes = set(bloc.competences.values_list("code", flat=True))
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY - datetime.timedelta(days=3), actor=m.formateur)
        BilanLigne.objects.filter(bilan=bilan).update(niveau=niveau("maitrise", "NM"), etat=None)
        BilanLigne.objects.filter(bilan=bilan, competence__code__in=codes).update(niveau=niveau("maitrise", "BM"))
        bilan_validate(bilan=bilan, actor=m.formateur)
    connection.set_schema_to_public()
    m.bloc, m.bilan = bloc, bilan
    return m
