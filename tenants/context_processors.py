from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .access import abonnement_couverture_for


def abonnement(request):
    """`abonnement`: the establishment's Couverture (None on the public site). Lazy: pages that never read it
    run no query, and those that do run one (cached on the request, shared with `abonnement_actif_required`)."""
    return {"abonnement": SimpleLazyObject(lambda: abonnement_couverture_for(request))}


def accessibilite(request):
    """The footer's link to the déclaration d'accessibilité, which lives on the public site, with the state of
    conformity the RGAA asks every page to show."""
    from .accessibilite import ETAT
    from .selectors import domain_base_url

    return {"accessibilite_url": f"{domain_base_url(settings.CPRO_BASE_DOMAIN)}accessibilite/",
            "accessibilite_etat": ETAT}
