"""Reads for the learner's own pages: livret reads every app and no app imports it."""

from django.utils import timezone

from entreprise.selectors import contrats_of
from entreprise.selectors_bilan import bilans_entreprise_of
from evaluations.selectors_grille import apprenant_resultats
from scolarite.models import Apprenant
from scolarite.selectors import apprenant_history

from .selectors_tableau import tableau_of


def apprenant_of(user) -> Apprenant | None:
    return Apprenant.objects.filter(user=user).first()


def apprenant_dashboard(user) -> dict:
    apprenant = apprenant_of(user)
    if apprenant is None:
        return {"apprenant": None, "inscriptions": [], "contrats": [], "resultats": [], "bilans_entreprise": [],
                "tableau": None}
    inscriptions = apprenant_history(apprenant)
    resultats = apprenant_resultats(apprenant)
    bilans_entreprise = bilans_entreprise_of(apprenant)
    return {
        "apprenant": apprenant,
        "inscriptions": inscriptions,
        "contrats": contrats_of(apprenant),
        "resultats": resultats,
        "bilans_entreprise": bilans_entreprise,
        "tableau": tableau_of(apprenant, inscriptions=inscriptions, resultats=resultats,
                              bilans_entreprise=bilans_entreprise, day=timezone.localdate()),
    }
