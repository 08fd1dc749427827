"""An establishment's school life: formations, classes, learners and their inscriptions, formateurs.

A learner's history is never rewritten: changing classe or statut closes one Inscription and opens another.
Learners exist without an account (pupils imported from SIECLE rarely have an email); an account is linked
when they are invited.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tenants.annees import annee_scolaire_label

from .validators import validate_ine


class Formation(models.Model):
    """A référentiel (one version of a subscribed diploma) taught to cohorts of this establishment."""

    # No database constraint and DO_NOTHING: the catalogue lives in the public schema, which must stay
    # flushable and deletable without seeing every establishment's tables. `referentiel_delete` asks
    # scolarite.usage, which looks in every schema, before removing a version.
    referentiel = models.ForeignKey("referentiels.Referentiel", on_delete=models.DO_NOTHING, related_name="+",
                                    db_constraint=False)
    intitule = models.CharField("intitulé", max_length=200)
    code = models.CharField("code dans le logiciel de gestion", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intitule"]
        constraints = [models.UniqueConstraint(fields=["intitule"], name="formation_intitule_unique")]

    def __str__(self) -> str:
        return self.intitule


class Classe(models.Model):
    """A classe or groupe of one formation for one school year (named by the year of 1 September)."""

    class AnneeCycle(models.IntegerChoices):
        ANNEE_1 = 1, "1re année (seconde de bac pro, 1re année de CAP)"
        ANNEE_2 = 2, "2e année (première de bac pro, 2e année de CAP)"
        ANNEE_3 = 3, "3e année (terminale de bac pro)"
        ANNEE_4 = 4, "4e année (cycle allongé)"

    formation = models.ForeignKey(Formation, on_delete=models.PROTECT, related_name="classes")
    annee_scolaire = models.PositiveSmallIntegerField("année scolaire")
    code = models.CharField("code", max_length=40)
    intitule = models.CharField("intitulé", max_length=200, blank=True)
    # Which year of the diploma's cycle the classe is: the PFMP of the terminal year are checked against it
    # (docs/periodes.md). Empty when unknown (classes created before it existed, codes that say nothing).
    annee_cycle = models.PositiveSmallIntegerField("année du cycle", null=True, blank=True,
                                                   choices=AnneeCycle.choices)
    formateurs = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="classes_enseignees")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-annee_scolaire", "code"]
        constraints = [
            models.UniqueConstraint(fields=["annee_scolaire", "code"], name="classe_annee_code_unique"),
            models.CheckConstraint(condition=Q(annee_cycle__isnull=True) | Q(annee_cycle__range=(1, 4)),
                                   name="classe_annee_cycle_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({annee_scolaire_label(self.annee_scolaire)})"

    @property
    def annee_label(self) -> str:
        return annee_scolaire_label(self.annee_scolaire)

    @staticmethod
    def annee_cycle_guess(code: str) -> int | None:
        """The year of the cycle a division code usually means: 2… seconde (1), 1… première (2), T… terminale
        (3); a CAP's leading digit is its year (1CAP, 2CAP). None when the code says nothing."""
        code = (code or "").strip().upper()
        if "CAP" in code:
            return int(code[0]) if code[:1] in ("1", "2") else None
        return {"2": 1, "1": 2, "T": 3}.get(code[:1])


class Apprenant(models.Model):
    """A learner (élève, apprenti, stagiaire). The INE is the key across establishments (transfers, imports)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="apprenant")
    nom = models.CharField(max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    ine = models.CharField("INE", max_length=11, blank=True, validators=[validate_ine])
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    adresse = models.TextField(blank=True)
    identifiant_externe = models.CharField("identifiant externe", max_length=40, blank=True,
                                           help_text="ELEVE_ID de SIECLE ou code apprenant du logiciel de gestion")
    # Set on learners received by transfer: their past records are read-only.
    transfere_de = models.CharField("reçu de", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nom", "prenom"]
        constraints = [
            models.UniqueConstraint(fields=["ine"], condition=~Q(ine=""), name="apprenant_ine_unique"),
        ]
        indexes = [models.Index(fields=["email"], name="apprenant_email_idx")]

    def __str__(self) -> str:
        return f"{self.nom.upper()} {self.prenom}"


class Inscription(models.Model):
    """A learner in a classe, from `debut` to `fin` (open while `fin` is empty), with a statut."""

    class Statut(models.TextChoices):
        SCOLAIRE = "scolaire", "Scolaire"
        APPRENTI = "apprenti", "Apprenti·e"
        STAGIAIRE_FC = "stagiaire_fc", "Stagiaire de la formation continue"

    apprenant = models.ForeignKey(Apprenant, on_delete=models.PROTECT, related_name="inscriptions")
    classe = models.ForeignKey(Classe, on_delete=models.PROTECT, related_name="inscriptions")
    statut = models.CharField(max_length=20, choices=Statut.choices)
    debut = models.DateField("début")
    fin = models.DateField(null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=200, blank=True)
    redoublant = models.BooleanField("redoublement ou prolongation", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["debut", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                                   name="inscription_fin_after_debut"),
            models.UniqueConstraint(fields=["apprenant"], condition=Q(fin__isnull=True),
                                    name="inscription_one_open_per_apprenant"),
        ]

    def __str__(self) -> str:
        return f"{self.apprenant} en {self.classe.code}"


class Formateur(models.Model):
    """What the establishment knows of a formateur beyond their account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="formateur")
    discipline = models.CharField(max_length=120, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class Reglages(models.Model):
    """The establishment's pedagogical settings: one row per schema."""

    class Periodicite(models.TextChoices):
        TRIMESTRE = "trimestre", "Trimestre"
        SEMESTRE = "semestre", "Semestre"

    # {"3": "trimestre", "4": "semestre", ...}: per diploma level (CAP = 3, Bac pro = 4, BTS = 5).
    periodicites = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réglages"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="reglages_singleton")]

    def __str__(self) -> str:
        return "réglages de l'établissement"


class Transfert(models.Model):
    """The log of a learner's file sent to, or received from, another establishment of the platform."""

    class Sens(models.TextChoices):
        ENVOI = "envoi", "Envoyé"
        RECEPTION = "reception", "Reçu"

    sens = models.CharField(max_length=10, choices=Sens.choices)
    ine = models.CharField("INE", max_length=11)
    apprenant = models.ForeignKey(Apprenant, null=True, on_delete=models.SET_NULL, related_name="transferts")
    apprenant_label = models.CharField(max_length=300)
    autre_etablissement = models.CharField("autre établissement", max_length=200)
    autre_uai = models.CharField(max_length=8, blank=True)
    par = models.CharField("par", max_length=254)
    at = models.DateTimeField(auto_now_add=True)
    resume = models.JSONField("contenu", default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_sens_display()} : {self.apprenant_label} ({self.autre_etablissement})"


class DossierAnterieur(models.Model):
    """A learner's history from another establishment, received by transfer: read-only past records."""

    apprenant = models.ForeignKey(Apprenant, on_delete=models.PROTECT, related_name="dossiers_anterieurs")
    etablissement = models.CharField("établissement d'origine", max_length=200)
    uai = models.CharField(max_length=8, blank=True)
    recu_le = models.DateTimeField(auto_now_add=True)
    contenu = models.JSONField(default=dict)

    class Meta:
        ordering = ["-recu_le"]

    def __str__(self) -> str:
        return f"dossier de {self.apprenant} reçu de {self.etablissement}"


class ImportFichier(models.Model):
    """A file uploaded for import: kept between the preview and the confirmation, then as a record of what
    was written and by whom."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV (logiciel de gestion, tableur)"
        SIECLE = "siecle", "SIECLE (XML)"

    class Statut(models.TextChoices):
        APERCU = "apercu", "Aperçu, rien d'écrit"
        EN_COURS = "en_cours", "En cours d'écriture"  # large files are written by a Celery task
        APPLIQUE = "applique", "Appliqué"
        ABANDONNE = "abandonne", "Abandonné"

    format = models.CharField(max_length=10, choices=Format.choices)
    nom_fichier = models.CharField("fichier", max_length=255)
    contenu = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.APERCU)
    rapport = models.JSONField(default=dict, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    applique_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"import {self.nom_fichier} ({self.get_statut_display()})"
