"""Writes on companies, tuteurs and contracts. Run inside the establishment's schema.

Errors are ValidationErrors in French whose code starts with the field at fault (`siret_checksum`,
`fin_before_debut`...), so a form can show each one next to its field.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.audit import audit_record
from accounts.models import Invitation, User
from accounts.roles import Role
from accounts.services import user_invite

from .models import Contrat, Entreprise, Tuteur
from .regles import MAX_APPRENTIS, MAX_PROLONGES, contrat_warnings, maitre_apprentissage_warnings  # noqa: F401
from .validators import siret_normalize, validate_siret

ENTREPRISE_FIELDS = ("raison_sociale", "siret", "adresse", "code_postal", "ville", "secteur", "code_naf",
                     "telephone", "email")
TUTEUR_FIELDS = ("nom", "prenom", "email", "telephone", "fonction", "qualification")


def _clean(model, fields: dict, allowed) -> dict:
    """Strip strings, lower and check emails, and refuse what the columns cannot hold (imports send anything)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    cleaned = {}
    for name, value in fields.items():
        value = "" if value is None else value
        value = value.strip() if isinstance(value, str) else value
        column = model._meta.get_field(name)
        if isinstance(value, str) and column.max_length and len(value) > column.max_length:
            raise ValidationError(f"{column.verbose_name.capitalize()} : {column.max_length} caractères au plus.",
                                  code=f"{name}_length")
        if name == "email" and value:
            value = value.lower()
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(f"Adresse e-mail invalide : « {value} ».", code="email_invalid") from None
        cleaned[name] = value
    return cleaned


def _apply(instance, fields: dict) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.save(update_fields=changed)
    return changed


def _entreprise_clean(fields: dict, *, instance: Entreprise | None = None) -> dict:
    if "siret" in fields:
        fields = {**fields, "siret": siret_normalize(fields["siret"])}
    fields = _clean(Entreprise, fields, ENTREPRISE_FIELDS)
    if fields.get("siret"):
        validate_siret(fields["siret"])
        same = Entreprise.objects.filter(siret=fields["siret"])
        if instance is not None:
            same = same.exclude(pk=instance.pk)
        other = same.first()
        if other is not None:
            raise ValidationError(f"Le SIRET {fields['siret']} est déjà celui de l'entreprise « {other} ».",
                                  code="siret_duplicate")
    if not fields.get("raison_sociale", instance.raison_sociale if instance else ""):
        raise ValidationError("La raison sociale est obligatoire.", code="raison_sociale_required")
    return fields


def entreprise_create(*, actor=None, **fields) -> Entreprise:
    entreprise = Entreprise.objects.create(**_entreprise_clean(fields))
    audit_record(actor=actor, action="entreprise_create", target=str(entreprise), details={"siret": entreprise.siret})
    return entreprise


def entreprise_update(*, entreprise: Entreprise, actor=None, **fields) -> list[str]:
    """Returns the names of the fields that changed; none changed, nothing is written."""
    changed = _apply(entreprise, _entreprise_clean(fields, instance=entreprise))
    if changed:
        audit_record(actor=actor, action="entreprise_update", target=str(entreprise), details={"champs": changed})
    return changed


def _tuteur_clean(fields: dict, *, instance: Tuteur | None = None) -> dict:
    fields = _clean(Tuteur, fields, TUTEUR_FIELDS)
    for name, label in (("nom", "Le nom"), ("prenom", "Le prénom")):
        if not fields.get(name, getattr(instance, name) if instance else ""):
            raise ValidationError(f"{label} du tuteur est obligatoire.", code=f"{name}_required")
    return fields


def tuteur_create(*, entreprise: Entreprise, actor=None, **fields) -> Tuteur:
    tuteur = Tuteur.objects.create(entreprise=entreprise, **_tuteur_clean(fields))
    audit_record(actor=actor, action="tuteur_create", target=str(tuteur), details={"entreprise": str(entreprise)})
    return tuteur


def tuteur_update(*, tuteur: Tuteur, actor=None, **fields) -> list[str]:
    """Returns the names of the fields that changed. The account, if any, keeps its own email (it is how the
    person logs in); inviting again links the account of the new address."""
    changed = _apply(tuteur, _tuteur_clean(fields, instance=tuteur))
    if changed:
        audit_record(actor=actor, action="tuteur_update", target=str(tuteur), details={"champs": changed})
    return changed


@transaction.atomic
def tuteur_invite(*, tuteur: Tuteur, invited_by: User, base_url: str) -> Invitation:
    """Give the tuteur an account with the tuteur role (or add the role to the account of that address), link
    it to the record and email the invitation: a link to choose a password, or log in by emailed code."""
    if not tuteur.email:
        raise ValidationError(f"Renseignez l'adresse e-mail de {tuteur} pour l'inviter.", code="email_required")
    account = User.objects.filter(email__iexact=tuteur.email).first()
    if account is not None:
        other = Tuteur.objects.filter(user=account).exclude(pk=tuteur.pk).select_related("entreprise").first()
        if other is not None:
            raise ValidationError(f"Le compte {account.email} est déjà celui de {other} ({other.entreprise}) : "
                                  "une personne ne peut être tuteur que dans une entreprise.", code="email_taken")
    invitation = user_invite(invited_by=invited_by, email=tuteur.email, roles=[Role.TUTEUR],
                             first_name=tuteur.prenom, last_name=tuteur.nom, base_url=base_url)
    if tuteur.user_id != invitation.user_id:
        tuteur.user = invitation.user
        tuteur.save(update_fields=["user"])
    audit_record(actor=invited_by, action="tuteur_invite", target=str(tuteur),
                 details={"email": tuteur.email, "entreprise": str(tuteur.entreprise)})
    return invitation


@dataclass
class ContratResult:
    contrat: Contrat
    warnings: list[str] = field(default_factory=list)


def _contrat_check(*, debut, fin, numero: str, tuteurs, entreprise) -> list[Tuteur]:
    if debut is None or fin is None:
        raise ValidationError("Les dates de début et de fin sont obligatoires.", code="debut_required")
    if fin < debut:
        raise ValidationError("La fin du contrat précède son début.", code="fin_before_debut")
    if len(numero) > Contrat._meta.get_field("numero").max_length:
        raise ValidationError("Numéro : 40 caractères au plus.", code="numero_length")
    tuteurs = list(tuteurs)
    for tuteur in tuteurs:
        if tuteur.entreprise_id != entreprise.pk:
            raise ValidationError(f"{tuteur} n'est pas tuteur chez {entreprise}.", code="tuteurs_entreprise")
    return tuteurs


@transaction.atomic
def contrat_create(*, type: str, apprenant, entreprise: Entreprise, tuteurs=(), debut: datetime.date,
                   fin: datetime.date, numero: str = "", prolonge_apres_echec: bool = False,
                   actor=None) -> ContratResult:
    """Save the contract and say what looks wrong (a maître d'apprentissage over their limit, a learner with
    two contracts at once) without refusing it."""
    if type not in Contrat.Type.values:
        raise ValidationError(f"Type de contrat inconnu : {type}.", code="type_invalid")
    numero = (numero or "").strip()
    tuteurs = _contrat_check(debut=debut, fin=fin, numero=numero, tuteurs=tuteurs, entreprise=entreprise)
    warnings = contrat_warnings(contrat_type=type, apprenant=apprenant, tuteurs=tuteurs, debut=debut, fin=fin,
                                 prolonge=prolonge_apres_echec)
    contrat = Contrat.objects.create(type=type, apprenant=apprenant, entreprise=entreprise, debut=debut, fin=fin,
                                     numero=numero, prolonge_apres_echec=prolonge_apres_echec)
    contrat.tuteurs.set(tuteurs)
    audit_record(actor=actor, action="contrat_create", target=str(contrat),
                 details={"debut": debut.isoformat(), "fin": fin.isoformat(), "alertes": warnings})
    return ContratResult(contrat, warnings)


@transaction.atomic
def contrat_update(*, contrat: Contrat, tuteurs, debut: datetime.date, fin: datetime.date, numero: str = "",
                   prolonge_apres_echec: bool = False, actor=None) -> ContratResult:
    """Change the dates, tuteurs, number or extension of a contract (another company is another contract)."""
    numero = (numero or "").strip()
    tuteurs = _contrat_check(debut=debut, fin=fin, numero=numero, tuteurs=tuteurs, entreprise=contrat.entreprise)
    if contrat.rompu_le is not None and not debut <= contrat.rompu_le <= fin:
        raise ValidationError(f"Le contrat est rompu le {contrat.rompu_le:%d/%m/%Y} : les nouvelles dates doivent "
                              "encadrer la rupture.", code="debut_rupture")
    warnings = contrat_warnings(contrat_type=contrat.type, apprenant=contrat.apprenant, tuteurs=tuteurs,
                                 debut=debut, fin=fin, prolonge=prolonge_apres_echec, exclude=contrat.pk)
    changed = _apply(contrat, {"debut": debut, "fin": fin, "numero": numero,
                               "prolonge_apres_echec": prolonge_apres_echec})
    if {t.pk for t in tuteurs} != set(contrat.tuteurs.values_list("pk", flat=True)):
        contrat.tuteurs.set(tuteurs)
        changed.append("tuteurs")
    if changed:
        audit_record(actor=actor, action="contrat_update", target=str(contrat),
                     details={"champs": changed, "alertes": warnings})
    return ContratResult(contrat, warnings)


def contrat_rompre(*, contrat: Contrat, le: datetime.date, actor=None) -> Contrat:
    """Record the rupture date (the contract stops running that day); a second call corrects it."""
    if le is None:
        raise ValidationError("Indiquez la date de la rupture.", code="rompu_le_required")
    if le < contrat.debut:
        raise ValidationError("La date de rupture précède le début du contrat.", code="rompu_le_before_debut")
    if le > contrat.fin:
        raise ValidationError("La date de rupture est après la fin du contrat.", code="rompu_le_after_fin")
    contrat.rompu_le = le
    contrat.save(update_fields=["rompu_le"])
    audit_record(actor=actor, action="contrat_rompre", target=str(contrat), details={"le": le.isoformat()})
    return contrat
