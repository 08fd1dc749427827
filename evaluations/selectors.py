"""Reads on evaluation scales: a fixed number of queries whatever the number of scales, versions and levels."""

from django.db.models import Case, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When

from .models import Echelle, EchelleVersion, EtatSpecial, Niveau

# Criteria first, then competencies, then company liaison: the order of the Portee choices.
PORTEE_ORDER = Case(*(When(portee=p, then=Value(i)) for i, p in enumerate(Echelle.Portee.values)),
                    output_field=IntegerField())


def _with_content(versions: QuerySet[EchelleVersion]) -> QuerySet[EchelleVersion]:
    return versions.select_related("created_by").prefetch_related(
        Prefetch("niveaux", queryset=Niveau.objects.order_by("rang")),
        Prefetch("etats", queryset=EtatSpecial.objects.order_by("rang")),
    )


def echelle_list(*, portee: str | None = None, en_usage: bool | None = None) -> list[Echelle]:
    """Scales, each with `version_courante` (its `niveaux` and `etats` loaded): four queries."""
    latest = EchelleVersion.objects.filter(echelle=OuterRef("pk")).order_by("-numero").values("pk")[:1]
    echelles = Echelle.objects.annotate(version_courante_pk=Subquery(latest)).order_by(PORTEE_ORDER, "nom")
    if portee is not None:
        echelles = echelles.filter(portee=portee)
    if en_usage is not None:
        echelles = echelles.filter(en_usage=en_usage)
    echelles = list(echelles)
    versions = _with_content(EchelleVersion.objects.filter(pk__in=[e.version_courante_pk for e in echelles]))
    by_pk = {v.pk: v for v in versions}
    for echelle in echelles:
        echelle.version_courante = by_pk.get(echelle.version_courante_pk)
    return echelles


def echelle_current_version(echelle: Echelle) -> EchelleVersion | None:
    """The version new evaluations use (the highest numero), with its levels and states."""
    return _with_content(echelle.versions.order_by("-numero")).first()


def echelle_versions(echelle: Echelle) -> list[EchelleVersion]:
    """Every version of a scale, newest first, with their levels and states: four queries."""
    return list(_with_content(echelle.versions.order_by("-numero")))
