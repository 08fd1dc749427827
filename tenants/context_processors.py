from django.utils.functional import SimpleLazyObject

from .access import abonnement_couverture_for


def abonnement(request):
    """`abonnement`: the establishment's Couverture (None on the public site). Lazy: pages that never read it
    run no query, and those that do run one (cached on the request, shared with `abonnement_actif_required`)."""
    return {"abonnement": SimpleLazyObject(lambda: abonnement_couverture_for(request))}
