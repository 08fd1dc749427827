"""Reads and the arithmetic of the CCF grid (docs/ccf.md « Barème et note proposée »).

The proposed grade is never a mean of levels: each competency earns its barème points times its level's value,
and the grade is those points brought back to 20 over the competencies actually evaluated."""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from referentiels.models import Competence, Critere, EpreuveCompetence
from scolarite.models import Apprenant

from .models import Echelle, EchelleVersion, Situation
from .models_ccf import GrilleCCF, GrilleCCFLigne
from .selectors import echelle_current_version
from .selectors_grille import echelle_version_for, situation_apprenants

ECHELLE_CODE = "maitrise"  # the grid's levels: NM, IM, M, BM, or NE (docs/ccf.md)
NOTE_MAX = 20
BAREME_TOTAL = Decimal(20)  # the épreuve out of 20 when the catalogue gives no points
AJUSTEMENT_MAX = Decimal(2)
CENTIEME = Decimal("0.01")


def echelle_version_ccf() -> EchelleVersion | None:
    """The current version of the Maîtrise scale, else of the competency scale in use."""
    echelle = Echelle.objects.filter(code=ECHELLE_CODE).first()
    version = echelle_current_version(echelle) if echelle is not None else None
    return version or echelle_version_for(Echelle.Portee.COMPETENCE)


# --- The arithmetic ---------------------------------------------------------------------------------------------

def valeur_of(rang: int, nombre: int) -> Fraction:
    """(rang − 1) / (n − 1): NM 0, IM 1/3, M 2/3, BM 1 — by rank, as the period grade, so relabelling keeps it."""
    return Fraction(1) if nombre < 2 else Fraction(rang - 1, nombre - 1)


def arrondi(x: Fraction, unite: int) -> Decimal:
    """Half up to 1/unite (x ≥ 0), exactly."""
    return (Decimal(math.floor(x * unite + Fraction(1, 2))) / unite).quantize(Decimal(1) / unite)


def bareme_par_defaut(competence_ids: list[int], total: Decimal = BAREME_TOTAL) -> dict[int, Decimal]:
    """Equal shares of `total` points, each rounded half up to the hundredth, the few hundredths left over on the
    first competency so that the barème sums to exactly `total` (E2 of CIEL: 6.66, 6.67, 6.67)."""
    if not competence_ids:
        return {}
    part = arrondi(Fraction(total) / len(competence_ids), 100)
    points = {c: part for c in competence_ids}
    points[competence_ids[0]] += total - part * len(competence_ids)
    return points


def note_finale_of(calculee: Decimal, ajustement: Decimal) -> Decimal:
    return min(max(calculee + ajustement, Decimal(0)), Decimal(NOTE_MAX))


@dataclass
class LigneCalcul:
    ligne: GrilleCCFLigne
    valeur: Fraction | None  # None: not evaluated (NE or nothing chosen yet)

    @property
    def obtenus(self) -> Decimal | None:
        return None if self.valeur is None else arrondi(Fraction(self.ligne.points) * self.valeur, 100)

    @property
    def valeur_affichee(self) -> str:
        if self.valeur is None:
            return "—"
        return f"{self.valeur.numerator}/{self.valeur.denominator}" if self.valeur.denominator != 1 else str(
            self.valeur.numerator)


@dataclass
class Calcul:
    lignes: list[LigneCalcul] = field(default_factory=list)
    nombre_niveaux: int = 0

    @property
    def total(self) -> Decimal:
        return sum((c.ligne.points for c in self.lignes), Decimal(0))

    @property
    def evaluees(self) -> list[LigneCalcul]:
        return [c for c in self.lignes if c.valeur is not None]

    @property
    def a_choisir(self) -> list[LigneCalcul]:
        return [c for c in self.lignes if c.ligne.niveau_id is None and c.ligne.etat_id is None]

    @property
    def total_evalue(self) -> Decimal:
        return sum((c.ligne.points for c in self.evaluees), Decimal(0))

    @property
    def obtenus(self) -> Decimal:
        return arrondi(sum((Fraction(c.ligne.points) * c.valeur for c in self.evaluees), Fraction(0)), 100)

    @property
    def note_calculee(self) -> Decimal | None:
        """20 × Σ(points × valeur) / Σ points, over the evaluated competencies; None when none is evaluated (or
        their points sum to 0)."""
        total = sum((Fraction(c.ligne.points) for c in self.evaluees), Fraction(0))
        if total <= 0:
            return None
        x = NOTE_MAX * sum((Fraction(c.ligne.points) * c.valeur for c in self.evaluees), Fraction(0)) / total
        return arrondi(min(x, Fraction(NOTE_MAX)), 10)


def calcul_of(grille: GrilleCCF, lignes: list[GrilleCCFLigne] | None = None) -> Calcul:
    """The grid's arithmetic (lines given, or one query)."""
    lignes = lignes if lignes is not None else list(grille.lignes.select_related("niveau", "etat"))
    nombre = grille.version.niveaux.count() if not hasattr(grille, "nombre_niveaux") else grille.nombre_niveaux
    return Calcul([LigneCalcul(ligne, valeur_of(ligne.niveau.rang, nombre) if ligne.niveau_id else None)
                   for ligne in lignes], nombre)


def note_proposee_of(grille: GrilleCCF, calcul: Calcul) -> Decimal | None:
    if grille.verrouillee:
        return grille.note_proposee
    calculee = calcul.note_calculee
    return None if calculee is None else note_finale_of(calculee, grille.ajustement)


def ajustement_erreurs(ajustement: Decimal, justification: str) -> list[str]:
    erreurs = []
    if ajustement != ajustement.quantize(Decimal("0.1")):
        erreurs.append("L'ajustement se donne au dixième de point (1,5 ; −0,5).")
    if abs(ajustement) > AJUSTEMENT_MAX:
        erreurs.append("L'ajustement est limité à ± 2 points.")
    if ajustement and not justification:
        erreurs.append("Justifiez l'ajustement de la note proposée.")
    return erreurs


# --- Reads ------------------------------------------------------------------------------------------------------

def epreuve_competences(epreuve_id: int) -> list[Competence]:
    """The épreuve's competencies in the catalogue's order: one query."""
    links = EpreuveCompetence.objects.filter(epreuve_id=epreuve_id).select_related("competence").order_by("rang")
    return [link.competence for link in links]


def grille_lignes(grille: GrilleCCF) -> list[GrilleCCFLigne]:
    """The lines with their competency, its criteria, level and state: two queries."""
    return list(grille.lignes.select_related("competence", "niveau", "etat").prefetch_related(
        Prefetch("competence__criteres", queryset=Critere.objects.order_by("rang"))))


def grilles_base() -> QuerySet[GrilleCCF]:
    return GrilleCCF.objects.select_related(
        "situation__scenario", "situation__classe__formation", "apprenant", "version", "created_by",
        "verrouillee_par").annotate(nombre_niveaux=Count("version__niveaux", distinct=True))


def grille_versions(grille: GrilleCCF) -> list[GrilleCCF]:
    """Every version of this learner's grid in this situation, newest first: one query."""
    return list(GrilleCCF.objects.filter(situation_id=grille.situation_id, apprenant_id=grille.apprenant_id)
                .select_related("created_by", "verrouillee_par").order_by("-numero"))


def grille_derniere(grille: GrilleCCF) -> bool:
    return not GrilleCCF.objects.filter(situation_id=grille.situation_id, apprenant_id=grille.apprenant_id,
                                        numero__gt=grille.numero).exists()


@dataclass
class RangCCF:
    apprenant: Apprenant
    grille: GrilleCCF | None  # the latest version
    versions: int = 0


def situation_grilles(situation: Situation) -> list[RangCCF]:
    """Each learner of the situation with the latest version of their grid: two queries whatever the size."""
    apprenants = list(situation_apprenants(situation))
    dernieres = GrilleCCF.objects.filter(situation_id=situation.pk).values("apprenant_id").annotate(
        dernier=Max("numero"), versions=Count("id"))
    par_apprenant = {d["apprenant_id"]: d for d in dernieres}
    grilles = {}
    if par_apprenant:
        cles = Q()
        for a, d in par_apprenant.items():
            cles |= Q(apprenant_id=a, numero=d["dernier"])
        for grille in GrilleCCF.objects.filter(cles, situation_id=situation.pk).select_related("verrouillee_par"):
            grilles[grille.apprenant_id] = grille
    return [RangCCF(a, grilles.get(a.pk), par_apprenant.get(a.pk, {}).get("versions", 0)) for a in apprenants]


def grille_of_apprenant(apprenant: Apprenant, grille_id: int | None = None) -> GrilleCCF | None:
    """The given grid of the learner, else their latest locked grid, else their latest one."""
    grilles = grilles_base().filter(apprenant_id=apprenant.pk)
    if grille_id is not None:
        return grilles.filter(pk=grille_id).first()
    return (grilles.filter(verrouillee_le__isnull=False).order_by("-verrouillee_le", "-id").first()
            or grilles.order_by("-created_at", "-id").first())


def grilles_verrouillees_of(apprenant: Apprenant) -> list[GrilleCCF]:
    """For the learner: the latest locked version of each of their grids, with its lines (levels only are shown):
    three queries."""
    grilles = GrilleCCF.objects.filter(apprenant_id=apprenant.pk, verrouillee_le__isnull=False).select_related(
        "situation__scenario").order_by("situation_id", "-numero").distinct("situation_id")
    return list(GrilleCCF.objects.filter(pk__in=[g.pk for g in grilles]).select_related("situation__scenario")
                .prefetch_related(Prefetch("lignes", queryset=GrilleCCFLigne.objects.select_related(
                    "competence", "niveau", "etat"))).order_by("-situation__date", "-id"))


@dataclass
class GrilleVue:
    """What the page, the PDF and the XLSX show of a grid."""

    grille: GrilleCCF
    lignes: list[GrilleCCFLigne]
    calcul: Calcul
    epreuve: object
    referentiel: object

    @property
    def note_proposee(self) -> Decimal | None:
        return note_proposee_of(self.grille, self.calcul)

    @property
    def note_calculee(self) -> Decimal | None:
        return self.grille.note_calculee if self.grille.verrouillee else self.calcul.note_calculee


def grille_vue(grille: GrilleCCF) -> GrilleVue:
    """A grid from grilles_base() (or any with situation and version), ready to show: four queries."""
    from referentiels.models import Epreuve

    lignes = grille_lignes(grille)
    epreuve = Epreuve.objects.select_related("referentiel").filter(pk=grille.situation.epreuve_id).first()
    return GrilleVue(grille, lignes, calcul_of(grille, lignes), epreuve, epreuve.referentiel if epreuve else None)
