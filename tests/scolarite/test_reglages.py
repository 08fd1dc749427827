import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from scolarite.models import Reglages
from tenants.models import Etablissement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


def png(name="logo.png", size=(40, 20), fmt="PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def form(**extra):
    data = {"address": "1 rue des Écoles\n84000 Avignon", "uai": "0841234K", "periodicite_3": "trimestre",
            "periodicite_4": "semestre", "periodicite_5": "semestre"}
    data.update(extra)
    return data


@pytest.mark.parametrize("role", ["formateur", "inspecteur", "apprenant", "tuteur"])
def test_only_the_direction_opens_the_settings(as_role, role):
    assert as_role(role).get("/direction/reglages/").status_code == 403


def test_the_direction_sets_address_logo_stamp_and_periodicity(as_role, alpha):
    client = as_role("direction")
    response = client.post("/direction/reglages/", form(logo=png(), tampon=png("tampon.jpg", fmt="JPEG")))
    assert response.status_code == 302
    connection.set_schema_to_public()
    etablissement = Etablissement.objects.get(pk=alpha.pk)
    assert etablissement.address.startswith("1 rue des Écoles")
    assert etablissement.logo and etablissement.tampon
    with tenant_context(alpha):
        assert Reglages.objects.get().periodicites == {"3": "trimestre", "4": "semestre", "5": "semestre"}
    assert client.get("/etablissement/tampon/").status_code == 200
    assert client.get("/etablissement/logo/").status_code == 200


def test_the_stamp_is_not_shown_to_formateurs(as_role):
    assert as_role("formateur").get("/etablissement/tampon/").status_code == 403


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png"), "image"),
    (png("logo.gif", fmt="GIF"), "PNG ou JPEG"),
    (png("big.png", size=(3000, 3000), fmt="BMP"), "1 Mo"),
])
def test_a_bad_image_is_refused_and_nothing_changes(as_role, alpha, upload, message):
    response = as_role("direction").post("/direction/reglages/", form(address="changé", logo=upload))
    assert response.status_code == 200 and message in response.content.decode()
    connection.set_schema_to_public()
    etablissement = Etablissement.objects.get(pk=alpha.pk)
    assert etablissement.address == "" and not etablissement.logo
    with tenant_context(alpha):
        assert not Reglages.objects.exists()


def test_a_wrong_uai_is_refused(as_role, alpha):
    response = as_role("direction").post("/direction/reglages/", form(uai="0841234A"))
    assert "lettre de contrôle" in response.content.decode()
    connection.set_schema_to_public()
    assert Etablissement.objects.get(pk=alpha.pk).uai == "0841234K"


def test_another_establishments_uai_is_refused(as_role, alpha, beta):
    response = as_role("direction").post("/direction/reglages/", form(uai="0691234S"))
    assert "déjà celui d" in response.content.decode()


def test_the_settings_lead_to_the_scales_in_use(as_role):
    page = as_role("direction").get("/direction/reglages/").content.decode()
    assert 'href="/direction/echelles/"' in page
    assert as_role("direction").get("/direction/echelles/").status_code == 200
