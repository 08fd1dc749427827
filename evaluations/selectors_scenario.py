"""Reads on scénarios and situations. Lists run a fixed number of queries whatever their length."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from referentiels.models import Bloc, Competence, Critere, Tache
from scolarite.models import Apprenant, Classe
from scolarite.selectors import sees_all

from .models import Scenario, ScenarioCritere, Situation

VUES = {"miens": "Mes scénarios", "partages": "Partagés par mes collègues", "archives": "Archivés"}


def scenarios_visible(user: User) -> QuerySet[Scenario]:
    """Direction and inspection see every scenario; a formateur their own, the ones they co-write, and the ones
    colleagues share (unless archived)."""
    if sees_all(user):
        return Scenario.objects.all()
    if user.has_role(Role.FORMATEUR):
        mine = Q(auteur=user) | Q(co_auteurs=user)
        return Scenario.objects.filter(mine | Q(partage=True, archive=False)).distinct()
    return Scenario.objects.none()


def _mine(user: User) -> Q:
    return Q(auteur=user) | Q(pk__in=Scenario.co_auteurs.through.objects.filter(user=user).values("scenario_id"))


def scenario_list(*, user: User, vue: str = "miens") -> list[Scenario]:
    """One view of the scenarios a person sees, with author, co-authors, référentiel and counts: three queries.
    For direction and inspection, "partages" is every scenario not archived."""
    scenarios = scenarios_visible(user)
    if vue == "archives":
        scenarios = scenarios.filter(archive=True)
        if not sees_all(user):
            scenarios = scenarios.filter(_mine(user))
    elif vue == "partages":
        scenarios = scenarios.filter(archive=False)
        if not sees_all(user):
            scenarios = scenarios.exclude(_mine(user))
    else:
        scenarios = scenarios.filter(_mine(user), archive=False)
    scenarios = scenarios.select_related("auteur", "referentiel").prefetch_related(
        Prefetch("co_auteurs", queryset=User.objects.order_by("last_name", "first_name"))
    ).annotate(n_criteres=Count("critere_links", distinct=True), n_situations=Count("situations", distinct=True))
    return list(scenarios.order_by("-updated_at", "-id"))


@dataclass
class CompetenceChoisie:
    competence: Competence
    liens: list[ScenarioCritere] = field(default_factory=list)


@dataclass
class Liaison:
    """What a scenario targets: its criteria grouped by competence (référentiel order), the blocs those
    competences belong to, and its tasks."""

    competences: list[CompetenceChoisie]
    blocs: list[Bloc]
    taches: list[Tache]

    @property
    def n_criteres(self) -> int:
        return sum(len(choisie.liens) for choisie in self.competences)


def scenario_liaison(scenario: Scenario) -> Liaison:
    """Four queries whatever the number of criteria."""
    liens = list(scenario.critere_links.select_related("critere__competence")
                 .order_by("critere__competence__rang", "critere__rang"))
    competences: dict[int, CompetenceChoisie] = {}
    for lien in liens:
        competence = lien.critere.competence
        competences.setdefault(competence.pk, CompetenceChoisie(competence)).liens.append(lien)
    blocs = list(Bloc.objects.filter(referentiel_id=scenario.referentiel_id,
                                     competences__in=list(competences)).distinct().order_by("rang")) \
        if competences else []
    taches = list(Tache.objects.filter(pk__in=scenario.tache_links.values("tache_id"))
                  .select_related("activite").order_by("activite__rang", "rang"))
    return Liaison(competences=list(competences.values()), blocs=blocs, taches=taches)


def scenario_choix(scenario: Scenario) -> tuple[set[int], set[int], dict[int, str]]:
    """The ids of the tasks and criteria chosen, and the indicators per criterion (for the liaison form)."""
    liens = list(scenario.critere_links.values_list("critere_id", "indicateurs_reussite"))
    taches = set(scenario.tache_links.values_list("tache_id", flat=True))
    return taches, {pk for pk, _ in liens}, dict(liens)


def classes_pour_scenario(*, user: User, scenario: Scenario) -> QuerySet[Classe]:
    """The classes a formateur can run the scenario with: theirs, on the scenario's référentiel."""
    return (Classe.objects.filter(formateurs=user, formation__referentiel_id=scenario.referentiel_id)
            .select_related("formation").order_by("-annee_scolaire", "code"))


def situations_base() -> QuerySet[Situation]:
    return (Situation.objects.select_related("scenario", "classe", "created_by")
            .annotate(n_apprenants=Count("apprenants", distinct=True)))


def situation_list_classe(classe: Classe) -> list[Situation]:
    return list(situations_base().filter(classe=classe))


def situation_list_formateur(user: User, *, limit: int | None = None) -> list[Situation]:
    """Situations of the classes the formateur teaches, latest first: one query."""
    return list(situations_base().filter(classe__formateurs=user)[:limit])


def situation_list_scenario(*, scenario: Scenario, user: User) -> list[Situation]:
    situations = situations_base().filter(scenario=scenario)
    if not sees_all(user):
        situations = situations.filter(classe__formateurs=user)
    return list(situations)


def situation_apprenants(situation: Situation) -> list[Apprenant]:
    """The learners chosen, or else everyone enrolled in the classe on the situation's date."""
    chosen = list(situation.apprenants.order_by("nom", "prenom"))
    if chosen:
        return chosen
    return list(Apprenant.objects.filter(
        Q(inscriptions__fin__isnull=True) | Q(inscriptions__fin__gte=situation.date),
        inscriptions__classe=situation.classe, inscriptions__debut__lte=situation.date,
    ).distinct().order_by("nom", "prenom"))


def situation_criteres(situation: Situation) -> list[Critere]:
    return [lien.critere for lien in situation.scenario.critere_links.select_related("critere__competence")]
