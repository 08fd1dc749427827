"""The establishment's logo and stamp: PNG or JPEG only, read from the content (never the name), 1 MB at most,
re-encoded by Pillow so that no metadata (EXIF: camera, GPS position, author) is kept, whatever form or script
stores them: `ImageEtablissementField` applies it on every save (scolarite's settings form, the admin, a shell).

They end up in PDFs (documents/base.html) and on every page header: a file that is not really an image, or
that carries its author's position, must not get there."""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import ImageField, ImageFieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_COTE = 1200  # px, long side: plenty for 18 mm of print at 300 dpi and for a 40 px header
MAX_PIXELS = 25_000_000  # refused before decoding: a tiny PNG can claim gigapixels
FORMATS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def _format(head: bytes) -> str | None:
    return next((fmt for magic, fmt in FORMATS.items() if head.startswith(magic)), None)


def image_etablissement_prepare(content, nom: str = "image") -> ContentFile:
    """The bytes to store for an uploaded logo or stamp, or a French ValidationError (nothing is stored)."""
    max_bytes = getattr(settings, "CPRO_LOGO_MAX_BYTES", 1024 * 1024)
    if getattr(content, "size", 0) and content.size > max_bytes:
        raise ValidationError("Image trop lourde : 1 Mo au plus.")
    content.seek(0)
    data = content.read(max_bytes + 1)
    content.seek(0)
    if len(data) > max_bytes:
        raise ValidationError("Image trop lourde : 1 Mo au plus.")
    fmt = _format(data[:8])
    if fmt is None:
        raise ValidationError("Format d'image non accepté pour le logo ou le tampon : PNG ou JPEG seulement.")
    refus = ValidationError("L'image est illisible ou abîmée : fichier refusé.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise ValidationError("Image trop grande (plus de 25 millions de pixels) : réduisez-la.")
            image.verify()
            image = Image.open(io.BytesIO(data), formats=[fmt])
            icc_profile = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
            if fmt == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            elif fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            image.thumbnail((MAX_COTE, MAX_COTE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # No exif=, no pnginfo=: only the pixels and the colour profile are kept.
            image.save(out, fmt, optimize=True, icc_profile=icc_profile, **({"quality": 90} if fmt == "JPEG" else {}))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("Image trop grande : réduisez-la.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise refus from None
    stem = (nom.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image")[:80]
    return ContentFile(out.getvalue(), name=f"{stem}.{'png' if fmt == 'PNG' else 'jpg'}")


class ImageEtablissementFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        propre = image_etablissement_prepare(content, name)
        super().save(propre.name, propre, save=save)


class ImageEtablissementField(ImageField):
    attr_class = ImageEtablissementFieldFile
