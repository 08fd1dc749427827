"""The livret runs a fixed number of queries whatever the number of situations, events and bilans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from livret.access import PERSONNEL
from livret.filtres import Filtres
from livret.selectors_livret import livret_of

from .conftest import DAY, TODAY, bilan_add, criteres_of, position, rate, situation_add

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25  # the page: tenant, session, user, access (6), then the livret: 17 at most


def seed(w, n: int) -> None:
    c06 = criteres_of(w.ciel, "C06")
    for k in range(n):
        criteres = w.c03 if k % 2 else c06
        situation = situation_add(classe=w.classe, auteur=w.formateur, ciel=w.ciel, criteres=criteres,
                                  date=TODAY - k * DAY, titre=f"TP {k}",
                                  nature="certificative" if k % 5 == 4 else "formative")
        for critere in criteres:
            rate(situation=situation, apprenant=w.lea, critere=critere, code="S", auteur=w.formateur,
                 commentaire="ok")
            position(situation=situation, apprenant=w.lea, critere=critere, code="TS")
        if k % 4 == 0:
            bilan_add(w, date=TODAY - k * DAY, valeurs={c: "A" for c in criteres})


@pytest.mark.parametrize("n", [1, 20])
def test_the_page_runs_the_same_bounded_number_of_queries_for_1_or_20_situations(alpha, livret, as_role,
                                                                                  django_assert_max_num_queries, n):
    with tenant_context(alpha):
        seed(livret, n)
    connection.set_schema_to_public()
    client = as_role("formateur")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("livret_apprenant", args=[livret.lea.pk]))
    assert response.status_code == 200 and f"TP {n - 1}" in response.content.decode()


def test_the_selector_runs_exactly_as_many_queries_for_1_and_for_20_situations(alpha, livret):
    counts = []
    for n in (1, 19):  # 1 situation, then 20
        with tenant_context(alpha):
            seed(livret, n)
            with CaptureQueriesContext(connection) as queries:
                livret_of(livret.lea, user=livret.formateur, filtres=Filtres(), vue=PERSONNEL)
            counts.append(len(queries.captured_queries))
    connection.set_schema_to_public()
    assert counts[0] == counts[1], counts
