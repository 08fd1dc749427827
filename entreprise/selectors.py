"""Reads on companies, tuteurs and contracts."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import Contrat, Entreprise, Tuteur


def contrats_en_cours(day: datetime.date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(debut__lte=day, fin__gte=day) & (Q(rompu_le__isnull=True) | Q(rompu_le__gt=day))


def tuteur_apprentis_count(*, tuteur: Tuteur, debut: datetime.date, fin: datetime.date,
                           exclude: int | None = None) -> tuple[int, int]:
    """(ordinary, extended after a failed exam) apprenticeship contracts of `tuteur` overlapping the dates."""
    contrats = Contrat.objects.filter(tuteurs=tuteur, type=Contrat.Type.APPRENTISSAGE, debut__lte=fin,
                                      fin__gte=debut).filter(Q(rompu_le__isnull=True) | Q(rompu_le__gt=debut))
    if exclude is not None:
        contrats = contrats.exclude(pk=exclude)
    counts = contrats.aggregate(ordinary=Count("id", filter=Q(prolonge_apres_echec=False)),
                                extended=Count("id", filter=Q(prolonge_apres_echec=True)))
    return counts["ordinary"], counts["extended"]


def entreprise_list(*, query: str = "") -> list[Entreprise]:
    """Companies with their number of tuteurs and of current contracts: one query."""
    entreprises = Entreprise.objects.annotate(
        n_tuteurs=Count("tuteurs", distinct=True),
        n_contrats=Count("contrats", filter=Q(contrats__in=Contrat.objects.filter(contrats_en_cours())),
                         distinct=True),
    )
    if query:
        entreprises = entreprises.filter(Q(raison_sociale__icontains=query) | Q(siret=query.replace(" ", "")) |
                                         Q(ville__icontains=query))
    return list(entreprises.order_by("raison_sociale"))


def entreprise_detail(entreprise: Entreprise) -> dict:
    return {
        "tuteurs": list(entreprise.tuteurs.all()),
        "contrats": list(entreprise.contrats.select_related("apprenant").prefetch_related("tuteurs")),
    }


def contrats_of(apprenant) -> list[Contrat]:
    return list(apprenant.contrats.select_related("entreprise").prefetch_related("tuteurs").order_by("debut"))


def contrats_visible(user: User) -> QuerySet[Contrat]:
    """Direction and inspection see every contract; a tuteur those they supervise."""
    if user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR):
        return Contrat.objects.all()
    if user.has_role(Role.TUTEUR):
        return Contrat.objects.filter(tuteurs__user=user).distinct()
    return Contrat.objects.none()
