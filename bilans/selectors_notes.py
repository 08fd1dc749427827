"""Reads of the period grade (docs/bilans.md, « La note de période »): the level-to-value mapping, the default
weights from the épreuves' coefficients, the grade weights give, a bilan's grade page and a classe's grades.
Each runs a fixed number of queries.

A period grade is not an arithmetic mean of marks: it maps the formateur's validated levels to values and weighs
them; the tool proposes, the formateur decides (adjustment, justification)."""

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from referentiels.models import EpreuveCompetence
from scolarite.models import Classe

from .models import Bilan, BilanLigne
from .models_notes import AJUSTEMENT_MAX, NOTE_MAX, Note
from .selectors import nombres_de_niveaux

CENT = Decimal(100)
TOLERANCE = Decimal("0.01")  # how far from 100 % the weights may sum (typing two decimals by hand)
AJUSTEMENT_REFUS = "L'ajustement est limité à ± 2 points."


# --- The computation ---------------------------------------------------------------------------------------------

def valeur_of(rang: int, nombre: int) -> Fraction:
    """A level's value in [0, 1] by its rank among the `nombre` levels of its scale version: (rang − 1) / (n − 1),
    so NM 0, IM 1/3, M 2/3, BM 1. By rank, like « acquise », so relabelling the scale keeps the rule."""
    return Fraction(1) if nombre < 2 else Fraction(rang - 1, nombre - 1)


def _arrondi(x: Fraction, unite: int) -> Decimal:
    """Half up to 1/unite (x ≥ 0), exactly: no binary floating point on the way."""
    return Decimal(math.floor(x * unite + Fraction(1, 2))) / unite


def note_of(valeurs: dict[int, Fraction], poids: dict[int, Decimal]) -> Decimal:
    """20 × Σ(poids × valeur) / Σ poids, rounded half up to the tenth of a point (dividing by the sum, not by
    100, keeps a total typed at 99.99 % from lowering the grade)."""
    total = sum((Fraction(p) for p in poids.values()), Fraction(0))
    if total <= 0:
        return Decimal("0.0")
    x = NOTE_MAX * sum((Fraction(p) * valeurs[c] for c, p in poids.items()), Fraction(0)) / total
    return _arrondi(min(x, Fraction(NOTE_MAX)), 10)


def note_finale_of(valeur_calculee: Decimal, ajustement: Decimal) -> Decimal:
    return min(max(valeur_calculee + ajustement, Decimal(0)), Decimal(NOTE_MAX))


def pourcentages(bruts: dict[int, Fraction]) -> dict[int, Decimal]:
    """Raw weights → % with two decimals summing to exactly 100.00: each rounded half up, the remainder (a few
    hundredths) on the largest weight, the first of them in the bilan's order."""
    total = sum(bruts.values(), Fraction(0))
    if not bruts or total <= 0:
        return {}
    poids = {c: _arrondi(100 * brut / total, 100) for c, brut in bruts.items()}
    reste = CENT - sum(poids.values())
    if reste:
        plus_grand = max(poids, key=poids.get)  # max() keeps the first of equal ones
        poids[plus_grand] += reste
    return {c: p.quantize(TOLERANCE) for c, p in poids.items()}


def poids_par_defaut(referentiel_id: int, competence_ids: list[int]) -> dict[int, Decimal]:
    """The default model: each épreuve weighs its coefficient, shared equally among all its competencies (a
    competency of several épreuves adds its shares); a competency in no épreuve weighs the smallest share of the
    référentiel (it counts without outweighing any épreuve's); without any épreuve, equal weights. Then
    renormalised to 100 % over `competence_ids` (the evaluated ones) only. One query."""
    liens = list(EpreuveCompetence.objects.filter(epreuve__referentiel_id=referentiel_id)
                 .values_list("epreuve_id", "competence_id", "epreuve__coefficient"))
    taille = Counter(epreuve_id for epreuve_id, _, _ in liens)
    parts: dict[int, Fraction] = {}
    for epreuve_id, competence_id, coefficient in liens:
        parts[competence_id] = parts.get(competence_id, Fraction(0)) + Fraction(coefficient) / taille[epreuve_id]
    plus_petite = min(parts.values(), default=Fraction(1))
    return pourcentages({c: parts.get(c, plus_petite) for c in competence_ids})


def poids_erreurs(poids: dict[int, Decimal], evaluees: list[int]) -> list[str]:
    """Why these weights are refused, in French ([] when fine): one per evaluated competency, each 0 to 100 with at
    most two decimals, summing to 100 % (± 0.01)."""
    if set(poids) != set(evaluees):
        return ["Les poids doivent porter sur les compétences évaluées du bilan, et elles seules : rechargez la page."]
    erreurs = []
    if any(p < 0 or p > CENT for p in poids.values()):
        erreurs.append("Chaque poids est un pourcentage, entre 0 et 100.")
    if any(p != p.quantize(TOLERANCE) for p in poids.values()):
        erreurs.append("Les poids se donnent au centième près (par exemple 12,25).")
    total = sum(poids.values(), Decimal(0))
    if abs(total - CENT) > TOLERANCE:
        erreurs.append(f"Les poids totalisent {_fr(total)} % : ils doivent faire 100 %.")
    return erreurs


def ajustement_erreurs(ajustement: Decimal, justification: str) -> list[str]:
    if abs(ajustement) > AJUSTEMENT_MAX:
        return [AJUSTEMENT_REFUS]
    if ajustement != ajustement.quantize(Decimal("0.1")):
        return ["L'ajustement se donne au dixième de point (par exemple 1,5)."]
    if ajustement and not justification.strip():
        return ["Justifiez l'ajustement : la justification est obligatoire dès que vous modifiez la note calculée."]
    if len(justification) > 2000:
        return ["La justification dépasse 2 000 caractères."]
    return []


def _fr(nombre: Decimal) -> str:
    return f"{nombre:.2f}".replace(".", ",")


# --- A bilan's evaluated competencies ----------------------------------------------------------------------------

def lignes_of(bilan: Bilan) -> tuple[list[BilanLigne], list[BilanLigne]]:
    """(evaluated lines, each with its `valeur`; lines left out: NE or no level), in the bilan's order: two
    queries."""
    lignes = list(BilanLigne.objects.filter(bilan=bilan).select_related("niveau", "etat", "competence")
                  .order_by("rang", "id"))
    nombre = nombres_de_niveaux({bilan.version_id}).get(bilan.version_id, 0)
    evaluees = [ligne for ligne in lignes if ligne.niveau_id]
    for ligne in evaluees:
        ligne.valeur = valeur_of(ligne.niveau.rang, nombre)
    return evaluees, [ligne for ligne in lignes if not ligne.niveau_id]


def poids_of_note(note: Note) -> dict[int, Decimal]:
    return {p.competence_id: p.poids for p in note.poids.all()}


# --- A bilan's grade page ----------------------------------------------------------------------------------------

@dataclass
class NotePage:
    bilan: Bilan
    lignes: list[BilanLigne]  # evaluated, each with `valeur` and `defaut` (its default weight)
    non_evaluees: list[BilanLigne]
    defaut: dict[int, Decimal]
    proposition: Note | None = None  # being written, not finalised
    en_vigueur: Note | None = None  # the last finalised
    historique: list[Note] = field(default_factory=list)  # finalised before, superseded

    def poids_initiaux(self) -> dict[int, Decimal]:
        """The proposal's weights, else the grade in force's, else the default model."""
        note = self.proposition or self.en_vigueur
        return poids_of_note(note) if note else dict(self.defaut)


def notes_of_bilan(bilan: Bilan) -> list[Note]:
    """The bilan's notes, oldest first, with their weights and authors: two queries."""
    return list(Note.objects.filter(bilan=bilan).select_related("finalisee_par", "created_by")
                .prefetch_related("poids").order_by("id"))


def note_page(bilan: Bilan) -> NotePage:
    """Seven queries whatever the size of the référentiel."""
    evaluees, non_evaluees = lignes_of(bilan)
    defaut = poids_par_defaut(bilan.referentiel_id, [ligne.competence_id for ligne in evaluees])
    for ligne in evaluees:
        ligne.defaut = defaut[ligne.competence_id]
    page = NotePage(bilan, evaluees, non_evaluees, defaut)
    finalisees = []
    for note in notes_of_bilan(bilan):
        if note.finalisee:
            finalisees.append(note)
        else:
            page.proposition = note
    if finalisees:
        page.en_vigueur = max(finalisees, key=lambda n: (n.finalisee_le, n.pk))
        page.historique = sorted((n for n in finalisees if n is not page.en_vigueur),
                                 key=lambda n: (n.finalisee_le, n.pk), reverse=True)
    return page


# --- Final grades, for the learner's page and the bilan's ---------------------------------------------------------

def notes_finales_of(bilan_ids) -> dict[int, Note]:
    """bilan pk → its grade in force (the last finalised): one query."""
    notes = (Note.objects.filter(bilan_id__in=list(bilan_ids), finalisee_le__isnull=False)
             .select_related("finalisee_par").order_by("finalisee_le", "id"))
    return {note.bilan_id: note for note in notes}  # the last wins


# --- A classe's grades -------------------------------------------------------------------------------------------

@dataclass
class LigneNoteClasse:
    bilan: Bilan
    en_vigueur: Note | None = None
    proposition: Note | None = None


@dataclass
class SeanceNotes:
    date: object
    lignes: list[LigneNoteClasse] = field(default_factory=list)

    @property
    def finalisees(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.en_vigueur)


def classe_notes(classe: Classe) -> list[SeanceNotes]:
    """The classe's validated bilans by date (newest first), the last validated of each learner at each date,
    each with its grade in force and its proposal: two queries."""
    bilans: dict[tuple, Bilan] = {}
    for bilan in (Bilan.objects.filter(classe=classe, validated_at__isnull=False).select_related("apprenant")
                  .order_by("validated_at", "id")):
        bilans[(bilan.date, bilan.apprenant_id)] = bilan  # the last validated of the day wins
    lignes = {bilan.pk: LigneNoteClasse(bilan) for bilan in bilans.values()}
    for note in (Note.objects.filter(bilan_id__in=list(lignes)).select_related("finalisee_par")
                 .order_by("finalisee_le", "id")):
        if note.finalisee:
            lignes[note.bilan_id].en_vigueur = note
        else:
            lignes[note.bilan_id].proposition = note
    seances: dict[object, SeanceNotes] = {}
    for ligne in sorted(lignes.values(), key=lambda x: (x.bilan.apprenant.nom.lower(),
                                                         x.bilan.apprenant.prenom.lower(), x.bilan.apprenant_id)):
        seances.setdefault(ligne.bilan.date, SeanceNotes(ligne.bilan.date)).lignes.append(ligne)
    return [seances[date] for date in sorted(seances, reverse=True)]


@dataclass
class Calcul:
    """What typed weights give, shown live as the formateur types: total, computed grade, final grade with the
    adjustment, or what is wrong with them."""

    total: Decimal | None = None
    valeur: Decimal | None = None
    finale: Decimal | None = None
    erreurs: list[str] = field(default_factory=list)


def note_calcul(page: "NotePage", poids: dict[int, Decimal], erreurs: list[str], ajustement: Decimal) -> Calcul:
    """The grade `poids` give the bilan of `page` (nothing written); `erreurs`: those already found in the form.
    The justification of an adjustment is checked on saving only."""
    calcul = Calcul(erreurs=list(erreurs))
    if len(poids) == len(page.lignes):
        calcul.total = sum(poids.values(), Decimal(0))
        calcul.erreurs += poids_erreurs(poids, [ligne.competence_id for ligne in page.lignes])
    if page.lignes and not calcul.erreurs:
        calcul.valeur = note_of({ligne.competence_id: ligne.valeur for ligne in page.lignes}, poids)
        if abs(ajustement) <= AJUSTEMENT_MAX:
            calcul.finale = note_finale_of(calcul.valeur, ajustement)
        else:
            calcul.erreurs.append(AJUSTEMENT_REFUS)
    return calcul
