from django import forms
from django.core.exceptions import ValidationError
from django.db import connection

from tenants.selectors import abonnement_couverture

MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".txt", ".xml")


class ImportUploadForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text="CSV exporté du logiciel de gestion ou du tableur (séparateur point-virgule ou virgule), ou export "
                  "XML des élèves de SIECLE (ElevesSansAdresses.xml). 5 Mo au plus.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )
    referentiel_defaut = forms.ChoiceField(
        label="Référentiel des classes à créer", required=False,
        help_text="Pour les classes que le fichier ne rattache à aucun diplôme (export SIECLE, CSV sans colonne "
                  "« Code diplôme »). Seuls les référentiels de l'abonnement en cours sont proposés.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(abonnement_couverture(connection.tenant).referentiel_codes)
        self.fields["referentiel_defaut"].choices = [("", "Celui que donne chaque ligne")] + [(c, c) for c in codes]

    def clean_fichier(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["fichier"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError("Choisissez un fichier .csv, .txt ou .xml (un classeur Excel ou LibreOffice doit "
                                  "d'abord être enregistré au format CSV).")
        if upload.size > MAX_BYTES:
            raise ValidationError(f"Fichier trop volumineux ({upload.size / 1024 / 1024:.1f} Mo) : 5 Mo au plus.")
        return upload.name, upload.read()
