"""Operators import a référentiel from the browser: upload, preview of the plan, confirmation."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .forms import ReferentielUploadForm
from .services import referentiel_import_text

SESSION_KEY = "referentiel_import"


@role_required(Role.OPERATEUR)
def import_upload(request):
    form = ReferentielUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["fichier"]
        report = referentiel_import_text(name=name, text=text, dry_run=True)
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
    report = referentiel_import_text(name=pending["name"], text=pending["text"])
    if not report.ok:  # the catalogue changed since the preview
        return render(request, "referentiels/import_preview.html", {"report": report, "token": pending["token"]})
    del request.session[SESSION_KEY]
    messages.success(request, report.conclusion())
    return redirect("referentiel_detail", uuid=report.referentiel.uuid)
