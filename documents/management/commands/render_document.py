"""Render one learner's document now, outside the web and the workers (support, checking a template):
`python manage.py render_document SCHEMA KIND --learner EMAIL|INE --output PATH [--option key=value ...]`.
Nothing is stored in the establishment: the PDF goes to PATH."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django_tenants.utils import tenant_context

from documents import kinds
from documents.rendu import pdf_from_template
from scolarite.validators import ine_normalize
from tenants.models import Etablissement


class Command(BaseCommand):
    help = ("Établit le PDF d'un document (attestation, livret…) pour un apprenant, avec ses données du moment, "
            "et l'écrit dans un fichier. L'apprenant est désigné par l'e-mail de son compte ou son INE.")

    def add_arguments(self, parser):
        parser.add_argument("schema", help="le schéma de l'établissement (ex. demo)")
        parser.add_argument("kind", help="le type de document : " + ", ".join(sorted(kinds.KINDS)))
        parser.add_argument("--learner", required=True, help="e-mail du compte de l'apprenant, ou son INE")
        parser.add_argument("--output", required=True, help="le fichier PDF à écrire")
        parser.add_argument("--option", action="append", default=[], metavar="CLÉ=VALEUR",
                            help="une option du type de document (ex. date=2026-06-30), répétable")

    def handle(self, *args, schema, kind, learner, output, option, **_):
        etablissement = Etablissement.objects.filter(schema_name=schema).first()
        if etablissement is None or schema == "public":
            raise CommandError(f"Établissement inconnu : « {schema} ».")
        if kind not in kinds.KINDS:
            raise CommandError(f"Type de document inconnu : « {kind} » (connus : {', '.join(sorted(kinds.KINDS))}).")
        options = {}
        for item in option:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"Option mal écrite : « {item} » (attendu : clé=valeur).")
            options[key] = value
        document = kinds.get(kind)
        try:
            with tenant_context(etablissement):
                from scolarite.models import Apprenant

                ine = ine_normalize(learner)
                apprenant = (Apprenant.objects.filter(Q(user__email__iexact=learner.strip()) | Q(ine=ine) if ine
                                                      else Q(user__email__iexact=learner.strip())).first())
                if apprenant is None:
                    raise CommandError(f"Aucun apprenant avec l'e-mail ou l'INE « {learner} » dans {schema}.")
                try:
                    pdf = pdf_from_template(document.template, document.context(apprenant, **options))
                except kinds.Indisponible as error:
                    raise CommandError(f"Document indisponible : {error}") from None
                except TypeError as error:
                    raise CommandError(f"Option refusée par « {kind} » : {error}") from None
        finally:
            connection.set_schema_to_public()
        try:
            Path(output).write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {output} : {error.strerror or error}.") from None
        self.stdout.write(f"{document.label} de {apprenant.prenom} {apprenant.nom} : {output} ({len(pdf)} octets).")
