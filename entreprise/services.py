"""Writes on companies, tuteurs and contracts. Run inside the establishment's schema."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record

from .models import Contrat, Entreprise, Tuteur
from .selectors import tuteur_apprentis_count
from .validators import siret_normalize, validate_siret

ENTREPRISE_FIELDS = ("raison_sociale", "siret", "adresse", "code_postal", "ville", "secteur", "code_naf",
                     "telephone", "email")
TUTEUR_FIELDS = ("nom", "prenom", "email", "telephone", "fonction", "qualification")
MAX_APPRENTIS, MAX_PROLONGES = 2, 1  # Code du travail, R6223-6


def _strip(fields: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def _entreprise_clean(fields: dict, *, instance: Entreprise | None = None) -> dict:
    unknown = set(fields) - set(ENTREPRISE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    fields = _strip(fields)
    if "siret" in fields:
        fields["siret"] = siret_normalize(fields["siret"])
        if fields["siret"]:
            validate_siret(fields["siret"])
            same = Entreprise.objects.filter(siret=fields["siret"])
            if instance is not None:
                same = same.exclude(pk=instance.pk)
            if same.exists():
                raise ValidationError(f"Une entreprise a déjà le SIRET {fields['siret']}.")
    if not fields.get("raison_sociale", instance.raison_sociale if instance else ""):
        raise ValidationError("La raison sociale est obligatoire.")
    return fields


def entreprise_create(*, actor=None, **fields) -> Entreprise:
    entreprise = Entreprise.objects.create(**_entreprise_clean(fields))
    audit_record(actor=actor, action="entreprise_create", target=str(entreprise), details={"siret": entreprise.siret})
    return entreprise


def entreprise_update(*, entreprise: Entreprise, actor=None, **fields) -> list[str]:
    """Returns the names of the fields that changed; none changed, nothing is written."""
    fields = _entreprise_clean(fields, instance=entreprise)
    changed = [name for name, value in fields.items() if getattr(entreprise, name) != value]
    if changed:
        for name in changed:
            setattr(entreprise, name, fields[name])
        entreprise.save(update_fields=changed)
        audit_record(actor=actor, action="entreprise_update", target=str(entreprise), details={"champs": changed})
    return changed


def tuteur_create(*, entreprise: Entreprise, actor=None, **fields) -> Tuteur:
    unknown = set(fields) - set(TUTEUR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    fields = _strip(fields)
    if not fields.get("nom") or not fields.get("prenom"):
        raise ValidationError("Le nom et le prénom du tuteur sont obligatoires.")
    fields["email"] = (fields.get("email") or "").lower()
    tuteur = Tuteur.objects.create(entreprise=entreprise, **fields)
    audit_record(actor=actor, action="tuteur_create", target=str(tuteur), details={"entreprise": str(entreprise)})
    return tuteur


def tuteur_update(*, tuteur: Tuteur, actor=None, **fields) -> list[str]:
    unknown = set(fields) - set(TUTEUR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    fields = _strip(fields)
    if "email" in fields:
        fields["email"] = (fields["email"] or "").lower()
    changed = [name for name, value in fields.items() if getattr(tuteur, name) != value]
    if changed:
        for name in changed:
            setattr(tuteur, name, fields[name])
        tuteur.save(update_fields=changed)
        audit_record(actor=actor, action="tuteur_update", target=str(tuteur), details={"champs": changed})
    return changed


@dataclass
class ContratResult:
    contrat: Contrat
    warnings: list[str] = field(default_factory=list)


def maitre_apprentissage_warnings(*, tuteurs, debut: datetime.date, fin: datetime.date, prolonge: bool,
                                  exclude_contrat: int | None = None) -> list[str]:
    """A maître d'apprentissage supervises at most two apprentices plus one whose contract was extended after a
    failed exam. Exceeding it is the establishment's call (derogations exist): warn, never block."""
    warnings = []
    for tuteur in tuteurs:
        ordinary, extended = tuteur_apprentis_count(tuteur=tuteur, debut=debut, fin=fin, exclude=exclude_contrat)
        ordinary, extended = ordinary + (not prolonge), extended + prolonge
        if ordinary > MAX_APPRENTIS or extended > MAX_PROLONGES:
            warnings.append(
                f"{tuteur} encadrera {ordinary + extended} apprentis sur cette période : la règle est de deux "
                "apprentis, plus un dont le contrat est prolongé après un échec à l'examen (art. R6223-6 du "
                "Code du travail)."
            )
    return warnings


@transaction.atomic
def contrat_create(*, type: str, apprenant, entreprise: Entreprise, tuteurs=(), debut: datetime.date,
                   fin: datetime.date, numero: str = "", prolonge_apres_echec: bool = False,
                   actor=None) -> ContratResult:
    if type not in Contrat.Type.values:
        raise ValidationError(f"Type de contrat inconnu : {type}.")
    if fin < debut:
        raise ValidationError("La fin du contrat précède son début.")
    tuteurs = list(tuteurs)
    for tuteur in tuteurs:
        if tuteur.entreprise_id != entreprise.pk:
            raise ValidationError(f"{tuteur} n'est pas tuteur chez {entreprise}.")
    warnings = []
    if type == Contrat.Type.APPRENTISSAGE:
        warnings = maitre_apprentissage_warnings(tuteurs=tuteurs, debut=debut, fin=fin, prolonge=prolonge_apres_echec)
    contrat = Contrat.objects.create(type=type, apprenant=apprenant, entreprise=entreprise, debut=debut, fin=fin,
                                     numero=numero.strip(), prolonge_apres_echec=prolonge_apres_echec)
    contrat.tuteurs.set(tuteurs)
    audit_record(actor=actor, action="contrat_create", target=str(contrat),
                 details={"debut": debut.isoformat(), "fin": fin.isoformat(), "alertes": warnings})
    return ContratResult(contrat, warnings)


def contrat_rompre(*, contrat: Contrat, le: datetime.date, actor=None) -> Contrat:
    if le < contrat.debut:
        raise ValidationError("La date de rupture précède le début du contrat.")
    contrat.rompu_le = le
    contrat.save(update_fields=["rompu_le"])
    audit_record(actor=actor, action="contrat_rompre", target=str(contrat), details={"le": le.isoformat()})
    return contrat
