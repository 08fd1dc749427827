"""The tutors' daily digest: at most one email a day, none when nothing waits, what waits and the link to the
page that awaits them, and an unsubscribe link that works without logging in."""

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.models import PreferencesNotification
from entreprise.models import EntreeJournal
from entreprise.services_digest import digest_tuteurs_send
from entreprise.tasks import digest_tuteurs_tous

from .conftest import TODAY
from .test_tuteur_home import journal_entry

YESTERDAY = TODAY - datetime.timedelta(days=1)


def _send(etablissement, **kwargs) -> int:
    with tenant_context(etablissement):
        sent = digest_tuteurs_send(**kwargs)
    connection.set_schema_to_public()
    return sent


def _pending(world, user, *, n=1, **overrides):
    for i in range(n):
        journal_entry({**world, **overrides}, user, day=TODAY - datetime.timedelta(days=i + 1))


def _prefs(etablissement, user):
    with tenant_context(etablissement):
        prefs = PreferencesNotification.objects.filter(user_id=user.pk).first()
    connection.set_schema_to_public()
    return prefs


def _unsubscribe_path(message) -> str:
    url = re.search(r"Pour ne plus le recevoir : (\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return urlparse(url).path


def test_one_email_says_what_waits_for_each_apprentice_with_the_link(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"], n=2)
        journal_entry(alternance, personas["apprenant"], day=TODAY - datetime.timedelta(days=5),
                      statut=EntreeJournal.Statut.VALIDEE)
    connection.set_schema_to_public()
    assert _send(alpha) == 1
    [message] = mailoutbox
    assert message.to == [personas["tuteur"].email]
    assert message.subject == "[cpro] 2 entrées du journal de bord à valider"
    assert "Léa DUPONT (Acme Réseaux) : 2 entrées à valider" in message.body
    assert "http://alpha.localhost/tuteur/" in message.body
    assert "/notifications/desinscription/" in _unsubscribe_path(message)
    assert _prefs(alpha, personas["tuteur"]).digest_dernier_envoi == TODAY


def test_a_tutor_reads_only_their_own_apprentices(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"], n=1)
        _pending(alternance, personas["apprenant"], n=3, contrat=alternance["contrat_hugo"], lea=alternance["hugo"])
    connection.set_schema_to_public()
    assert _send(alpha) == 2
    by_recipient = {message.to[0]: message for message in mailoutbox}
    ours, jo = by_recipient[personas["tuteur"].email], by_recipient["jo@vert.test"]
    assert "Léa DUPONT" in ours.body and "Hugo" not in ours.body and "1 entrée à valider" in ours.body
    assert "Hugo MARTIN (Bureau Vert) : 3 entrées à valider" in jo.body and "Léa" not in jo.body


def test_nothing_is_sent_when_nothing_waits(alternance, alpha, personas, mailoutbox):
    assert _send(alpha) == 0
    with tenant_context(alpha):
        journal_entry(alternance, personas["apprenant"], day=YESTERDAY, statut=EntreeJournal.Statut.VALIDEE)
        journal_entry(alternance, personas["apprenant"], day=YESTERDAY, statut=EntreeJournal.Statut.A_REVOIR)
    connection.set_schema_to_public()
    assert _send(alpha) == 0
    assert mailoutbox == []


def test_at_most_one_email_a_day(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    assert _send(alpha, day=TODAY) == 1
    assert _send(alpha, day=TODAY) == 0  # run again the same day (a second worker, a cron and beat...)
    assert len(mailoutbox) == 1
    assert _send(alpha, day=TODAY + datetime.timedelta(days=1)) == 1
    assert len(mailoutbox) == 2


def test_an_unsubscribed_tutor_gets_nothing(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
        PreferencesNotification.objects.create(user=personas["tuteur"], digest_actif=False)
    connection.set_schema_to_public()
    assert _send(alpha) == 0
    assert mailoutbox == []


def test_unsubscribe_by_the_link_without_logging_in(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    _send(alpha)
    path = _unsubscribe_path(mailoutbox[0])
    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)

    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ne plus recevoir ce courriel" in html and personas["tuteur"].email in html
    assert _prefs(alpha, personas["tuteur"]).digest_actif

    done = client.post(path)
    assert done.status_code == 200 and "Désinscription enregistrée" in done.content.decode()
    prefs = _prefs(alpha, personas["tuteur"])
    assert not prefs.digest_actif and prefs.desinscrit_le is not None
    assert _send(alpha, day=TODAY + datetime.timedelta(days=1)) == 0

    client.post(path, {"action": "reabonner"})  # changed their mind
    assert _prefs(alpha, personas["tuteur"]).digest_actif


def test_one_click_unsubscribe_from_the_mail_client(alternance, alpha, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    _send(alpha)
    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)  # no cookie, no CSRF token
    response = client.post(_unsubscribe_path(mailoutbox[0]), "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not _prefs(alpha, personas["tuteur"]).digest_actif


@pytest.mark.parametrize("host,alter", [
    ("alpha.localhost", lambda path: path.replace("/desinscription/", "/desinscription/x")),
    ("alpha.localhost", lambda path: path[:-4] + ("AAA/" if path[-4:-1] != "AAA" else "BBB/")),
    ("beta.localhost", lambda path: path),  # a link of alpha used on beta's site
])
def test_a_tampered_link_is_refused_and_changes_nothing(alternance, alpha, beta, personas, mailoutbox, host, alter):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    _send(alpha)
    path = alter(_unsubscribe_path(mailoutbox[0]))
    client = Client(HTTP_HOST=host)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "Ce lien de désinscription n'est pas valide" in response.content.decode()
    assert _prefs(alpha, personas["tuteur"]).digest_actif


def test_the_daily_task_runs_in_each_establishment(alternance, alternance_beta, alpha, beta, personas, mailoutbox):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"], n=2)
    with tenant_context(beta):
        _pending(alternance_beta, alternance_beta["people"]["apprenant"], n=1)
    connection.set_schema_to_public()
    assert digest_tuteurs_tous.delay().get() >= 2  # from the public schema, as beat sends it
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_recipient) == ["tuteur@alpha.test", "tuteur@beta.test"]
    alpha_mail, beta_mail = by_recipient["tuteur@alpha.test"], by_recipient["tuteur@beta.test"]
    assert "http://alpha.localhost/tuteur/" in alpha_mail.body and "2 entrées à valider" in alpha_mail.body
    assert "http://beta.localhost/tuteur/" in beta_mail.body and "1 entrée à valider" in beta_mail.body
    assert "beta.localhost" not in alpha_mail.body and "alpha.localhost" not in beta_mail.body
    # Each link works on its own establishment's site only.
    assert Client(HTTP_HOST="beta.localhost").get(_unsubscribe_path(beta_mail)).status_code == 200
    assert Client(HTTP_HOST="alpha.localhost").get(_unsubscribe_path(beta_mail)).status_code == 400
    digest_tuteurs_tous.delay()  # run twice the same day: nothing more
    assert len(mailoutbox) == 2


def test_the_command_sends_the_digests_for_servers_without_beat(alternance, alpha, beta, personas, mailoutbox,
                                                                capsys):
    with tenant_context(alpha):
        _pending(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    call_command("send_digests")
    assert [m.to for m in mailoutbox] == [[personas["tuteur"].email]]
    out = capsys.readouterr().out
    assert "alpha : 1 courriel(s) envoyé(s)" in out and "beta : 0 courriel(s) envoyé(s)" in out


def test_a_bilan_the_formateur_confirmed_is_in_the_tutors_digest(alternance, alpha, fiche, personas, mailoutbox):
    from entreprise.services_bilan import bilan_entreprise_confirm, bilan_entreprise_create, bilan_entreprise_fill

    with tenant_context(alpha):
        bilan = bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                        actor=personas["formateur"])
        bilan_entreprise_fill(bilan=bilan, valeurs={pk: "A" for pk in bilan.critere_links.values_list(
            "critere_id", flat=True)}, actor=personas["formateur"])
    connection.set_schema_to_public()
    assert _send(alpha) == 0  # being filled: nothing to confirm yet
    with tenant_context(alpha):
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
    connection.set_schema_to_public()
    assert _send(alpha) == 1
    [message] = mailoutbox
    assert message.subject == "[cpro] 1 bilan à confirmer"
    assert "Léa DUPONT (Acme Réseaux) : le bilan de la période en entreprise à confirmer" in message.body
