from django import forms
from django.core.exceptions import ValidationError

MAX_BYTES = 2 * 1024 * 1024
EXTENSIONS = (".yaml", ".yml", ".json")


class ReferentielUploadForm(forms.Form):
    fichier = forms.FileField(label="Fichier du référentiel (YAML ou JSON, format cpro-referentiel/1)",
                              help_text="2 Mo au plus.")

    def clean_fichier(self) -> tuple[str, str]:
        upload = self.cleaned_data["fichier"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError("Choisissez un fichier .yaml, .yml ou .json.")
        if upload.size > MAX_BYTES:
            raise ValidationError(f"Fichier trop volumineux ({upload.size // 1024} Ko) : 2 Mo au plus.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("Le fichier doit être encodé en UTF-8.") from None
        return upload.name, text
