"""`TENANT_LIMIT_SET_CALLS` skips `SET search_path` while the connection is believed to be on the right schema.
PostgreSQL undoes a SET with the transaction (or savepoint) that issued it, so after a rollback the belief
must be dropped, or the next query would silently read another establishment's tables."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import tenant_context


class Boom(Exception):
    pass


def current_schema() -> str:
    with connection.cursor() as cursor:  # goes through django-tenants' search_path handling
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def fail_inside_atomic(expected: str) -> None:
    with pytest.raises(Boom):
        with transaction.atomic():
            assert current_schema() == expected  # the SET is issued inside this transaction or savepoint
            raise Boom


def test_the_setting_is_on():
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_after_a_savepoint_rollback_the_next_query_runs_on_the_establishment_the_connection_names(alpha, beta):
    with tenant_context(alpha):
        assert current_schema() == "alpha"
        with pytest.raises(Boom):
            with transaction.atomic():  # a savepoint: the test already runs in a transaction
                connection.set_tenant(beta)  # as a migration or a task switching schema inside a transaction
                assert current_schema() == "beta"
                raise Boom
        # ROLLBACK TO SAVEPOINT put PostgreSQL back on alpha while the connection still names beta
        assert connection.schema_name == "beta" and current_schema() == "beta"


@pytest.mark.django_db(transaction=True)
def test_after_a_transaction_rollback_the_next_query_runs_on_the_current_establishment(alpha, beta):
    with tenant_context(beta):
        assert current_schema() == "beta"  # autocommit: beta stays set
    with tenant_context(alpha):
        fail_inside_atomic("alpha")  # the rollback puts PostgreSQL back on beta
        assert current_schema() == "alpha"


def test_switching_establishment_always_sets_the_path_again(alpha, beta):
    for etablissement in (alpha, beta, alpha):
        with tenant_context(etablissement):
            assert current_schema() == etablissement.schema_name
    assert current_schema() == "public"
