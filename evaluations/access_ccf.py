"""Who may open a CCF grid (docs/ccf.md « Qui voit quoi »).

Like the situation's class grid: the formateurs of the classe read and write (drafts); direction and inspection
read everything and write nothing (403); a formateur of another classe gets 404 (for them it does not exist).
Learners never reach these pages (403): they read the levels of their locked grids on their own page, never the
barème nor the proposed grade. Tutors see nothing (403)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant, Classe

from .models import Situation
from .models_ccf import GrilleCCF
from .selectors_ccf import grilles_base

LECTEURS = (Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)
REFUS = "Seuls les formateurs de la classe remplissent ses grilles CCF."


def _voit_tout(user) -> bool:
    return user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR)


def situation_for_ccf(user, pk, *, ecriture: bool = False) -> Situation:
    """A certificative situation the user may see (404 otherwise, formative ones included)."""
    enseigne = Classe.formateurs.through.objects.filter(classe_id=OuterRef("classe_id"), user_id=user.pk)
    situations = (Situation.objects.filter(nature=Situation.Nature.CERTIFICATIVE, epreuve__isnull=False)
                  .annotate(enseigne=Exists(enseigne)).select_related("scenario", "classe__formation"))
    if not _voit_tout(user):
        situations = situations.filter(enseigne=True)
    situation = get_object_or_404(situations, pk=pk)
    situation.peut_ecrire = user.has_role(Role.FORMATEUR) and situation.enseigne
    if ecriture and not situation.peut_ecrire:
        raise PermissionDenied(REFUS)
    return situation


def grille_for(user, pk, *, ecriture: bool = False) -> GrilleCCF:
    """A grid of a situation the user may see (404 otherwise); for a write, a formateur of its classe (403)."""
    enseigne = Classe.formateurs.through.objects.filter(classe_id=OuterRef("situation__classe_id"), user_id=user.pk)
    grilles = grilles_base().annotate(enseigne=Exists(enseigne))
    if not _voit_tout(user):
        grilles = grilles.filter(enseigne=True)
    grille = get_object_or_404(grilles, pk=pk)
    grille.peut_ecrire = user.has_role(Role.FORMATEUR) and grille.enseigne
    if ecriture and not grille.peut_ecrire:
        raise PermissionDenied(REFUS)
    return grille


def apprenant_of(user) -> Apprenant:
    """The learner's own record, or 404 (an account not linked to one)."""
    apprenant = Apprenant.objects.filter(user=user).first()
    if apprenant is None:
        raise Http404
    return apprenant
