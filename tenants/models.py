from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin

from .images import ImageEtablissementField
from .validators import validate_uai


class Etablissement(TenantMixin):
    """An establishment (CFA, lycée professionnel...): one PostgreSQL schema holds all its data."""

    class Kind(models.TextChoices):
        CFA = "cfa", "CFA"
        LYCEE_PRO = "lycee_pro", "Lycée professionnel"
        GRETA_CFA = "greta_cfa", "GRETA-CFA"
        ORGANISME = "organisme", "Organisme de formation"
        PLATEFORME = "plateforme", "Plateforme (schéma public)"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.CFA)
    uai = models.CharField("code UAI", max_length=8, blank=True, validators=[validate_uai])
    address = models.TextField("adresse", blank=True)
    # PNG or JPEG, 1 MB at most, re-encoded without metadata on every save (tenants.images).
    logo = ImageEtablissementField("logo", upload_to="etablissement/", blank=True)
    tampon = ImageEtablissementField("tampon", upload_to="etablissement/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False  # deleting a row must never drop an establishment's data by accident

    class Meta:
        verbose_name = "établissement"
        constraints = [
            models.UniqueConstraint(fields=["uai"], condition=~models.Q(uai=""), name="etablissement_uai_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    class Meta:
        verbose_name = "domaine"


PRIX_APPLICATION = Decimal("130.00")  # € per school year
PRIX_REFERENTIEL = Decimal("60.00")  # € per référentiel and school year


class Abonnement(models.Model):
    """One school year of an establishment's subscription: the application plus référentiels (by code, so a
    new version of a subscribed diploma is covered). Ordered covers at once; the operator records payment.
    Nothing is deleted when a subscription ends: it only stops new evaluations and new formations.

    Référentiels added to a paid year put it back to « commandé »: `montant_paye` keeps what was already
    paid, so the operator sees what remains due."""

    class Statut(models.TextChoices):
        COMMANDE = "commande", "Commandé"
        PAYE = "paye", "Payé"
        ANNULE = "annule", "Annulé"

    etablissement = models.ForeignKey(Etablissement, on_delete=models.PROTECT, related_name="abonnements")
    annee_scolaire = models.PositiveSmallIntegerField("année scolaire")
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.COMMANDE)
    prix_application = models.DecimalField(max_digits=8, decimal_places=2, default=PRIX_APPLICATION)
    commande_le = models.DateTimeField(auto_now_add=True)
    commande_par = models.CharField(max_length=254, blank=True)
    paye_le = models.DateTimeField(null=True, blank=True)
    paye_par = models.CharField(max_length=254, blank=True)
    montant_paye = models.DecimalField("montant payé", max_digits=8, decimal_places=2, default=Decimal("0.00"))
    annule_le = models.DateTimeField(null=True, blank=True)
    annule_par = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-annee_scolaire"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "annee_scolaire"], condition=~Q(statut="annule"),
                                    name="abonnement_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.etablissement} {self.annee_scolaire}-{self.annee_scolaire + 1}"


class AbonnementReferentiel(models.Model):
    abonnement = models.ForeignKey(Abonnement, on_delete=models.CASCADE, related_name="lignes")
    referentiel_code = models.CharField("code du référentiel", max_length=64)
    prix = models.DecimalField(max_digits=8, decimal_places=2, default=PRIX_REFERENTIEL)
    ajoute_le = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        ordering = ["referentiel_code"]
        constraints = [
            models.UniqueConstraint(fields=["abonnement", "referentiel_code"], name="abonnement_ligne_unique"),
        ]

    def __str__(self) -> str:
        return self.referentiel_code

from .models_cles import CleSignature  # noqa: E402, F401  (the establishment's signing key)
