"""Fetch the periods, learners and reports of the fiches activités pages a person may see, or 404.

- a formateur: the company periods of their classes (and those classes' learners); the direction and the
  inspection: all of them;
- a learner: only their own fiche and report;
- a tutor: the fiche of their apprentices (the expected tasks are company-side information) and the report
  they wrote, never the formateur's remark (the templates get `voit_remarque`).
Another establishment's live in another schema: they do not exist here."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant, Inscription
from scolarite.selectors import classes_visible

from .models import Contrat, FicheRealisation, Periode


def periode_fiche_get_for(user, pk) -> Periode:
    """A company period of a classe the staff member sees (formateur: their classes)."""
    periodes = Periode.objects.filter(lieu=Periode.Lieu.ENTREPRISE, classe__in=classes_visible(user))
    return get_object_or_404(periodes.select_related("classe__formation"), pk=pk)


def _inscrits(periode: Periode):
    return Inscription.objects.filter(Q(fin__isnull=True) | Q(fin__gte=periode.debut), classe_id=periode.classe_id,
                                      debut__lte=periode.fin).values("apprenant_id")


def apprenant_fiche_get_for(user, periode_pk, apprenant_pk) -> tuple[Periode, Apprenant]:
    """A learner of a company period, for the staff who see the classe or for a tutor of theirs."""
    periodes = Periode.objects.filter(lieu=Periode.Lieu.ENTREPRISE).select_related("classe__formation")
    if not (user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR) or user.has_role(Role.FORMATEUR)
            or user.has_role(Role.TUTEUR)):
        raise Http404
    periode = get_object_or_404(periodes, pk=periode_pk)
    staff = classes_visible(user).filter(pk=periode.classe_id).exists()
    visible = Q(pk__in=_inscrits(periode))
    if not staff:
        if not user.has_role(Role.TUTEUR):
            raise Http404
        visible &= Q(pk__in=Contrat.objects.filter(tuteurs__user=user).values("apprenant_id"))
    apprenant = get_object_or_404(Apprenant.objects.filter(visible), pk=apprenant_pk)
    return periode, apprenant


def voit_cote_centre(user, periode: Periode) -> bool:
    """Staff who see the classe read the formateur's remark; a tutor (only) does not."""
    return classes_visible(user).filter(pk=periode.classe_id).exists()


def periode_apprenant_get_for(user, periode_pk) -> tuple[Periode, Apprenant]:
    """A company period of the learner's own classe, with the learner's file."""
    apprenant = Apprenant.objects.filter(user=user).first()
    if apprenant is None:
        raise Http404
    periodes = Periode.objects.filter(lieu=Periode.Lieu.ENTREPRISE, pk=periode_pk).select_related("classe")
    periode = get_object_or_404(periodes)
    if not _inscrits(periode).filter(apprenant_id=apprenant.pk).exists():
        raise Http404
    return periode, apprenant


def realisation_get_for(user, pk) -> FicheRealisation:
    """A report of a classe the staff member sees."""
    realisations = FicheRealisation.objects.filter(fiche__periode__classe__in=classes_visible(user))
    return get_object_or_404(realisations.select_related("fiche__periode__classe", "apprenant"), pk=pk)
