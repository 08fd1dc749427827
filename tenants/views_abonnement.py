"""The direction's subscription pages on an establishment's site: what is covered, until when, the history, and
the order of a school year. The inspecteur reads the page and orders nothing."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import role_required
from accounts.roles import Role

from .access import abonnement_couverture_for
from .annees import annee_scolaire_label, annee_scolaire_of
from .models import PRIX_APPLICATION, PRIX_REFERENTIEL
from .selectors import (
    abonnement_annee_proposee,
    abonnement_annees_commandables,
    abonnement_commande_apercu,
    abonnement_historique,
    abonnement_ouverture,
    abonnement_reste_a_payer,
    abonnement_total,
    referentiel_intitules,
)
from .services import abonnement_commander


@dataclass
class Ligne:
    code: str
    intitule: str
    prix: Decimal


def _lignes(abonnement, intitules) -> list[Ligne]:
    return [Ligne(line.referentiel_code, intitules.get(line.referentiel_code, ""), line.prix)
            for line in abonnement.lignes.all()]


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def abonnement_page(request):
    couverture = abonnement_couverture_for(request)
    historique = abonnement_historique(request.tenant)
    intitules = referentiel_intitules({line.referentiel_code for a in historique for line in a.lignes.all()})
    annees = []
    for abonnement in historique:
        abonnement.label = annee_scolaire_label(abonnement.annee_scolaire)
        abonnement.details = _lignes(abonnement, intitules)
        abonnement.total = abonnement_total(abonnement)
        abonnement.reste = abonnement_reste_a_payer(abonnement)
        annees.append(abonnement)
    courant = next((a for a in annees if couverture.abonnement and a.pk == couverture.abonnement.pk), None)
    today = timezone.localdate()
    commandables = abonnement_annees_commandables(day=today)
    suivante = couverture.annee_scolaire + 1
    return render(request, "tenants/abonnement.html", {
        "couverture": couverture,
        "courant": courant,
        "annees": annees,
        "annee_label": annee_scolaire_label(couverture.annee_scolaire),
        "peut_commander": request.user.has_role(Role.DIRECTION),
        "commandes": [{"annee": annee, "label": annee_scolaire_label(annee),
                       "existe": any(a.annee_scolaire == annee and a.statut != a.Statut.ANNULE for a in annees)}
                      for annee in commandables],
        "suivante_label": annee_scolaire_label(suivante),
        "ouverture_suivante": abonnement_ouverture(suivante) if suivante not in commandables else None,
        "prix_application": PRIX_APPLICATION,
        "prix_referentiel": PRIX_REFERENTIEL,
    })


class CommandeForm(forms.Form):
    referentiels = forms.MultipleChoiceField(label="Référentiels", required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referentiels"].choices = list(catalogue.items())


def _annee_cible(request, couverture, commandables) -> int | None:
    """The year the form posts (the service refuses it if its order is not open: never another year in its
    place; None when it is no year at all), else the year the page opens on."""
    if request.method == "POST":
        posted = request.POST.get("annee", "")
        return int(posted) if posted.isdigit() and len(posted) == 4 else None
    asked = request.GET.get("annee", "")
    return abonnement_annee_proposee(couverture=couverture, commandables=commandables,
                                     demandee=int(asked) if asked.isdigit() and len(asked) == 4 else None)


@role_required(Role.DIRECTION)
def abonnement_commander_page(request):
    today = timezone.localdate()
    couverture = abonnement_couverture_for(request)
    commandables = abonnement_annees_commandables(day=today)
    annee = _annee_cible(request, couverture, commandables)
    if annee is None:  # a tampered form: say so, write nothing
        messages.error(request, "Année scolaire invalide : recommencez depuis la page de l'abonnement.")
        return redirect("abonnement")
    apercu = abonnement_commande_apercu(request.tenant, annee, couverture)
    form = CommandeForm(request.POST or None, catalogue=apercu.catalogue, initial={"referentiels": apercu.initial})
    choisis = set(apercu.initial)
    if form.is_bound and form.is_valid():
        choisis = apercu.choix(form.cleaned_data["referentiels"])
        if "calculer" not in request.POST:  # "calculer" only shows the price of the choice
            try:
                abonnement = abonnement_commander(etablissement=request.tenant, annee_scolaire=annee,
                                                  referentiel_codes=choisis, actor=request.user, day=today)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Abonnement {annee_scolaire_label(annee)} commandé : "
                                          f"{abonnement_total(abonnement)} € au total. Il couvre l'année dès "
                                          "maintenant ; l'opérateur enregistrera le paiement.")
                return redirect("abonnement")
    return render(request, "tenants/abonnement_commander.html", {
        "form": form, "annee": annee, "annee_label": annee_scolaire_label(annee),
        "autres_annees": [{"annee": a, "label": annee_scolaire_label(a)} for a in commandables if a != annee],
        "prix_application": PRIX_APPLICATION, "prix_referentiel": PRIX_REFERENTIEL,
        "est_annee_courante": annee == annee_scolaire_of(today), **apercu.resume(choisis),
    })
