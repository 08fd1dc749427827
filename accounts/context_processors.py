from django.db import connection
from django.urls import NoReverseMatch, reverse

from .roles import ROLE_HOME, Role


def navigation(request):
    """The establishment shown in the header and one menu entry per role the person holds."""
    tenant = getattr(request, "tenant", None) or getattr(connection, "tenant", None)
    is_public = getattr(tenant, "schema_name", "public") == "public"
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for role, url_name in ROLE_HOME.items():
            if user.has_role(role):
                try:
                    items.append({"label": Role(role).label, "url": reverse(url_name), "role": role})
                except NoReverseMatch:  # e.g. the operator page does not exist on an establishment's site
                    continue
        if not is_public:
            items += _school_items(user)
        if user.has_role(Role.DIRECTION) and not is_public:
            items.append({"label": "Personnes", "url": reverse("people_list"), "role": "people"})
        if any(user.has_role(r) for r in (Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR, Role.OPERATEUR)):
            items.append({"label": "Référentiels", "url": reverse("referentiel_index"), "role": "referentiels"})
    return {
        "etablissement": None if is_public else tenant,
        "is_public_site": is_public,
        "nav_items": items,
    }


# School pages in the menu: (label, url name, roles that see it). Direction-only set-up pages (imports,
# subscription, settings) are on the direction's dashboard rather than in a crowded menu.
SCHOOL_ITEMS = [
    ("Classes", "classe_list", (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)),
    ("Apprenants", "apprenant_list", (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)),
    ("Entreprises", "entreprise_list", (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)),
    ("Contrats", "contrat_list", (Role.DIRECTION, Role.INSPECTEUR)),
    ("Scénarios", "scenario_list", (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)),
    ("Périodes", "periodes_index", (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)),
    ("Visites", "visite_mes_apprenants", (Role.FORMATEUR,)),
    ("Visites", "visite_suivi", (Role.DIRECTION, Role.INSPECTEUR)),
    ("Journal de bord", "journal_apprenant", (Role.APPRENANT,)),
    ("Fiches activités", "fiches_index", (Role.APPRENANT, Role.TUTEUR)),
    ("Bilans", "bilans_index", (Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)),
    ("Mes documents", "mes_documents", (Role.APPRENANT,)),
]


def _school_items(user) -> list[dict]:
    items = []
    for label, url_name, roles in SCHOOL_ITEMS:
        if any(user.has_role(r) for r in roles) and label not in {item["label"] for item in items}:
            try:
                items.append({"label": label, "url": reverse(url_name), "role": url_name})
            except NoReverseMatch:
                continue
    return items
