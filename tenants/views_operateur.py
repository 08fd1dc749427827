"""The operator's subscription pages on the public site: every establishment's status, each one's years, and
the two things an operator records: a payment, or the cancellation of an unpaid order."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .access import abonnement_get_for_operateur, etablissement_get_for_operateur
from .annees import annee_scolaire_label, annee_scolaire_of
from .selectors import (
    abonnement_historique,
    abonnement_reste_a_payer,
    abonnement_total,
    operateur_etablissements,
    referentiel_intitules,
)
from .services import abonnement_annuler, abonnement_marquer_paye


def _decorate(abonnement):
    abonnement.label = annee_scolaire_label(abonnement.annee_scolaire)
    abonnement.total = abonnement_total(abonnement)
    abonnement.reste = abonnement_reste_a_payer(abonnement)
    abonnement.codes = [line.referentiel_code for line in abonnement.lignes.all()]
    return abonnement


@role_required(Role.OPERATEUR)
def operateur_abonnements(request):
    annee = annee_scolaire_of(timezone.localdate())
    etablissements = operateur_etablissements()
    for etablissement in etablissements:
        for abonnement in (etablissement.abonnement_courant, etablissement.abonnement_suivant):
            if abonnement is not None:
                _decorate(abonnement)
    return render(request, "tenants/operateur_abonnements.html", {
        "etablissements": etablissements,
        "annee_label": annee_scolaire_label(annee),
        "suivante_label": annee_scolaire_label(annee + 1),
    })


@role_required(Role.OPERATEUR)
def operateur_etablissement(request, pk):
    etablissement = etablissement_get_for_operateur(pk)
    annees = [_decorate(a) for a in abonnement_historique(etablissement)]
    intitules = referentiel_intitules({code for a in annees for code in a.codes})
    for abonnement in annees:
        abonnement.details = [{"code": line.referentiel_code, "prix": line.prix,
                               "intitule": intitules.get(line.referentiel_code, "")}
                              for line in abonnement.lignes.all()]
    return render(request, "tenants/operateur_etablissement.html", {"etab": etablissement, "annees": annees})


def _act(request, pk, service, done: str):
    abonnement = abonnement_get_for_operateur(pk)
    try:
        service(abonnement=abonnement, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{abonnement} : {done}.")
    return redirect("operateur_etablissement", pk=abonnement.etablissement_id)


@role_required(Role.OPERATEUR)
@require_POST
def operateur_abonnement_payer(request, pk):
    return _act(request, pk, abonnement_marquer_paye, "paiement enregistré")


@role_required(Role.OPERATEUR)
@require_POST
def operateur_abonnement_annuler(request, pk):
    return _act(request, pk, abonnement_annuler, "commande annulée")
