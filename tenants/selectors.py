import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from .annees import annee_scolaire_bounds, annee_scolaire_of
from .models import Abonnement, Domain, Etablissement


def etablissement_list() -> list[Etablissement]:
    return list(
        Etablissement.objects.exclude(schema_name=get_public_schema_name())
        .prefetch_related("domains")
        .order_by("name")
    )


def domain_base_url(domain: str) -> str:
    port = f":{settings.CPRO_PORT}" if settings.CPRO_PORT else ""
    return f"{settings.CPRO_SCHEME}://{domain}{port}/"


def etablissement_base_url(etablissement: Etablissement) -> str:
    domain = Domain.objects.filter(tenant=etablissement, is_primary=True).values_list("domain", flat=True).first()
    return domain_base_url(domain or settings.CPRO_BASE_DOMAIN)


@dataclass(frozen=True)
class Couverture:
    """What an establishment's subscription covers on a given day."""

    actif: bool
    annee_scolaire: int  # the school year of `day`
    abonnement: Abonnement | None  # that year's subscription, if any
    fin: datetime.date | None  # last day covered by the latest subscription
    referentiel_codes: frozenset[str]


def abonnement_couverture(etablissement: Etablissement, *, day: datetime.date | None = None) -> Couverture:
    """Ordered or paid subscriptions cover their school year; a cancelled one covers nothing. Two queries."""
    day = day or timezone.localdate()
    annee = annee_scolaire_of(day)
    valid = Abonnement.objects.filter(etablissement_id=etablissement.pk).exclude(statut=Abonnement.Statut.ANNULE)
    latest = valid.order_by("-annee_scolaire").values_list("annee_scolaire", flat=True).first()
    courant = valid.filter(annee_scolaire=annee).prefetch_related("lignes").first()
    codes = frozenset(line.referentiel_code for line in courant.lignes.all()) if courant else frozenset()
    return Couverture(
        actif=courant is not None,
        annee_scolaire=annee,
        abonnement=courant,
        fin=annee_scolaire_bounds(latest)[1] if latest is not None else None,
        referentiel_codes=codes,
    )


def referentiel_souscrit(etablissement: Etablissement, code: str, *, day: datetime.date | None = None) -> bool:
    return code in abonnement_couverture(etablissement, day=day).referentiel_codes
