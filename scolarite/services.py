"""Writes on an establishment's school life. Run inside the establishment's schema.

History is never rewritten: a change of classe or statut closes the open Inscription and opens another.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.audit import audit_record
from accounts.models import User
from accounts.roles import Role
from tenants.selectors import referentiel_souscrit
from tenants.validators import validate_uai

from .models import Apprenant, Classe, Formateur, Formation, Inscription, Reglages
from .validators import ine_normalize, validate_ine

APPRENANT_FIELDS = ("nom", "prenom", "ine", "date_naissance", "email", "telephone", "adresse",
                    "identifiant_externe")


def formation_create(*, referentiel, intitule: str, code: str = "", actor=None) -> Formation:
    """Only référentiels covered by the current subscription can start a new formation."""
    intitule = (intitule or "").strip()
    if not intitule:
        raise ValidationError("Donnez un intitulé à la formation.")
    if not referentiel_souscrit(connection.tenant, referentiel.code):
        raise ValidationError(f"Le référentiel {referentiel.code} n'est pas couvert par l'abonnement en cours : "
                              "ajoutez-le à l'abonnement avant d'ouvrir une formation.")
    if Formation.objects.filter(intitule__iexact=intitule).exists():
        raise ValidationError(f"Une formation « {intitule} » existe déjà.")
    formation = Formation.objects.create(referentiel=referentiel, intitule=intitule, code=code.strip())
    audit_record(actor=actor, action="formation_create", target=intitule, details={"referentiel": str(referentiel)})
    return formation


def _check_formateurs(formateurs) -> list[User]:
    formateurs = list(formateurs)
    for user in formateurs:
        if not user.has_role(Role.FORMATEUR):
            raise ValidationError(f"{user} n'a pas le rôle formateur.")
    return formateurs


def _annee_cycle_clean(annee_cycle) -> int | None:
    if annee_cycle in (None, ""):
        return None
    if int(annee_cycle) not in Classe.AnneeCycle.values:
        raise ValidationError("L'année du cycle va de 1 à 4.")
    return int(annee_cycle)


@transaction.atomic
def classe_create(*, formation: Formation, annee_scolaire: int, code: str, intitule: str = "", formateurs=(),
                  annee_cycle: int | None = None, actor=None) -> Classe:
    code = (code or "").strip()
    if not code:
        raise ValidationError("Donnez un code à la classe (ex. 1CIEL-A).")
    if Classe.objects.filter(annee_scolaire=annee_scolaire, code__iexact=code).exists():
        raise ValidationError(f"La classe {code} existe déjà pour cette année scolaire.")
    classe = Classe.objects.create(formation=formation, annee_scolaire=annee_scolaire, code=code,
                                   intitule=intitule.strip(), annee_cycle=_annee_cycle_clean(annee_cycle))
    classe.formateurs.set(_check_formateurs(formateurs))
    audit_record(actor=actor, action="classe_create", target=str(classe))
    return classe


CLASSE_FIELDS = ("intitule", "annee_cycle")


def classe_update(*, classe: Classe, actor=None, **fields) -> list[str]:
    """Update the given fields (formation, year and code stay: periods and inscriptions hang on them); returns
    the names of those that changed (none: nothing is written)."""
    unknown = set(fields) - set(CLASSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if "intitule" in fields:
        fields["intitule"] = (fields["intitule"] or "").strip()
    if "annee_cycle" in fields:
        fields["annee_cycle"] = _annee_cycle_clean(fields["annee_cycle"])
    changed = [name for name, value in fields.items() if getattr(classe, name) != value]
    if changed:
        for name in changed:
            setattr(classe, name, fields[name])
        classe.save(update_fields=changed)
        audit_record(actor=actor, action="classe_update", target=str(classe),
                     details={name: fields[name] for name in changed})
    return changed


def classe_formateurs_set(*, classe: Classe, formateurs, actor=None) -> Classe:
    formateurs = _check_formateurs(formateurs)
    classe.formateurs.set(formateurs)
    audit_record(actor=actor, action="classe_formateurs_set", target=str(classe),
                 details={"formateurs": [u.email for u in formateurs]})
    return classe


def _apprenant_clean(fields: dict, *, instance: Apprenant | None = None) -> dict:
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if "ine" in fields:
        fields["ine"] = ine_normalize(fields["ine"])
        if fields["ine"]:
            validate_ine(fields["ine"])
            same = Apprenant.objects.filter(ine=fields["ine"])
            if instance is not None:
                same = same.exclude(pk=instance.pk)
            if same.exists():
                raise ValidationError(f"Un apprenant a déjà l'INE {fields['ine']}.")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").lower()
    if not (fields.get("nom") if instance is None else fields.get("nom", instance.nom)):
        raise ValidationError("Le nom est obligatoire.")
    if not (fields.get("prenom") if instance is None else fields.get("prenom", instance.prenom)):
        raise ValidationError("Le prénom est obligatoire.")
    return fields


def apprenant_create(*, actor=None, **fields) -> Apprenant:
    unknown = set(fields) - set(APPRENANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    apprenant = Apprenant.objects.create(**_apprenant_clean(fields))
    audit_record(actor=actor, action="apprenant_create", target=str(apprenant), details={"ine": apprenant.ine})
    return apprenant


def apprenant_update(*, apprenant: Apprenant, actor=None, **fields) -> list[str]:
    """Update the given fields; returns the names of those that changed (none: nothing is written)."""
    unknown = set(fields) - set(APPRENANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    fields = _apprenant_clean(fields, instance=apprenant)
    changed = [name for name, value in fields.items() if getattr(apprenant, name) != value]
    if changed:
        for name in changed:
            setattr(apprenant, name, fields[name])
        apprenant.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="apprenant_update", target=str(apprenant), details={"champs": changed})
    return changed


@transaction.atomic
def inscription_open(*, apprenant: Apprenant, classe: Classe, statut: str, debut: datetime.date,
                     redoublant: bool = False, actor=None) -> Inscription:
    """Put a learner in a classe with a statut from `debut`. The open inscription, if any, ends the day before
    (same classe and statut: it is returned unchanged)."""
    if statut not in Inscription.Statut.values:
        raise ValidationError(f"Statut inconnu : {statut}.")
    current = Inscription.objects.select_for_update().filter(apprenant=apprenant, fin__isnull=True).first()
    if current is not None:
        if current.classe_id == classe.pk and current.statut == statut:
            return current
        if debut <= current.debut:
            raise ValidationError(f"{apprenant} est inscrit·e en {current.classe.code} depuis le "
                                  f"{current.debut:%d/%m/%Y} : la nouvelle inscription doit commencer après.")
        motif = "changement de classe" if current.classe_id != classe.pk else "changement de statut"
        current.fin = debut - datetime.timedelta(days=1)
        current.motif_fin = motif
        current.save(update_fields=["fin", "motif_fin"])
    inscription = Inscription.objects.create(apprenant=apprenant, classe=classe, statut=statut, debut=debut,
                                             redoublant=redoublant)
    audit_record(actor=actor, action="inscription_open", target=str(apprenant),
                 details={"classe": classe.code, "statut": statut, "debut": debut.isoformat()})
    return inscription


def inscription_close(*, inscription: Inscription, fin: datetime.date, motif: str = "", actor=None) -> Inscription:
    if fin < inscription.debut:
        raise ValidationError("La date de fin précède le début de l'inscription.")
    inscription.fin = fin
    inscription.motif_fin = motif.strip()
    inscription.save(update_fields=["fin", "motif_fin"])
    audit_record(actor=actor, action="inscription_close", target=str(inscription.apprenant),
                 details={"fin": fin.isoformat(), "motif": inscription.motif_fin})
    return inscription


def formateur_profile_set(*, user: User, discipline: str = "", telephone: str = "") -> Formateur:
    profile, _ = Formateur.objects.update_or_create(
        user=user, defaults={"discipline": discipline.strip(), "telephone": telephone.strip()})
    return profile


@transaction.atomic
def reglages_update(*, periodicites: dict, address: str | None = None, uai: str | None = None, logo=None,
                    tampon=None, actor=None) -> Reglages:
    """The establishment's settings: its identity on documents (public row) and its reporting periodicity per
    diploma level (its own schema). Images were checked by the form; None leaves a field as it is."""
    cleaned = {}
    for niveau, periodicite in periodicites.items():
        if periodicite not in Reglages.Periodicite.values:
            raise ValidationError(f"Périodicité inconnue : {periodicite}.")
        cleaned[str(int(niveau))] = periodicite
    etablissement = connection.tenant
    changed = []
    if uai is not None and uai != etablissement.uai:
        validate_uai(uai)
        if type(etablissement).objects.filter(uai=uai).exclude(pk=etablissement.pk).exists():
            raise ValidationError(f"Le code UAI {uai} est déjà celui d'un autre établissement de la plateforme.")
        etablissement.uai = uai
        changed.append("uai")
    if address is not None and address.strip() != etablissement.address:
        etablissement.address = address.strip()
        changed.append("address")
    for name, upload in (("logo", logo), ("tampon", tampon)):
        if upload:
            getattr(etablissement, name).save(upload.name, upload, save=False)
            changed.append(name)
    if changed:
        etablissement.save(update_fields=changed)
    reglages, _ = Reglages.objects.update_or_create(pk=1, defaults={"periodicites": cleaned})
    audit_record(actor=actor, action="reglages_update", target=etablissement.schema_name,
                 details={"champs": changed, "periodicites": cleaned})
    return reglages



@transaction.atomic
def apprenant_invite(*, apprenant: Apprenant, invited_by: User, base_url: str):
    """Give the learner an account (role apprenant) linked to their record, and email the invitation."""
    from accounts.services import user_invite

    if apprenant.user_id:
        raise ValidationError(f"{apprenant} a déjà un compte.")
    if not apprenant.email:
        raise ValidationError(f"Renseignez d'abord l'adresse e-mail de {apprenant}.")
    if Apprenant.objects.filter(user__email__iexact=apprenant.email).exists():
        raise ValidationError(f"L'adresse {apprenant.email} est déjà celle du compte d'un autre apprenant.")
    invitation = user_invite(invited_by=invited_by, email=apprenant.email, roles=[Role.APPRENANT],
                             first_name=apprenant.prenom, last_name=apprenant.nom, base_url=base_url)
    apprenant.user = invitation.user
    apprenant.save(update_fields=["user", "updated_at"])
    return invitation
