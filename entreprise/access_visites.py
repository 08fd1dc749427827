"""Fetch the contracts and visits a person may see, or 404: a formateur sees the learners of their classes,
direction and inspection see all (inspection without writing), a contract of another establishment does not
exist (it lives in another schema). Writing is checked apart: 403 for who may read but not write."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Contrat, Visite
from .selectors_visites import contrats_visites_visible, visite_peut_enregistrer


def contrat_visites_get_for(user, pk) -> Contrat:
    return get_object_or_404(contrats_visites_visible(user).select_related("apprenant", "entreprise"), pk=pk)


def visite_get_for(user, pk) -> Visite:
    visible = Visite.objects.filter(contrat__in=contrats_visites_visible(user))
    return get_object_or_404(visible.select_related("contrat__apprenant", "contrat__entreprise", "auteur"), pk=pk)


def visite_record_check(user, contrat: Contrat) -> None:
    if not visite_peut_enregistrer(user, contrat):
        raise PermissionDenied("Seuls la direction et les formateurs de l'apprenant enregistrent ses visites.")


def visite_update_check(user, visite: Visite) -> None:
    if visite.auteur_id != user.pk:
        raise PermissionDenied("Seul l'auteur d'une visite la corrige.")
