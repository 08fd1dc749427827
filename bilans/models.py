"""Bilans intermédiaires: the formateur's dated judgement of a learner's mastery of each competency of their
référentiel (docs/bilans.md).

A bilan opens as a draft prefilled with the suggested levels (frozen at creation with their one-sentence
reason); the formateur sets each level and comment; once validated it never changes (the services say so in
French, the trigger of migration 0002 refuses any UPDATE or DELETE). The next validated bilan of the same
learner supersedes it and says so explicitly (`remplace`). A period grade (models_notes.Note) is made from a
validated bilan and never changes the bilan itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from evaluations.models import catalogue_fk


class Bilan(models.Model):
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT,
                                  related_name="bilans_intermediaires")
    classe = models.ForeignKey("scolarite.Classe", on_delete=models.PROTECT, related_name="bilans_intermediaires")
    # Frozen at creation: the référentiel whose competencies the lines are, and the Maîtrise scale version whose
    # levels they use (versions never change, so a level keeps its meaning whatever the scale becomes).
    referentiel = catalogue_fk("Referentiel")
    version = models.ForeignKey("evaluations.EchelleVersion", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(help_text="Les évaluations jusqu'à cette date fondent les niveaux suggérés.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="validé par")
    # The learner's bilan in force when this one was validated: this one supersedes it.
    remplace = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="remplace_par")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "bilan intermédiaire"
        verbose_name_plural = "bilans intermédiaires"
        indexes = [
            models.Index(fields=["apprenant", "date"], name="bilan_apprenant_date_idx"),
            models.Index(fields=["classe", "date"], name="bilan_classe_date_idx"),
        ]
        constraints = [
            # One bilan in progress per learner: the draft is "the bilan being written".
            models.UniqueConstraint(fields=["apprenant"], condition=Q(validated_at__isnull=True),
                                    name="bilan_un_brouillon_par_apprenant"),
            models.CheckConstraint(condition=Q(validated_at__isnull=True, validated_by__isnull=True)
                                   | Q(validated_at__isnull=False, validated_by__isnull=False),
                                   name="bilan_validation_datee_et_signee"),
            models.CheckConstraint(condition=Q(remplace__isnull=True) | Q(validated_at__isnull=False),
                                   name="bilan_remplace_une_fois_valide"),
        ]

    def __str__(self) -> str:
        return f"bilan du {self.date:%d/%m/%Y}"

    @property
    def valide(self) -> bool:
        return self.validated_at is not None


class BilanLigne(models.Model):
    """One competency of a bilan: the suggestion as computed at creation, and the formateur's level."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="lignes")
    competence = catalogue_fk("Competence")
    rang = models.PositiveIntegerField(default=0)
    suggestion_code = models.CharField("niveau suggéré", max_length=10)
    suggestion_phrase = models.TextField("raison de la suggestion")
    niveau = models.ForeignKey("evaluations.Niveau", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    etat = models.ForeignKey("evaluations.EtatSpecial", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    commentaire = models.TextField(blank=True)
    # Bumped by every change: a save names the revision its author saw, so a concurrent change is never
    # overwritten silently (bilans.services.bilan_ligne_set).
    revision = models.PositiveIntegerField(default=0)
    modifie_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    modifie_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bilan", "competence"], name="bilan_ligne_competence_unique"),
            models.CheckConstraint(condition=Q(niveau__isnull=True) | Q(etat__isnull=True),
                                   name="bilan_ligne_niveau_ou_etat"),
        ]

    def __str__(self) -> str:
        return f"compétence {self.competence_id} du bilan {self.bilan_id}"

    @property
    def code(self) -> str:
        """The chosen level's or state's code, "" while none is chosen (needs niveau and etat loaded)."""
        if self.niveau_id:
            return self.niveau.code
        return self.etat.code if self.etat_id else ""

    @property
    def libelle(self) -> str:
        if self.niveau_id:
            return self.niveau.libelle
        return self.etat.libelle if self.etat_id else "Pas encore choisi"


from .models_notes import Note, NotePoids  # noqa: E402, F401 the period grade made from a validated bilan
