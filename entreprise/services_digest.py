"""The tutors' daily digest: one short email a day, only when journal entries wait for their validation or a
bilan entreprise for their confirmation, with a
link to the page that awaits them and a signed link to unsubscribe without logging in.

At most once a day: each send first claims the day on the person's `PreferencesNotification` row with a
conditional UPDATE (`digest_dernier_envoi` before today), which PostgreSQL serialises on the row, so two
workers running the digest at the same time never both send. A send that fails gives the day back."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import connection
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from accounts.models import PreferencesNotification, User
from accounts.roles import Role
from tenants.selectors import etablissement_base_url

from .models import BilanEntreprise, Contrat, EntreeJournal

logger = logging.getLogger(__name__)

_SALT = "cpro.entreprise.digest.desinscription"


def _salt() -> str:
    # The schema is part of the salt: user ids repeat from one establishment to the next, and a link signed
    # for alpha must not unsubscribe beta's user with the same id.
    return f"{_SALT}:{connection.schema_name}"


def digest_token(user: User) -> str:
    """The signed, non-expiring token of the unsubscribe link of `user` in the current establishment."""
    return signing.dumps(user.pk, salt=_salt(), compress=False)


def digest_token_user(token: str) -> User | None:
    """The user a token was signed for in the current establishment; None if it is tampered with, signed for
    another establishment or its account is gone."""
    try:
        pk = signing.loads(token, salt=_salt())
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk).first()


def digest_unsubscribe_url(user: User, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("digest_desinscription", kwargs={"token": digest_token(user)})


def digest_etat(user: User) -> dict:
    """For the tutor's home, without writing anything: is the morning email on, and the page that switches it."""
    preferences = PreferencesNotification.objects.filter(user=user).first()
    return {"actif": preferences is None or preferences.digest_actif,
            "url": digest_unsubscribe_url(user, base_url="/")}


def digest_preferences(user: User) -> PreferencesNotification:
    preferences, _ = PreferencesNotification.objects.get_or_create(user=user)
    return preferences


def digest_unsubscribe(*, user: User) -> PreferencesNotification:
    """Turn the digest off (idempotent: a second click keeps the first date)."""
    preferences = digest_preferences(user)
    if preferences.digest_actif:
        preferences.digest_actif = False
        preferences.desinscrit_le = timezone.now()
        preferences.save(update_fields=["digest_actif", "desinscrit_le"])
    return preferences


def digest_resubscribe(*, user: User) -> PreferencesNotification:
    preferences = digest_preferences(user)
    if not preferences.digest_actif:
        preferences.digest_actif = True
        preferences.desinscrit_le = None
        preferences.save(update_fields=["digest_actif", "desinscrit_le"])
    return preferences


@dataclass(frozen=True)
class LigneDigest:
    apprenant: str
    entreprise: str
    n: int  # journal entries waiting for validation
    plus_ancienne: datetime.date | None
    bilans: int = 0  # bilans entreprise the formateur confirmed, waiting for the tutor's confirmation


def _en_attente() -> dict[int, list[LigneDigest]]:
    """{tutor's user id: one line per apprentice's contract with entries to validate or a bilan to confirm}:
    three queries."""
    entrees = (EntreeJournal.objects.filter(statut=EntreeJournal.Statut.A_VALIDER)
               .values("contrat__tuteurs__user_id", "contrat_id")
               .annotate(n=Count("pk", distinct=True), plus_ancienne=Min("date")).order_by())
    bilans = (BilanEntreprise.objects.filter(valide_le__isnull=True, confirme_tuteur_le__isnull=True,
                                             confirme_formateur_le__isnull=False, tuteur__user__isnull=False)
              .values("tuteur__user_id", "contrat_id").annotate(n=Count("pk")).order_by())
    attente: dict[tuple[int, int], dict] = {}
    for row in entrees:
        if row["contrat__tuteurs__user_id"] is not None:
            attente[(row["contrat__tuteurs__user_id"], row["contrat_id"])] = {
                "n": row["n"], "plus_ancienne": row["plus_ancienne"], "bilans": 0}
    for row in bilans:
        ligne = attente.setdefault((row["tuteur__user_id"], row["contrat_id"]),
                                   {"n": 0, "plus_ancienne": None, "bilans": 0})
        ligne["bilans"] = row["n"]
    contrats = Contrat.objects.select_related("apprenant", "entreprise").in_bulk({c for _, c in attente})
    lignes: dict[int, list[tuple]] = {}
    for (user_id, contrat_id), row in attente.items():
        contrat = contrats[contrat_id]
        apprenant = contrat.apprenant
        key = (apprenant.nom.upper(), apprenant.prenom, contrat.pk)
        lignes.setdefault(user_id, []).append((key, LigneDigest(
            apprenant=f"{apprenant.prenom} {apprenant.nom.upper()}", entreprise=contrat.entreprise.raison_sociale,
            **row)))
    return {user_id: [ligne for _, ligne in sorted(items, key=lambda item: item[0])]
            for user_id, items in lignes.items()}


def _sujet(total: int, bilans: int) -> str:
    parts = []
    if total:
        parts.append(f"{total} entrée{'s' if total > 1 else ''} du journal de bord à valider")
    if bilans:
        parts.append(f"{bilans} bilan{'s' if bilans > 1 else ''} à confirmer")
    return "[cpro] " + " et ".join(parts)


def _message(user: User, lignes: list[LigneDigest], *, base_url: str) -> EmailMessage:
    total = sum(ligne.n for ligne in lignes)
    bilans = sum(ligne.bilans for ligne in lignes)
    unsubscribe_url = digest_unsubscribe_url(user, base_url=base_url)
    context = {
        "user": user,
        "etablissement": connection.tenant,
        "lignes": lignes,
        "total": total,
        "bilans": bilans,
        "home_url": base_url.rstrip("/") + reverse("tuteur_home"),
        "unsubscribe_url": unsubscribe_url,
    }
    subject = _sujet(total, bilans)
    return EmailMessage(
        subject=subject,
        body=render_to_string("entreprise/digest/email.txt", context),
        to=[user.email],
        headers={
            # RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that POSTs to the same URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )


def digest_tuteurs_send(*, day: datetime.date | None = None) -> int:
    """Send today's digest to each tutor of the current establishment with journal entries waiting for them,
    the digest on and none sent yet on `day`. Returns the number of emails sent; nothing when nothing waits."""
    if connection.schema_name in (get_public_schema_name(), settings.TENANT_BASE_SCHEMA):
        return 0
    day = day or timezone.localdate()
    lignes = _en_attente()
    if not lignes:
        return 0
    users = list(User.objects.filter(pk__in=lignes, is_active=True, roles__contains=[Role.TUTEUR])
                 .order_by("pk"))
    if not users:
        return 0
    PreferencesNotification.objects.bulk_create([PreferencesNotification(user=u) for u in users],
                                                ignore_conflicts=True)
    base_url = etablissement_base_url(connection.tenant)
    sent = 0
    for user in users:
        claim = PreferencesNotification.objects.filter(
            Q(digest_dernier_envoi__isnull=True) | Q(digest_dernier_envoi__lt=day), user=user, digest_actif=True)
        previous = claim.values_list("digest_dernier_envoi", flat=True).first()
        if not claim.update(digest_dernier_envoi=day):
            continue  # off, or already sent on `day` (perhaps by another worker a moment ago)
        try:
            _message(user, lignes[user.pk], base_url=base_url).send()
        except Exception:
            logger.exception("Courriel quotidien non envoyé à l'utilisateur %s", user.pk)
            PreferencesNotification.objects.filter(user=user, digest_dernier_envoi=day).update(
                digest_dernier_envoi=previous)
            continue
        sent += 1
    return sent
