"""Password reset by email and the establishment's logo."""

import re

from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection

from accounts.roles import Role

from .conftest import host_client, login

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def test_a_forgotten_password_is_reset_through_an_emailed_link(personas):
    client = host_client("alpha.localhost")
    response = client.post("/comptes/password/reset/", {"email": personas[Role.TUTEUR].email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "CFA Alpha" in mail.outbox[0].subject
    path = re.search(r"http://alpha\.localhost(/comptes/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else path
    new_password = "Nouveau-mot-de-passe-2026"
    assert client.post(action, {"password1": new_password, "password2": new_password}).status_code == 302
    connection.set_schema_to_public()
    assert login(host_client("alpha.localhost"), personas[Role.TUTEUR].email, new_password).status_code == 302


def test_a_reset_request_for_an_unknown_address_reveals_nothing(alpha):
    client = host_client("alpha.localhost")
    response = client.post("/comptes/password/reset/", {"email": "inconnu@alpha.test"})
    assert response.status_code == 302  # same answer as for a real account
    assert all("password/reset/key" not in message.body for message in mail.outbox)


def test_the_logo_is_served_from_the_establishments_own_files(alpha, beta, media_root):
    tmp_path = media_root
    connection.set_tenant(alpha)
    alpha.logo.save("logo.png", ContentFile(PNG))
    connection.set_schema_to_public()
    response = host_client("alpha.localhost").get("/etablissement/logo/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert (tmp_path / "alpha" / "etablissement").is_dir()  # one folder per schema
    assert host_client("beta.localhost").get("/etablissement/logo/").status_code == 404


def test_the_header_shows_the_logo_only_when_there_is_one(as_role, alpha, media_root):
    client = as_role(Role.FORMATEUR)
    assert "/etablissement/logo/" not in client.get("/formateur/").content.decode()
    connection.set_tenant(alpha)
    alpha.logo.save("logo.png", ContentFile(PNG))
    connection.set_schema_to_public()
    assert '<img src="/etablissement/logo/" alt=""' in client.get("/formateur/").content.decode()
