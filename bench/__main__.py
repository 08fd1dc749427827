"""`make bench`: performance figures on seeded data, one line each: `bench: <name> <value> <unit>`.

Not tests: nothing here passes or fails. Run on the embedded database (or DATABASE_URL), in throwaway
establishments that are dropped afterwards.
"""

import os
import statistics
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.dev")


def emit(name: str, value: float, unit: str) -> None:
    print(f"bench: {name} {value:.3f} {unit}", flush=True)


def bench_create_etablissement(runs: int = 5) -> None:
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


def main() -> int:
    import django

    django.setup()
    from tenants.services import platform_migrate

    platform_migrate(verbosity=0)
    bench_create_etablissement()
    return 0


if __name__ == "__main__":
    sys.exit(main())
