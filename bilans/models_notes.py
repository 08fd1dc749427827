"""The period grade (note de période) made from a validated bilan (docs/bilans.md, « La note de période »).

The tool proposes, the formateur decides: a Note holds the weights (% per evaluated competency) and the grade
they give from the formateur's validated levels; the formateur finalises it with an adjustment of at most ±2
points, justified when not zero. The bilan itself is never touched (it is frozen). A proposed note (not
finalised) may still change; a finalised one never does (trigger of migration 0003): redoing a grade makes a new
Note that supersedes it (`remplace`), so the history is append-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest, Least

from evaluations.models import catalogue_fk

AJUSTEMENT_MAX = 2
NOTE_MAX = 20


class Note(models.Model):
    bilan = models.ForeignKey("bilans.Bilan", on_delete=models.PROTECT, related_name="notes")
    valeur_calculee = models.DecimalField("note calculée", max_digits=4, decimal_places=2)
    ajustement = models.DecimalField(max_digits=3, decimal_places=1, default=0)
    justification = models.TextField(blank=True)
    note_finale = models.DecimalField("note finale", max_digits=4, decimal_places=2, null=True, blank=True)
    # The finalised note of the same bilan this one replaces (a grade redone); never modified itself.
    remplace = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="remplace_par")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalisee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="enregistrée par")
    finalisee_le = models.DateTimeField("enregistrée le", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "note de période"
        verbose_name_plural = "notes de période"
        constraints = [
            # One proposal being written per bilan; finalised ones pile up as history.
            models.UniqueConstraint(fields=["bilan"], condition=Q(finalisee_le__isnull=True),
                                    name="note_une_proposition_par_bilan"),
            models.CheckConstraint(condition=Q(valeur_calculee__gte=0, valeur_calculee__lte=NOTE_MAX),
                                   name="note_calculee_sur_20"),
            models.CheckConstraint(condition=Q(ajustement__gte=-AJUSTEMENT_MAX, ajustement__lte=AJUSTEMENT_MAX),
                                   name="note_ajustement_2_points"),
            models.CheckConstraint(condition=Q(ajustement=0) | ~Q(justification=""),
                                   name="note_ajustement_justifie"),
            models.CheckConstraint(
                condition=Q(finalisee_le__isnull=True, finalisee_par__isnull=True, note_finale__isnull=True,
                            ajustement=0, justification="")
                | Q(finalisee_le__isnull=False, finalisee_par__isnull=False, note_finale__isnull=False),
                name="note_finale_datee_et_signee"),
            models.CheckConstraint(
                condition=Q(note_finale__isnull=True) | Q(note_finale=Greatest(
                    Value(0), Least(Value(NOTE_MAX), F("valeur_calculee") + F("ajustement")),
                    output_field=models.DecimalField())),
                name="note_finale_calculee_plus_ajustement"),
        ]

    def __str__(self) -> str:
        return f"note du bilan {self.bilan_id}"

    @property
    def finalisee(self) -> bool:
        return self.finalisee_le is not None


class NotePoids(models.Model):
    """The weight, in %, of one evaluated competency of the bilan in the note (the weights sum to 100)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="poids")
    competence = catalogue_fk("Competence")
    poids = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = "poids d'une compétence"
        verbose_name_plural = "poids des compétences"
        constraints = [
            models.UniqueConstraint(fields=["note", "competence"], name="note_poids_competence_unique"),
            models.CheckConstraint(condition=Q(poids__gte=0, poids__lte=100), name="note_poids_pourcentage"),
        ]

    def __str__(self) -> str:
        return f"{self.poids} % pour la compétence {self.competence_id}"
