"""Reads on the bilans entreprise: a fixed number of queries whatever the number of criteria or entries."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.roles import Role
from evaluations.models import Echelle, Evaluation
from evaluations.selectors_grille import echelle_version_for
from scolarite.models import Apprenant
from scolarite.selectors import classes_visible

from .models import Periode
from .models_bilan import BilanCritere, BilanEntreprise, BilanSaisie


@dataclass
class LigneBilan:
    lien: BilanCritere  # the criterion, with its competency
    saisie: BilanSaisie | None  # the current value (latest entry)
    n_saisies: int


@dataclass
class GroupeBilan:
    competence: object
    lignes: list[LigneBilan]


def bilan_contenu(bilan: BilanEntreprise) -> dict:
    """The bilan's criteria grouped by competency, each with its current value, the scale's choices and the full
    history of entries (oldest first): six queries."""
    liens = list(bilan.critere_links.select_related("critere__competence").order_by("rang", "id"))
    saisies = list(BilanSaisie.objects.filter(bilan=bilan).select_related("niveau", "etat", "auteur")
                   .order_by("at", "id"))
    courantes, comptes = {}, {}
    for saisie in saisies:
        courantes[saisie.critere_id] = saisie
        comptes[saisie.critere_id] = comptes.get(saisie.critere_id, 0) + 1
    groupes: list[GroupeBilan] = []
    for lien in liens:
        ligne = LigneBilan(lien, courantes.get(lien.critere_id), comptes.get(lien.critere_id, 0))
        if groupes and groupes[-1].competence.pk == lien.critere.competence_id:
            groupes[-1].lignes.append(ligne)
        else:
            groupes.append(GroupeBilan(lien.critere.competence, [ligne]))
    codes = {lien.critere_id: lien.critere.code for lien in liens}
    for saisie in saisies:
        saisie.critere_code = codes.get(saisie.critere_id, "")
    version = echelle_version_for(Echelle.Portee.ENTREPRISE)
    remplis = sum(1 for s in courantes.values() if s.niveau_id or s.etat_id)
    niveaux = list(version.niveaux.all()) if version else []
    etats = list(version.etats.all()) if version else []
    return {
        "groupes": groupes, "historique": saisies, "derniere_saisie": saisies[-1].pk if saisies else "",
        "niveaux": niveaux, "etats": etats, "n_colonnes": len(niveaux) + len(etats) + 2,
        "n_criteres": len(liens), "n_remplis": remplis,
    }


def bilan_of(apprenant: Apprenant, periode: Periode, *, user: User) -> BilanEntreprise | None:
    """The learner's bilan of the period, for the staff of the classe or its tutor: one query."""
    bilan = BilanEntreprise.objects.filter(apprenant=apprenant, periode=periode).select_related("tuteur").first()
    if bilan is None or (user.has_role(Role.TUTEUR) and bilan.tuteur.user_id == user.pk):
        return bilan
    return bilan if classes_visible(user).filter(pk=periode.classe_id).exists() else None


def bilans_a_confirmer_par_tuteur(user: User) -> QuerySet[BilanEntreprise]:
    """Bilans the tutor still has to confirm: the formateur's part is done or under way, theirs is not."""
    return BilanEntreprise.objects.filter(tuteur__user=user, valide_le__isnull=True, confirme_tuteur_le__isnull=True)


def bilans_entreprise_of(apprenant: Apprenant) -> list[BilanEntreprise]:
    """The learner's confirmed bilans, newest first, each with its evaluation events (criterion, level, state,
    authors): two queries. Drafts are not results yet."""
    events = Evaluation.objects.select_related("critere", "niveau", "etat", "auteur", "coauteur").order_by(
        "critere__rang", "id")
    return list(BilanEntreprise.objects.filter(apprenant=apprenant, valide_le__isnull=False)
                .select_related("contrat__entreprise", "periode", "tuteur")
                .prefetch_related(Prefetch("evaluations", queryset=events)).order_by("-date", "-id"))
