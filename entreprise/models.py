"""Companies, their tuteurs / maîtres d'apprentissage, and the contracts or agreements that tie a learner to
them for a period."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .validators import validate_siret


class Entreprise(models.Model):
    raison_sociale = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    adresse = models.TextField(blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    ville = models.CharField(max_length=120, blank=True)
    secteur = models.CharField("secteur d'activité", max_length=200, blank=True)
    code_naf = models.CharField("code NAF", max_length=6, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["raison_sociale"]
        constraints = [
            models.UniqueConstraint(fields=["siret"], condition=~Q(siret=""), name="entreprise_siret_unique"),
        ]

    def __str__(self) -> str:
        return self.raison_sociale

    @property
    def siret_display(self) -> str:
        """SIREN then NIC, grouped the way INSEE prints them: 123 456 789 00012."""
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s


class Tuteur(models.Model):
    """A tuteur (PFMP) or maître d'apprentissage in a company; the account comes with the invitation."""

    entreprise = models.ForeignKey(Entreprise, on_delete=models.PROTECT, related_name="tuteurs")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="tuteur")
    nom = models.CharField(max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    email = models.EmailField("adresse e-mail", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    fonction = models.CharField(max_length=150, blank=True)
    qualification = models.CharField("qualification (diplôme, années d'expérience)", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nom", "prenom"]
        indexes = [models.Index(fields=["email"], name="tuteur_email_idx")]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom.upper()}"


class Contrat(models.Model):
    """An apprenticeship contract or a PFMP agreement: a learner in a company, with tuteur(s), between dates."""

    class Type(models.TextChoices):
        APPRENTISSAGE = "apprentissage", "Contrat d'apprentissage"
        PFMP = "pfmp", "Convention de PFMP"
        STAGE = "stage", "Convention de stage (formation continue)"

    type = models.CharField(max_length=20, choices=Type.choices)
    apprenant = models.ForeignKey("scolarite.Apprenant", on_delete=models.PROTECT, related_name="contrats")
    entreprise = models.ForeignKey(Entreprise, on_delete=models.PROTECT, related_name="contrats")
    tuteurs = models.ManyToManyField(Tuteur, blank=True, related_name="contrats")
    debut = models.DateField("début")
    fin = models.DateField()
    numero = models.CharField("numéro (dépôt, convention)", max_length=40, blank=True)
    # Code du travail R6223-6: a maître d'apprentissage supervises two apprentices plus one whose contract
    # was extended after a failed exam.
    prolonge_apres_echec = models.BooleanField("prolongé après un échec à l'examen", default=False)
    rompu_le = models.DateField("rupture le", null=True, blank=True)
    # A PFMP of the Terminale's parcours différencié does not count towards the weeks the exam requires.
    compte_examen = models.BooleanField("compte pour l'examen", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gte=F("debut")), name="contrat_fin_after_debut"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.apprenant} chez {self.entreprise}"

    ETATS = {"a_venir": "À venir", "en_cours": "En cours", "termine": "Terminé", "rompu": "Rompu"}

    def etat(self, day=None) -> str:
        day = day or timezone.localdate()
        if self.rompu_le is not None and self.rompu_le <= day:
            return "rompu"
        if day < self.debut:
            return "a_venir"
        return "termine" if day > self.fin else "en_cours"

    @property
    def etat_label(self) -> str:
        return self.ETATS[self.etat()]


class AmenagementPFMP(models.Model):
    """A positionnement decision that changes the PFMP weeks a pupil owes (shortened cycle), or the reduced
    minimum applied when no placement could be found (décret 2022-672). Without one, the diploma's rule applies."""

    apprenant = models.OneToOneField("scolarite.Apprenant", on_delete=models.PROTECT, related_name="amenagement_pfmp")
    semaines_requises = models.PositiveSmallIntegerField("semaines de PFMP exigées")
    motif = models.CharField(max_length=300)
    decide_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decide_le = models.DateField("décidé le")

    def __str__(self) -> str:
        return f"{self.semaines_requises} semaines de PFMP pour {self.apprenant_id}"


from .models_alternance import Periode, Visite  # noqa: E402, F401 the company side's calendar and visits
from .models_bilan import BilanCritere, BilanEntreprise, BilanSaisie  # noqa: E402, F401 bilan entreprise
from .models_fiches import FicheActivites, FicheRealisation  # noqa: E402, F401 fiches activités of a period
from .models_journal import EntreeAvis, EntreeJournal, EntreeTache, EntreeVersion, Preuve  # noqa: E402, F401
