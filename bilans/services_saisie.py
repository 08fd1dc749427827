"""Writes of many lines or many bilans at once: the whole-form posts (class page without JavaScript, a
learner's bilan page) and the validation of a classe's bilans of one date. Each line or bilan is written by the
single-item service, in its own transaction: what can be saved is saved, each refusal is reported."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from scolarite.models import Classe

from .models import Bilan, BilanLigne
from .services import bilan_ligne_set, bilan_validate


@dataclass
class Saisie:
    enregistrees: int = 0
    refus: list[tuple[BilanLigne, str]] = field(default_factory=list)  # (line as it is now, why, in French)


def _inchangee(code: str, commentaire: str | None, vus: list[tuple]) -> bool:
    texte = None if commentaire is None else commentaire.strip()
    return any(code == (c or "").upper() and texte in (None, (t or "").strip()) for c, t in vus)


def bilan_lignes_set(*, bilans: list[Bilan], valeurs: dict[int, dict], actor) -> Saisie:
    """`valeurs`: line pk → {"code": str, "vu": revision seen or None, "commentaire": str or None (unchanged),
    "initial": (code, commentaire) the form showed, optional}. Lines the author did not change (same as shown, or
    same as now) are skipped, so a colleague's change to another line is never reported as a conflict; lines of
    other bilans are refused."""
    lignes = {ligne.pk: ligne for ligne in BilanLigne.objects.filter(bilan__in=bilans, pk__in=list(valeurs))
              .select_related("niveau", "etat", "competence", "bilan__apprenant")}
    result = Saisie()
    for pk, valeur in valeurs.items():
        ligne = lignes.get(pk)
        if ligne is None:
            raise ValidationError("Une ligne envoyée n'appartient pas à ces bilans : rechargez la page.")
        code = (valeur.get("code") or "").strip().upper()
        commentaire = valeur.get("commentaire")
        vus = [(ligne.code, ligne.commentaire)] + ([valeur["initial"]] if valeur.get("initial") else [])
        if _inchangee(code, commentaire, vus):
            continue
        try:
            bilan_ligne_set(ligne=ligne, niveau_code=code, commentaire=commentaire, actor=actor,
                            vu=valeur.get("vu"))
        except ValidationError as error:
            result.refus.append((ligne, " ".join(error.messages)))
        else:
            result.enregistrees += 1
    return result


@dataclass
class Validation:
    valides: list[Bilan] = field(default_factory=list)
    refus: list[str] = field(default_factory=list)  # "<learner> : why", in French


def bilans_classe_validate(*, classe: Classe, date: datetime.date, actor) -> Validation:
    """Validate every bilan in progress of the classe at `date`; an incomplete one stays a draft and is listed."""
    result = Validation()
    for bilan in (Bilan.objects.filter(classe=classe, date=date, validated_at__isnull=True)
                  .select_related("apprenant").order_by("apprenant__nom", "apprenant__prenom", "pk")):
        try:
            result.valides.append(bilan_validate(bilan=bilan, actor=actor))
        except ValidationError as error:
            result.refus.append(f"{bilan.apprenant} : {' '.join(error.messages)}")
    return result


@dataclass
class Enregistrement:
    saisie: Saisie
    validation: Validation | None = None  # None: not asked, or not done because a line was refused


def bilans_enregistrer(*, bilans: list[Bilan], valeurs: dict[int, dict], actor, valider: bool = False,
                       classe: Classe | None = None, date: datetime.date | None = None) -> Enregistrement:
    """A whole form: save its lines, then (asked with `valider`, and only if every line was saved, so no entry
    is lost) validate the bilan, or with `classe` and `date` every bilan in progress of that classe and date."""
    result = Enregistrement(bilan_lignes_set(bilans=bilans, valeurs=valeurs, actor=actor))
    if not valider or result.saisie.refus:
        return result
    if classe is not None:
        result.validation = bilans_classe_validate(classe=classe, date=date, actor=actor)
        return result
    result.validation = Validation()
    for bilan in bilans:
        try:
            result.validation.valides.append(bilan_validate(bilan=bilan, actor=actor))
        except ValidationError as error:
            result.validation.refus.append(" ".join(error.messages))
    return result
