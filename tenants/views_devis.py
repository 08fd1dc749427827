"""Downloads of a subscription's quote and invoice: by the direction of its establishment (on its site) and by
the operators (on the public site). Another establishment's subscription does not exist for a direction (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from accounts.access import role_required
from accounts.roles import Role

from .access import abonnement_get_for_operateur
from .devis import devis_pdf
from .models import Abonnement


def _pdf(request, abonnement, kind: str, retour):
    try:
        nom, pdf = devis_pdf(abonnement, kind)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return retour
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _abonnement_de(request, pk) -> Abonnement:
    return get_object_or_404(Abonnement.objects.select_related("etablissement").prefetch_related("lignes"),
                             pk=pk, etablissement_id=request.tenant.pk)


@role_required(Role.DIRECTION)
def direction_devis(request, pk):
    return _pdf(request, _abonnement_de(request, pk), "devis", redirect("abonnement"))


@role_required(Role.DIRECTION)
def direction_facture(request, pk):
    return _pdf(request, _abonnement_de(request, pk), "facture", redirect("abonnement"))


@role_required(Role.OPERATEUR)
def operateur_devis(request, pk):
    abonnement = abonnement_get_for_operateur(pk)
    return _pdf(request, abonnement, "devis", redirect("operateur_etablissement", pk=abonnement.etablissement_id))


@role_required(Role.OPERATEUR)
def operateur_facture(request, pk):
    abonnement = abonnement_get_for_operateur(pk)
    return _pdf(request, abonnement, "facture", redirect("operateur_etablissement", pk=abonnement.etablissement_id))
