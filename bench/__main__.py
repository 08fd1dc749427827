"""`make bench`: performance figures on seeded data, one line each: `bench: <name> <value> <unit>`.

Not tests: nothing here passes or fails. Each module of SUITES has a `run(emit)` that seeds what it needs
(in throwaway establishments or records it removes afterwards) and reports its figures.
"""

import importlib
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.bench")

SUITES = ["bench.etablissements", "bench.referentiels", "bench.imports", "bench.evaluations", "bench.entreprise",
          "bench.livret", "bench.bilans", "bench.vue_classe", "bench.documents"]


def emit(name: str, value: float, unit: str) -> None:
    print(f"bench: {name} {value:.3f} {unit}", flush=True)


def main() -> int:
    import django

    django.setup()
    from tenants.services import platform_migrate

    platform_migrate(verbosity=0)
    for suite in SUITES:
        importlib.import_module(suite).run(emit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
