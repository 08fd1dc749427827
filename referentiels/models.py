"""The national catalogue of référentiels. It lives in the public schema (SHARED_APPS): every establishment reads
it through its search path and none writes it; only `referentiel_import` does, from the public schema.

Every item has a `uuid` that survives re-imports (the importer matches items by code), because IMS CASE identifiers
and Open Badges alignments point at it; and a `rang`, because order in the official text is meaningful. Codes are
unique within their kind in a référentiel, so each item also carries its `referentiel` (denormalised from its parent):
the database enforces that uniqueness, and the import keeps both in step.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

NIVEAU_MIN, NIVEAU_MAX = 3, 8
CODE_MAX_LENGTH = 64
SHORT_MAX_LENGTH = 32  # version, rncp, unité


class Referentiel(models.Model):
    """One version of a diploma's référentiel; several versions of a diploma coexist."""

    class Type(models.TextChoices):
        CAP = "CAP", "CAP"
        BAC_PRO = "BAC_PRO", "Baccalauréat professionnel"
        BP = "BP", "Brevet professionnel"
        BTS = "BTS", "BTS"
        MC = "MC", "Mention complémentaire"
        CS = "CS", "Certificat de spécialisation"
        FAMILLE_METIERS = "FAMILLE_METIERS", "Famille de métiers"
        TITRE_PRO = "TITRE_PRO", "Titre professionnel"
        AUTRE = "AUTRE", "Autre"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=CODE_MAX_LENGTH, validators=[RegexValidator(r"^[A-Z0-9-]+$")])
    version = models.CharField(max_length=SHORT_MAX_LENGTH)
    intitule = models.TextField("intitulé")
    type = models.CharField(max_length=20, choices=Type.choices)
    niveau = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(NIVEAU_MIN), MaxValueValidator(NIVEAU_MAX)])
    rncp = models.CharField("code RNCP", max_length=SHORT_MAX_LENGTH, blank=True)
    sources = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "référentiel"
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="referentiel_code_version_unique"),
            models.CheckConstraint(condition=models.Q(niveau__gte=NIVEAU_MIN, niveau__lte=NIVEAU_MAX),
                                   name="referentiel_niveau_3_8"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"


def _item_constraints(name: str, parent: str) -> list:
    # Rank uniqueness is deferred: an import shifts ranks with one UPDATE and removes items last.
    return [
        models.UniqueConstraint(fields=["referentiel", "code"], name=f"referentiel_{name}_code_unique"),
        models.UniqueConstraint(fields=[parent, "rang"], name=f"referentiel_{name}_rang_unique",
                                deferrable=models.Deferrable.DEFERRED),
    ]


class Item(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=CODE_MAX_LENGTH)
    intitule = models.TextField("intitulé")
    rang = models.PositiveIntegerField("position")

    class Meta:
        abstract = True
        ordering = ["rang"]

    def __str__(self) -> str:
        return self.code


class Pole(Item):
    """A pôle of the RAP (référentiel des activités professionnelles)."""

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="poles")

    class Meta(Item.Meta):
        verbose_name = "pôle"
        constraints = _item_constraints("pole", "referentiel")


class Activite(Item):
    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="activites")
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="activites")
    resultats_attendus = models.JSONField("résultats attendus", default=list)

    class Meta(Item.Meta):
        verbose_name = "activité"
        constraints = _item_constraints("activite", "pole")


class Tache(Item):
    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="taches")
    activite = models.ForeignKey(Activite, on_delete=models.CASCADE, related_name="taches")

    class Meta(Item.Meta):
        verbose_name = "tâche"
        constraints = _item_constraints("tache", "activite")


class Competence(Item):
    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="competences")
    commune = models.BooleanField(default=False, help_text="compétence commune d'une famille de métiers")
    activites = models.ManyToManyField(Activite, through="CompetenceActivite", related_name="competences")
    taches = models.ManyToManyField(Tache, through="CompetenceTache", related_name="competences")

    class Meta(Item.Meta):
        verbose_name = "compétence"
        constraints = _item_constraints("competence", "referentiel")


class Critere(Item):
    """A critère d'évaluation; `savoir_etre` marks the behavioural ones (printed in italics in some texts)."""

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="criteres")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="criteres")
    savoir_etre = models.BooleanField("savoir-être", default=False)

    class Meta(Item.Meta):
        verbose_name = "critère"
        constraints = _item_constraints("critere", "competence")


class Bloc(Item):
    """A bloc de compétences, i.e. one unité certificative."""

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="blocs")
    unite = models.CharField("unité", max_length=SHORT_MAX_LENGTH, blank=True)
    competences = models.ManyToManyField(Competence, through="BlocCompetence", related_name="blocs")

    class Meta(Item.Meta):
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        constraints = _item_constraints("bloc", "referentiel")


class ModeEvaluation(models.TextChoices):
    CCF = "CCF", "Contrôle en cours de formation"
    PONCTUEL = "ponctuel", "Épreuve ponctuelle"
    CONTROLE_CONTINU = "controle_continu", "Contrôle continu"


class Epreuve(Item):
    Mode = ModeEvaluation

    referentiel = models.ForeignKey(Referentiel, on_delete=models.CASCADE, related_name="epreuves")
    unite = models.CharField("unité", max_length=SHORT_MAX_LENGTH, blank=True)
    coefficient = models.DecimalField(max_digits=6, decimal_places=2)
    modes = ArrayField(models.CharField(max_length=20, choices=ModeEvaluation.choices), default=list)
    competences = models.ManyToManyField(Competence, through="EpreuveCompetence", related_name="epreuves")

    class Meta(Item.Meta):
        verbose_name = "épreuve"
        constraints = [
            *_item_constraints("epreuve", "referentiel"),
            models.CheckConstraint(condition=models.Q(coefficient__gt=0),
                                   name="referentiel_epreuve_coefficient_positif"),
            models.CheckConstraint(condition=models.Q(modes__contained_by=list(ModeEvaluation.values)),
                                   name="referentiel_epreuve_modes_connus"),
        ]


def _link_constraints(name: str, owner: str, target: str) -> list:
    return [
        models.UniqueConstraint(fields=[owner, target], name=f"referentiel_{name}_unique"),
        models.UniqueConstraint(fields=[owner, "rang"], name=f"referentiel_{name}_rang_unique"),
    ]


class Link(models.Model):
    """The links keep their own rank: `competences: [C03, C07, C11]` is ordered in the text and exports as written."""

    rang = models.PositiveIntegerField("position")

    class Meta:
        abstract = True
        ordering = ["rang"]

    def __str__(self) -> str:
        owner, target = (getattr(self, field.name) for field in self._meta.fields if field.many_to_one)
        return f"{owner} → {target}"


class CompetenceActivite(Link):
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="activite_links")
    activite = models.ForeignKey(Activite, on_delete=models.CASCADE, related_name="competence_links")

    class Meta(Link.Meta):
        constraints = _link_constraints("competence_activite", "competence", "activite")


class CompetenceTache(Link):
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="tache_links")
    tache = models.ForeignKey(Tache, on_delete=models.CASCADE, related_name="competence_links")

    class Meta(Link.Meta):
        constraints = _link_constraints("competence_tache", "competence", "tache")


class BlocCompetence(Link):
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="competence_links")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="bloc_links")

    class Meta(Link.Meta):
        constraints = _link_constraints("bloc_competence", "bloc", "competence")


class EpreuveCompetence(Link):
    epreuve = models.ForeignKey(Epreuve, on_delete=models.CASCADE, related_name="competence_links")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="epreuve_links")

    class Meta(Link.Meta):
        constraints = _link_constraints("epreuve_competence", "epreuve", "competence")
