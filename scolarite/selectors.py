"""Reads on an establishment's school life. Lists run a fixed number of queries whatever their length."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import Apprenant, Classe, Formation, Inscription, Reglages
from .validators import ine_normalize

NIVEAUX = {3: "Niveau 3 (CAP)", 4: "Niveau 4 (bac pro, BP)", 5: "Niveau 5 (BTS)", 6: "Niveau 6 (licence)"}


def sees_all(user: User) -> bool:
    """Direction manages the establishment, inspection reads all of it."""
    return user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR)


def _open_on(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}debut__lte": day}) & (Q(**{f"{prefix}fin__isnull": True}) | Q(**{f"{prefix}fin__gte": day}))


def classes_visible(user: User) -> QuerySet[Classe]:
    """What a person may see: everything for direction and inspection, their own classes for a formateur."""
    if sees_all(user):
        return Classe.objects.all()
    if user.has_role(Role.FORMATEUR):
        return Classe.objects.filter(formateurs=user)
    return Classe.objects.none()


def classe_list(*, user: User, annee_scolaire: int | None = None) -> list[Classe]:
    """Classes with their formation, formateurs and number of learners enrolled today: three queries."""
    today = timezone.localdate()
    classes = classes_visible(user).select_related("formation__referentiel").prefetch_related(
        Prefetch("formateurs", queryset=User.objects.order_by("last_name", "first_name"))
    ).annotate(effectif=Count("inscriptions", filter=_open_on(today, "inscriptions__"), distinct=True))
    if annee_scolaire is not None:
        classes = classes.filter(annee_scolaire=annee_scolaire)
    return list(classes.order_by("-annee_scolaire", "code"))


def classe_inscriptions(classe: Classe) -> list[Inscription]:
    """Everyone who was ever in the classe, current learners first."""
    return list(
        classe.inscriptions.select_related("apprenant").order_by("fin", "apprenant__nom", "apprenant__prenom")
    )


def apprenants_visible(user: User) -> QuerySet[Apprenant]:
    if sees_all(user):
        return Apprenant.objects.all()
    if user.has_role(Role.FORMATEUR):
        return Apprenant.objects.filter(inscriptions__classe__formateurs=user).distinct()
    if user.has_role(Role.APPRENANT):
        return Apprenant.objects.filter(user=user)
    return Apprenant.objects.none()


def apprenant_list(*, user: User, query: str = "") -> list[Apprenant]:
    """Learners with their current classe: two queries."""
    today = timezone.localdate()
    apprenants = apprenants_visible(user).prefetch_related(
        Prefetch("inscriptions", queryset=Inscription.objects.filter(_open_on(today)).select_related("classe"),
                 to_attr="inscriptions_courantes")
    )
    if query:
        apprenants = apprenants.filter(Q(nom__icontains=query) | Q(prenom__icontains=query) |
                                       Q(ine=ine_normalize(query)) | Q(email__iexact=query))
    return list(apprenants.order_by("nom", "prenom"))


def apprenant_history(apprenant: Apprenant) -> list[Inscription]:
    return list(apprenant.inscriptions.select_related("classe__formation").order_by("debut", "id"))


def apprenant_find(*, ine: str = "", email: str = "") -> Apprenant | None:
    """Imports and transfers recognise a learner by INE first, then by email."""
    ine = ine_normalize(ine)
    if ine:
        found = Apprenant.objects.filter(ine=ine).first()
        if found is not None:
            return found
    if email:
        return Apprenant.objects.filter(email__iexact=email.strip()).first()
    return None


def formation_list() -> list[Formation]:
    return list(Formation.objects.select_related("referentiel").annotate(n_classes=Count("classes")))


def formateur_list_with_classes() -> list[User]:
    """Formateurs with their discipline and their classes of the current school year: two queries."""
    from tenants.annees import annee_scolaire_of

    annee = annee_scolaire_of(timezone.localdate())
    return list(
        User.objects.filter(is_active=True, roles__contains=[Role.FORMATEUR])
        .select_related("formateur")
        .prefetch_related(Prefetch("classes_enseignees", queryset=Classe.objects.filter(annee_scolaire=annee)
                                   .order_by("code"), to_attr="classes_courantes"))
        .order_by("last_name", "first_name")
    )


def reglages_get() -> Reglages:
    return Reglages.objects.filter(pk=1).first() or Reglages(pk=1)


def niveaux_enseignes() -> dict[int, str]:
    """Diploma levels to set a periodicity for: the usual ones, plus any taught here."""
    taught = set(Formation.objects.values_list("referentiel__niveau", flat=True))
    return {n: NIVEAUX.get(n, f"Niveau {n}") for n in sorted(taught | {3, 4, 5})}
