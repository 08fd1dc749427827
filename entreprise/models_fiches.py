"""Fiches activités en entreprise: what the formateur expects of a company period (RAP tasks, criteria to
evaluate there), prepared once for the classe and adjusted per learner, and the learner's report on it.

A fiche has no date: it belongs to a company period. The classe's fiche has no learner; a learner's adjusted
copy (apprenant set) wins over it for that learner. The learner's report (`FicheRealisation`) can be changed
until the formateur has checked it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from evaluations.models import catalogue_fk


class FicheActivites(models.Model):
    periode = models.ForeignKey("entreprise.Periode", on_delete=models.PROTECT, related_name="fiches")
    apprenant = models.ForeignKey("scolarite.Apprenant", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="fiches_activites",
                                  help_text="Vide : la fiche de la classe ; renseigné : la fiche ajustée pour "
                                            "cet apprenant.")
    titre = models.CharField(max_length=200)
    consignes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["periode_id", "apprenant_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["periode"], condition=Q(apprenant__isnull=True),
                                    name="fiche_activites_classe_unique"),
            models.UniqueConstraint(fields=["periode", "apprenant"], condition=Q(apprenant__isnull=False),
                                    name="fiche_activites_apprenant_unique"),
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def ajustee(self) -> bool:
        return self.apprenant_id is not None


class FicheTache(models.Model):
    """A RAP task expected during the period."""

    fiche = models.ForeignKey(FicheActivites, on_delete=models.CASCADE, related_name="tache_links")
    tache = catalogue_fk("Tache")
    rang = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [models.UniqueConstraint(fields=["fiche", "tache"], name="fiche_tache_unique")]

    def __str__(self) -> str:
        return f"tâche {self.tache_id} de la fiche {self.fiche_id}"


class FicheCritere(models.Model):
    """A criterion to evaluate during the period (it feeds the period's bilan)."""

    fiche = models.ForeignKey(FicheActivites, on_delete=models.CASCADE, related_name="critere_links")
    critere = catalogue_fk("Critere")
    rang = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [models.UniqueConstraint(fields=["fiche", "critere"], name="fiche_critere_unique")]

    def __str__(self) -> str:
        return f"critère {self.critere_id} de la fiche {self.fiche_id}"


class FicheRealisation(models.Model):
    """What the learner actually did during the period: a report and the expected tasks done."""

    class Statut(models.TextChoices):
        BROUILLON = "brouillon", "Brouillon"
        RENDUE = "rendue", "Envoyée au formateur"
        VUE = "vue", "Vue par le formateur"

    fiche = models.ForeignKey(FicheActivites, on_delete=models.PROTECT, related_name="realisations")
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="fiche_realisations")
    compte_rendu = models.TextField("ce que j'ai fait", blank=True)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.BROUILLON)
    rendue_le = models.DateTimeField(null=True, blank=True)
    remarque = models.TextField("remarque du formateur", blank=True)
    vue_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    vue_le = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["fiche_id", "apprenant_id"]
        constraints = [models.UniqueConstraint(fields=["fiche", "apprenant"], name="fiche_realisation_unique")]

    def __str__(self) -> str:
        return f"compte rendu de {self.apprenant_id} sur la fiche {self.fiche_id}"

    @property
    def modifiable(self) -> bool:
        return self.statut != self.Statut.VUE


class FicheRealisationTache(models.Model):
    """An expected task the learner ticked as done."""

    realisation = models.ForeignKey(FicheRealisation, on_delete=models.CASCADE, related_name="tache_links")
    tache = catalogue_fk("Tache")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realisation", "tache"], name="fiche_realisation_tache_unique")]

    def __str__(self) -> str:
        return f"tâche {self.tache_id} faite ({self.realisation_id})"
