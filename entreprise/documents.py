"""The bilan entreprise as a PDF (documents.kinds): the prefilled form of /entreprise/bilans/<id>/imprimer/, read
through selectors_bilan.bilan_contenu. The company side: the learner's tutor may download it (tuteur=True)."""

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role
from documents.kinds import Indisponible, Kind, register
from referentiels.models import Referentiel
from scolarite.models import Apprenant

from .models_bilan import BilanEntreprise
from .selectors_bilan import bilan_contenu

PERSONNEL = (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)


def bilan_entreprise_context(apprenant: Apprenant, *, bilan_id=None, user=None, **_options) -> dict:
    """The learner's bilan entreprise `bilan_id` (the latest by default), prefilled with its current values. For a
    tutor (`user` with no staff role), only the bilans of contracts they supervise."""
    bilans = BilanEntreprise.objects.filter(apprenant=apprenant)
    if user is not None and not any(user.has_role(role) for role in PERSONNEL):
        bilans = bilans.filter(Q(tuteur__user=user) | Q(contrat__tuteurs__user=user)).distinct()
    if bilan_id:
        bilans = bilans.filter(pk=bilan_id)
    bilan = (bilans.select_related("periode__classe__formation", "contrat__entreprise", "tuteur", "apprenant")
             .order_by("-date", "-id").first())
    if bilan is None:
        raise Indisponible("Ce bilan entreprise n'existe pas pour cet apprenant." if bilan_id else
                           f"Aucun bilan entreprise pour {apprenant.prenom} {apprenant.nom} : rien à imprimer.")
    return {"etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant, "bilan": bilan,
            "referentiel": Referentiel.objects.filter(pk=bilan.periode.classe.formation.referentiel_id).first(),
            **bilan_contenu(bilan)}


register(Kind("bilan_entreprise", "Bilan entreprise", "documents/bilan_entreprise.html", bilan_entreprise_context,
              tuteur=True))
