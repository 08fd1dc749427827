import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.services import DEMO_OPERATOR, DEMO_PASSWORD, DEMO_PEOPLE, demo_domain, demo_seed
from tenants.selectors import domain_base_url


class Command(BaseCommand):
    help = "Crée l'établissement de démonstration (base embarquée uniquement, jamais en production)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        if not settings.CPRO_EMBEDDED or not settings.DEBUG:
            self.stderr.write("Erreur : la démonstration ne se crée qu'en développement, sur la base embarquée.")
            sys.exit(1)
        demo_seed()
        if options["quiet"]:
            return
        self.stdout.write(f"Démonstration : {domain_base_url(demo_domain())} (mot de passe {DEMO_PASSWORD})")
        for email, roles, *_ in DEMO_PEOPLE:
            self.stdout.write(f"  {email:<32} {', '.join(roles)}")
        public_url = domain_base_url(settings.CPRO_BASE_DOMAIN)
        self.stdout.write(f"Opérateur de la plateforme : {public_url} ({DEMO_OPERATOR})")
