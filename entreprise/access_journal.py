"""Fetch a journal entry, a piece of evidence or a contract's journal a person may see, or 404: an entry one has
no business with does not exist (nor does one of another establishment: it lives in another schema).

Who sees an entry: the learner themself, the tutor(s) of its contract, the formateurs of the learner's classes,
the direction and the inspection (these two read only: the views refuse them every write)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.roles import Role
from scolarite.models import Apprenant
from scolarite.selectors import apprenants_visible

from .models import Contrat, EntreeJournal, Preuve
from .selectors_journal import entrees_visible


def entree_get_for(user, pk) -> EntreeJournal:
    entrees = entrees_visible(user).select_related("apprenant", "contrat__entreprise", "version_courante__auteur")
    return get_object_or_404(entrees, pk=pk)


def preuve_get_for(user, pk) -> Preuve:
    return get_object_or_404(Preuve.objects.filter(entree__in=entrees_visible(user).values("pk")), pk=pk)


def apprenant_of(user) -> Apprenant | None:
    """The learner file of an apprenant's account (None when the direction has not linked one yet)."""
    if not user.has_role(Role.APPRENANT):
        return None
    return Apprenant.objects.filter(user=user).first()


def contrat_tuteur_get_for(user, pk) -> Contrat:
    """A contract `user` is tutor of: the only ones a tutor may write an entry for."""
    contrats = Contrat.objects.filter(tuteurs__user=user).select_related("apprenant", "entreprise")
    return get_object_or_404(contrats, pk=pk)


def apprenant_journal_get_for(user, pk) -> Apprenant:
    """A learner whose journal `user` may read: theirs, one of their classes', one they are tutor of, or any
    for the direction and the inspection."""
    visible = Q(pk__in=apprenants_visible(user).values("pk"))
    if user.has_role(Role.TUTEUR):
        visible |= Q(pk__in=Contrat.objects.filter(tuteurs__user=user).values("apprenant_id"))
    return get_object_or_404(Apprenant.objects.filter(visible), pk=pk)
