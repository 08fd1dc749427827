import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db.models import Q
from django_tenants.utils import tenant_context

from tenants.models import Etablissement


class Command(BaseCommand):
    help = ("Délivre l'attestation signée (Open Badges 3.0, un badge par bloc de compétences acquis) d'un "
            "apprenant, désigné par son e-mail, dans un fichier JSON.")

    def add_arguments(self, parser):
        parser.add_argument("schema", help="le schéma de l'établissement, ex. alpha")
        parser.add_argument("--learner", required=True, help="e-mail de l'apprenant (son compte ou sa fiche)")
        parser.add_argument("--output", required=True, help="fichier .json à écrire")

    def handle(self, *args, **options):
        from bilans.credential import AucunBlocAcquis, credentials_emettre
        from scolarite.models import Apprenant

        etablissement = Etablissement.objects.filter(schema_name=options["schema"]).first()
        if etablissement is None:
            self.stderr.write(f"Erreur : aucun établissement de schéma « {options['schema']} ».")
            sys.exit(1)
        email = options["learner"].strip()
        with tenant_context(etablissement):
            apprenants = list(Apprenant.objects.filter(Q(user__email__iexact=email) | Q(email__iexact=email))
                              .select_related("user")[:2])
            if len(apprenants) != 1:
                self.stderr.write(f"Erreur : {'aucun' if not apprenants else 'plus d’un'} apprenant avec l'e-mail "
                                  f"{email} dans {etablissement.name}.")
                sys.exit(1)
            try:
                credentials = credentials_emettre(apprenant=apprenants[0])
            except AucunBlocAcquis as error:
                self.stderr.write(f"Erreur : {error}")
                sys.exit(1)
        Path(options["output"]).write_text(json.dumps(credentials, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"{len(credentials)} badge(s) signé(s) écrit(s) dans {options['output']}.")
