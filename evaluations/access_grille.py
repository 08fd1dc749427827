"""Who may open a situation's grid, and who may write in it.

The formateurs of the situation's classe read and write (a scenario's author or co-author writes only if they
teach that classe). Direction and inspection read every grid and write none (403 on saves). A formateur of
another classe gets 404: for them the situation does not exist. Other roles get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant, Classe

from .models import Situation
from .selectors_grille import situations_of

LECTEURS = (Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)


def peut_saisir(user, situation: Situation) -> bool:
    return user.has_role(Role.FORMATEUR) and situation.classe.formateurs.filter(pk=user.pk).exists()


def situation_for_grid(user, pk, *, ecriture: bool = False) -> Situation:
    if not any(user.has_role(role) for role in LECTEURS):
        raise PermissionDenied("La grille est réservée aux formateurs de la classe.")
    enseigne = Classe.formateurs.through.objects.filter(classe_id=OuterRef("classe_id"), user_id=user.pk)
    situations = Situation.objects.annotate(enseigne=Exists(enseigne))
    if not ecriture:  # pages show the scenario and the classe; a save needs neither (and plans faster)
        situations = situations.select_related("scenario", "classe__formation")
    if not (user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR)):
        situations = situations.filter(enseigne=True)
    situation = get_object_or_404(situations, pk=pk)
    situation.peut_saisir = user.has_role(Role.FORMATEUR) and situation.enseigne
    if ecriture and not situation.peut_saisir:
        raise PermissionDenied("Seuls les formateurs de la classe saisissent dans la grille.")
    return situation


def situation_for_apprenant(user, pk) -> tuple[Apprenant, Situation]:
    """The learner's own formative situation, or 404."""
    apprenant = Apprenant.objects.filter(user=user).first()
    if apprenant is None:
        raise Http404
    situation = get_object_or_404(situations_of(apprenant).select_related("scenario", "classe"), pk=pk)
    return apprenant, situation
