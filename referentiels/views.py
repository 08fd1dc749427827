"""Browsing the catalogue from an establishment, and downloading a référentiel (interchange YAML, IMS CASE)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import ESTABLISHMENT_ROLES, Role

from .exporting import referentiel_export_file
from .models import Referentiel
from .search import referentiel_search, tree_annotate
from .selectors import referentiel_list, referentiel_tree

READERS = [*ESTABLISHMENT_ROLES, Role.OPERATEUR]


def _referentiel_for(request, uuid) -> Referentiel:
    """The whole catalogue is visible to every establishment (it reads before subscribing); the index marks
    the subscribed ones from the `abonnement` context (tenants.context_processors)."""
    referentiel = Referentiel.objects.filter(uuid=uuid).first()
    if referentiel is None:
        raise Http404("Référentiel introuvable.")
    return referentiel


@role_required(*READERS)
def referentiel_index(request):
    return render(request, "referentiels/index.html", {"referentiels": referentiel_list()})


@role_required(*READERS)
def referentiel_detail(request, uuid):
    tree = tree_annotate(referentiel_tree(_referentiel_for(request, uuid)))
    query = request.GET.get("q", "").strip()[:200]
    matches = referentiel_search(tree=tree, query=query)
    template = "referentiels/_tree.html" if request.htmx else "referentiels/detail.html"
    return render(request, template, {"tree": tree, "ref": tree.referentiel, "query": query, "matches": matches})


@role_required(*READERS)
def referentiel_download(request, uuid, fmt):
    filename, content_type, text = referentiel_export_file(
        referentiel=_referentiel_for(request, uuid), fmt=fmt, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
