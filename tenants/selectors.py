import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Prefetch, Q, Value
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from referentiels.models import Referentiel

from .annees import annee_scolaire_bounds, annee_scolaire_of
from .models import PRIX_APPLICATION, PRIX_REFERENTIEL, Abonnement, Domain, Etablissement


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
    abonnement: Abonnement | None  # that year's subscription, if any (its lines are not fetched)
    fin: datetime.date | None  # active: last day of the unbroken run of years from this one; lapsed: when it ended
    referentiel_codes: frozenset[str]
    jour: datetime.date | None = None  # the day it was computed for

    @property
    def jours_restants(self) -> int | None:
        if not self.actif or self.fin is None or self.jour is None:
            return None
        return (self.fin - self.jour).days

    @property
    def expire_bientot(self) -> bool:
        """Ends within ALERTE_JOURS and nothing is ordered after it."""
        return self.jours_restants is not None and self.jours_restants <= ALERTE_JOURS


ALERTE_JOURS = 30
OUVERTURE_ANNEE_SUIVANTE = (6, 15)  # next school year can be ordered from 15 June


def abonnement_couverture(etablissement: Etablissement, *, day: datetime.date | None = None) -> Couverture:
    """Ordered or paid subscriptions cover their school year; a cancelled one covers nothing. One query."""
    day = day or timezone.localdate()
    annee = annee_scolaire_of(day)
    rows = list(
        Abonnement.objects.filter(etablissement_id=etablissement.pk)
        .exclude(statut=Abonnement.Statut.ANNULE)
        .annotate(codes=ArrayAgg("lignes__referentiel_code", filter=Q(lignes__isnull=False), default=Value([])))
        .order_by("annee_scolaire")
    )
    years = {row.annee_scolaire: row for row in rows}
    courant = years.get(annee)
    if courant is not None:
        last = annee
        while last + 1 in years:
            last += 1
        fin = annee_scolaire_bounds(last)[1]
    else:
        past = [year for year in years if year < annee]
        fin = annee_scolaire_bounds(max(past))[1] if past else None
    return Couverture(
        actif=courant is not None,
        annee_scolaire=annee,
        abonnement=courant,
        fin=fin,
        referentiel_codes=frozenset(courant.codes) if courant else frozenset(),
        jour=day,
    )


def referentiel_souscrit(etablissement: Etablissement, code: str, *, day: datetime.date | None = None) -> bool:
    return code in abonnement_couverture(etablissement, day=day).referentiel_codes


def abonnement_commande_ouverte(*, annee: int, day: datetime.date | None = None) -> bool:
    """The current school year can always be ordered (a new establishment, a lapsed one) or completed with
    référentiels; the next one from 15 June; no other."""
    day = day or timezone.localdate()
    courante = annee_scolaire_of(day)
    if annee == courante:
        return True
    return annee == courante + 1 and day >= abonnement_ouverture(annee)


def abonnement_ouverture(annee: int) -> datetime.date:
    """The first day the direction can order school year `annee` ahead: 15 June before it starts."""
    return datetime.date(annee, *OUVERTURE_ANNEE_SUIVANTE)


def abonnement_annees_commandables(*, day: datetime.date | None = None) -> list[int]:
    day = day or timezone.localdate()
    courante = annee_scolaire_of(day)
    return [annee for annee in (courante, courante + 1) if abonnement_commande_ouverte(annee=annee, day=day)]


def abonnement_prix(referentiel_codes) -> Decimal:
    """The price of a new year's order for these référentiels."""
    return PRIX_APPLICATION + PRIX_REFERENTIEL * len(set(referentiel_codes))


def abonnement_total(abonnement: Abonnement) -> Decimal:
    """Application plus every line, at the prices recorded when they were ordered (use prefetched `lignes`)."""
    return abonnement.prix_application + sum((line.prix for line in abonnement.lignes.all()), Decimal("0.00"))


def abonnement_reste_a_payer(abonnement: Abonnement) -> Decimal:
    if abonnement.statut != Abonnement.Statut.COMMANDE:
        return Decimal("0.00")
    return max(abonnement_total(abonnement) - abonnement.montant_paye, Decimal("0.00"))


@dataclass
class CommandeApercu:
    """What an order of `annee` would be: the référentiels already ordered that year, those pre-checked, and
    the price of what the choice adds (the application only when the year has no order yet)."""

    annee: int
    existant: Abonnement | None
    deja: set[str]
    initial: list[str]
    catalogue: dict[str, str]

    def total(self, choisis) -> Decimal:
        nouveaux = set(choisis) - self.deja
        return PRIX_REFERENTIEL * len(nouveaux) + (PRIX_APPLICATION if self.existant is None else Decimal("0"))

    def lignes(self, choisis) -> list[dict]:
        return [{"code": code, "intitule": intitule, "deja": code in self.deja, "coche": code in choisis}
                for code, intitule in self.catalogue.items()]

    def choix(self, codes) -> set[str]:
        """An order only adds: what the year already has stays chosen whatever the form sends."""
        return set(codes) | self.deja

    def resume(self, choisis) -> dict:
        """What the order page shows for a choice: each line, how many référentiels it adds, the price."""
        return {"existant": self.existant, "catalogue": self.lignes(choisis),
                "nouveaux": len(set(choisis) - self.deja), "total": self.total(choisis)}


def abonnement_annee_proposee(*, couverture: Couverture, commandables: list[int], demandee: int | None) -> int:
    """The year the order page opens on: the one asked for when it can be ordered, else the one a direction most
    likely wants: next year once its order is open and this year is covered, else this year (to subscribe, or
    to add a référentiel)."""
    if demandee in commandables:
        return demandee
    if couverture.actif and couverture.annee_scolaire + 1 in commandables:
        return couverture.annee_scolaire + 1
    return couverture.annee_scolaire


def abonnement_commande_apercu(etablissement: Etablissement, annee: int, couverture: Couverture) -> CommandeApercu:
    """Pre-checked: what the year already has, else what the current year covers (renewing as is is one click)."""
    existant = abonnement_en_cours(etablissement, annee)
    deja = {line.referentiel_code for line in existant.lignes.all()} if existant else set()
    catalogue = referentiel_intitules()
    initial = sorted(deja or (couverture.referentiel_codes & catalogue.keys()))
    return CommandeApercu(annee=annee, existant=existant, deja=deja, initial=initial, catalogue=catalogue)


def abonnement_en_cours(etablissement: Etablissement, annee: int) -> Abonnement | None:
    """The year's ordered or paid subscription, with its lines."""
    return (Abonnement.objects.filter(etablissement_id=etablissement.pk, annee_scolaire=annee)
            .exclude(statut=Abonnement.Statut.ANNULE).prefetch_related("lignes").first())


def abonnement_historique(etablissement: Etablissement) -> list[Abonnement]:
    """Every year, cancelled orders included, newest first, lines prefetched: two queries."""
    return list(Abonnement.objects.filter(etablissement_id=etablissement.pk)
                .prefetch_related("lignes").order_by("-annee_scolaire", "-commande_le"))


def referentiel_intitules(codes=None) -> dict[str, str]:
    """Code → intitulé of its latest version in the catalogue; every code when `codes` is None. One query."""
    rows = Referentiel.objects.order_by("code", "-version")
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    intitules: dict[str, str] = {}
    for code, intitule in rows.values_list("code", "intitule"):
        intitules.setdefault(code, intitule)
    return intitules


def operateur_etablissements(*, day: datetime.date | None = None) -> list[Etablissement]:
    """Every establishment with `abonnement_courant` (this school year's, if any) and `abonnement_suivant`
    (next year's, if ordered), lines prefetched. Three queries whatever the number of establishments."""
    day = day or timezone.localdate()
    annee = annee_scolaire_of(day)
    abonnements = (Abonnement.objects.filter(annee_scolaire__in=[annee, annee + 1])
                   .exclude(statut=Abonnement.Statut.ANNULE).prefetch_related("lignes"))
    etablissements = list(
        Etablissement.objects.exclude(schema_name=get_public_schema_name())
        .prefetch_related(Prefetch("abonnements", queryset=abonnements, to_attr="abonnements_proches"))
        .order_by("name")
    )
    for etablissement in etablissements:
        by_year = {a.annee_scolaire: a for a in etablissement.abonnements_proches}
        etablissement.abonnement_courant = by_year.get(annee)
        etablissement.abonnement_suivant = by_year.get(annee + 1)
    return etablissements
