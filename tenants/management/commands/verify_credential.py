import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from tenants.signature import FICHIER_MAX_BYTES, FichierRefuse, credentials_lire, verifier_tout


class Command(BaseCommand):
    help = ("Vérifie un fichier d'attestation signée (Open Badges 3.0) : code de sortie 0 seulement si chaque "
            "attestation a été signée par un établissement de cette plateforme et n'a pas été modifiée.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="le fichier .json de l'attestation")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            with path.open("rb") as fichier:
                credentials = credentials_lire(fichier.read(FICHIER_MAX_BYTES + 1))
        except OSError as error:
            self.stderr.write(f"Invalide : fichier illisible ({error.strerror or error}).")
            sys.exit(2)
        except FichierRefuse as error:
            self.stderr.write(f"Invalide : {error}")
            sys.exit(2)
        lignes = verifier_tout(credentials)
        for nom, verdict in lignes:
            (self.stdout if verdict.valide else self.stderr).write(f"{nom} : {verdict.message}")
        if not all(verdict.valide for _, verdict in lignes):
            self.stderr.write("Invalide.")
            sys.exit(1)
        self.stdout.write(f"Valide : {len(lignes)} attestation(s) vérifiée(s).")
