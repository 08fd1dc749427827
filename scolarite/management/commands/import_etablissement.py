import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import tenant_context

from scolarite.imports.plan import REJETE
from scolarite.imports.rapport import rapport_lines
from scolarite.services_import import import_apply, import_preview
from tenants.models import Etablissement

ACTOR = "import_etablissement (ligne de commande)"


class Command(BaseCommand):
    help = ("Importe dans un établissement les apprenants, classes, entreprises et contrats d'un fichier CSV "
            "(logiciel de gestion, tableur) ou d'un export XML de SIECLE. Sans --confirm, affiche l'aperçu et "
            "n'écrit rien. Code de sortie 1 si une ligne est rejetée, sauf avec --confirm --skip-rejected.")

    def add_arguments(self, parser):
        parser.add_argument("schema", help="schéma de l'établissement (ex. demo)")
        parser.add_argument("file", help="fichier .csv, .txt ou .xml")
        parser.add_argument("--confirm", action="store_true", help="écrit (tout ou rien)")
        parser.add_argument("--skip-rejected", action="store_true",
                            help="avec --confirm : importe les lignes valides et laisse les lignes rejetées")
        parser.add_argument("--referentiel", default="",
                            help="référentiel des classes à créer quand le fichier ne le dit pas (SIECLE)")

    def handle(self, *args, **options):
        etablissement = Etablissement.objects.filter(schema_name=options["schema"]).first()
        if etablissement is None or options["schema"] == "public":
            raise CommandError(f"Aucun établissement de schéma « {options['schema']} ».")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            code = self.run(etablissement, path, options)
        finally:
            connection.set_schema_to_public()
        if code:
            sys.exit(code)

    def run(self, etablissement, path: Path, options) -> int:
        with tenant_context(etablissement):
            fichier = import_preview(contenu=path.read_bytes(), nom_fichier=path.name, user=None,
                                     referentiel_defaut=options["referentiel"])
            rapport = fichier.rapport
            if rapport["erreurs"]:
                self.stderr.write("\n".join(rapport_lines(rapport, nom_fichier=path.name)))
                return 1
            rejected = rapport["compte"]["lignes"].get(REJETE, 0)
            if not options["confirm"]:
                self.stdout.write("\n".join(rapport_lines(rapport, nom_fichier=path.name)))
                self.stdout.write("Aperçu seulement : rien n'a été écrit. Relancez avec --confirm pour importer"
                                  + (" (et --skip-rejected pour laisser les lignes rejetées)." if rejected else "."))
                return 1 if rejected else 0
            try:
                fichier = import_apply(import_fichier=fichier, actor=ACTOR, skip_rejected=options["skip_rejected"])
            except ValidationError as error:
                self.stdout.write("\n".join(rapport_lines(rapport, nom_fichier=path.name)))
                self.stderr.write(f"Rien n'a été écrit : {' '.join(error.messages)}")
                return 1
            self.stdout.write("\n".join(rapport_lines(fichier.rapport, nom_fichier=path.name, applique=True)))
            self.stdout.write(f"Import appliqué dans {etablissement.name}.")
            return 0
