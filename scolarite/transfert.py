"""Transfer of a learner's file to another establishment of the platform, keyed by INE.

Both schemas live in one PostgreSQL database, so a transfer is one transaction: either the destination has
the learner, their past records and its log, and the source has its log, or nothing is written anywhere.

The source keeps everything (nothing is deleted, the learner stays in its lists and history); only the open
inscription, if any, is closed on the day of the transfer with the motif "transfert vers …", so the learner
no longer counts in a classe of the establishment they left. Contracts are left as they are: an
apprenticeship contract often continues with the new centre, and its end is the company's business.

The destination gets a DossierAnterieur: the exported file as sent, which no service or view updates.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from accounts.audit import audit_record
from tenants.models import Etablissement

from .historique import history_counts, learner_history_export
from .models import Apprenant, DossierAnterieur, Inscription, Transfert
from .selectors import apprenant_find
from .services import apprenant_create, inscription_close
from .validators import ine_normalize


def destinations_for(source: Etablissement) -> list[Etablissement]:
    """The establishments a learner can be sent to: every other one of the platform that has a UAI."""
    return list(Etablissement.objects.exclude(schema_name=get_public_schema_name()).exclude(pk=source.pk)
                .exclude(uai="").order_by("name"))


def destination_find(uai: str) -> Etablissement:
    """The platform's establishment with this UAI, or a message the sender can act on."""
    uai = ine_normalize(uai)  # same clean-up: no spaces, upper case
    if not uai:
        raise ValidationError("Indiquez le code UAI de l'établissement d'accueil.")
    etablissement = (Etablissement.objects.exclude(schema_name=get_public_schema_name()).filter(uai=uai).first())
    if etablissement is None:
        raise ValidationError(f"Aucun établissement de la plateforme n'a le code UAI {uai} : vérifiez-le auprès "
                              "de l'établissement d'accueil (il doit utiliser cpro pour recevoir un dossier).")
    return etablissement


def transfert_check(*, apprenant: Apprenant, destination: Etablissement, source: Etablissement | None = None) -> None:
    """Why the transfer cannot happen, as a ValidationError; nothing is written."""
    source = source or connection.tenant
    if source.schema_name == get_public_schema_name():
        raise ValidationError("Un transfert part d'un établissement, pas du site de la plateforme.")
    if not apprenant.ine:
        raise ValidationError(f"{apprenant} n'a pas d'INE : corrigez-le (import SIECLE ou fiche) avant de le "
                              "transférer.")
    if destination.schema_name == get_public_schema_name():
        raise ValidationError("Choisissez un établissement de la plateforme.")
    if destination.pk == source.pk:
        raise ValidationError(f"{apprenant} est déjà dans cet établissement : choisissez l'établissement "
                              "d'accueil.")


def _actor_label(actor, source: Etablissement) -> str:
    return f"{getattr(actor, 'email', '') or actor or 'système'} ({source.name})"[:254]


@transaction.atomic
def apprenant_transferer(*, apprenant: Apprenant, destination: Etablissement, actor) -> Transfert:
    """Send `apprenant`'s file from the current establishment to `destination`. Returns the source's log entry."""
    source = connection.tenant
    transfert_check(apprenant=apprenant, destination=destination, source=source)
    today = timezone.localdate()

    ouverte = Inscription.objects.select_for_update().filter(apprenant=apprenant, fin__isnull=True).first()
    if ouverte is not None:
        inscription_close(inscription=ouverte, fin=max(today, ouverte.debut),
                          motif=f"transfert vers {destination}"[:200], actor=actor)
    contenu = learner_history_export(apprenant)  # after the close: the file says how the inscription ended
    counts = history_counts(contenu)
    label = f"{apprenant} ({apprenant.ine})"[:300]

    with tenant_context(destination):
        _receive(contenu=contenu, source=source, label=label, counts=counts, par=_actor_label(actor, source))

    envoi = Transfert.objects.create(
        sens=Transfert.Sens.ENVOI, ine=apprenant.ine, apprenant=apprenant, apprenant_label=label,
        autre_etablissement=destination.name, autre_uai=destination.uai, par=str(getattr(actor, "email", actor))[:254],
        resume={"sections": counts, "inscription_close": ouverte.classe.code if ouverte else ""},
    )
    audit_record(actor=actor, action="apprenant_transferer", target=str(apprenant),
                 details={"vers": destination.name, "uai": destination.uai, "ine": apprenant.ine})
    return envoi


def _receive(*, contenu: dict, source: Etablissement, label: str, counts: list, par: str) -> DossierAnterieur:
    """In the destination's schema: the learner (found by INE or created), their past file and the log."""
    identite = contenu["apprenant"]
    apprenant = apprenant_find(ine=identite["ine"])
    if apprenant is None:
        naissance = identite.get("date_naissance")
        apprenant = apprenant_create(actor=par, nom=identite["nom"], prenom=identite["prenom"], ine=identite["ine"],
                                     date_naissance=datetime.date.fromisoformat(naissance) if naissance else None)
    apprenant.transfere_de = source.name
    apprenant.save(update_fields=["transfere_de", "updated_at"])
    dossier = DossierAnterieur.objects.create(apprenant=apprenant, etablissement=source.name, uai=source.uai,
                                              contenu=contenu)
    Transfert.objects.create(
        sens=Transfert.Sens.RECEPTION, ine=apprenant.ine, apprenant=apprenant, apprenant_label=label,
        autre_etablissement=source.name, autre_uai=source.uai, par=par,
        resume={"sections": counts, "dossier": dossier.pk},
    )
    audit_record(actor=par, action="transfert_recu", target=str(apprenant),
                 details={"de": source.name, "uai": source.uai, "ine": apprenant.ine})
    return dossier
