"""The journal de bord: what a learner did in the company, day by day, validated by the tutor.

An entry's content lives in append-only versions: a change, after validation or before, is a new version,
so the history shows who changed what and when. Opinions (validation, comment, request for changes) are
append-only too, each tied to the version it was given on.
"""

from django.conf import settings
from django.db import models

from evaluations.models import catalogue_fk


class EntreeJournal(models.Model):
    class Statut(models.TextChoices):
        A_VALIDER = "a_valider", "À valider"
        VALIDEE = "validee", "Validée"
        A_REVOIR = "a_revoir", "À revoir"

    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="journal")
    contrat = models.ForeignKey("entreprise.Contrat", on_delete=models.PROTECT, related_name="journal")
    periode = models.ForeignKey("entreprise.Periode", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="journal")
    # The current version's date and status, kept here so lists sort and filter without reading versions.
    date = models.DateField()
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.A_VALIDER)
    version_courante = models.ForeignKey("EntreeVersion", null=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["apprenant", "date"], name="journal_apprenant_date_idx"),
            models.Index(fields=["contrat", "statut"], name="journal_contrat_statut_idx"),
        ]

    def __str__(self) -> str:
        return f"journal de {self.apprenant_id} du {self.date:%d/%m/%Y}"


class EntreeVersion(models.Model):
    entree = models.ForeignKey(EntreeJournal, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField()
    date = models.DateField()
    texte = models.TextField("ce qui a été fait")
    duree_minutes = models.PositiveIntegerField("durée (minutes)", null=True, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["numero"]
        constraints = [models.UniqueConstraint(fields=["entree", "numero"], name="entree_version_numero_unique")]

    def __str__(self) -> str:
        return f"version {self.numero} de l'entrée {self.entree_id}"


class EntreeTache(models.Model):
    """A RAP task the learner says this version of the entry concerned."""

    version = models.ForeignKey(EntreeVersion, on_delete=models.CASCADE, related_name="tache_links")
    tache = catalogue_fk("Tache")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "tache"], name="entree_tache_unique")]

    def __str__(self) -> str:
        return f"tâche {self.tache_id} de la version {self.version_id}"


class EntreeAvis(models.Model):
    """The tutor's or formateur's word on a version: validated, a comment, or a request for changes."""

    class Action(models.TextChoices):
        VALIDATION = "validation", "Validée"
        COMMENTAIRE = "commentaire", "Commentaire"
        A_REVOIR = "a_revoir", "À revoir"

    entree = models.ForeignKey(EntreeJournal, on_delete=models.PROTECT, related_name="avis")
    version = models.ForeignKey(EntreeVersion, on_delete=models.PROTECT, related_name="avis")
    action = models.CharField(max_length=12, choices=Action.choices)
    commentaire = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} sur la version {self.version_id}"


def preuve_upload_to(instance, filename: str) -> str:
    """A random name: the original one is kept in `nom`, never used on disk."""
    import uuid

    return f"journal/{uuid.uuid4().hex}{instance.extension}"


class Preuve(models.Model):
    """A photo or a PDF attached to an entry: type checked by content, images downscaled and stripped of
    their metadata, stored in the establishment's own folder, served only through an access-checked view."""

    entree = models.ForeignKey(EntreeJournal, on_delete=models.PROTECT, related_name="preuves")
    version = models.ForeignKey(EntreeVersion, on_delete=models.PROTECT, related_name="preuves")
    fichier = models.FileField(upload_to=preuve_upload_to)
    nom = models.CharField(max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveIntegerField()
    ajoute_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.nom

    @property
    def extension(self) -> str:
        return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(self.type_mime, "")
