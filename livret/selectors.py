"""Reads for the learner's own pages: livret reads every app and no app imports it."""

from entreprise.selectors import contrats_of
from entreprise.selectors_bilan import bilans_entreprise_of
from evaluations.selectors_grille import apprenant_resultats
from scolarite.models import Apprenant
from scolarite.selectors import apprenant_history


def apprenant_of(user) -> Apprenant | None:
    return Apprenant.objects.filter(user=user).first()


def apprenant_dashboard(user) -> dict:
    apprenant = apprenant_of(user)
    if apprenant is None:
        return {"apprenant": None, "inscriptions": [], "contrats": [], "resultats": [], "bilans_entreprise": []}
    return {
        "apprenant": apprenant,
        "inscriptions": apprenant_history(apprenant),
        "contrats": contrats_of(apprenant),
        "resultats": apprenant_resultats(apprenant),
        "bilans_entreprise": bilans_entreprise_of(apprenant),
    }
