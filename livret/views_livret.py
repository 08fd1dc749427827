"""The livret de suivi: one learner's page for the staff and their tutor, the learner's own."""

from django.shortcuts import render
from django.urls import reverse

from accounts.access import role_required
from accounts.roles import Role

from .access import livret_get_for, vue_for
from .filtres import filtres_from
from .selectors import apprenant_of
from .selectors_livret import livret_of

TEMPLATE = "livret/livret.html"


def _retour(apprenant, vue) -> dict:
    if vue.tuteur is not None:
        return {"url": reverse("tuteur_home"), "label": "Mes apprentis"}
    if not vue.certificatif:
        return {"url": reverse("apprenant_home"), "label": "Mon livret"}
    return {"url": reverse("apprenant_detail", args=[apprenant.pk]), "label": f"{apprenant.prenom} {apprenant.nom}"}


def _render(request, apprenant, vue, *, propre: bool):
    livret = livret_of(apprenant, user=request.user, filtres=filtres_from(request.GET), vue=vue)
    # An HTMX filter swaps the livret's body only: no page load, and the URL (pushed) stays shareable.
    partiel = bool(request.htmx) and not request.htmx.boosted
    return render(request, "livret/livret_corps.html" if partiel else TEMPLATE, {
        "livret": livret, "apprenant": apprenant, "propre": propre, "retour": _retour(apprenant, vue),
        "partiel": partiel})


@role_required(Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR, Role.TUTEUR, Role.APPRENANT)
def livret_apprenant(request, pk: int):
    apprenant, vue = livret_get_for(request.user, pk)
    return _render(request, apprenant, vue, propre=False)


@role_required(Role.APPRENANT)
def livret_mien(request):
    apprenant = apprenant_of(request.user)
    if apprenant is None:
        return render(request, TEMPLATE, {"livret": None, "apprenant": None, "propre": True,
                                          "retour": {"url": reverse("apprenant_home"), "label": "Mon livret"}})
    return _render(request, apprenant, vue_for(request.user, apprenant), propre=True)
