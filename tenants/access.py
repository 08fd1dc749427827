"""Subscription gating. A lapsed establishment keeps reading and exporting everything; only new evaluations and
new formations wait for a subscription. Nothing here ever deletes anything."""

import datetime
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import get_object_or_404, render
from django_tenants.utils import get_public_schema_name

from .annees import annee_scolaire_label
from .models import Abonnement, Etablissement
from .selectors import Couverture, abonnement_couverture

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _tenant_of(request) -> Etablissement | None:
    tenant = getattr(request, "tenant", None) or getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", None) in (None, get_public_schema_name()):
        return None
    return tenant


def abonnement_couverture_for(request) -> Couverture | None:
    """The establishment's coverage today, computed once per request (one query); None on the public site."""
    if not hasattr(request, "_cpro_couverture"):
        tenant = _tenant_of(request)
        request._cpro_couverture = abonnement_couverture(tenant) if tenant is not None else None
    return request._cpro_couverture


def abonnement_message(couverture: Couverture) -> str:
    if couverture.fin is None:
        debut = "Votre établissement n'a pas d'abonnement en cours"
    else:
        debut = f"L'abonnement de votre établissement a pris fin le {couverture.fin:%d/%m/%Y}"
    return (f"{debut} : lecture seule pour l'année {annee_scolaire_label(couverture.annee_scolaire)}. "
            "La consultation et l'export restent possibles ; pour créer de nouvelles évaluations ou formations, "
            "la direction commande l'abonnement.")


def abonnement_ecriture_check(etablissement: Etablissement, *, day: datetime.date | None = None) -> Couverture:
    """For services that create evaluations or formations: ValidationError when the subscription has lapsed."""
    couverture = abonnement_couverture(etablissement, day=day)
    if not couverture.actif:
        raise ValidationError(abonnement_message(couverture))
    return couverture


def abonnement_actif_required(view=None, *, ecriture_seulement: bool = False):
    """For views that create evaluations or formations: a lapsed establishment gets a French page saying why,
    status 403, and the view never runs. `@abonnement_actif_required(ecriture_seulement=True)` lets reads
    (GET, HEAD) through and stops only the writes, for a view that lists and creates on one URL.
    Put it under `role_required`, so anonymous people still go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if ecriture_seulement and request.method not in UNSAFE_METHODS:
                return view(request, *args, **kwargs)
            couverture = abonnement_couverture_for(request)
            if couverture is not None and not couverture.actif:
                return render(request, "tenants/abonnement_expire.html",
                              {"couverture": couverture, "message": abonnement_message(couverture)}, status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def abonnement_get_for_operateur(pk) -> Abonnement:
    return get_object_or_404(Abonnement.objects.select_related("etablissement").prefetch_related("lignes"), pk=pk)


def etablissement_get_for_operateur(pk) -> Etablissement:
    return get_object_or_404(Etablissement.objects.exclude(schema_name=get_public_schema_name()), pk=pk)
