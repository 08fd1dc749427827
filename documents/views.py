"""Documents pages: ask for a classe's or a learner's documents, follow a lot's progress (HTMX polling), download
through access-checked views only, the learner's documents ("Mes documents") and a learner's file for the staff
and their tutor. Each view: role, then an access helper that 404s what the person may not see, then a service."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from scolarite.models import Apprenant

from . import kinds, services
from .access import PERSONNEL, TOUS, apprenant_for_documents, classe_for_documents, document_for, lot_for
from .models import Lot
from .selectors import documents_of, kind_label, lot_documents, lots_of_classe
from .tasks import STUCK_AFTER


def _kinds_choices(codes) -> list[kinds.Kind]:
    return [kinds.KINDS[code] for code in codes if code in kinds.KINDS]


def _download(fieldfile, filename: str) -> FileResponse:
    if not fieldfile:
        raise Http404("Ce fichier n'existe pas (encore).")
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404("Ce fichier n'existe plus.") from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _request(request, **target):
    kind = request.POST.get("kind", "")
    try:
        lot = services.lot_request(kind=kind, actor=request.user, **target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    except PermissionDenied:
        raise PermissionDenied("Vous ne pouvez pas demander ce document.") from None
    return lot


@role_required(*PERSONNEL)
def documents_classe(request, pk: int):
    classe = classe_for_documents(request.user, pk)
    peut = services.peut_demander(request.user, kind="", classe=classe)
    if request.method == "POST":
        if not peut:
            raise PermissionDenied("Seuls les formateurs de la classe et la direction demandent ses documents.")
        lot = _request(request, classe=classe)
        if lot is not None:
            return redirect("documents_lot", lot.pk)
    return render(request, "documents/pages/classe.html", {
        "classe": classe, "peut_demander": peut, "kinds": _kinds_choices(kinds.KINDS), "lots": lots_of_classe(classe)})


@role_required(*TOUS)
def documents_apprenant(request, pk: int):
    apprenant = apprenant_for_documents(request.user, pk)
    return _apprenant_page(request, apprenant)


@role_required(Role.APPRENANT)
def mes_documents(request):
    apprenant = Apprenant.objects.filter(user=request.user).first()
    if apprenant is None:
        return render(request, "documents/pages/apprenant.html", {"apprenant": None, "moi": True})
    apprenant.kinds_visibles = [code for code, kind in kinds.KINDS.items() if kind.apprenant]
    return _apprenant_page(request, apprenant, moi=True)


def _apprenant_page(request, apprenant, *, moi: bool = False):
    demandables = [code for code in apprenant.kinds_visibles
                   if services.peut_demander(request.user, kind=code, apprenant=apprenant)]
    if request.method == "POST":
        if request.POST.get("kind") not in demandables:
            raise PermissionDenied("Vous ne pouvez pas demander ce document.")
        lot = _request(request, apprenant=apprenant)
        if lot is not None:
            return redirect("documents_lot", lot.pk)
    documents = documents_of(request.user, apprenant, codes=apprenant.kinds_visibles)
    for document in documents:
        document.peut_relancer = document.kind in demandables
    return render(request, "documents/pages/apprenant.html", {
        "apprenant": apprenant, "moi": moi, "documents": documents, "kinds": _kinds_choices(demandables)})


@role_required(*PERSONNEL, Role.APPRENANT)
def documents_lot(request, pk: int):
    services.lots_stuck_fail(older_than=STUCK_AFTER)  # a person waiting is told when the workers gave up
    lot = lot_for(request.user, pk)
    lot.kind_label = kind_label(lot.kind)
    if not request.htmx:
        return render(request, "documents/pages/lot.html", {"lot": lot, "documents": _documents(lot)})
    vu_done, _, vu_statut = request.GET.get("vu", "").partition("-")
    if vu_done == str(lot.done) and vu_statut == lot.statut:
        return HttpResponse(status=204)  # nothing new: htmx keeps the page as it is
    annonce = _annonce(lot) if vu_statut != lot.statut else ""
    return render(request, "documents/pages/_progression.html",
                  {"lot": lot, "documents": _documents(lot), "annonce": annonce})


def _documents(lot: Lot) -> list:
    return lot_documents(lot) if lot.fini else []


def _annonce(lot: Lot) -> str:
    """What a screen reader says when the lot changes state (not at each document)."""
    if lot.statut == Lot.Statut.TERMINE:
        return f"Documents prêts : {lot.done - lot.echecs} sur {lot.total}. Les liens de téléchargement sont affichés."
    if lot.statut == Lot.Statut.ECHOUE:
        return "Les documents n'ont pas pu être établis : le message est affiché."
    return f"{lot.get_statut_display()} : {lot.done} document(s) sur {lot.total}."


@role_required(*PERSONNEL, Role.APPRENANT)
def documents_lot_fichier(request, pk: int, format: str):
    lot = lot_for(request.user, pk)
    if format not in ("zip", "pdf") or lot.statut != Lot.Statut.TERMINE:
        raise Http404("Ce lot n'est pas terminé.")
    field = lot.zip if format == "zip" else lot.pdf
    base = f"{lot.classe.code if lot.classe_id else 'documents'}-{lot.kind}-{lot.created_at:%Y-%m-%d}"
    return _download(field, f"{services._slug(base)}.{format}")


@role_required(*TOUS)
def documents_telecharger(request, pk: int):
    document = document_for(request.user, pk)
    if document.statut != document.Statut.TERMINE:
        raise Http404("Ce document n'a pas été établi.")
    stamp = (document.rendered_at or document.created_at).astimezone(datetime.UTC)
    name = services.document_filename(document).removesuffix(".pdf") + f"-{stamp:%Y-%m-%d}.pdf"
    return _download(document.fichier, name)


@require_POST
@role_required(*PERSONNEL, Role.APPRENANT)
def documents_relancer(request, pk: int):
    document = document_for(request.user, pk)
    try:
        lot = services.document_rerender(document=document, actor=request.user)
    except PermissionDenied:
        raise PermissionDenied("Vous ne pouvez pas relancer ce document.") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("documents_apprenant", document.apprenant_id)
    return redirect("documents_lot", lot.pk)
