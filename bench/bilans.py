"""Issue 18's figure: creating the prefilled bilans intermédiaires of a classe of 35 learners, on a référentiel
of 42 compétences (168 critères), with 20 situations of 10 critères evaluated for every learner (7,000
evaluation events to read)."""

import statistics
import time
import uuid

from bench.support import drop_bench_establishment, seed_evaluated_classe

LEARNERS, SITUATIONS, CRITERES_PER_SITUATION, RUNS = 35, 20, 10, 5


def seed(*, schema: str, domain: str) -> dict:
    return seed_evaluated_classe(schema=schema, domain=domain, tag="bilans", competences=42, learners=LEARNERS,
                                 situations=SITUATIONS, criteres_per_situation=CRITERES_PER_SITUATION)


def run(emit) -> None:
    """bench: bilans_classe_ms — bilans_classe_create for 35 learners × 42 compétences (median of 5 runs, the
    drafts dropped between runs)."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from bilans.models import Bilan
    from bilans.services import bilans_classe_create

    schema = f"bench_bilans_{uuid.uuid4().hex[:6]}"
    seeded = seed(schema=schema, domain=f"{schema.replace('_', '-')}.localhost")
    try:
        timings = []
        with tenant_context(seeded["etablissement"]):
            for _ in range(RUNS):
                started = time.perf_counter()
                result = bilans_classe_create(classe=seeded["classe"], date=timezone.localdate(),
                                              actor=seeded["formateur"])
                timings.append((time.perf_counter() - started) * 1000)
                assert len(result.crees) == LEARNERS
                Bilan.objects.all().delete()  # drafts only: validated bilans are never deleted
        connection.set_schema_to_public()
        emit("bilans_classe_ms", statistics.median(timings), "ms")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])
