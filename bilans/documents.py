"""The bilans' printed documents (documents.kinds): the attestation de compétences acquises and a bilan
intermédiaire. Each context function reads through the bilans' selectors, never their own queries of the rules."""

import datetime
import re

from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from documents.kinds import Indisponible, Kind, register
from referentiels.models import Referentiel
from scolarite.models import Apprenant

from .models import Bilan
from .selectors import bilan_detail, bilan_en_vigueur
from .selectors_documents import acquis_at
from .selectors_notes import notes_finales_of


def _date(value) -> datetime.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise Indisponible(f"La date « {str(value)[:20]} » n'est pas une date valide (attendu : aaaa-mm-jj).") \
            from error


def _lieu(etablissement) -> str:
    """The town of the establishment's address (its last line, postcode dropped), for « Fait à … »."""
    lignes = [ligne.strip() for ligne in (getattr(etablissement, "address", "") or "").splitlines() if ligne.strip()]
    return re.sub(r"^\d{5}\s*", "", lignes[-1]) if lignes else ""


def _direction() -> User | None:
    return User.objects.filter(roles__contains=[Role.DIRECTION], is_active=True).order_by("pk").first()


def attestation_context(apprenant: Apprenant, *, date=None, lieu: str = "", **_options) -> dict:
    """« Attestation de compétences acquises » at `date` (today by default): the competencies at M or BM in the
    last validated bilan dated on or before it, by bloc, and the blocs entirely acquired."""
    day = _date(date)
    acquis = acquis_at(apprenant, day)
    if acquis is None:
        raise Indisponible(f"Aucun bilan validé pour {apprenant.prenom} {apprenant.nom} au {day:%d/%m/%Y} : "
                           "l'attestation ne peut pas être établie.")
    etablissement = connection.tenant
    return {"etablissement": etablissement, "edite_le": timezone.now(), "apprenant": apprenant, "date": day,
            "acquis": acquis, "referentiel": acquis.referentiel, "bilan": acquis.bilan,
            "formation": acquis.bilan.classe.formation, "direction": _direction(),
            "lieu": lieu or _lieu(etablissement)}


def bilan_context(apprenant: Apprenant, *, bilan_id=None, **_options) -> dict:
    """A validated bilan intermédiaire (the one in force by default): by bloc with levels and comments, the
    projection per épreuve, the period grade when one is finalised."""
    if bilan_id:
        bilan = Bilan.objects.filter(pk=bilan_id, apprenant=apprenant).first()
        if bilan is None:
            raise Indisponible("Ce bilan n'existe pas pour cet apprenant.")
        if not bilan.valide:
            raise Indisponible("Ce bilan n'est pas encore validé : il s'imprimera une fois validé.")
    else:
        bilan = bilan_en_vigueur(apprenant)
        if bilan is None:
            raise Indisponible(f"Aucun bilan validé pour {apprenant.prenom} {apprenant.nom} : rien à imprimer.")
    bilan = Bilan.objects.select_related("validated_by", "classe__formation", "remplace_par").get(pk=bilan.pk)
    return {"etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant,
            "bilan": bilan, "vue": bilan_detail(bilan), "referentiel": Referentiel.objects.get(pk=bilan.referentiel_id),
            "note": notes_finales_of([bilan.pk]).get(bilan.pk)}


register(Kind("attestation", "Attestation de compétences acquises", "documents/attestation.html",
              attestation_context))
register(Kind("bilan", "Bilan intermédiaire", "documents/bilan.html", bilan_context))
