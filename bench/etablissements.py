import statistics
import time
import uuid


def run(emit, runs: int = 5) -> None:
    """bench: create_etablissement_s — median time to create an establishment (schema, domain, direction)."""
    from django.db import connection

    from tenants.models import Etablissement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    timings = []
    for _ in range(runs):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        number = f"{uuid.uuid4().int % 10_000_000:07d}"
        started = time.perf_counter()
        etablissement_create(schema=schema, name="Bench", uai=number + uai_check_letter(number),
                             domain=f"{schema.replace('_', '-')}.localhost", admin_email="direction@bench.test")
        timings.append(time.perf_counter() - started)
        connection.set_schema_to_public()
        Etablissement.objects.get(schema_name=schema).delete(force_drop=True)
    emit("create_etablissement_s", statistics.median(timings), "s")
