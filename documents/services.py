"""Writes of the documents engine: request a lot, render one document, finish a lot, fail the stuck ones.

Reliability (docs/documents.md): the tasks are acked late and may run twice (a worker killed mid-render, a
redelivered message). Every step is idempotent: a document leaves `en_attente` once, in a short transaction
that locks its row, and only that transition counts it in its lot; the lot is finished once, under its row's
lock. A render that raises a transient error (database, network) propagates it so Celery retries it; anything
else is written on the document as a French message the person sees."""

import datetime
import hashlib
import io
import logging
import re
import unicodedata
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from scolarite.models import Apprenant, Classe, Inscription

from . import kinds
from .models import Document, Lot
from .rendu import pdf_from_template

logger = logging.getLogger(__name__)

# Errors worth another try: the database or a connection hiccuped. The tasks retry them with a backoff.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
# What a learner may request for themself: their own attestation and livret, one at a time.
KINDS_APPRENANT_DEMANDE = ("attestation", "livret")
ECHEC_INTERNE = "Le document n'a pas pu être établi à cause d'une erreur interne ; l'équipe technique est prévenue."
ECHEC_REPETE = ("Le document n'a pas pu être établi après plusieurs essais (service momentanément indisponible). "
                "Relancez-le dans quelques minutes.")


def _enqueue_lot(lot_id: int) -> None:
    from .tasks import render_lot

    render_lot.delay(lot_id)


def _kind_or_error(code: str) -> kinds.Kind:
    if code not in kinds.KINDS:
        raise ValidationError("Ce type de document n'existe pas.")
    return kinds.get(code)


def enseigne_classe(user, classe: Classe) -> bool:
    return user.has_role(Role.FORMATEUR) and classe.formateurs.filter(pk=user.pk).exists()


def enseigne_a(user, apprenant: Apprenant) -> bool:
    return user.has_role(Role.FORMATEUR) and Classe.formateurs.through.objects.filter(
        user_id=user.pk, classe__inscriptions__apprenant_id=apprenant.pk).exists()


def peut_demander(user, *, kind: str, classe: Classe | None = None, apprenant: Apprenant | None = None) -> bool:
    """Direction, the formateurs of the classe (or of one of the learner's classes), and a learner for their own
    attestation or livret. Never the inspection (read only) nor a tutor."""
    if user.has_role(Role.DIRECTION):
        return True
    if classe is not None:
        return enseigne_classe(user, classe)
    if enseigne_a(user, apprenant):
        return True
    return (user.has_role(Role.APPRENANT) and apprenant.user_id == user.pk and kind in KINDS_APPRENANT_DEMANDE
            and kinds.get(kind).apprenant)


def apprenants_of_classe(classe: Classe) -> list[Apprenant]:
    """The learners enrolled today; for a classe of a past year (nobody enrolled today), everyone it had."""
    today = timezone.localdate()
    inscriptions = Inscription.objects.filter(classe=classe)
    courantes = inscriptions.filter(Q(debut__lte=today) & (Q(fin__isnull=True) | Q(fin__gte=today)))
    ids = courantes.values("apprenant_id") if courantes.exists() else inscriptions.values("apprenant_id")
    return list(Apprenant.objects.filter(pk__in=ids).order_by("nom", "prenom", "pk"))


def lot_request(*, kind: str, classe: Classe | None = None, apprenant: Apprenant | None = None, actor,
                options: dict | None = None) -> Lot:
    """A lot of `kind` for a whole classe (one document per learner) or for one learner, rendered by the workers
    once the transaction commits."""
    _kind_or_error(kind)
    if (classe is None) == (apprenant is None):
        raise ValidationError("Choisissez une classe ou un apprenant.")
    if not peut_demander(actor, kind=kind, classe=classe, apprenant=apprenant):
        raise PermissionDenied("Vous ne pouvez pas demander ce document.")
    options = dict(options or {})
    apprenants = apprenants_of_classe(classe) if classe is not None else [apprenant]
    if not apprenants:
        raise ValidationError("Aucun apprenant n'est inscrit dans cette classe : il n'y a rien à imprimer.")
    with transaction.atomic():
        lot = Lot.objects.create(kind=kind, classe=classe, apprenant=apprenant, options=options,
                                 requested_by=actor, total=len(apprenants), heartbeat=timezone.now())
        Document.objects.bulk_create(Document(kind=kind, apprenant=a, lot=lot, options=options, created_by=actor)
                                     for a in apprenants)
        audit_record(actor=actor, action="documents.lot_request", target=f"lot:{lot.pk}",
                     details={"kind": kind, "classe": getattr(classe, "pk", None),
                              "apprenant": getattr(apprenant, "pk", None), "total": lot.total})
        transaction.on_commit(lambda: _enqueue_lot(lot.pk))
    return lot


def document_rerender(*, document: Document, actor) -> Lot:
    """Render `document` again, with today's data: a new one-learner lot (the old file stays downloadable)."""
    return lot_request(kind=document.kind, apprenant=document.apprenant, actor=actor, options=document.options)


def lot_start(*, lot_id: int) -> list[int]:
    """The worker took the lot: mark it started and return the documents still to render."""
    now = timezone.now()
    Lot.objects.filter(pk=lot_id, statut=Lot.Statut.EN_ATTENTE).update(statut=Lot.Statut.EN_COURS, started_at=now)
    Lot.objects.filter(pk=lot_id, statut=Lot.Statut.EN_COURS).update(heartbeat=now)
    return list(Document.objects.filter(lot_id=lot_id, statut=Document.Statut.EN_ATTENTE).values_list("pk", flat=True))


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "document"


def document_filename(document: Document) -> str:
    a = document.apprenant
    return f"{_slug(a.nom).upper()}-{_slug(a.prenom)}-{document.kind}.pdf"


def document_render(*, document: Document) -> bool:
    """Render `document` if it is still waiting; True when this call did it. Transient errors propagate (the task
    retries them); Indisponible and any other error end the document with a French message."""
    if document.fini:
        return False  # a redelivered task: done once already
    Lot.objects.filter(pk=document.lot_id, statut__in=[Lot.Statut.EN_ATTENTE, Lot.Statut.EN_COURS]).update(
        heartbeat=timezone.now())
    Document.objects.filter(pk=document.pk).update(tentatives=F("tentatives") + 1)
    kind = kinds.KINDS.get(document.kind)
    try:
        if kind is None:
            raise kinds.Indisponible("Ce type de document n'existe plus.")
        pdf = pdf_from_template(kind.template, kind.context(document.apprenant, **document.options))
    except TRANSIENT:
        raise
    except kinds.Indisponible as error:
        return document_fail(document=document, message=str(error) or "Rien à imprimer pour cet apprenant.")
    except Exception:
        logger.exception("Rendu du document %s (%s) en échec", document.pk, document.kind)
        return document_fail(document=document, message=ECHEC_INTERNE)
    return _document_finish(document=document, pdf=pdf)


def _document_finish(*, document: Document, pdf: bytes) -> bool:
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.fini:
            return False  # another delivery of the same task finished first: its file stands
        locked.fichier.save(document_filename(locked), ContentFile(pdf), save=False)
        locked.sha256 = hashlib.sha256(pdf).hexdigest()
        locked.statut, locked.erreur, locked.rendered_at = Document.Statut.TERMINE, "", timezone.now()
        locked.save(update_fields=["fichier", "sha256", "statut", "erreur", "rendered_at"])
        _lot_count(locked, echec=False)
    document.__dict__.update(locked.__dict__)
    return True


def document_fail(*, document: Document, message: str) -> bool:
    """End a waiting document as not established, with the message the person sees."""
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.fini:
            return False
        locked.statut, locked.erreur, locked.rendered_at = Document.Statut.ECHOUE, message, timezone.now()
        locked.save(update_fields=["statut", "erreur", "rendered_at"])
        _lot_count(locked, echec=True)
    document.__dict__.update(locked.__dict__)
    return True


def _lot_count(document: Document, *, echec: bool) -> None:
    """Count a document that just ended in its lot (inside its transaction); the last one finishes the lot."""
    if document.lot_id is None:
        return
    Lot.objects.filter(pk=document.lot_id).update(done=F("done") + 1, echecs=F("echecs") + int(echec),
                                                   heartbeat=timezone.now())
    lot = Lot.objects.only("done", "total").get(pk=document.lot_id)
    if lot.done >= lot.total:
        lot_id = lot.pk
        transaction.on_commit(lambda: _enqueue_finish(lot_id))


def _enqueue_finish(lot_id: int) -> None:
    from .tasks import finish_lot

    finish_lot.delay(lot_id)


def lot_progress(lot: Lot) -> dict:
    """What the progress page shows (fresh from the database)."""
    lot.refresh_from_db()
    return {"done": lot.done, "total": lot.total, "echecs": lot.echecs, "statut": lot.statut,
            "pourcentage": lot.pourcentage, "fini": lot.fini}


def _zip_name(document: Document, used: set[str]) -> str:
    name = document_filename(document)
    if name in used:
        name = name.removesuffix(".pdf") + f"-{document.apprenant_id}.pdf"
    used.add(name)
    return name


def lot_finish(*, lot_id: int) -> Lot:
    """Once every document ended: for a classe, one ZIP of the PDFs and one merged PDF; the lot is over, with a
    message listing the learners without a document. Idempotent: a finished lot is left as it is."""
    from pypdf import PdfWriter

    with transaction.atomic():
        lot = Lot.objects.select_for_update(of=("self",)).select_related("classe").get(pk=lot_id)
        if lot.fini or lot.done < lot.total:
            return lot
        documents = list(lot.documents.select_related("apprenant").order_by("apprenant__nom", "apprenant__prenom",
                                                                             "apprenant_id"))
        faits = [d for d in documents if d.statut == Document.Statut.TERMINE]
        rates = [d for d in documents if d.statut == Document.Statut.ECHOUE]
        if lot.classe_id and faits:
            buffer, writer, used = io.BytesIO(), PdfWriter(), set()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for document in faits:
                    with document.fichier.open("rb") as f:
                        data = f.read()
                    archive.writestr(_zip_name(document, used), data)
                    writer.append(io.BytesIO(data))
            merged = io.BytesIO()
            writer.write(merged)
            base = f"{_slug(lot.classe.code)}-{lot.kind}-{timezone.localdate():%Y-%m-%d}"
            lot.zip.save(f"{base}.zip", ContentFile(buffer.getvalue()), save=False)
            lot.pdf.save(f"{base}.pdf", ContentFile(merged.getvalue()), save=False)
        lignes = [f"{d.apprenant.prenom} {d.apprenant.nom} : {d.erreur}" for d in rates]
        lot.erreur = "\n".join(lignes)
        lot.statut = Lot.Statut.TERMINE if faits else Lot.Statut.ECHOUE
        lot.finished_at = lot.heartbeat = timezone.now()
        lot.save(update_fields=["zip", "pdf", "erreur", "statut", "finished_at", "heartbeat"])
    return lot


BLOQUE = ("Le rendu s'est interrompu : aucune nouvelle du service d'impression depuis plus de {minutes} minutes. "
          "Relancez la demande ; si cela se reproduit, prévenez l'équipe technique.")


def lots_stuck_fail(*, older_than: datetime.timedelta) -> int:
    """Lots with no heartbeat for `older_than` (a worker died and nothing redelivered its tasks): those whose
    documents all ended are finished now, the others end as failed with a message the person sees, and their
    waiting documents too. Returns the number of lots failed."""
    limite = timezone.now() - older_than
    minutes = max(1, int(older_than.total_seconds() // 60))
    n = 0
    stuck = Lot.objects.filter(statut__in=[Lot.Statut.EN_ATTENTE, Lot.Statut.EN_COURS], heartbeat__lt=limite)
    for lot_id in list(stuck.values_list("pk", flat=True)):
        with transaction.atomic():
            lot = Lot.objects.select_for_update().filter(pk=lot_id, heartbeat__lt=limite,
                                                         statut__in=[Lot.Statut.EN_ATTENTE,
                                                                     Lot.Statut.EN_COURS]).first()
            if lot is None:
                continue
            if lot.done >= lot.total:  # only the finishing step was lost
                transaction.on_commit(lambda pk=lot_id: lot_finish(lot_id=pk))
                continue
            message = BLOQUE.format(minutes=minutes)
            waiting = lot.documents.filter(statut=Document.Statut.EN_ATTENTE)
            lot.echecs += waiting.count()
            waiting.update(statut=Document.Statut.ECHOUE, erreur=message, rendered_at=timezone.now())
            lot.statut, lot.erreur, lot.done = Lot.Statut.ECHOUE, message, lot.total
            lot.finished_at = timezone.now()
            lot.save(update_fields=["statut", "erreur", "done", "echecs", "finished_at"])
            logger.warning("Lot de documents %s bloqué, marqué en échec", lot_id)
            n += 1
    return n
