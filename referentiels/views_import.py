"""Operators import a référentiel from the browser: upload, preview of the plan, confirmation."""

import uuid

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .forms import ReferentielUploadForm
from .importing import DocumentError, DocumentUnreadable, document_parse
from .planning import ImportReport
from .services import referentiel_import

SESSION_KEY = "referentiel_import"


def _plan(name: str, text: str, *, dry_run: bool):
    """The import report of an uploaded text; nothing is written when `dry_run`."""
    connection.set_schema_to_public()
    try:
        document = document_parse(text, json_text=name.lower().endswith(".json"))
    except DocumentUnreadable as error:
        return ImportReport(source=name, errors=[DocumentError("", str(error))], dry_run=dry_run)
    report = referentiel_import(document=document, dry_run=dry_run)
    report.source = name
    return report


@role_required(Role.OPERATEUR)
def import_upload(request):
    form = ReferentielUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["fichier"]
        report = _plan(name, text, dry_run=True)
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {"token": token, "name": name, "text": text}
        return render(request, "referentiels/import_preview.html", {"report": report, "token": token})
    return render(request, "referentiels/import_upload.html", {"form": form})


@require_POST
@role_required(Role.OPERATEUR)
def import_confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["token"] != request.POST.get("token"):
        messages.error(request, "Cette prévisualisation a expiré : déposez le fichier à nouveau.")
        return redirect("referentiel_import")
    report = _plan(pending["name"], pending["text"], dry_run=False)
    if not report.ok:  # the catalogue changed since the preview
        return render(request, "referentiels/import_preview.html", {"report": report, "token": pending["token"]})
    del request.session[SESSION_KEY]
    messages.success(request, report.conclusion())
    return redirect("referentiel_detail", uuid=report.referentiel.uuid)
