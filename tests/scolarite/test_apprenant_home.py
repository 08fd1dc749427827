import pytest
from django_tenants.utils import tenant_context

from scolarite.models import Apprenant

pytestmark = pytest.mark.django_db


def test_a_learner_sees_their_own_classe_and_nobody_elses(as_role, scolarite_alpha, alpha, personas):
    with tenant_context(alpha):
        Apprenant.objects.filter(pk=scolarite_alpha["lea"].pk).update(user=personas["apprenant"])
    page = as_role("apprenant").get("/apprenant/").content.decode()
    assert "1CIEL-A" in page and "TCIEL-B" not in page


def test_a_learner_account_without_a_record_still_gets_a_page(as_role):
    assert as_role("apprenant").get("/apprenant/").status_code == 200
