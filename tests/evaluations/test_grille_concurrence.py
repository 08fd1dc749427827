"""Two formateurs saving the same cell at the same moment, each on their own database connection.

The other grid tests run in one transaction, so they can only save one after the other. Here a first save holds
its transaction open while a second one, in another thread, saves the same cell: the second must wait for the
first, see its event, be told of the conflict, and both events must stay. The data is committed, so it lives in a
throwaway establishment that is dropped afterwards.
"""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from evaluations.models import Evaluation
from evaluations.services_grille import evaluation_record
from scolarite.models import Classe, Formation
from tenants.models import Abonnement, Etablissement
from tenants.services import etablissement_create, public_ensure
from tenants.validators import uai_check_letter

from ..conftest import SUBSCRIBED, make_person, subscribe
from .conftest_grille import ANNEE, learners_add, situation_build

HOLD_SECONDS = 0.6


@pytest.fixture
def etablissement(transactional_db, ciel):
    schema = f"conc_{uuid.uuid4().hex[:8]}"
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    connection.set_schema_to_public()
    public_ensure()
    etablissement = etablissement_create(schema=schema, name="CFA Concurrence", uai=number + uai_check_letter(number),
                                         domain=f"{schema.replace('_', '-')}.localhost",
                                         admin_email="admin@conc.test", admin_password="x-Conc-2026")
    subscribe(etablissement, SUBSCRIBED)
    connection.set_schema_to_public()
    yield etablissement
    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement=etablissement).delete()  # protected: delete before the schema
    Etablissement.objects.get(pk=etablissement.pk).delete(force_drop=True)


def test_two_formateurs_saving_the_same_cell_at_once_both_leave_an_event_and_the_second_is_told(etablissement,
                                                                                                  ciel):
    premier = make_person(etablissement, "formateur", email="premier@conc.test")
    second = make_person(etablissement, "formateur", email="second@conc.test")
    with tenant_context(etablissement):
        formation = Formation.objects.create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = Classe.objects.create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-C")
        classe.formateurs.set([premier, second])
        (lea,) = learners_add(classe, 1)
        situation = situation_build(classe=classe, auteur=premier, ciel=ciel, n_criteres=1)
        critere = situation.scenario.critere_links.get().critere
        vu = evaluation_record(situation=situation, apprenant=lea, critere=critere, valeur="NR",
                               auteur=premier).evaluation
    connection.set_schema_to_public()

    first_saved, results = threading.Event(), {}

    def first_save():  # its own thread, so its own connection and its own transaction
        try:
            with tenant_context(etablissement), transaction.atomic():
                results["premier"] = evaluation_record(situation=situation, apprenant=lea, critere=critere,
                                                       valeur="S", auteur=premier, vu=vu.pk)
                first_saved.set()
                time.sleep(HOLD_SECONDS)  # still uncommitted while the second save starts
        finally:
            first_saved.set()
            connection.close()

    thread = threading.Thread(target=first_save)
    thread.start()
    assert first_saved.wait(timeout=10)
    started = time.monotonic()
    with tenant_context(etablissement):
        deuxieme = evaluation_record(situation=situation, apprenant=lea, critere=critere, valeur="RP",
                                     auteur=second, vu=vu.pk)
    waited = time.monotonic() - started
    thread.join(timeout=10)

    premier_result = results["premier"]
    assert not premier_result.conflit
    assert waited > HOLD_SECONDS / 2, "the second save did not wait for the first one's transaction"
    assert deuxieme.conflit and deuxieme.precedent.pk == premier_result.evaluation.pk
    with tenant_context(etablissement):
        codes = [e.niveau.code for e in Evaluation.objects.filter(apprenant=lea).order_by("at", "id")
                 .select_related("niveau")]
        authors = list(Evaluation.objects.filter(apprenant=lea).order_by("at", "id").values_list("auteur__email",
                                                                                              flat=True))
    assert codes == ["NR", "S", "RP"]
    assert authors == ["premier@conc.test", "premier@conc.test", "second@conc.test"]
