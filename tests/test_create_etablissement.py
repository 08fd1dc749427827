"""`manage.py create_etablissement`: success, and every bad argument creates nothing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import AuditEvent, User
from tenants.models import Domain, Etablissement
from tenants.validators import uai_check_letter

GOOD = {
    "schema": "nextech", "name": "CFA Nextech", "uai": "0841235" + uai_check_letter("0841235"),
    "domain": "nextech.localhost", "admin_email": "direction@nextech.fr",
}


def run(**overrides):
    args = {**GOOD, **overrides}
    argv = [f"--{key.replace('_', '-')}={value}" for key, value in args.items()]
    call_command("create_etablissement", *argv)


def snapshot():
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.schemata")
        schemas = cursor.fetchone()[0]
    return (schemas, Etablissement.objects.count(), Domain.objects.count(), AuditEvent.objects.count())


def test_it_creates_the_schema_the_domain_and_the_direction_account(alpha, capsys):
    run()
    out = capsys.readouterr().out
    etablissement = Etablissement.objects.get(schema_name="nextech")
    assert schema_exists("nextech")
    assert etablissement.domains.get().domain == "nextech.localhost"
    with tenant_context(etablissement):
        user = User.objects.get(email="direction@nextech.fr")
        assert user.roles == ["direction"]
        assert not user.has_usable_password()
    assert "http://nextech.localhost" in out and "/comptes/password/reset/key/" in out
    assert "direction@nextech.fr" in out


def test_the_new_schema_is_a_working_copy_of_the_template(alpha):
    run()
    with tenant_context(Etablissement.objects.get(schema_name="nextech")):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert cursor.fetchone()[0] > 10
        assert User.objects.count() == 1  # the template's rows are not copied into it


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"schema": "alpha"}, "Le schéma « alpha » existe déjà."),
        ({"domain": "alpha.localhost"}, "Le domaine « alpha.localhost » est déjà utilisé."),
        ({"uai": "0841234K"}, "Un établissement porte déjà le code UAI 0841234K."),
        ({"uai": "084123K"}, "Code UAI invalide : 7 chiffres suivis d'une lettre"),
        ({"uai": "0841235A"}, "la lettre de contrôle de 0841235 est"),
        ({"schema": "public"}, "est réservé"),
        ({"schema": "pg_toast2"}, "est réservé"),
        ({"schema": "Nex-Tech"}, "Nom de schéma invalide"),
        ({"domain": "pas un domaine"}, "Nom de domaine invalide"),
        ({"admin_email": "pas-un-email"}, "Adresse e-mail de la direction invalide"),
        ({"name": "  "}, "Le nom de l'établissement est obligatoire."),
    ],
)
def test_a_bad_argument_exits_non_zero_with_a_french_message_and_creates_nothing(alpha, capsys, overrides,
                                                                                  message):
    before = snapshot()
    with pytest.raises(SystemExit) as exit_info:
        run(**overrides)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Erreur : ") and message in err
    assert len(err.splitlines()) == 1
    assert snapshot() == before


def test_a_failure_after_the_schema_was_cloned_leaves_no_schema_behind(alpha, monkeypatch):
    """All or nothing: DDL is transactional in PostgreSQL."""
    import tenants.services

    def boom(**kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(tenants.services, "user_create", boom)
    before = snapshot()
    with pytest.raises(RuntimeError):
        run()
    assert snapshot() == before
    assert not schema_exists("nextech")
