import sys

from django.core.management.base import BaseCommand
from django.db import connection

from referentiels.services import referentiel_import


class Command(BaseCommand):
    help = ("Importe un référentiel (fichier YAML ou JSON au format cpro-referentiel/1) dans le catalogue national, "
            "ou le met à jour s'il y est déjà (même code, même version).")

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier .yaml, .yml ou .json")
        parser.add_argument("--dry-run", action="store_true", help="affiche ce qui changerait sans rien écrire")

    def handle(self, *args, **options):
        connection.set_schema_to_public()  # the catalogue's tables are in the public schema only
        report = referentiel_import(path=options["path"], dry_run=options["dry_run"])
        if report.errors:
            self.stderr.write("\n".join(report.lines()))
            sys.exit(1)
        self.stdout.write("\n".join(report.lines()))
        if report.refused:
            sys.exit(1)
