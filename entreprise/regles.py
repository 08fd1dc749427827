"""What looks wrong about a contract, said but never enforced: the establishment decides (derogations exist,
dates are sometimes entered before the paperwork is final)."""

import datetime

from django.db.models import Q

from .models import Contrat
from .selectors import contrat_fin_effective, tuteur_charge_max

MAX_APPRENTIS, MAX_PROLONGES = 2, 1  # Code du travail, R6223-6


def _over_limit(ordinary: int, extended: int) -> bool:
    """Two apprentices, plus one whose training is extended after a failed exam: an extended apprentice may
    fill one of the two ordinary places too, never a third ordinary one."""
    return ordinary > MAX_APPRENTIS or ordinary + extended > MAX_APPRENTIS + MAX_PROLONGES


def maitre_apprentissage_warnings(*, tuteurs, debut: datetime.date, fin: datetime.date, prolonge: bool,
                                  exclude_contrat: int | None = None) -> list[str]:
    """A maître d'apprentissage over the number of apprentices they may supervise at once, this contract
    (`prolonge` or not) counted in."""
    warnings = []
    for tuteur in tuteurs:
        loads = [(ordinary + (not prolonge), extended + prolonge)
                 for ordinary, extended in tuteur_charge_max(tuteur=tuteur, debut=debut, fin=fin,
                                                             exclude=exclude_contrat)]
        over = [load for load in loads if _over_limit(*load)]
        if over:
            ordinary, extended = max(over, key=sum)
            dont = f", dont {extended} prolongé{'s' if extended > 1 else ''} après un échec," if extended else ""
            warnings.append(
                f"{tuteur} encadre {ordinary + extended} apprentis en même temps{dont} sur la période de ce "
                "contrat : un maître d'apprentissage accueille au plus deux apprentis, plus un dont la formation "
                "est prolongée après un échec à l'examen (art. R6223-6 du Code du travail)."
            )
    return warnings


def apprenant_overlap_warnings(*, apprenant, debut: datetime.date, fin: datetime.date,
                               exclude: int | None = None) -> list[str]:
    others = (Contrat.objects.filter(apprenant=apprenant, debut__lte=fin, fin__gte=debut)
              .filter(Q(rompu_le__isnull=True) | Q(rompu_le__gt=debut)).select_related("entreprise"))
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return [f"{apprenant} a déjà un contrat ou une convention chez {other.entreprise} du {other.debut:%d/%m/%Y} "
            f"au {contrat_fin_effective(other):%d/%m/%Y}, qui chevauche celui-ci." for other in others]


def contrat_warnings(*, contrat_type: str, apprenant, tuteurs, debut: datetime.date, fin: datetime.date,
                     prolonge: bool, exclude: int | None = None) -> list[str]:
    warnings = []
    if contrat_type == Contrat.Type.APPRENTISSAGE:
        warnings += maitre_apprentissage_warnings(tuteurs=tuteurs, debut=debut, fin=fin, prolonge=prolonge,
                                                  exclude_contrat=exclude)
    return warnings + apprenant_overlap_warnings(apprenant=apprenant, debut=debut, fin=fin, exclude=exclude)


def contrat_alertes(contrat: Contrat) -> list[str]:
    """The warnings that hold today for a saved contract, over the days it actually runs."""
    fin = contrat_fin_effective(contrat)
    if fin < contrat.debut:
        return []
    return contrat_warnings(contrat_type=contrat.type, apprenant=contrat.apprenant, tuteurs=contrat.tuteurs.all(),
                            debut=contrat.debut, fin=fin, prolonge=contrat.prolonge_apres_echec, exclude=contrat.pk)
