"""Reads on the formateur's company visits and contacts with the tutor. Lists run a fixed number of queries
whatever their length."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from scolarite.models import Classe, Inscription
from scolarite.selectors import apprenants_visible, classes_visible, sees_all
from tenants.annees import annee_scolaire_of

from .models import Contrat, Tuteur, Visite
from .selectors import contrats_en_cours

SEMAINES_DEFAUT = 8
SEMAINES_MAX = 52


def _inscription_ouverte(day: datetime.date, prefix: str = "") -> Q:
    """An inscription that has not ended by `day` (open, or closing later): its formateurs follow the learner."""
    return Q(**{f"{prefix}fin__isnull": True}) | Q(**{f"{prefix}fin__gte": day})


def _inscription_courante(day: datetime.date) -> Q:
    return Q(debut__lte=day) & _inscription_ouverte(day)


def contrats_visites_visible(user: User) -> QuerySet[Contrat]:
    """The contracts whose visits `user` may read: all of them for direction and inspection, those of the
    learners of their classes for a formateur, none for anyone else (a tutor's pages say what awaits them,
    not the centre's notes)."""
    if sees_all(user):
        return Contrat.objects.all()
    if user.has_role(Role.FORMATEUR):
        return Contrat.objects.filter(apprenant__in=apprenants_visible(user))
    return Contrat.objects.none()


def visite_peut_enregistrer(user: User, contrat: Contrat, *, day: datetime.date | None = None) -> bool:
    """The direction, or a formateur of a classe where the learner's inscription is still open: one query at most.
    Inspection reads only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.DIRECTION):
        return True
    if not user.has_role(Role.FORMATEUR):
        return False
    day = day or timezone.localdate()
    return Inscription.objects.filter(_inscription_ouverte(day), apprenant_id=contrat.apprenant_id,
                                      classe__formateurs=user).exists()


def visites_of(contrat: Contrat) -> list[Visite]:
    """The visits and contacts of a contract, newest first, with their author: one query."""
    return list(contrat.visites.select_related("auteur").order_by("-date", "-id"))


def visite_derniere_par_contrat(contrats) -> dict[int, Visite]:
    """contract pk → its latest visit or contact, for contracts that have one (a tutor's home: "last visit on…").
    `contrats` are contracts or their pks; one query (PostgreSQL's DISTINCT ON)."""
    ids = [getattr(contrat, "pk", contrat) for contrat in contrats]
    if not ids:
        return {}
    latest = (Visite.objects.filter(contrat_id__in=ids).order_by("contrat_id", "-date", "-id")
              .distinct("contrat_id"))
    return {visite.contrat_id: visite for visite in latest}


@dataclass
class SuiviLigne:
    """A learner of a classe with a running contract, and their last visit or contact on it."""

    inscription: Inscription
    contrat: Contrat
    derniere: datetime.date | None
    nb_visites: int
    a_relancer: bool  # no visit nor contact in the last N weeks

    @property
    def apprenant(self):
        return self.inscription.apprenant

    @property
    def classe(self) -> Classe:
        return self.inscription.classe


@dataclass
class SuiviClasse:
    classe: Classe
    lignes: list[SuiviLigne]

    @property
    def nb_a_relancer(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.a_relancer)


def suivi_classes_choix(user: User, *, day: datetime.date | None = None) -> list[Classe]:
    """The classes of the current school year `user` may choose on the follow-up pages: one query."""
    day = day or timezone.localdate()
    return list(classes_visible(user).filter(annee_scolaire=annee_scolaire_of(day)).order_by("code"))


def suivi_visites(*, user: User, classe: Classe | None = None, semaines: int = SEMAINES_DEFAUT,
                  seulement_a_relancer: bool = False, day: datetime.date | None = None) -> list[SuiviClasse]:
    """Per classe `user` may see (or only `classe`), each learner enrolled today who has a running contract
    (apprenticeship, PFMP or internship), the date of the last visit or contact on it and whether none happened
    in the last `semaines` weeks. Three queries whatever the number of learners."""
    day = day or timezone.localdate()
    semaines = max(1, min(int(semaines), SEMAINES_MAX))
    depuis = day - datetime.timedelta(weeks=semaines)
    inscriptions = Inscription.objects.filter(_inscription_courante(day), classe__in=classes_visible(user))
    if classe is not None:
        inscriptions = inscriptions.filter(classe=classe)
    inscriptions = list(inscriptions.select_related("apprenant", "classe"))
    if not inscriptions:
        return []
    par_apprenant = {inscription.apprenant_id: inscription for inscription in inscriptions}
    contrats = (Contrat.objects.filter(contrats_en_cours(day), apprenant_id__in=list(par_apprenant))
                .select_related("entreprise")
                .prefetch_related(Prefetch("tuteurs", queryset=Tuteur.objects.order_by("nom", "prenom")))
                .annotate(derniere_visite=Max("visites__date", filter=Q(visites__date__lte=day)),
                          nb_visites=Count("visites", filter=Q(visites__date__lte=day)))
                .order_by("debut", "pk"))
    groupes: dict[int, SuiviClasse] = {}
    for contrat in contrats:
        inscription = par_apprenant[contrat.apprenant_id]
        contrat.apprenant = inscription.apprenant  # already fetched: no query per row in the template
        a_relancer = contrat.derniere_visite is None or contrat.derniere_visite < depuis
        if seulement_a_relancer and not a_relancer:
            continue
        groupe = groupes.setdefault(inscription.classe_id, SuiviClasse(inscription.classe, []))
        groupe.lignes.append(SuiviLigne(inscription, contrat, contrat.derniere_visite, contrat.nb_visites,
                                        a_relancer))
    for groupe in groupes.values():
        groupe.lignes.sort(key=lambda ligne: (not ligne.a_relancer, ligne.apprenant.nom, ligne.apprenant.prenom,
                                              ligne.contrat.pk))
    return sorted(groupes.values(), key=lambda groupe: (groupe.classe.code, groupe.classe.pk))
