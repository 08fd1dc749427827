"""Fetch what a person may see, or 404: a company or a contract the person has no business with does not
exist (nor does one of another establishment: it lives in another schema)."""

from django.shortcuts import get_object_or_404

from .models import Contrat, Entreprise, Tuteur
from .selectors import contrats_visible, entreprises_visible


def entreprise_get_for(user, pk) -> Entreprise:
    return get_object_or_404(entreprises_visible(user), pk=pk)


def tuteur_get_for(user, entreprise_pk, pk) -> Tuteur:
    entreprise = entreprise_get_for(user, entreprise_pk)
    return get_object_or_404(Tuteur.objects.select_related("entreprise", "user"), entreprise=entreprise, pk=pk)


def contrat_get_for(user, pk) -> Contrat:
    return get_object_or_404(contrats_visible(user).select_related("apprenant", "entreprise"), pk=pk)
