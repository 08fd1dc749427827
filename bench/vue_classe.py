"""Issue 18's figures: the vue classe of 35 learners × 40 compétences (160 critères), with 20 situations of 10
critères evaluated for every learner (7,000 evaluation events) and a validated bilan per learner, read by the
classe's formateur. Target: under 300 ms.

Alone: `python -m bench.vue_classe`."""

import datetime
import statistics
import time
import uuid

from bench.support import drop_bench_establishment, seed_evaluated_classe

LEARNERS, COMPETENCES, SITUATIONS, CRITERES_PER_SITUATION, PAGES = 35, 40, 20, 10, 10
PASSWORD = "bench-2026"


def seed(*, schema: str, domain: str) -> dict:
    """The evaluated classe, and a validated bilan per learner (dated over the last 12 weeks)."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from bilans.models import Bilan, BilanLigne
    from evaluations.models import EchelleVersion

    seeded = seed_evaluated_classe(schema=schema, domain=domain, tag="vue", competences=COMPETENCES,
                                   learners=LEARNERS, situations=SITUATIONS,
                                   criteres_per_situation=CRITERES_PER_SITUATION, password=PASSWORD)
    today, formateur = timezone.localdate(), seeded["formateur"]
    with tenant_context(seeded["etablissement"]):
        # Validated bilans: drafts with their lines, then validated (the database refuses lines on a validated one).
        version = EchelleVersion.objects.filter(echelle__code="maitrise").order_by("-numero").first()
        maitrise = list(version.niveaux.order_by("rang"))
        bilans = Bilan.objects.bulk_create(
            Bilan(apprenant=a, classe=seeded["classe"], referentiel_id=seeded["referentiel"].pk, version=version,
                  created_by=formateur, date=today - datetime.timedelta(days=7 * (i % 12)))
            for i, a in enumerate(seeded["apprenants"]))
        BilanLigne.objects.bulk_create(
            [BilanLigne(bilan=b, competence=c, rang=r, suggestion_code="NE", suggestion_phrase="",
                        niveau=maitrise[(i + r) % len(maitrise)]) for i, b in enumerate(bilans)
             for r, c in enumerate(seeded["competences"])], batch_size=5000)
        Bilan.objects.filter(pk__in=[b.pk for b in bilans]).update(validated_at=timezone.now(),
                                                                   validated_by=formateur)
    connection.set_schema_to_public()
    return seeded


def run(emit) -> None:
    """bench: vue_classe_queries (the most of both sources), vue_classe_ms (median of 10 pages of the slower
    source, selector and rendering)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    schema = f"bench_vc_{uuid.uuid4().hex[:6]}"
    domain = f"{schema.replace('_', '-')}.localhost"
    seeded = seed(schema=schema, domain=domain)
    try:
        client = Client(HTTP_HOST=domain)
        with tenant_context(seeded["etablissement"]):
            client.force_login(seeded["formateur"])
        connection.set_schema_to_public()
        queries, medians = 0, []
        for source in ("bilan", "suggestion"):
            url = f"/livret/classes/{seeded['classe'].pk}/?source={source}&tri=C003"
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200 and response.content.count(b'<td class="vc-c') == LEARNERS * COMPETENCES
            queries = max(queries, len(captured.captured_queries))
            timings = []
            for _ in range(PAGES):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            medians.append(statistics.median(timings))
        emit("vue_classe_ms", max(medians), "ms")
        emit("vue_classe_queries", queries, "queries")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.bench")
    import django

    django.setup()
    from bench.__main__ import emit
    from tenants.services import platform_migrate

    platform_migrate(verbosity=0)
    run(emit)
