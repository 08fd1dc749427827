"""Writes on establishments. Must run on the public schema: django-tenants refuses to create a tenant elsewhere."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_exists, tenant_context

from accounts.audit import audit_record
from accounts.roles import Role
from accounts.services import user_create
from referentiels.models import Referentiel

from .annees import annee_scolaire_label
from .models import PRIX_APPLICATION, PRIX_REFERENTIEL, Abonnement, AbonnementReferentiel, Domain, Etablissement
from .selectors import abonnement_commande_ouverte, abonnement_en_cours, abonnement_total
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


# --- Subscriptions -----------------------------------------------------------------------------------------
# They live in the public schema; these run from an establishment's site (the direction orders) or from the
# public site (the operator records payment): public is on every search path.


def _codes_clean(referentiel_codes) -> list[str]:
    codes = sorted({(code or "").strip().upper() for code in referentiel_codes} - {""})
    known = set(Referentiel.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(f"Référentiel inconnu du catalogue : {', '.join(unknown)}.")
    return codes


def _actor_label(actor) -> str:
    return str(getattr(actor, "email", "") or actor or "système")


@transaction.atomic
def abonnement_commander(*, etablissement: Etablissement, annee_scolaire: int, referentiel_codes, actor,
                         day: datetime.date | None = None) -> Abonnement:
    """Order a school year (the application and the référentiels), or add référentiels to that year's
    order: a year has one live subscription, so a second order only adds what is new. It covers the year at
    once; the operator records the payment. Référentiels are never removed here (the operator cancels an
    unpaid order, and the direction orders again)."""
    annee = int(annee_scolaire)
    if not abonnement_commande_ouverte(annee=annee, day=day):
        raise ValidationError(
            f"La commande de l'année {annee_scolaire_label(annee)} n'est pas ouverte : l'année suivante se "
            "commande à partir du 15 juin.")
    codes = _codes_clean(referentiel_codes)
    # One order at a time per establishment: two clicks must not make two subscriptions.
    Etablissement.objects.select_for_update().filter(pk=etablissement.pk).first()
    abonnement = abonnement_en_cours(etablissement, annee)
    label = _actor_label(actor)
    if abonnement is None:
        if not codes:
            raise ValidationError("Choisissez au moins un référentiel.")
        abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                               prix_application=PRIX_APPLICATION, commande_par=label)
        nouveaux = codes
        action, prix = "abonnement_commander", PRIX_APPLICATION
    else:
        deja = {line.referentiel_code for line in abonnement.lignes.all()}
        nouveaux = [code for code in codes if code not in deja]
        if not nouveaux:
            raise ValidationError(f"L'année {annee_scolaire_label(annee)} est déjà commandée avec ces "
                                  "référentiels : cochez-en un nouveau pour l'ajouter.")
        if abonnement.statut == Abonnement.Statut.PAYE:
            # Paid means paid in full so far: keep that amount, only the addition remains due.
            abonnement.montant_paye = abonnement_total(abonnement)
            abonnement.statut = Abonnement.Statut.COMMANDE
            abonnement.save(update_fields=["statut", "montant_paye"])
        action, prix = "abonnement_completer", Decimal("0.00")
    AbonnementReferentiel.objects.bulk_create(
        [AbonnementReferentiel(abonnement=abonnement, referentiel_code=code, prix=PRIX_REFERENTIEL)
         for code in nouveaux])
    with tenant_context(etablissement):  # the direction's own journal, from whichever site this runs
        audit_record(actor=actor, action=action, target=f"abonnement {annee_scolaire_label(annee)}",
                     details={"referentiels": nouveaux, "prix": str(prix + PRIX_REFERENTIEL * len(nouveaux))})
    return Abonnement.objects.prefetch_related("lignes").get(pk=abonnement.pk)


def _operateur_only(actor) -> None:
    if not (actor is not None and getattr(actor, "has_role", None) and actor.has_role(Role.OPERATEUR)):
        raise PermissionDenied("Seul l'opérateur de la plateforme enregistre les paiements et les annulations.")


def _audit_both(abonnement: Abonnement, *, actor, action: str, details: dict) -> None:
    """The platform's journal, and the establishment's, where the operator is only a name (its account lives in
    the public schema)."""
    target = f"abonnement {annee_scolaire_label(abonnement.annee_scolaire)}"
    audit_record(actor=actor, action=action, target=f"{abonnement.etablissement.schema_name} {target}",
                 details=details)
    with tenant_context(abonnement.etablissement):
        audit_record(actor=f"opérateur {_actor_label(actor)}", action=action, target=target, details=details)


def _locked(abonnement: Abonnement) -> Abonnement:
    return Abonnement.objects.select_for_update().select_related("etablissement").get(pk=abonnement.pk)


@transaction.atomic
def abonnement_marquer_paye(*, abonnement: Abonnement, actor) -> Abonnement:
    _operateur_only(actor)
    abonnement = _locked(abonnement)
    if abonnement.statut == Abonnement.Statut.ANNULE:
        raise ValidationError("Cette commande est annulée : elle ne peut pas être payée.")
    if abonnement.statut == Abonnement.Statut.PAYE:
        raise ValidationError("Cet abonnement est déjà payé.")
    total = abonnement_total(Abonnement.objects.prefetch_related("lignes").get(pk=abonnement.pk))
    abonnement.statut = Abonnement.Statut.PAYE
    abonnement.paye_le = timezone.now()
    abonnement.paye_par = _actor_label(actor)
    encaisse = total - abonnement.montant_paye
    abonnement.montant_paye = total
    abonnement.save(update_fields=["statut", "paye_le", "paye_par", "montant_paye"])
    _audit_both(abonnement, actor=actor, action="abonnement_marquer_paye",
                details={"montant": str(encaisse), "total": str(total)})
    return abonnement


@transaction.atomic
def abonnement_annuler(*, abonnement: Abonnement, actor) -> Abonnement:
    """Only an order nothing was paid for can be cancelled; the data of the establishment is untouched."""
    _operateur_only(actor)
    abonnement = _locked(abonnement)
    if abonnement.statut == Abonnement.Statut.ANNULE:
        raise ValidationError("Cette commande est déjà annulée.")
    if abonnement.statut == Abonnement.Statut.PAYE or abonnement.montant_paye > 0:
        raise ValidationError("Un abonnement payé, même en partie, ne peut pas être annulé.")
    abonnement.statut = Abonnement.Statut.ANNULE
    abonnement.annule_le = timezone.now()
    abonnement.annule_par = _actor_label(actor)
    abonnement.save(update_fields=["statut", "annule_le", "annule_par"])
    _audit_both(abonnement, actor=actor, action="abonnement_annuler", details={})
    return abonnement
