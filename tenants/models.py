from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

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
    logo = models.ImageField("logo", upload_to="etablissement/", blank=True)
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
