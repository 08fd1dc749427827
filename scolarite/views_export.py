"""The direction and the inspection download the establishment's school data as CSV, even when the subscription
has lapsed (reading and exporting never wait for a subscription)."""

from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

from accounts.access import role_required
from accounts.audit import audit_record
from accounts.roles import Role

from .exports import export_apprenants_csv, export_historique_csv


def _download(request, nom: str, contenu: bytes) -> HttpResponse:
    filename = f"{nom}-{connection.schema_name}-{timezone.localdate():%Y-%m-%d}.csv"
    # Personal data of every learner leaves the platform: the journal says who took it.
    audit_record(actor=request.user, action=f"export_{nom}", target=filename)
    response = HttpResponse(contenu, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def export_apprenants(request):
    return _download(request, "apprenants", export_apprenants_csv())


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def export_historique(request):
    return _download(request, "historique", export_historique_csv())
