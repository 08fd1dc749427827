"""Bilan entreprise: the review of a company period, filled by the formateur and the tutor together (during a
visit, on a phone) or on a printed form typed in afterwards.

It is prefilled with the criteria of the learner's fiche activités (frozen at creation in `BilanCritere`). What
either party enters is appended (`BilanSaisie`), never overwritten: the latest entry per criterion is the
bilan's current value, the earlier ones its history. Each party confirms; once both have, the values become
evaluation events (lieu = entreprise, the tutor as co-author) and the bilan is closed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from evaluations.models import catalogue_fk


class BilanEntreprise(models.Model):
    class Mode(models.TextChoices):
        VISITE = "visite", "Rempli ensemble (visite ou rencontre)"
        PAPIER = "papier", "Formulaire papier saisi ensuite"

    periode = models.ForeignKey("entreprise.Periode", on_delete=models.PROTECT, related_name="bilans")
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="bilans_entreprise")
    contrat = models.ForeignKey("entreprise.Contrat", on_delete=models.PROTECT, related_name="bilans")
    tuteur = models.ForeignKey("entreprise.Tuteur", on_delete=models.PROTECT, related_name="bilans")
    fiche = models.ForeignKey("entreprise.FicheActivites", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="bilans")
    date = models.DateField(help_text="Le jour de la visite ou de la rencontre.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.VISITE)
    appreciation = models.TextField("appréciation générale", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirme_formateur_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+")
    confirme_formateur_le = models.DateTimeField(null=True, blank=True)
    # The tutor confirms with their account, or (tutors who never log in) by signing the printed form: the
    # formateur then records it and stays its author (`confirme_tuteur_papier`).
    confirme_tuteur_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    confirme_tuteur_le = models.DateTimeField(null=True, blank=True)
    confirme_tuteur_papier = models.BooleanField("signé sur le formulaire papier", default=False)
    valide_le = models.DateTimeField("confirmé par les deux parties le", null=True, blank=True)
    evaluations = models.ManyToManyField("evaluations.Evaluation", blank=True, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "bilan entreprise"
        constraints = [
            models.UniqueConstraint(fields=["periode", "apprenant"], name="bilan_entreprise_unique"),
            models.CheckConstraint(
                condition=Q(valide_le__isnull=True) | (Q(confirme_formateur_le__isnull=False)
                                                       & Q(confirme_tuteur_le__isnull=False)),
                name="bilan_entreprise_valide_apres_confirmations"),
        ]

    def __str__(self) -> str:
        return f"bilan entreprise du {self.date:%d/%m/%Y}"

    @property
    def valide(self) -> bool:
        return self.valide_le is not None

    @property
    def statut_label(self) -> str:
        if self.valide:
            return "Confirmé"
        if self.confirme_formateur_le:
            return "À confirmer par le tuteur"
        if self.confirme_tuteur_le:
            return "À confirmer par le formateur"
        return "En cours"


class BilanCritere(models.Model):
    """A criterion of the bilan, copied from the fiche when the bilan is created (the fiche may change later)."""

    bilan = models.ForeignKey(BilanEntreprise, on_delete=models.CASCADE, related_name="critere_links")
    critere = catalogue_fk("Critere")
    rang = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [models.UniqueConstraint(fields=["bilan", "critere"], name="bilan_critere_unique")]

    def __str__(self) -> str:
        return f"critère {self.critere_id} du bilan {self.bilan_id}"


class BilanSaisie(models.Model):
    """One value entered for a criterion (a level of the company scale, « non vu », or nothing): append-only."""

    bilan = models.ForeignKey(BilanEntreprise, on_delete=models.PROTECT, related_name="saisies")
    critere = catalogue_fk("Critere")
    niveau = models.ForeignKey("evaluations.Niveau", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    etat = models.ForeignKey("evaluations.EtatSpecial", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    commentaire = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["bilan", "critere", "at"], name="bilan_saisie_idx")]
        constraints = [models.CheckConstraint(condition=Q(niveau__isnull=True) | Q(etat__isnull=True),
                                              name="bilan_saisie_niveau_or_etat")]

    def __str__(self) -> str:
        return f"saisie {self.pk} du bilan {self.bilan_id}"
