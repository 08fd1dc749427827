from django.conf import settings
from django_tenants.utils import get_public_schema_name

from .models import Domain, Etablissement


def etablissement_list() -> list[Etablissement]:
    return list(
        Etablissement.objects.exclude(schema_name=get_public_schema_name())
        .prefetch_related("domains")
        .order_by("name")
    )


def domain_base_url(domain: str) -> str:
    port = f":{settings.CPRO_PORT}" if settings.CPRO_PORT else ""
    return f"{settings.CPRO_SCHEME}://{domain}{port}/"


def etablissement_base_url(etablissement: Etablissement) -> str:
    domain = Domain.objects.filter(tenant=etablissement, is_primary=True).values_list("domain", flat=True).first()
    return domain_base_url(domain or settings.CPRO_BASE_DOMAIN)
