"""Fetch what a person may see, or 404: a classe or a learner the person has no business with does not exist."""

from django.shortcuts import get_object_or_404

from .models import Apprenant, Classe
from .selectors import apprenants_visible, classes_visible


def classe_get_for(user, pk) -> Classe:
    return get_object_or_404(classes_visible(user).select_related("formation__referentiel"), pk=pk)


def apprenant_get_for(user, pk) -> Apprenant:
    return get_object_or_404(apprenants_visible(user), pk=pk)
