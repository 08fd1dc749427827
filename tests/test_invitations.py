"""The direction invites people by email with roles; the invitee sets a password or logs in by code."""

import re

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent, Invitation, User
from accounts.roles import Role

from .conftest import host_client, login


@pytest.fixture
def direction(as_role):
    return as_role(Role.DIRECTION)


def invite(client, django_capture_on_commit_callbacks, **data):
    payload = {"email": "nouveau@alpha.test", "first_name": "Nora", "last_name": "Petit", "roles": ["tuteur"]}
    payload.update(data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/direction/personnes/inviter/", payload)
    connection.set_schema_to_public()
    return response


def test_the_direction_invites_a_tuteur_who_receives_a_link(direction, alpha, django_capture_on_commit_callbacks):
    response = invite(direction, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/direction/personnes/"
    with tenant_context(alpha):
        user = User.objects.get(email="nouveau@alpha.test")
        assert user.roles == ["tuteur"] and not user.has_usable_password()
        assert Invitation.objects.get(user=user).invited_by.email == "direction@alpha.test"
        assert AuditEvent.objects.filter(action="user_create", target="nouveau@alpha.test").exists()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["nouveau@alpha.test"]
    assert "CFA Alpha" in mail.outbox[0].subject and "Tuteur" in body
    assert "http://alpha.localhost/comptes/password/reset/key/" in body


def test_the_invitee_sets_a_password_then_logs_in(direction, alpha, django_capture_on_commit_callbacks):
    invite(direction, django_capture_on_commit_callbacks)
    link = re.search(r"http://alpha\.localhost(/comptes/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    invitee = host_client("alpha.localhost")
    form_page = invitee.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "Un-Mot-de-passe-solide-42"
    response = invitee.post(action, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    connection.set_schema_to_public()
    fresh = host_client("alpha.localhost")
    assert login(fresh, "nouveau@alpha.test", "Un-Mot-de-passe-solide-42").status_code == 302
    assert fresh.get("/tuteur/").status_code == 200


def test_the_invitee_logs_in_with_an_emailed_code(direction, alpha, django_capture_on_commit_callbacks):
    invite(direction, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    invitee = host_client("alpha.localhost")
    response = invitee.post("/comptes/login/code/", {"email": "nouveau@alpha.test"})
    assert response.status_code == 302
    assert "CFA Alpha" in mail.outbox[0].body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.M).group(1)
    response = invitee.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert invitee.get("/tuteur/").status_code == 200


def test_inviting_an_existing_person_adds_the_role(direction, alpha, personas, django_capture_on_commit_callbacks):
    invite(direction, django_capture_on_commit_callbacks, email=personas[Role.FORMATEUR].email, roles=["tuteur"])
    with tenant_context(alpha):
        assert User.objects.get(email=personas[Role.FORMATEUR].email).roles == ["formateur", "tuteur"]


def test_a_bad_invitation_explains_itself_and_creates_nothing(direction, alpha, django_capture_on_commit_callbacks):
    response = invite(direction, django_capture_on_commit_callbacks, email="pas-un-email", roles=[])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in page and "Choisissez au moins un rôle." in page
    assert 'aria-invalid="true"' in page or "field-invalid" in page
    with tenant_context(alpha):
        assert not User.objects.filter(email="pas-un-email").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("role", [Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR, Role.INSPECTEUR])
def test_only_the_direction_may_invite(as_role, alpha, role, django_capture_on_commit_callbacks):
    client = as_role(role)
    assert client.get("/direction/personnes/inviter/").status_code == 403
    assert invite(client, django_capture_on_commit_callbacks).status_code == 403
    with tenant_context(alpha):
        assert not User.objects.filter(email="nouveau@alpha.test").exists()


def test_beta_direction_cannot_invite_into_alpha(charlie, alpha, django_capture_on_commit_callbacks):
    client = host_client("alpha.localhost")
    login(client, charlie.email)  # same email as alpha's direction, but no alpha session results from beta
    assert invite(client, django_capture_on_commit_callbacks).status_code == 302
    with tenant_context(alpha):
        assert not User.objects.filter(email="nouveau@alpha.test").exists()
