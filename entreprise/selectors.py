"""Reads on companies, tuteurs and contracts. Lists run a fixed number of queries whatever their length."""

import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from scolarite.models import Inscription
from scolarite.selectors import apprenants_visible

from .models import Contrat, Entreprise, Tuteur
from .validators import siret_normalize

ETATS = {
    "en_cours": "En cours",
    "a_venir": "À venir",
    "termines": "Terminés",
    "rompus": "Rompus",
    "tous": "Tous",
}


def contrats_en_cours(day: datetime.date | None = None, prefix: str = "") -> Q:
    """Contracts running on `day`: started, not over, not broken (a contract broken on a day ends that day)."""
    day = day or timezone.localdate()
    return (Q(**{f"{prefix}debut__lte": day, f"{prefix}fin__gte": day})
            & (Q(**{f"{prefix}rompu_le__isnull": True}) | Q(**{f"{prefix}rompu_le__gt": day})))


def _etat_filter(etat: str, day: datetime.date) -> Q:
    if etat == "en_cours":
        return contrats_en_cours(day)
    if etat == "a_venir":
        return Q(debut__gt=day, rompu_le__isnull=True)
    if etat == "termines":
        return Q(fin__lt=day, rompu_le__isnull=True)
    if etat == "rompus":
        return Q(rompu_le__isnull=False)
    return Q()


def contrat_fin_effective(contrat: Contrat) -> datetime.date:
    """The last day the contract runs: its end, or the day before its rupture."""
    if contrat.rompu_le is not None:
        return min(contrat.fin, contrat.rompu_le - datetime.timedelta(days=1))
    return contrat.fin


def tuteur_apprentis_count(*, tuteur: Tuteur, debut: datetime.date, fin: datetime.date,
                           exclude: int | None = None) -> tuple[int, int]:
    """(ordinary, extended after a failed exam) apprenticeship contracts of `tuteur` overlapping the dates."""
    counts = _apprentissages_overlapping(tuteur=tuteur, debut=debut, fin=fin, exclude=exclude).aggregate(
        ordinary=Count("id", filter=Q(prolonge_apres_echec=False)),
        extended=Count("id", filter=Q(prolonge_apres_echec=True)))
    return counts["ordinary"], counts["extended"]


def _apprentissages_overlapping(*, tuteur: Tuteur, debut, fin, exclude=None) -> QuerySet[Contrat]:
    contrats = Contrat.objects.filter(tuteurs=tuteur, type=Contrat.Type.APPRENTISSAGE, debut__lte=fin,
                                      fin__gte=debut).filter(Q(rompu_le__isnull=True) | Q(rompu_le__gt=debut))
    if exclude is not None:
        contrats = contrats.exclude(pk=exclude)
    return contrats


def tuteur_charge_max(*, tuteur: Tuteur, debut: datetime.date, fin: datetime.date,
                      exclude: int | None = None) -> list[tuple[int, int]]:
    """(ordinary, extended) apprenticeships `tuteur` supervises at once, on each day of [debut, fin] where a
    contract starts: the days when the load can peak. Two contracts one after the other are not two at once."""
    spans = [(c.debut, contrat_fin_effective(c), c.prolonge_apres_echec)
             for c in _apprentissages_overlapping(tuteur=tuteur, debut=debut, fin=fin, exclude=exclude)
             .only("debut", "fin", "rompu_le", "prolonge_apres_echec")]
    days = {debut} | {start for start, _, _ in spans if debut < start <= fin}
    loads = []
    for day in sorted(days):
        running = [extended for start, end, extended in spans if start <= day <= end]
        loads.append((running.count(False), running.count(True)))
    return loads


def entreprise_search(query: str = "") -> Q:
    """By name, town or postcode (contains), or SIRET (its beginning: the SIREN finds every establishment)."""
    query = (query or "").strip()
    if not query:
        return Q()
    found = Q(raison_sociale__icontains=query) | Q(ville__icontains=query) | Q(code_postal__startswith=query)
    digits = siret_normalize(query)
    if digits.isdigit():
        found |= Q(siret__startswith=digits)
    return found


def entreprise_list(*, query: str = "") -> list[Entreprise]:
    """Companies with their number of tuteurs and of current contracts: one query."""
    entreprises = Entreprise.objects.filter(entreprise_search(query)).annotate(
        n_tuteurs=Count("tuteurs", distinct=True),
        n_contrats=Count("contrats", filter=contrats_en_cours(prefix="contrats__"), distinct=True),
    )
    return list(entreprises.order_by("raison_sociale", "pk"))


def tuteurs_of(entreprise: Entreprise) -> list[Tuteur]:
    """The company's tuteurs, each with the number of apprentices they supervise today and their account."""
    return list(entreprise.tuteurs.select_related("user").annotate(
        n_apprentis=Count("contrats", filter=contrats_en_cours(prefix="contrats__")
                          & Q(contrats__type=Contrat.Type.APPRENTISSAGE), distinct=True),
    ).order_by("nom", "prenom"))


def _contrats_rows(contrats: QuerySet[Contrat]) -> QuerySet[Contrat]:
    return contrats.select_related("apprenant", "entreprise").prefetch_related(
        Prefetch("tuteurs", queryset=Tuteur.objects.order_by("nom", "prenom")))


def entreprise_detail(entreprise: Entreprise, *, user: User | None = None) -> dict:
    """Its tuteurs, and the contracts `user` may see (all of them without a user): three queries."""
    contrats = contrats_visible(user) if user is not None else Contrat.objects.all()
    return {
        "tuteurs": tuteurs_of(entreprise),
        "contrats": list(_contrats_rows(contrats.filter(entreprise=entreprise)).order_by("-debut", "-pk")),
    }


def contrats_of(apprenant) -> list[Contrat]:
    """A learner's contracts and agreements, oldest first (their file, transfers)."""
    return list(apprenant.contrats.select_related("entreprise").prefetch_related("tuteurs").order_by("debut"))


def contrats_visible(user: User) -> QuerySet[Contrat]:
    """Direction and inspection see every contract; a formateur those of the learners of their classes;
    a tuteur those they supervise."""
    if user.has_role(Role.DIRECTION) or user.has_role(Role.INSPECTEUR):
        return Contrat.objects.all()
    visible = Q(pk__in=[])
    if user.has_role(Role.FORMATEUR):
        visible |= Q(apprenant__in=apprenants_visible(user))
    if user.has_role(Role.TUTEUR):
        visible |= Q(pk__in=Contrat.objects.filter(tuteurs__user=user).values("pk"))
    return Contrat.objects.filter(visible)


def contrat_list(*, user: User, etat: str = "en_cours", type: str = "", query: str = "",
                 day: datetime.date | None = None) -> list[Contrat]:
    """Contracts `user` may see, filtered by state, type and a learner's or company's name: two queries."""
    day = day or timezone.localdate()
    contrats = contrats_visible(user).filter(_etat_filter(etat, day))
    if type in Contrat.Type.values:
        contrats = contrats.filter(type=type)
    query = (query or "").strip()
    if query:
        contrats = contrats.filter(Q(apprenant__nom__icontains=query) | Q(apprenant__prenom__icontains=query)
                                   | Q(entreprise__raison_sociale__icontains=query) | Q(numero=query))
    return list(_contrats_rows(contrats).order_by("apprenant__nom", "apprenant__prenom", "-debut", "pk"))


def tuteur_contrats(user: User, *, day: datetime.date | None = None) -> list[Contrat]:
    """What a tuteur's home shows: contracts they supervise, running or to come, with the learner's current
    classe: three queries."""
    day = day or timezone.localdate()
    current = Inscription.objects.filter(Q(debut__lte=day) & (Q(fin__isnull=True) | Q(fin__gte=day)))
    # One Tuteur per account (one-to-one), so the join yields each contract once.
    contrats = (Contrat.objects.filter(tuteurs__user=user).filter(contrats_en_cours(day) | _etat_filter("a_venir", day))
                .select_related("apprenant", "entreprise")
                .prefetch_related(Prefetch("apprenant__inscriptions", queryset=current.select_related("classe"),
                                           to_attr="inscriptions_courantes")))
    return list(contrats.order_by("debut", "apprenant__nom", "apprenant__prenom"))


def tuteur_accueil(user: User, *, day: datetime.date | None = None) -> list[Contrat]:
    """The tuteur's home: each apprentice with what awaits the tuteur (journal entries to validate, bilans
    entreprise to confirm) and the
    last visit or contact of the centre; the company period running or next. A fixed number of queries."""
    from .models import Periode
    from .selectors_bilan import bilans_a_confirmer_par_tuteur
    from .selectors_journal import journal_a_valider_par_tuteur

    day = day or timezone.localdate()
    contrats = tuteur_contrats(user, day=day)
    ids = [c.pk for c in contrats]
    waiting = journal_a_valider_par_tuteur(user)
    bilans: dict[int, list] = {}
    for bilan in bilans_a_confirmer_par_tuteur(user).filter(contrat_id__in=ids).order_by("date", "pk"):
        bilans.setdefault(bilan.contrat_id, []).append(bilan)
    last_visits = dict(Contrat.objects.filter(pk__in=ids).annotate(derniere=Max("visites__date"))
                       .values_list("pk", "derniere"))
    classe_ids = {i.classe_id for c in contrats for i in c.apprenant.inscriptions_courantes}
    periodes: dict[int, Periode] = {}
    for periode in Periode.objects.filter(classe_id__in=classe_ids, lieu=Periode.Lieu.ENTREPRISE,
                                          fin__gte=day).order_by("debut"):
        periodes.setdefault(periode.classe_id, periode)
    for contrat in contrats:
        contrat.journal_a_valider = waiting.get(contrat.pk, 0)
        contrat.bilans_a_confirmer = bilans.get(contrat.pk, [])
        contrat.derniere_visite = last_visits.get(contrat.pk)
        contrat.periode_entreprise = next((periodes[i.classe_id] for i in contrat.apprenant.inscriptions_courantes
                                           if i.classe_id in periodes), None)
    return contrats


def entreprises_visible(user: User) -> QuerySet[Entreprise]:
    """Direction and inspection manage or read every company; formateurs read them all too (they prepare the
    periods in company); a tuteur knows their own."""
    if any(user.has_role(role) for role in (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)):
        return Entreprise.objects.all()
    if user.has_role(Role.TUTEUR):
        return Entreprise.objects.filter(tuteurs__user=user)
    return Entreprise.objects.none()
