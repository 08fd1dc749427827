"""The CCF grid (docs/ccf.md): one per certificative situation, learner and version.

A grid is a draft until it is locked; a locked grid never changes (services refuse, and the trigger of migration
0007 refuses UPDATE and DELETE of a locked grid and any write of its lines). Changing a locked grid means a new
version (numero + 1) that points to the one it replaces and says why (`motif`): the history only grows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .models import EchelleVersion, EtatSpecial, Niveau, Situation, catalogue_fk


class GrilleCCF(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="grilles_ccf")
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="grilles_ccf")
    numero = models.PositiveSmallIntegerField("version", default=1)
    remplace = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="remplace_par")
    motif = models.TextField("raison de la nouvelle version", blank=True)
    version = models.ForeignKey(EchelleVersion, on_delete=models.PROTECT, related_name="+",
                                verbose_name="version d'échelle")
    numero_candidat = models.CharField("numéro de candidat", max_length=30, blank=True)
    session = models.CharField(max_length=20, blank=True)
    date = models.DateField("date de l'épreuve", null=True, blank=True)
    commission = models.TextField("membres de la commission", blank=True,
                                  help_text="Un membre par ligne : nom, puis sa qualité.")
    commentaire = models.TextField("appréciation", blank=True)
    ajustement = models.DecimalField(max_digits=3, decimal_places=1, default=0)
    justification = models.TextField(blank=True)
    # Frozen when the grid is locked: what the commission proposed, whatever later rounding rules say.
    note_calculee = models.DecimalField("note calculée", max_digits=4, decimal_places=1, null=True, blank=True)
    note_proposee = models.DecimalField("note proposée", max_digits=4, decimal_places=1, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verrouillee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="verrouillée par")
    verrouillee_le = models.DateTimeField("verrouillée le", null=True, blank=True)

    class Meta:
        ordering = ["situation", "apprenant", "-numero"]
        verbose_name = "grille CCF"
        verbose_name_plural = "grilles CCF"
        constraints = [
            models.UniqueConstraint(fields=["situation", "apprenant", "numero"], name="grilleccf_version_unique"),
            models.UniqueConstraint(fields=["situation", "apprenant"], condition=Q(verrouillee_le__isnull=True),
                                    name="grilleccf_un_brouillon"),
            models.CheckConstraint(condition=Q(ajustement__gte=-2) & Q(ajustement__lte=2),
                                   name="grilleccf_ajustement_2_points"),
            models.CheckConstraint(condition=Q(ajustement=0) | ~Q(justification=""),
                                   name="grilleccf_ajustement_justifie"),
            models.CheckConstraint(condition=(Q(numero=1) & Q(remplace__isnull=True))
                                   | (Q(numero__gt=1) & Q(remplace__isnull=False) & ~Q(motif="")),
                                   name="grilleccf_version_motivee"),
            models.CheckConstraint(condition=(Q(verrouillee_le__isnull=True) & Q(verrouillee_par__isnull=True))
                                   | (Q(verrouillee_le__isnull=False) & Q(verrouillee_par__isnull=False)
                                      & Q(note_proposee__isnull=False)),
                                   name="grilleccf_verrou_date_et_signe"),
        ]

    def __str__(self) -> str:
        return f"grille CCF {self.pk} (v{self.numero}) de {self.apprenant_id}"

    @property
    def verrouillee(self) -> bool:
        return self.verrouillee_le is not None

    def membres(self) -> list[str]:
        return [ligne.strip() for ligne in self.commission.splitlines() if ligne.strip()]


class GrilleCCFLigne(models.Model):
    """One competency of the épreuve: its points in the barème and its level (or a special state: non évalué)."""

    grille = models.ForeignKey(GrilleCCF, on_delete=models.CASCADE, related_name="lignes")
    competence = catalogue_fk("Competence")
    rang = models.PositiveSmallIntegerField(default=0)
    points = models.DecimalField(max_digits=5, decimal_places=2)
    niveau = models.ForeignKey(Niveau, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    etat = models.ForeignKey(EtatSpecial, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["grille", "rang", "id"]
        verbose_name = "ligne de grille CCF"
        verbose_name_plural = "lignes de grille CCF"
        constraints = [
            models.UniqueConstraint(fields=["grille", "competence"], name="grilleccfligne_competence_unique"),
            models.CheckConstraint(condition=Q(points__gte=0) & Q(points__lte=100), name="grilleccfligne_points"),
            models.CheckConstraint(condition=Q(niveau__isnull=True) | Q(etat__isnull=True),
                                   name="grilleccfligne_niveau_ou_etat"),
        ]

    def __str__(self) -> str:
        return f"ligne {self.competence_id} de la grille {self.grille_id}"
