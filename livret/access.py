"""Who may read a learner's livret de suivi, and how much of it, or 404 (a learner one has no business with does
not exist, nor does one of another establishment: it lives in another schema).

- direction and inspection: every learner, everything (the page writes nothing, so inspection reads only);
- a formateur: the learners of their classes, everything;
- the learner: themself, without certificative results (CCF results are not given to candidates before the
  jury, as on "Mon livret");
- a tutor: the apprentices of contracts they supervise, and only the company side of the bilans they took part
  in: no centre situation, comment or result, no level built from centre evidence.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from entreprise.models import Contrat
from scolarite.models import Apprenant
from scolarite.selectors import apprenants_visible, sees_all


@dataclass(frozen=True)
class Vue:
    centre: bool  # centre situations (and the learner's positionnement)
    certificatif: bool  # certificative situations among them
    niveaux: bool  # suggested level and last validated bilan level
    tuteur: object = None  # a tutor's account: company columns limited to the bilans of their contracts


PERSONNEL = Vue(centre=True, certificatif=True, niveaux=True)
APPRENANT = Vue(centre=True, certificatif=False, niveaux=True)


def vue_for(user, apprenant: Apprenant) -> Vue | None:
    """The widest view any of the person's roles gives on this learner; None when none gives one."""
    if sees_all(user):
        return PERSONNEL
    if user.has_role(Role.FORMATEUR) and apprenants_visible(user).filter(pk=apprenant.pk).exists():
        return PERSONNEL
    if user.has_role(Role.APPRENANT) and apprenant.user_id is not None and apprenant.user_id == user.pk:
        return APPRENANT
    if user.has_role(Role.TUTEUR) and Contrat.objects.filter(tuteurs__user=user, apprenant=apprenant).exists():
        return Vue(centre=False, certificatif=False, niveaux=False, tuteur=user)
    return None


def livret_get_for(user, pk) -> tuple[Apprenant, Vue]:
    apprenant = get_object_or_404(Apprenant, pk=pk)
    vue = vue_for(user, apprenant)
    if vue is None:
        raise Http404("Aucun apprenant ne correspond.")
    return apprenant, vue
