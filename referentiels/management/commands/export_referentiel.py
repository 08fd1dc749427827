import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from referentiels.exporting import referentiel_export_file
from referentiels.selectors import referentiel_get


class Command(BaseCommand):
    help = ("Exporte une version d'un référentiel : au format d'échange cpro-referentiel/1 (yaml) "
            "ou en paquet IMS CASE 1.0 (case, JSON).")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code du référentiel, ex. BACPRO-CIEL")
        parser.add_argument("version", help="version, ex. 2026")
        parser.add_argument("--format", choices=["yaml", "case"], default="yaml")
        parser.add_argument("--output", help="fichier à écrire (sinon : la sortie standard)")

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        referentiel = referentiel_get(code=options["code"], version=options["version"])
        if referentiel is None:
            self.stderr.write(f"Référentiel inconnu : {options['code']} version {options['version']}.")
            sys.exit(1)
        _, _, text = referentiel_export_file(referentiel=referentiel, fmt=options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Exporté dans {options['output']}.")
        else:
            self.stdout.write(text, ending="")
