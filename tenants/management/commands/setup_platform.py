from django.core.management.base import BaseCommand

from tenants.services import platform_migrate


class Command(BaseCommand):
    help = "Migre le schéma public, le modèle d'établissement et tous les établissements."

    def handle(self, *args, **options):
        platform_migrate(verbosity=max(options["verbosity"] - 1, 0))
        self.stdout.write("Plateforme à jour.")
