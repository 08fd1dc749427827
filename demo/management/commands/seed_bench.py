from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Etablissement


class Command(BaseCommand):
    help = ("Crée l'établissement de mesure de l'issue 5 (12 classes de 30 apprenants, 720 situations, une grille "
            "de 35 × 20) pour le parcourir : http://bench-eval.<domaine>/, formateur@bench.test / bench-2026.")

    def handle(self, *args, **options):
        from bench.evaluations import PASSWORD, seed_evaluations

        if Etablissement.objects.filter(schema_name="bench_eval").exists():
            raise CommandError("L'établissement bench_eval existe déjà.")
        domain = f"bench-eval.{settings.CPRO_BASE_DOMAIN}"
        seeded = seed_evaluations(schema="bench_eval", domain=domain)
        self.stdout.write(f"Créé : http://{domain}/ — formateur@bench.test / {PASSWORD} ; grille : situation "
                          f"{seeded['grid'].pk}")
