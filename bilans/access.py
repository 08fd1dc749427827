"""Who may see a bilan intermédiaire, and who may write it.

Bilans are the centre's: formateurs, direction and inspection read them (a formateur those of the learners of
their classes, the others all of them); only the formateurs of the bilan's classe write (403 for the others who
may read). What a person may not see does not exist for them (404). The learner reads their own validated
bilans on their own page; tutors see none (403).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant, Classe
from scolarite.selectors import apprenants_visible, classes_visible

from .models import Bilan, BilanLigne

LECTEURS = (Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)
REFUS = "Seuls les formateurs de la classe écrivent ses bilans."


def enseigne(user, classe_id: int) -> bool:
    return user.has_role(Role.FORMATEUR) and Classe.formateurs.through.objects.filter(
        classe_id=classe_id, user_id=user.pk).exists()


def enseigne_a(user, apprenant: Apprenant) -> bool:
    """The user teaches one of the classes the learner is or was enrolled in."""
    return user.has_role(Role.FORMATEUR) and Classe.formateurs.through.objects.filter(
        user_id=user.pk, classe__inscriptions__apprenant_id=apprenant.pk).exists()


def classe_for_bilans(user, pk, *, ecriture: bool = False) -> Classe:
    classe = get_object_or_404(classes_visible(user).select_related("formation__referentiel"), pk=pk)
    classe.peut_ecrire = enseigne(user, classe.pk)
    if ecriture and not classe.peut_ecrire:
        raise PermissionDenied(REFUS)
    return classe


def _visibles(user):
    return Bilan.objects.filter(apprenant_id__in=apprenants_visible(user).values("pk"))


def bilan_for(user, pk, *, ecriture: bool = False) -> Bilan:
    bilan = get_object_or_404(_visibles(user).select_related(
        "apprenant", "classe__formation", "created_by", "validated_by", "remplace_par", "version"), pk=pk)
    bilan.peut_ecrire = not bilan.valide and enseigne(user, bilan.classe_id)
    if ecriture and not enseigne(user, bilan.classe_id):
        raise PermissionDenied(REFUS)
    return bilan


def ligne_for(user, pk) -> BilanLigne:
    """A line to write: its bilan visible to the user and of a classe they teach."""
    ligne = get_object_or_404(BilanLigne.objects.filter(bilan__in=_visibles(user))
                              .select_related("bilan__apprenant", "competence"), pk=pk)
    if not enseigne(user, ligne.bilan.classe_id):
        raise PermissionDenied(REFUS)
    return ligne


def apprenant_for_bilans(user, pk) -> Apprenant:
    return get_object_or_404(apprenants_visible(user), pk=pk)


def apprenant_of(user) -> Apprenant | None:
    """The learner's own record (None for an account not yet linked to one)."""
    return Apprenant.objects.filter(user=user).first()


def bilan_note_for(user, pk, *, ecriture: bool = False) -> Bilan:
    """A bilan for its period grade page: read like the bilan; written (grades) only by a formateur of its classe
    (403 for the other readers)."""
    bilan = bilan_for(user, pk, ecriture=ecriture)
    bilan.peut_noter = bilan.valide and (ecriture or enseigne(user, bilan.classe_id))
    return bilan
