"""Send today's digests now, establishment by establishment: for servers without Celery beat (a daily cron
line is enough: at most one email a day per person, whatever runs it and how often)."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from entreprise.services_digest import digest_tuteurs_send
from entreprise.tasks import etablissements_a_notifier


class Command(BaseCommand):
    help = "Envoie le courriel quotidien des choses en attente (tuteurs), une fois par jour au plus."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", default=[],
                            help="seulement cet établissement (répétable)")

    def handle(self, *args, schema, **options):
        etablissements = etablissements_a_notifier()
        if schema:
            etablissements = etablissements.filter(schema_name__in=schema)
            missing = set(schema) - {e.schema_name for e in etablissements}
            if missing:
                raise CommandError(f"Établissement inconnu : {', '.join(sorted(missing))}.")
        total = 0
        for etablissement in etablissements:
            with tenant_context(etablissement):
                sent = digest_tuteurs_send()
            total += sent
            self.stdout.write(f"{etablissement.schema_name} : {sent} courriel(s) envoyé(s)")
        self.stdout.write(self.style.SUCCESS(f"Total : {total} courriel(s) envoyé(s)."))
