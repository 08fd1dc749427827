from celery import shared_task
from django.db import connection


@shared_task
def schema_probe() -> dict:
    """Report the schema and establishment a worker sees: used by health checks and by the tenancy tests."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        search_path = cursor.fetchone()[0]
    return {"schema": connection.schema_name, "search_path": search_path,
            "etablissement": getattr(connection.tenant, "name", None)}
