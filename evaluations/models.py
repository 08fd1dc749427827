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


# --- Scénarios, situations and evaluation events (issue 5) -------------------------------------------------
# Links to the public catalogue carry no database constraint and DO_NOTHING: the public schema must stay
# flushable without seeing establishments' tables; evaluations.usage tells the catalogue import which items
# are referenced, so none disappears under an establishment.
def catalogue_fk(model: str, **kwargs):
    return models.ForeignKey(f"referentiels.{model}", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", **kwargs)


class Scenario(models.Model):
    """A scénario pédagogique (TP, situation de formation) in four parts: title, context, links with the
    référentiel (tasks and criteria targeted), resources."""

    # Titre
    titre = models.CharField("titre", max_length=200)
    co_intervention = models.BooleanField("co-intervention", default=False)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scenarios")
    co_auteurs = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="scenarios_co_ecrits")
    referentiel = catalogue_fk("Referentiel")
    # Contexte
    description = models.TextField("description", blank=True)
    cadre_professionnel = models.TextField("cadre professionnel", blank=True)
    problematique = models.TextField("problématique", blank=True)
    missions = models.TextField(blank=True)
    equipements = models.TextField("équipements", blank=True)
    logiciels = models.TextField(blank=True)
    liens = models.TextField("liens", blank=True)
    espace_formation = models.CharField("espace de formation", max_length=200, blank=True)
    # Vie du scénario
    partage = models.BooleanField("partagé avec les collègues", default=False)
    archive = models.BooleanField("archivé", default=False)
    copie_de = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.titre


class ScenarioTache(models.Model):
    """A RAP task the scenario puts the learner in."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="tache_links")
    tache = catalogue_fk("Tache")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scenario", "tache"], name="scenario_tache_unique")]

    def __str__(self) -> str:
        return f"{self.scenario} → tâche {self.tache_id}"


class ScenarioCritere(models.Model):
    """A criterion the scenario evaluates, with local success indicators (distinct from the official text)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="critere_links")
    critere = catalogue_fk("Critere")
    rang = models.PositiveIntegerField(default=0)
    indicateurs_reussite = models.TextField("indicateurs de réussite", blank=True)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [models.UniqueConstraint(fields=["scenario", "critere"], name="scenario_critere_unique")]

    def __str__(self) -> str:
        return f"{self.scenario} → critère {self.critere_id}"


class Ressource(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="ressources")
    fichier = models.FileField(upload_to="ressources/")
    nom = models.CharField(max_length=255)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveIntegerField()
    ajoute_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ajoute_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Situation(models.Model):
    """A scenario run with a classe (or chosen learners of it) on a date."""

    class Nature(models.TextChoices):
        FORMATIVE = "formative", "Formative"
        CERTIFICATIVE = "certificative", "Certificative"

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="situations")
    classe = models.ForeignKey("scolarite.Classe", on_delete=models.PROTECT, related_name="situations")
    apprenants = models.ManyToManyField("scolarite.Apprenant", blank=True, related_name="situations",
                                        help_text="Vide : toute la classe.")
    date = models.DateField()
    nature = models.CharField(max_length=15, choices=Nature.choices, default=Nature.FORMATIVE)
    epreuve = catalogue_fk("Epreuve", null=True, blank=True)
    par_competence = models.BooleanField("saisie par compétence", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(nature="formative") | Q(epreuve__isnull=False),
                                   name="situation_certificative_has_epreuve"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} — {self.classe.code} le {self.date:%d/%m/%Y}"


class Lieu(models.TextChoices):
    CENTRE = "centre", "Centre de formation"
    ENTREPRISE = "entreprise", "Entreprise"


class Evaluation(models.Model):
    """An append-only evaluation event: who rated which learner on which criterion (or whole competency), in
    which situation, where, when, with a level, a special state, or nothing (a cleared cell). The current state
    of a cell is its latest event; a correction is a new event; `vu` is the event the author saw as latest, so
    two people saving the same cell at once both leave an event and the second is told."""

    situation = models.ForeignKey(Situation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="evaluations")
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="evaluations")
    critere = catalogue_fk("Critere", null=True, blank=True)
    competence = catalogue_fk("Competence", null=True, blank=True)
    niveau = models.ForeignKey(Niveau, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    etat = models.ForeignKey(EtatSpecial, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commentaire = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    coauteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="co-auteur",
                                 help_text="Le tuteur d'un bilan entreprise rempli avec le formateur.")
    role = models.CharField(max_length=20)
    lieu = models.CharField(max_length=12, choices=Lieu.choices, default=Lieu.CENTRE)
    at = models.DateTimeField(db_index=True)
    vu = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["situation", "apprenant", "critere", "at"], name="evaluation_cell_idx"),
            models.Index(fields=["apprenant", "at"], name="evaluation_apprenant_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(critere__isnull=True) ^ Q(competence__isnull=True),
                                   name="evaluation_critere_xor_competence"),
            models.CheckConstraint(condition=Q(niveau__isnull=True) | Q(etat__isnull=True),
                                   name="evaluation_niveau_or_etat"),
        ]

    def __str__(self) -> str:
        return f"évaluation {self.pk} de {self.apprenant_id}"


class Positionnement(models.Model):
    """A learner's self-assessment on a criterion (append-only like evaluations): shown beside the formateur's
    result, never replacing it."""

    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="positionnements")
    situation = models.ForeignKey(Situation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="positionnements")
    critere = catalogue_fk("Critere")
    niveau = models.ForeignKey(Niveau, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commentaire = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"positionnement {self.pk} de {self.apprenant_id}"


class CommentaireApprenant(models.Model):
    """The formateur's comment on one learner's whole work in a situation (the grid's last column). Append-only
    like evaluations: the latest is shown, earlier ones stay."""

    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, related_name="commentaires")
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="+")
    texte = models.TextField(blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["situation", "apprenant", "at"], name="commentaire_apprenant_idx")]

    def __str__(self) -> str:
        return f"commentaire {self.pk} sur {self.apprenant_id}"


from .models_ccf import GrilleCCF, GrilleCCFLigne  # noqa: E402, F401 the CCF grids of certificative situations
