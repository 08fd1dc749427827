"""Evaluation scales as data: an establishment's scales, their immutable versions, levels and special states.

A version is never edited. Changing labels, colours or the number of levels creates the next version; events
keep pointing at the version and level they used, so their meaning never changes. The database refuses an
UPDATE or a DELETE on a version, a level or a special state (trigger of migration 0001).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .contrast import TEXTE_CLAIR, TEXTE_FONCE, texte_lisible

COULEUR_RE = r"^#[0-9a-fA-F]{6}$"


class Immuable(models.Model):
    """Rows written once: the trigger refuses changes; this says so in French before the database does."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Une version d'échelle ne se modifie pas : créez une nouvelle version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Une version d'échelle ne se supprime pas : elle donne leur sens aux évaluations.")


class Echelle(models.Model):
    """A scale of the establishment (Performance, CCF...), for criteria, competencies or company liaison."""

    class Portee(models.TextChoices):
        CRITERE = "critere", "Critères d'évaluation"
        COMPETENCE = "competence", "Compétences"
        ENTREPRISE = "entreprise", "Liaison entreprise"

    code = models.SlugField(max_length=40)
    nom = models.CharField(max_length=100)
    portee = models.CharField("portée", max_length=20, choices=Portee.choices)
    en_usage = models.BooleanField("en usage", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["portee", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="echelle_code_unique"),
            models.UniqueConstraint(models.functions.Lower("nom"), name="echelle_nom_unique"),
        ]

    def __str__(self) -> str:
        return self.nom


class EchelleVersion(Immuable):
    """One state of a scale, numbered from 1. The current version is the highest numero."""

    echelle = models.ForeignKey(Echelle, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveSmallIntegerField("numéro")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["echelle", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["echelle", "numero"], name="echelleversion_numero_unique"),
            models.CheckConstraint(condition=Q(numero__gte=1), name="echelleversion_numero_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.echelle} v{self.numero}"


class Niveau(Immuable):
    """An ordered level of a version: rang 1 is the lowest. Colour is never the only signal: the badge shows
    the code, the label and the motif (a Harvey ball, filled as the level rises)."""

    class Motif(models.TextChoices):
        VIDE = "vide", "○ cercle vide"
        QUART = "quart", "◔ quart"
        MOITIE = "moitie", "◑ moitié"
        TROIS_QUARTS = "trois_quarts", "◕ trois quarts"
        PLEIN = "plein", "● cercle plein"

    GLYPHES = {"vide": "○", "quart": "◔", "moitie": "◑", "trois_quarts": "◕", "plein": "●"}

    version = models.ForeignKey(EchelleVersion, on_delete=models.PROTECT, related_name="niveaux")
    rang = models.PositiveSmallIntegerField()
    code = models.CharField("code court", max_length=10)
    libelle = models.CharField("libellé", max_length=100)
    couleur = models.CharField(max_length=7, help_text="#rrggbb")
    valeur = models.DecimalField("valeur numérique", max_digits=6, decimal_places=2)
    motif = models.CharField(max_length=20, choices=Motif.choices)

    class Meta:
        ordering = ["version", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["version", "rang"], name="niveau_rang_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="niveau_code_unique"),
            models.CheckConstraint(condition=Q(couleur__regex=COULEUR_RE), name="niveau_couleur_hex"),
            models.CheckConstraint(condition=Q(rang__gte=1), name="niveau_rang_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"

    @property
    def glyphe(self) -> str:
        return self.GLYPHES.get(self.motif, "")

    @property
    def couleur_texte(self) -> str:
        """White or dark text, whichever reaches AA contrast on the colour (checked when the version is made)."""
        return TEXTE_CLAIR if texte_lisible(self.couleur) == "clair" else TEXTE_FONCE


class EtatSpecial(Immuable):
    """A state that is not a level (non observé, absent, dispensé, non vu): it has no value and never counts."""

    version = models.ForeignKey(EchelleVersion, on_delete=models.PROTECT, related_name="etats")
    rang = models.PositiveSmallIntegerField()
    code = models.CharField("code court", max_length=10)
    libelle = models.CharField("libellé", max_length=100)

    class Meta:
        ordering = ["version", "rang"]
        verbose_name = "état spécial"
        verbose_name_plural = "états spéciaux"
        constraints = [
            models.UniqueConstraint(fields=["version", "rang"], name="etatspecial_rang_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="etatspecial_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"
