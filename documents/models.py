"""Printed documents of an establishment: a `Lot` is one request (a classe's batch or one learner), rendered in
the background one `Document` per learner; a classe's lot ends with one ZIP and one merged PDF.

Files live in the establishment's media folder (TenantFileSystemStorage) and are only ever served by the
access-checked views of documents.views, never by a media URL."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Lot(models.Model):
    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINE = "termine", "Terminé"
        ECHOUE = "echoue", "Échoué"

    kind = models.CharField("type de document", max_length=40)
    classe = models.ForeignKey("scolarite.Classe", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="lots_documents")
    apprenant = models.ForeignKey("scolarite.Apprenant", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="lots_documents")
    options = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    statut = models.CharField(max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField("documents traités", default=0)
    echecs = models.PositiveIntegerField("documents non établis", default=0)
    erreur = models.TextField(blank=True)
    zip = models.FileField(upload_to="documents/lots/%Y/%m/", blank=True)
    pdf = models.FileField("PDF fusionné", upload_to="documents/lots/%Y/%m/", blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A lot is for a classe or for one learner, never both, never neither.
            models.CheckConstraint(condition=Q(classe__isnull=False, apprenant__isnull=True)
                                   | Q(classe__isnull=True, apprenant__isnull=False), name="lot_classe_xor_apprenant"),
            models.CheckConstraint(condition=Q(done__lte=F("total")) & Q(echecs__lte=F("done")),
                                   name="lot_done_within_total"),
            models.CheckConstraint(condition=Q(statut__in=["termine", "echoue"]) | Q(finished_at__isnull=True),
                                   name="lot_finished_only_when_over"),
        ]
        indexes = [models.Index(fields=["statut", "heartbeat"], name="lot_statut_heartbeat_idx")]

    def __str__(self) -> str:
        return f"{self.kind} — {self.classe or self.apprenant}"

    @property
    def fini(self) -> bool:
        return self.statut in (self.Statut.TERMINE, self.Statut.ECHOUE)

    @property
    def pourcentage(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class Document(models.Model):
    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        TERMINE = "termine", "Établi"
        ECHOUE = "echoue", "Non établi"

    kind = models.CharField("type de document", max_length=40)
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="documents")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    fichier = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rendered_at = models.DateTimeField(null=True, blank=True)
    statut = models.CharField(max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE)
    erreur = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    tentatives = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A rendered document has its file and fingerprint; a failed one says why.
            models.CheckConstraint(
                condition=~Q(statut="termine") | (~Q(fichier="") & Q(sha256__regex=r"^[0-9a-f]{64}$")),
                name="document_termine_has_file"),
            models.CheckConstraint(condition=~Q(statut="echoue") | ~Q(erreur=""), name="document_echoue_says_why"),
            models.UniqueConstraint(fields=["lot", "apprenant"], name="document_one_per_learner_per_lot"),
        ]
        indexes = [models.Index(fields=["apprenant", "kind", "-created_at"], name="document_apprenant_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} — {self.apprenant}"

    @property
    def fini(self) -> bool:
        return self.statut != self.Statut.EN_ATTENTE
