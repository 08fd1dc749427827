"""The establishment's logo and stamp: set by the direction on its settings page, PNG or JPEG only (read from
the content), 1 MB at most, stored in the establishment's own media folder without any metadata, audited, and
printed at the top of its PDFs."""

import html
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image
from pypdf import PdfReader

from accounts.models import AuditEvent
from tenants.models import Etablissement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


def image(fmt="JPEG", size=(120, 60), exif=True, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    picture = Image.new(mode, size, "navy")
    extra = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "Appareil indiscret"  # Make
        data[0x013B] = "Léa Dupont"  # Artist
        extra["exif"] = data.tobytes()
    picture.save(buffer, fmt, **extra)
    return buffer.getvalue()


def form(**extra):
    data = {"address": "1 rue des Écoles", "uai": "0841234K", "periodicite_3": "trimestre",
            "periodicite_4": "semestre", "periodicite_5": "semestre"}
    return data | extra


def fresh(alpha) -> Etablissement:
    connection.set_schema_to_public()
    return Etablissement.objects.get(pk=alpha.pk)


def test_an_uploaded_logo_loses_its_metadata_and_stays_in_the_establishments_folder(as_role, alpha, media_root):
    original = image()
    assert b"Appareil indiscret" in original
    response = as_role("direction").post("/direction/reglages/", form(
        logo=SimpleUploadedFile("logo.jpeg", original, content_type="image/jpeg")))
    assert response.status_code == 302
    etablissement = fresh(alpha)
    with tenant_context(alpha):
        path = etablissement.logo.path
        stored = etablissement.logo.read()
    assert str(media_root / "alpha") in path
    assert b"Appareil indiscret" not in stored and "Léa".encode() not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    with tenant_context(alpha):
        assert AuditEvent.objects.filter(action="reglages_update", details__champs__contains=["logo"]).exists()


def test_a_png_stamp_keeps_its_transparency(as_role, alpha):
    as_role("direction").post("/direction/reglages/", form(
        tampon=SimpleUploadedFile("tampon.png", image("PNG", mode="RGBA"), content_type="image/png")))
    etablissement = fresh(alpha)
    with tenant_context(alpha):
        stored = etablissement.tampon.read()
    assert Image.open(io.BytesIO(stored)).mode == "RGBA"


@pytest.mark.parametrize("content,message", [
    (image("WEBP"), "PNG ou JPEG"),
    (image("GIF"), "PNG ou JPEG"),
    (b"<svg onload=alert(1)>", "image"),
    (b"\xff\xd8\xff" + b"abime" * 100, "image"),
])
def test_anything_but_a_sound_png_or_jpeg_is_refused_and_nothing_changes(as_role, alpha, content, message):
    response = as_role("direction").post("/direction/reglages/", form(
        address="changé", logo=SimpleUploadedFile("logo.png", content, content_type="image/png")))
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    etablissement = fresh(alpha)
    assert not etablissement.logo and etablissement.address == ""


def test_a_logo_over_one_megabyte_is_refused(alpha):
    with tenant_context(alpha), pytest.raises(Exception, match="1 Mo"):
        alpha.logo.save("gros.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024)))
    assert not fresh(alpha).logo


def test_the_logo_is_printed_on_the_establishments_documents(alpha):
    from django.utils import timezone

    from documents.rendu import pdf_from_template

    with tenant_context(alpha):
        alpha.logo.save("logo.png", ContentFile(image("PNG")))
    etablissement = fresh(alpha)
    with tenant_context(alpha):
        # every establishment's document extends documents/base.html (a quote is headed by the operator instead)
        pdf = pdf_from_template("documents/base.html", {"etablissement": etablissement, "edite_le": timezone.now()})
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_without_a_logo_the_documents_print_the_name_alone(alpha):
    from tenants.devis import devis_pdf
    from tenants.models import Abonnement

    abonnement = Abonnement.objects.filter(etablissement=alpha).first()
    _, pdf = devis_pdf(abonnement, "devis")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert not page.images and "CFA Alpha" in page.extract_text()
