"""Evidence attached to a journal entry: photos (JPEG, PNG) and PDF, nothing else.

The type is read from the content, never from the name or the browser's word. Images are decoded by Pillow
(an image bomb is refused before it is decoded), turned the right way up, downscaled to 1600 px on their long
side and re-encoded, so that no EXIF block (GPS position, camera, date) survives. A PDF is kept as it is, but
must look like one (it starts with %PDF- and ends with %%EOF); it is served with a sandboxing header.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps, UnidentifiedImageError

PREUVE_MAX_BYTES = 10 * 1024 * 1024  # per file, before re-encoding
PREUVES_MAX_PAR_ENVOI = 10
IMAGE_MAX_COTE = 1600  # px, long side, after downscaling
# A 50-megapixel photo is the most a phone sends by default; beyond, the file is refused before decoding:
# a small PNG can claim 100 000 × 100 000 pixels and eat gigabytes once decoded.
IMAGE_MAX_PIXELS = 50_000_000
JPEG_QUALITE = 85

ACCEPTES = "photos JPEG ou PNG et documents PDF"
JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}


@dataclass(frozen=True)
class PreuvePreparee:
    """An accepted file, ready to store: its display name, its real type and the bytes to write."""

    nom: str
    type_mime: str
    contenu: bytes

    @property
    def taille(self) -> int:
        return len(self.contenu)

    @property
    def est_image(self) -> bool:
        return self.type_mime != PDF


def _nom(upload, type_mime: str) -> str:
    """The original name, made safe, with the extension of what the file really is."""
    stem = Path(get_valid_filename(Path(upload.name or "").name) or "preuve").stem[:150] or "preuve"
    return f"{stem}{EXTENSIONS[type_mime]}"


def type_detecte(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read(PREUVE_MAX_BYTES + 1)
    upload.seek(0)
    return data


def preuve_prepare(upload) -> PreuvePreparee:
    """Check one uploaded file and return what to store, or raise a French ValidationError."""
    if upload is None:
        raise ValidationError("Choisissez un fichier.")
    affiche = get_valid_filename(Path(upload.name or "").name)[:150] or "fichier"
    size = getattr(upload, "size", None)
    if size is not None and size > PREUVE_MAX_BYTES:
        raise ValidationError(f"Le fichier {affiche} dépasse 10 Mo ({size / 1024 / 1024:.1f} Mo) : "
                              "envoyez une photo moins lourde ou un PDF plus court.")
    data = _read(upload)
    if len(data) > PREUVE_MAX_BYTES:
        raise ValidationError(f"Le fichier {affiche} dépasse 10 Mo : envoyez une photo moins lourde ou un PDF "
                              "plus court.")
    if not data:
        raise ValidationError(f"Le fichier {affiche} est vide.")
    type_mime = type_detecte(data[:16])
    if type_mime is None:
        raise ValidationError(f"Type de fichier non accepté ({affiche}) : seuls les {ACCEPTES} sont acceptés. "
                              "Le contenu du fichier ne correspond à aucun de ces types, quel que soit son nom.")
    if type_mime == PDF:
        if b"%%EOF" not in data[-4096:]:
            raise ValidationError(f"Le fichier {affiche} n'est pas un PDF complet : fichier refusé.")
        return PreuvePreparee(nom=_nom(upload, PDF), type_mime=PDF, contenu=data)
    return PreuvePreparee(nom=_nom(upload, type_mime), type_mime=type_mime,
                          contenu=_image_reencode(data, type_mime, affiche))


def _image_open(data: bytes, type_mime: str, affiche: str) -> Image.Image:
    """Open, check the header's size against the limit, verify the structure, reopen (verify() spends the
    image). Pillow's own bomb guard turns into an error here, never a warning."""
    refus = ValidationError(f"L'image {affiche} est illisible ou abîmée : fichier refusé.")
    bombe = ValidationError(f"L'image {affiche} est trop grande (plus de {IMAGE_MAX_PIXELS // 1_000_000} millions "
                            "de pixels) : fichier refusé. Reprenez la photo avec une définition normale.")
    expected = {JPEG: "JPEG", PNG: "PNG"}[type_mime]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[expected])
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise bombe
            image.verify()
            image = Image.open(io.BytesIO(data), formats=[expected])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise bombe from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise refus from None
    return image


def _image_reencode(data: bytes, type_mime: str, affiche: str) -> bytes:
    image = _image_open(data, type_mime, affiche)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if type_mime == JPEG:
                # Decode at a reduced scale when the photo is much larger than what is kept: less memory.
                image.draft("RGB", (IMAGE_MAX_COTE, IMAGE_MAX_COTE))
            icc_profile = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)  # the phone's orientation, applied before EXIF goes
            if type_mime == JPEG:
                if image.mode != "RGB":
                    image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                transparent = image.mode in ("P", "PA") and "transparency" in image.info or "A" in image.mode
                image = image.convert("RGBA" if transparent else "RGB")
            image.thumbnail((IMAGE_MAX_COTE, IMAGE_MAX_COTE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # No exif=, no pnginfo=: the re-encoded file carries no metadata but its colour profile.
            if type_mime == JPEG:
                image.save(out, "JPEG", quality=JPEG_QUALITE, optimize=True, icc_profile=icc_profile)
            else:
                image.save(out, "PNG", optimize=True, icc_profile=icc_profile)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(f"L'image {affiche} est trop grande : fichier refusé.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(f"L'image {affiche} est illisible ou abîmée : fichier refusé.") from None
    return out.getvalue()


def preuves_prepare(uploads) -> list[PreuvePreparee]:
    """Every file checked before anything is written: one bad file refuses the whole sending."""
    uploads = [upload for upload in (uploads or []) if upload is not None]
    if len(uploads) > PREUVES_MAX_PAR_ENVOI:
        raise ValidationError(f"{PREUVES_MAX_PAR_ENVOI} fichiers au plus à la fois.")
    return [preuve_prepare(upload) for upload in uploads]
