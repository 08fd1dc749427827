"""Who may see a document, a lot, a learner's documents: fetch-or-404 helpers. What a person may not see does not
exist for them (404); another establishment's documents live in another schema.

- direction and inspection: every learner's documents (the inspection reads, never requests);
- a formateur: the documents of the learners of their classes, and the lots of those classes;
- a learner: their own, of the kinds flagged `apprenant` (never the CCF grid: its proposed grade);
- a tutor: the kinds flagged `tuteur` (the company side) of the learners whose contract they supervise."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant, Classe
from scolarite.selectors import classes_visible, sees_all

from . import kinds
from .models import Document, Lot

PERSONNEL = (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)
TOUS = (*PERSONNEL, Role.APPRENANT, Role.TUTEUR)


def kinds_apprenant() -> list[str]:
    return [code for code, kind in kinds.KINDS.items() if kind.apprenant]


def kinds_tuteur() -> list[str]:
    return [code for code, kind in kinds.KINDS.items() if kind.tuteur]


def _apprentis_of(user):
    from entreprise.models import Contrat  # the tutors' side lives in entreprise (read only here)

    return Contrat.objects.filter(tuteurs__user=user).values("apprenant_id")


def _apprenants_personnel(user) -> Q | None:
    """The learners whose every document `user` sees as staff."""
    if sees_all(user):
        return Q()
    if user.has_role(Role.FORMATEUR):
        return Q(pk__in=Apprenant.objects.filter(inscriptions__classe__formateurs=user).values("pk"))
    return None


def documents_visible(user) -> QuerySet[Document]:
    """Documents `user` may see and download."""
    personnel = _apprenants_personnel(user)
    if personnel is not None and not personnel:  # direction, inspection
        return Document.objects.all()
    q = Q(pk__in=[])
    if personnel is not None:
        q |= Q(apprenant__in=Apprenant.objects.filter(personnel).values("pk"))
    if user.has_role(Role.APPRENANT):
        q |= Q(apprenant__user=user, kind__in=kinds_apprenant())
    if user.has_role(Role.TUTEUR):
        q |= Q(apprenant_id__in=_apprentis_of(user), kind__in=kinds_tuteur())
    return Document.objects.filter(q)


def kinds_visible_for(user, apprenant: Apprenant) -> list[str]:
    """The kinds of `apprenant`'s documents `user` sees (for their list and request form)."""
    personnel = _apprenants_personnel(user)
    if personnel is not None and Apprenant.objects.filter(personnel, pk=apprenant.pk).exists():
        return list(kinds.KINDS)
    codes = []
    if user.has_role(Role.APPRENANT) and apprenant.user_id == user.pk:
        codes += kinds_apprenant()
    if user.has_role(Role.TUTEUR) and Apprenant.objects.filter(pk=apprenant.pk, pk__in=_apprentis_of(user)).exists():
        codes += kinds_tuteur()
    return list(dict.fromkeys(codes))


def apprenant_for_documents(user, pk) -> Apprenant:
    """A learner whose documents page `user` may open (at least one kind visible)."""
    apprenant = get_object_or_404(Apprenant, pk=pk)
    apprenant.kinds_visibles = kinds_visible_for(user, apprenant)
    if not apprenant.kinds_visibles:
        raise_404()
    return apprenant


def raise_404():
    from django.http import Http404

    raise Http404("Ce document n'existe pas.")


def classe_for_documents(user, pk) -> Classe:
    return get_object_or_404(classes_visible(user).select_related("formation"), pk=pk)


def document_for(user, pk) -> Document:
    return get_object_or_404(documents_visible(user).select_related("apprenant", "lot"), pk=pk)


def lots_visible(user) -> QuerySet[Lot]:
    """A classe's lots for those who see the classe; a learner's lot for those who see that kind of their
    documents (a learner: the lots of their own that they requested or may see)."""
    q = Q(classe__in=classes_visible(user).values("pk"))
    personnel = _apprenants_personnel(user)
    if personnel is not None:
        q |= Q(apprenant__in=Apprenant.objects.filter(personnel).values("pk"))
    if user.has_role(Role.APPRENANT):
        q |= Q(apprenant__user=user, kind__in=kinds_apprenant())
    return Lot.objects.filter(q)


def lot_for(user, pk) -> Lot:
    return get_object_or_404(lots_visible(user).select_related("classe", "apprenant", "requested_by"), pk=pk)
