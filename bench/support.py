"""What every bench suite needs: percentiles, and dropping the throwaway establishment it measured."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def drop_bench_establishment(schema: str, referentiel) -> None:
    """Subscriptions first: django-tenants drops the schema before Django's protected-FK check."""
    from django.db import connection

    from referentiels.services import referentiel_delete
    from tenants.models import Abonnement, Etablissement

    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement__schema_name=schema).delete()  # a bench's, never a customer's
    Etablissement.objects.get(schema_name=schema).delete(force_drop=True)
    referentiel_delete(referentiel=referentiel)
