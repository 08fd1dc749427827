"""Writes on establishments. Must run on the public schema: django-tenants refuses to create a tenant elsewhere."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from accounts.audit import audit_record
from accounts.roles import Role
from accounts.services import user_create

from .models import Domain, Etablissement
from .validators import validate_schema_name, validate_uai

HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def platform_migrate(*, verbosity: int = 1) -> None:
    """Bring the public schema, the establishment template and every establishment up to date, then make sure
    the public site answers on the base domain."""
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    template = settings.TENANT_BASE_SCHEMA
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{template}"')
    call_command("migrate_schemas", schema_name=template, tenant=True, interactive=False, verbosity=verbosity)
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)
    public_ensure()


def public_ensure() -> Etablissement:
    public, _ = Etablissement.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": "cpro", "kind": Etablissement.Kind.PLATEFORME},
    )
    Domain.objects.get_or_create(domain=settings.CPRO_BASE_DOMAIN, defaults={"tenant": public, "is_primary": True})
    return public


def _validate_new_etablissement(*, schema: str, name: str, uai: str, domain: str, admin_email: str,
                                kind: str) -> None:
    validate_schema_name(schema)
    if not (name or "").strip():
        raise ValidationError("Le nom de l'établissement est obligatoire.")
    if kind not in Etablissement.Kind.values or kind == Etablissement.Kind.PLATEFORME:
        raise ValidationError(f"Type d'établissement inconnu : {kind}.")
    validate_uai(uai)
    if not HOSTNAME_RE.match(domain or ""):
        raise ValidationError(f"Nom de domaine invalide : « {domain} ».")
    if Etablissement.objects.filter(schema_name=schema).exists() or schema_exists(schema):
        raise ValidationError(f"Le schéma « {schema} » existe déjà.")
    if Domain.objects.filter(domain=domain).exists():
        raise ValidationError(f"Le domaine « {domain} » est déjà utilisé.")
    if Etablissement.objects.filter(uai=uai).exists():
        raise ValidationError(f"Un établissement porte déjà le code UAI {uai}.")
    try:
        validate_email(admin_email)
    except ValidationError:
        raise ValidationError(f"Adresse e-mail de la direction invalide : « {admin_email} ».") from None


def etablissement_create(*, schema: str, name: str, uai: str, domain: str, admin_email: str,
                         kind: str = Etablissement.Kind.CFA, admin_password: str | None = None,
                         admin_first_name: str = "", admin_last_name: str = "", actor=None) -> Etablissement:
    """Create an establishment: its schema (cloned from the template), its domain and its first direction
    account. All or nothing: PostgreSQL DDL is transactional, so a failure leaves no schema behind."""
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("etablissement_create must run on the public schema")
    schema, domain, uai = (schema or "").strip(), (domain or "").strip().lower(), (uai or "").strip().upper()
    _validate_new_etablissement(schema=schema, name=name, uai=uai, domain=domain, admin_email=admin_email,
                                kind=kind)
    with transaction.atomic():
        etablissement = Etablissement(schema_name=schema, name=name.strip(), uai=uai, kind=kind)
        etablissement.save(verbosity=0)
        Domain.objects.create(domain=domain, tenant=etablissement, is_primary=True)
        audit_record(actor=actor, action="etablissement_create", target=schema,
                     details={"name": etablissement.name, "uai": uai, "domain": domain})
        with tenant_context(etablissement):
            user_create(email=admin_email, roles=[Role.DIRECTION], password=admin_password,
                        first_name=admin_first_name, last_name=admin_last_name, actor=actor)
    connection.set_schema_to_public()
    return etablissement
