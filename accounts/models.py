from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models

from .roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("roles", [Role.OPERATEUR])
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person of one establishment (its schema), or an operator in the public schema.

    The email is the login; a person holds one or several roles.
    """

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]


class Invitation(models.Model):
    """Who invited whom, with which roles: kept as a record even after the person joined."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices))
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation de {self.email}"


class AuditEvent(models.Model):
    """An append-only trace of sensitive changes (accounts, roles, establishments)."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)  # kept if the account is removed
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=254, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"


class PreferencesNotification(models.Model):
    """What a person wants to receive by email. The daily digest is on by default; the signed link in every
    digest turns it off without logging in. `digest_dernier_envoi` is the day of the last digest sent: the
    sending claims that day with a conditional update, so that two workers never send twice the same day."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="preferences_notification")
    digest_actif = models.BooleanField("courriel quotidien des choses en attente", default=True)
    digest_dernier_envoi = models.DateField("dernier courriel quotidien envoyé le", null=True, blank=True)
    desinscrit_le = models.DateTimeField("désinscrit le", null=True, blank=True)

    class Meta:
        verbose_name = "préférences de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self) -> str:
        return f"notifications de {self.user_id}"
