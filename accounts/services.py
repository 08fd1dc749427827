"""Writes on accounts: creating people, inviting them, giving roles. Runs inside an establishment's schema
(or the public schema for operators)."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from .audit import audit_record
from .models import Invitation, User
from .roles import ROLE_HOME, Role


def _clean_roles(roles) -> list[str]:
    cleaned = []
    for role in roles:
        if role not in Role.values:
            raise ValidationError(f"Rôle inconnu : {role}.")
        if role not in cleaned:
            cleaned.append(role)
    if not cleaned:
        raise ValidationError("Choisissez au moins un rôle.")
    return cleaned


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"Adresse e-mail invalide : « {email} ».") from None
    return email


@transaction.atomic
def user_create(*, email: str, roles, first_name: str = "", last_name: str = "", password: str | None = None,
                actor=None) -> User:
    """Create an account with its roles; without a password, the person logs in by emailed code or sets one."""
    email = _clean_email(email)
    roles = _clean_roles(roles)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"Un compte existe déjà pour {email}.")
    user = User.objects.create_user(email, password, first_name=first_name, last_name=last_name, roles=roles)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=bool(password))
    audit_record(actor=actor, action="user_create", target=email, details={"roles": roles})
    return user


@transaction.atomic
def user_invite(*, invited_by: User, email: str, roles, first_name: str = "", last_name: str = "",
                base_url: str) -> Invitation:
    """Invite a person with roles. An existing account gains the roles: one person, several roles."""
    email = _clean_email(email)
    roles = _clean_roles(roles)
    if Role.OPERATEUR in roles:
        raise ValidationError("Le rôle d'opérateur n'existe que sur le site de la plateforme.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(email=email, roles=roles, first_name=first_name, last_name=last_name,
                           actor=invited_by)
    else:
        added = [r for r in roles if r not in user.roles]
        user.roles = user.roles + added
        user.save(update_fields=["roles"])
        audit_record(actor=invited_by, action="user_roles_add", target=email, details={"roles": added})
    invitation = Invitation.objects.create(user=user, email=email, roles=roles, invited_by=invited_by)

    from .tasks import send_invitation_email  # late import: tasks import this module

    send_invitation_email.delay_on_commit(invitation.pk, base_url)
    return invitation


def user_password_set_url(*, user: User, base_url: str) -> str:
    """A one-time link to choose a password (allauth's reset-from-key flow)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return base_url.rstrip("/") + path


def invitation_send(*, invitation_id: int, base_url: str) -> None:
    from django.core.mail import send_mail
    from django.db import connection
    from django.template.loader import render_to_string

    invitation = Invitation.objects.select_related("user", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "etablissement": connection.tenant,
        "roles": [Role(r).label for r in invitation.roles],
        "password_url": user_password_set_url(user=invitation.user, base_url=base_url),
        "login_url": base_url.rstrip("/") + reverse("account_login"),
        # The page that awaits them: a link straight to it, through the login (by code, without a password).
        "home_url": base_url.rstrip("/") + reverse(ROLE_HOME[Role(invitation.roles[0])]),
    }
    send_mail(
        subject=f"[cpro] Invitation : {connection.tenant.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
