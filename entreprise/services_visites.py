"""Writes of the formateur's company visits and contacts with the tutor: the evidence that the centre organises
the cooperation with maîtres d'apprentissage (Code du travail L6231-2, Qualiopi indicator 13). Run inside the
establishment's schema.

Errors are ValidationErrors in French whose code starts with the field at fault (`date_future`...), so a form
shows each one next to its field; on any error nothing is written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from tenants.access import abonnement_ecriture_check

from .models import Contrat, Visite
from .selectors_visites import visite_peut_enregistrer

NOTES_MAX = 5000
VISITE_FIELDS = ("date", "mode", "participants", "notes", "suites")


def _text(value, *, name: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError(f"{label} : {max_length} caractères au plus.", code=f"{name}_length")
    return value


def _visite_clean(*, contrat: Contrat, date, mode, participants, notes, suites,
                  day: datetime.date | None = None) -> dict:
    day = day or timezone.localdate()
    errors = []
    if not isinstance(date, datetime.date):
        errors.append(ValidationError("Indiquez la date de la visite ou du contact.", code="date_required"))
    elif date > day:
        errors.append(ValidationError(
            f"Le {date:%d/%m/%Y} est dans le futur : une visite prévue n'est pas encore une visite. "
            "Enregistrez-la une fois faite.", code="date_future"))
    elif date < contrat.debut:
        errors.append(ValidationError(
            f"Le {date:%d/%m/%Y} précède le début du contrat ({contrat.debut:%d/%m/%Y}).", code="date_before_debut"))
    elif date > contrat.fin:
        errors.append(ValidationError(
            f"Le {date:%d/%m/%Y} est après la fin du contrat ({contrat.fin:%d/%m/%Y}).", code="date_after_fin"))
    if mode not in Visite.Mode.values:
        errors.append(ValidationError("Choisissez le mode : visite, appel, visioconférence, courriel ou rencontre "
                                      "au centre.", code="mode_invalid"))
    cleaned = {"date": date, "mode": mode}
    texts = (("participants", participants, "Qui", Visite._meta.get_field("participants").max_length),
             ("notes", notes, "Notes", NOTES_MAX), ("suites", suites, "Suites à donner", NOTES_MAX))
    for name, value, label, max_length in texts:
        try:
            cleaned[name] = _text(value, name=name, label=label, max_length=max_length)
        except ValidationError as error:
            errors.append(error)
    if "notes" in cleaned and not cleaned["notes"]:
        errors.append(ValidationError("Notez en quelques mots ce qui s'est dit : c'est la trace de l'échange.",
                                      code="notes_required"))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _target(visite: Visite, contrat: Contrat) -> str:
    return f"{visite} — {contrat.apprenant} chez {contrat.entreprise}"


@transaction.atomic
def visite_record(*, contrat: Contrat, date: datetime.date, mode: str = Visite.Mode.VISITE, participants: str = "",
                  notes: str = "", suites: str = "", actor) -> Visite:
    """Record a visit or contact done on `date` (today or before, within the contract). Only the direction, or a
    formateur of a classe where the learner is still enrolled, records one."""
    if not visite_peut_enregistrer(actor, contrat):
        raise PermissionDenied("Seuls la direction et les formateurs de l'apprenant enregistrent ses visites.")
    abonnement_ecriture_check(connection.tenant)
    fields = _visite_clean(contrat=contrat, date=date, mode=mode, participants=participants, notes=notes,
                           suites=suites)
    visite = Visite.objects.create(contrat=contrat, auteur=actor, **fields)
    audit_record(actor=actor, action="visite_record", target=_target(visite, contrat),
                 details={"contrat": contrat.pk, "visite": visite.pk, "date": visite.date.isoformat(),
                          "mode": visite.mode})
    return visite


@transaction.atomic
def visite_update(*, visite: Visite, date: datetime.date, mode: str, participants: str = "", notes: str = "",
                  suites: str = "", actor) -> list[str]:
    """Correct a visit: its author only. Returns the names of the fields that changed (none, nothing written);
    the audit keeps the values before and after."""
    if actor is None or visite.auteur_id != getattr(actor, "pk", None):
        raise PermissionDenied("Seul l'auteur d'une visite la corrige.")
    abonnement_ecriture_check(connection.tenant)
    contrat = visite.contrat
    fields = _visite_clean(contrat=contrat, date=date, mode=mode, participants=participants, notes=notes,
                           suites=suites)
    changed = [name for name in VISITE_FIELDS if getattr(visite, name) != fields[name]]
    if not changed:
        return []
    avant = {name: _jsonable(getattr(visite, name)) for name in changed}
    for name in changed:
        setattr(visite, name, fields[name])
    visite.save(update_fields=changed)
    audit_record(actor=actor, action="visite_update", target=_target(visite, contrat),
                 details={"contrat": contrat.pk, "visite": visite.pk, "champs": changed, "avant": avant,
                          "apres": {name: _jsonable(fields[name]) for name in changed}})
    return changed


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
