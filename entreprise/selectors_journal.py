"""Reads on the journal de bord. Lists run a fixed number of queries whatever their length.

A tutor reads the company side only: the entries of the contracts they supervise, their versions, the evidence
and the tutors' opinions; the formateurs' comments stay on the centre's side."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from referentiels.models import Tache
from scolarite.models import Apprenant, Inscription
from scolarite.selectors import sees_all

from .models import Contrat, EntreeAvis, EntreeJournal, EntreeTache, EntreeVersion, Periode, Preuve

A_TRAITER = (EntreeJournal.Statut.A_VALIDER, EntreeJournal.Statut.A_REVOIR)


def entrees_visible(user: User) -> QuerySet[EntreeJournal]:
    """The learner's own entries, those of the contracts a tutor supervises, those of the learners of a
    formateur's classes; every entry for the direction and the inspection."""
    if sees_all(user):
        return EntreeJournal.objects.all()
    visible = Q(pk__in=[])
    if user.has_role(Role.APPRENANT):
        visible |= Q(apprenant__user=user)
    if user.has_role(Role.TUTEUR):
        visible |= Q(contrat__in=Contrat.objects.filter(tuteurs__user=user).values("pk"))
    if user.has_role(Role.FORMATEUR):
        visible |= Q(apprenant__in=Inscription.objects.filter(classe__formateurs=user).values("apprenant_id"))
    return EntreeJournal.objects.filter(visible)


def voit_cote_centre(user: User, entree: EntreeJournal) -> bool:
    """Whether `user` reads the entry from the centre's side (formateurs' comments included): everyone who
    may see it but a tutor who is nothing else."""
    return (sees_all(user) or user.has_role(Role.FORMATEUR) or entree.apprenant.user_id == user.pk)


def duree_label(minutes: int | None) -> str:
    if not minutes:
        return ""
    heures, reste = divmod(minutes, 60)
    if not heures:
        return f"{reste} min"
    return f"{heures} h {reste:02d}" if reste else f"{heures} h"


def _with_contenu(entrees: QuerySet[EntreeJournal]) -> QuerySet[EntreeJournal]:
    """What a row shows: the current version with its author and tasks, and the evidence (three queries)."""
    return entrees.select_related("version_courante__auteur", "apprenant", "contrat__entreprise").prefetch_related(
        Prefetch("version_courante__tache_links", queryset=EntreeTache.objects.select_related("tache")
                 .order_by("tache__code"), to_attr="taches"),
        Prefetch("preuves", queryset=Preuve.objects.order_by("at", "pk"), to_attr="liste_preuves"),
    )


def _decorate(entrees: list[EntreeJournal]) -> list[EntreeJournal]:
    for entree in entrees:
        version = entree.version_courante
        entree.texte = version.texte if version else ""
        entree.duree = duree_label(version.duree_minutes if version else None)
        entree.taches = [link.tache for link in getattr(version, "taches", [])]
    return entrees


def journal_of(apprenant: Apprenant, *, user: User) -> list[EntreeJournal]:
    """A learner's entries `user` may see, newest first: four queries."""
    entrees = entrees_visible(user).filter(apprenant=apprenant)
    return _decorate(list(_with_contenu(entrees).order_by("-date", "-pk")))


def entree_row(pk: int) -> EntreeJournal:
    """One entry as a list shows it (after the tutor's decision, swapped in place): four queries."""
    return _decorate([_with_contenu(EntreeJournal.objects.filter(pk=pk)).get()])[0]


def journal_a_valider_par_tuteur(user: User) -> dict[int, int]:
    """{contract id: entries waiting for the tutor's validation} for the contracts `user` supervises, contracts
    with nothing waiting left out: one query. For the tutor's home."""
    rows = (EntreeJournal.objects.filter(contrat__tuteurs__user=user, statut=EntreeJournal.Statut.A_VALIDER)
            .values("contrat_id").annotate(n=Count("pk", distinct=True)).order_by())
    return {row["contrat_id"]: row["n"] for row in rows}


def journal_tuteur(user: User, *, day: datetime.date | None = None) -> list[Contrat]:
    """The tutor's page: each contract they supervise that runs, is to come or still has entries waiting, with
    `a_traiter` (entries to validate or sent back for changes, oldest first) and `n_a_valider`: five queries."""
    day = day or timezone.localdate()
    waiting = (EntreeJournal.objects.filter(statut__in=A_TRAITER, contrat__tuteurs__user=user))
    contrats = (Contrat.objects.filter(tuteurs__user=user)
                .filter(Q(fin__gte=day, rompu_le__isnull=True) | Q(rompu_le__gt=day)
                        | Q(pk__in=waiting.values("contrat_id")))
                .select_related("apprenant", "entreprise")
                .prefetch_related(Prefetch("journal", queryset=_with_contenu(
                    EntreeJournal.objects.filter(statut__in=A_TRAITER)).order_by("date", "pk"), to_attr="a_traiter"))
                .order_by("apprenant__nom", "apprenant__prenom", "debut"))
    contrats = list(contrats)
    for contrat in contrats:
        _decorate(contrat.a_traiter)
        contrat.n_a_valider = sum(1 for e in contrat.a_traiter if e.statut == EntreeJournal.Statut.A_VALIDER)
    return contrats


def referentiel_ids_of(apprenant: Apprenant, day: datetime.date) -> list[int]:
    """The référentiels the learner follows on `day` (their open inscriptions' classes)."""
    return list(Inscription.objects.filter(Q(apprenant=apprenant, debut__lte=day)
                                           & (Q(fin__isnull=True) | Q(fin__gte=day)))
                .values_list("classe__formation__referentiel_id", flat=True).distinct())


def taches_pour(apprenant: Apprenant, day: datetime.date | None = None) -> QuerySet[Tache]:
    """The RAP tasks a learner may tick: those of the référentiel of their classe(s) on `day`."""
    day = day or timezone.localdate()
    return (Tache.objects.filter(referentiel_id__in=referentiel_ids_of(apprenant, day))
            .select_related("activite").order_by("activite__rang", "rang"))


def periodes_entreprise_of(apprenant: Apprenant, *, day: datetime.date | None = None) -> list[Periode]:
    """The company periods of the learner's classes this school year around `day`, for the form's hint."""
    day = day or timezone.localdate()
    inscrit = Q(classe__inscriptions__apprenant=apprenant, classe__inscriptions__debut__lte=day) & (
        Q(classe__inscriptions__fin__isnull=True) | Q(classe__inscriptions__fin__gte=day))
    recent = day - datetime.timedelta(days=60)
    return list(Periode.objects.filter(inscrit, lieu=Periode.Lieu.ENTREPRISE, fin__gte=recent)
                .distinct().order_by("debut")[:6])


def _changes(previous: EntreeVersion | None, version: EntreeVersion) -> list[str]:
    if previous is None:
        return ["Première version."]
    changes = []
    if previous.date != version.date:
        changes.append(f"Date : {previous.date:%d/%m/%Y} → {version.date:%d/%m/%Y}.")
    if previous.texte != version.texte:
        changes.append("Texte modifié.")
    if previous.duree_minutes != version.duree_minutes:
        changes.append(f"Durée : {duree_label(previous.duree_minutes) or 'non indiquée'} → "
                       f"{duree_label(version.duree_minutes) or 'non indiquée'}.")
    before, after = {t.code for t in previous.taches}, {t.code for t in version.taches}
    if after - before:
        changes.append(f"Tâches ajoutées : {', '.join(sorted(after - before))}.")
    if before - after:
        changes.append(f"Tâches retirées : {', '.join(sorted(before - after))}.")
    if version.nouvelles_preuves:
        changes.append(f"Preuves ajoutées : {', '.join(p.nom for p in version.nouvelles_preuves)}.")
    return changes or ["Aucun changement visible."]


def entree_historique(entree: EntreeJournal, *, cote_centre: bool) -> dict:
    """The entry's versions, oldest first, each with its author, tasks, evidence added, what changed since the
    previous one and the opinions given on it; the formateurs' comments only for the centre's side: four
    queries."""
    avis = EntreeAvis.objects.filter(entree=entree).select_related("auteur", "version").order_by("at", "pk")
    if not cote_centre:
        avis = avis.exclude(role=Role.FORMATEUR)
    versions = list(entree.versions.select_related("auteur").prefetch_related(
        Prefetch("tache_links", queryset=EntreeTache.objects.select_related("tache").order_by("tache__code"),
                 to_attr="liens_taches"),
        Prefetch("preuves", queryset=Preuve.objects.order_by("at", "pk"), to_attr="nouvelles_preuves"),
        Prefetch("avis", queryset=avis, to_attr="liste_avis"),
    ).order_by("numero"))
    previous = None
    for version in versions:
        version.taches = [link.tache for link in version.liens_taches]
        version.duree = duree_label(version.duree_minutes)
        version.changements = _changes(previous, version)
        version.validee = any(a.action == EntreeAvis.Action.VALIDATION for a in version.liste_avis)
        previous = version
    courante = versions[-1] if versions else None
    return {
        "versions": versions,
        "courante": courante,
        "preuves": [preuve for version in versions for preuve in version.nouvelles_preuves],
        "avis": [a for version in versions for a in version.liste_avis],
    }
