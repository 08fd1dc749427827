"""The company side's calendar: periods of a classe (centre or company), and the formateur's visits and contacts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Periode(models.Model):
    """A stretch of a classe's alternance calendar, in the centre or in the company (apprenticeship period or
    PFMP). Created as one long period and cut later: what is attached to it (journal entries) follows the dates."""

    class Lieu(models.TextChoices):
        CENTRE = "centre", "Au centre"
        ENTREPRISE = "entreprise", "En entreprise"

    class Nature(models.TextChoices):
        ALTERNANCE = "alternance", "Alternance (apprentissage)"
        PFMP = "pfmp", "PFMP"
        PFMP_PARCOURS = "pfmp_parcours", "PFMP du parcours différencié (ne compte pas pour l'examen)"

    classe = models.ForeignKey("scolarite.Classe", on_delete=models.PROTECT, related_name="periodes")
    lieu = models.CharField(max_length=12, choices=Lieu.choices)
    nature = models.CharField(max_length=16, choices=Nature.choices, default=Nature.ALTERNANCE)
    libelle = models.CharField("libellé", max_length=120, blank=True)
    debut = models.DateField("début")
    fin = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["debut", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gte=F("debut")), name="periode_fin_after_debut"),
        ]
        indexes = [models.Index(fields=["classe", "debut"], name="periode_classe_debut_idx")]

    def __str__(self) -> str:
        return self.libelle or f"{self.get_lieu_display()} du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"

    @property
    def en_entreprise(self) -> bool:
        return self.lieu == self.Lieu.ENTREPRISE


class Visite(models.Model):
    """A company visit or a contact with the tutor, recorded by a formateur: the evidence that the centre
    organises the cooperation with maîtres d'apprentissage (Code du travail L6231-2, Qualiopi indicator 13)."""

    class Mode(models.TextChoices):
        VISITE = "visite", "Visite en entreprise"
        TELEPHONE = "telephone", "Appel téléphonique"
        VISIO = "visio", "Visioconférence"
        COURRIEL = "courriel", "Courriel"
        CENTRE = "centre", "Rencontre au centre"

    contrat = models.ForeignKey("entreprise.Contrat", on_delete=models.PROTECT, related_name="visites")
    date = models.DateField()
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.VISITE)
    participants = models.CharField("qui", max_length=300, blank=True,
                                    help_text="Les personnes présentes ou jointes (tuteur, apprenti, formateur…)")
    notes = models.TextField(blank=True)
    suites = models.TextField("suites à donner", blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["contrat", "date"], name="visite_contrat_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} du {self.date:%d/%m/%Y}"
