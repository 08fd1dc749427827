import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from accounts.services import user_password_set_url
from tenants.models import Etablissement
from tenants.selectors import domain_base_url
from tenants.services import etablissement_create


class Command(BaseCommand):
    help = "Crée un établissement (schéma, domaine) et son premier compte de direction."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="nom du schéma, ex. nextech")
        parser.add_argument("--name", required=True, help="nom affiché, ex. « CFA Nextech »")
        parser.add_argument("--uai", required=True, help="code UAI, ex. 0841234K")
        parser.add_argument("--domain", required=True, help="domaine, ex. nextech.localhost")
        parser.add_argument("--admin-email", required=True, help="e-mail du premier compte de direction")
        parser.add_argument("--kind", default=Etablissement.Kind.CFA,
                            choices=[k for k in Etablissement.Kind.values if k != "plateforme"])

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            etablissement = etablissement_create(
                schema=options["schema"], name=options["name"], uai=options["uai"], domain=options["domain"],
                admin_email=options["admin_email"], kind=options["kind"],
            )
        except ValidationError as error:
            self.stderr.write(f"Erreur : {' '.join(error.messages)}")
            sys.exit(1)
        elapsed = time.perf_counter() - started
        from django_tenants.utils import tenant_context

        from accounts.models import User

        base_url = domain_base_url(options["domain"].strip().lower())
        with tenant_context(etablissement):
            user = User.objects.get(email=options["admin_email"].strip().lower())
            password_url = user_password_set_url(user=user, base_url=base_url)
        self.stdout.write(
            f"Établissement « {etablissement.name} » créé en {elapsed:.1f} s (schéma {etablissement.schema_name}).\n"
            f"Connexion : {base_url}comptes/login/ avec {user.email}\n"
            f"  - choisir un mot de passe (lien valable 3 jours) : {password_url}\n"
            f"  - ou demander un code de connexion par e-mail sur la page de connexion."
        )
