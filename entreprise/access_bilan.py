"""Fetch the bilan entreprise a person may see, or 404.

- the staff who see the classe (its formateurs, the direction, the inspection);
- the bilan's tutor (a bilan entreprise is company-side information);
- the learner, once both parties have confirmed it (a draft is not a result).
Another establishment's bilans live in another schema: they do not exist here."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.selectors import classes_visible

from .models_bilan import BilanEntreprise


def bilan_get_for(user, pk) -> BilanEntreprise:
    visible = Q(pk__in=[])
    if user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR) or user.has_role(Role.FORMATEUR):
        visible |= Q(periode__classe__in=classes_visible(user))
    if user.has_role(Role.TUTEUR):
        visible |= Q(tuteur__user=user)
    if user.has_role(Role.APPRENANT):
        visible |= Q(apprenant__user=user, valide_le__isnull=False)
    bilans = BilanEntreprise.objects.filter(visible).select_related(
        "periode__classe", "apprenant", "tuteur", "contrat__entreprise", "fiche", "created_by",
        "confirme_formateur_par", "confirme_tuteur_par")
    return get_object_or_404(bilans, pk=pk)


def bilan_staff_check(user, bilan: BilanEntreprise) -> bool:
    """The person sees the classe (the centre side)."""
    return classes_visible(user).filter(pk=bilan.periode.classe_id).exists()
