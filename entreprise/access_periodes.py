"""Fetch the classes, periods and learners of the periods pages, or 404: a formateur sees only their classes
(and their learners), direction and inspection see them all; another establishment's live in another schema."""

from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.access import classe_get_for
from scolarite.models import Apprenant, Classe
from scolarite.selectors import apprenants_visible

from .models import Periode


def peut_ecrire(user, classe: Classe) -> bool:
    """Direction, or a formateur of the classe (inspection reads only)."""
    if user.has_role(Role.DIRECTION):
        return True
    return user.has_role(Role.FORMATEUR) and classe.formateurs.filter(pk=user.pk).exists()


def classe_periodes_get_for(user, pk) -> Classe:
    """A classe whose calendar and PFMP weeks `user` may read."""
    return classe_get_for(user, pk)


def periode_get_for(user, classe_pk, pk) -> Periode:
    """A period of a classe `user` may see; a period of another classe under this URL does not exist."""
    classe = classe_periodes_get_for(user, classe_pk)
    periode = get_object_or_404(Periode.objects.all(), classe=classe, pk=pk)
    periode.classe = classe
    return periode


def apprenant_amenagement_get_for(user, pk) -> Apprenant:
    """A learner whose PFMP requirement `user` may set (the views let only the direction in)."""
    return get_object_or_404(apprenants_visible(user).select_related("amenagement_pfmp"), pk=pk)
