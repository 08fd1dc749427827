"""Reads of the fiches activités pages, each in a fixed number of queries whatever the number of learners,
periods or tasks."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from referentiels.selectors import referentiel_tree
from scolarite.models import Apprenant, Inscription

from .models import Contrat, FicheActivites, FicheRealisation, Periode
from .models_bilan import BilanEntreprise


@dataclass
class Groupe:
    """Tasks under their activity, or criteria under their competency."""

    code: str
    intitule: str
    items: list = field(default_factory=list)


def _grouper(items, parent_attr: str) -> list[Groupe]:
    groupes: dict[int, Groupe] = {}
    for item in items:
        parent = getattr(item, parent_attr)
        groupe = groupes.setdefault(parent.pk, Groupe(code=parent.code, intitule=parent.intitule))
        groupe.items.append(item)
    return list(groupes.values())


def fiche_contenu(fiche: FicheActivites, *, faites=()) -> dict:
    """The fiche's tasks grouped by activity (each marked `faite` when in `faites`) and criteria grouped by
    competency: two queries."""
    faites = {int(pk) for pk in faites}
    taches = [link.tache for link in fiche.tache_links.select_related("tache__activite").order_by("rang", "id")]
    for tache in taches:
        tache.faite = tache.pk in faites
    criteres = [link.critere for link in
                fiche.critere_links.select_related("critere__competence").order_by("rang", "id")]
    return {"activites": _grouper(taches, "activite"), "competences": _grouper(criteres, "competence"),
            "n_taches": len(taches), "n_criteres": len(criteres), "n_faites": sum(t.faite for t in taches)}


def _inscrits(periode: Periode):
    return Inscription.objects.filter(Q(fin__isnull=True) | Q(fin__gte=periode.debut), classe_id=periode.classe_id,
                                      debut__lte=periode.fin).values("apprenant_id")


@dataclass
class Suivi:
    apprenant: Apprenant
    fiche: FicheActivites | None
    realisation: FicheRealisation | None
    bilan: object = None  # the learner's bilan entreprise of the period, if opened


def periode_suivi(periode: Periode) -> dict:
    """The classe's fiche and, per learner of the period, the fiche that applies (their copy or the classe's) and
    their report with its number of tasks ticked, their bilan entreprise: four queries."""
    apprenants = list(Apprenant.objects.filter(pk__in=_inscrits(periode)).order_by("nom", "prenom", "pk"))
    fiches = list(FicheActivites.objects.filter(periode=periode).annotate(n_taches=Count("tache_links")))
    classe_fiche = next((f for f in fiches if f.apprenant_id is None), None)
    copies = {f.apprenant_id: f for f in fiches if f.apprenant_id is not None}
    realisations = {(r.fiche_id, r.apprenant_id): r for r in FicheRealisation.objects.filter(
        fiche__periode=periode).annotate(n_faites=Count("tache_links"))}
    bilans = {b.apprenant_id: b for b in BilanEntreprise.objects.filter(periode=periode)}
    lignes = []
    for apprenant in apprenants:
        fiche = copies.get(apprenant.pk, classe_fiche)
        realisation = realisations.get((fiche.pk, apprenant.pk)) if fiche else None
        lignes.append(Suivi(apprenant=apprenant, fiche=fiche, realisation=realisation,
                            bilan=bilans.get(apprenant.pk)))
    return {"fiche": classe_fiche, "lignes": lignes,
            "n_rendues": sum(1 for ligne in lignes if ligne.realisation
                             and ligne.realisation.statut == FicheRealisation.Statut.RENDUE)}


def realisation_of(fiche: FicheActivites | None, apprenant: Apprenant) -> FicheRealisation | None:
    if fiche is None:
        return None
    return (FicheRealisation.objects.filter(fiche=fiche, apprenant=apprenant).select_related("vue_par")
            .prefetch_related("tache_links").first())


def taches_faites(realisation: FicheRealisation | None) -> set[int]:
    return {link.tache_id for link in realisation.tache_links.all()} if realisation else set()


@dataclass
class LigneFiche:
    periode: Periode
    apprenant: Apprenant
    fiche: FicheActivites | None
    realisation: FicheRealisation | None


def _lignes(paires: list[tuple[Periode, Apprenant]]) -> list[LigneFiche]:
    """For (period, learner) pairs, the fiche that applies and the report: two queries."""
    periode_ids = {periode.pk for periode, _ in paires}
    fiches = list(FicheActivites.objects.filter(periode_id__in=periode_ids).annotate(n_taches=Count("tache_links")))
    par_cle = {(f.periode_id, f.apprenant_id): f for f in fiches}
    realisations = {(r.fiche_id, r.apprenant_id): r for r in FicheRealisation.objects.filter(
        fiche__periode_id__in=periode_ids).annotate(n_faites=Count("tache_links"))}
    lignes = []
    for periode, apprenant in paires:
        fiche = par_cle.get((periode.pk, apprenant.pk)) or par_cle.get((periode.pk, None))
        realisation = realisations.get((fiche.pk, apprenant.pk)) if fiche else None
        lignes.append(LigneFiche(periode=periode, apprenant=apprenant, fiche=fiche, realisation=realisation))
    return lignes


def _periodes_of(inscriptions: list[Inscription]) -> list[tuple[Periode, Apprenant]]:
    """The company periods of the classes the inscriptions cover, while enrolled: one query."""
    if not inscriptions:
        return []
    periodes = list(Periode.objects.filter(lieu=Periode.Lieu.ENTREPRISE,
                                           classe_id__in={i.classe_id for i in inscriptions})
                    .select_related("classe").order_by("debut", "pk"))
    paires = []
    for inscription in inscriptions:
        for periode in periodes:
            if (periode.classe_id == inscription.classe_id and inscription.debut <= periode.fin
                    and (inscription.fin is None or inscription.fin >= periode.debut)):
                paires.append((periode, inscription.apprenant))
    return sorted(paires, key=lambda pair: (pair[1].nom, pair[1].prenom, pair[1].pk, pair[0].debut))


def fiches_apprenant(apprenant: Apprenant) -> list[LigneFiche]:
    """The learner's company periods, each with their fiche and report: four queries."""
    inscriptions = list(Inscription.objects.filter(apprenant=apprenant).select_related("apprenant"))
    return [ligne for ligne in _lignes(_periodes_of(inscriptions)) if ligne.fiche is not None]


def fiches_tuteur(user) -> list[LigneFiche]:
    """The fiches of the tutor's apprentices (the company periods of their classes): four queries."""
    apprentis = Contrat.objects.filter(tuteurs__user=user).values("apprenant_id")
    inscriptions = list(Inscription.objects.filter(apprenant_id__in=apprentis).select_related("apprenant"))
    return [ligne for ligne in _lignes(_periodes_of(inscriptions)) if ligne.fiche is not None]


def arbre_choix(periode: Periode, *, taches=(), criteres=()):
    """The classe's référentiel tree (constant queries), with the chosen tasks and criteria marked and the
    branches holding a choice open."""
    tree = referentiel_tree(periode.classe.formation.referentiel)
    taches, criteres = {str(pk) for pk in taches}, {str(pk) for pk in criteres}
    for activite in tree.activites():
        activite.ouverte = False
        for tache in activite.taches.all():
            tache.choisie = str(tache.pk) in taches
            activite.ouverte = activite.ouverte or tache.choisie
    for competence in tree.competences:
        competence.ouverte = False
        for critere in competence.criteres.all():
            critere.choisi = str(critere.pk) in criteres
            competence.ouverte = competence.ouverte or critere.choisi
    return tree


def fiche_choix(fiche: FicheActivites | None) -> tuple[list[int], list[int]]:
    if fiche is None:
        return [], []
    return (list(fiche.tache_links.values_list("tache_id", flat=True)),
            list(fiche.critere_links.values_list("critere_id", flat=True)))


__all__ = ["arbre_choix", "fiche_choix", "fiche_contenu", "fiches_apprenant", "fiches_tuteur",
           "periode_suivi", "realisation_of", "taches_faites"]
