"""The tuteur's home: one screen that says what awaits them, apprentice by apprentice, and nothing of the centre."""

import datetime

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from entreprise.models import EntreeJournal, EntreeVersion, Visite
from entreprise.services import contrat_create

from .conftest import FIN_ANNEE, RENTREE, TODAY


def journal_entry(world, user, *, day, statut=EntreeJournal.Statut.A_VALIDER, texte="Pose d'une baie de brassage"):
    contrat = world["contrat"]
    entree = EntreeJournal.objects.create(apprenant=world["lea"], contrat=contrat, periode=world["periode"],
                                          date=day, statut=statut, created_by=user)
    version = EntreeVersion.objects.create(entree=entree, numero=1, date=day, texte=texte, auteur=user,
                                           at=timezone.now())
    entree.version_courante = version
    entree.save(update_fields=["version_courante"])
    return entree


def test_the_tuteur_home_says_what_awaits_each_apprentice(alternance, alpha, personas, as_role):
    with tenant_context(alpha):
        for days_ago in (1, 2):
            journal_entry(alternance, personas["apprenant"], day=TODAY - datetime.timedelta(days=days_ago))
        journal_entry(alternance, personas["apprenant"], day=TODAY - datetime.timedelta(days=3),
                      statut=EntreeJournal.Statut.VALIDEE)
        Visite.objects.create(contrat=alternance["contrat"], date=TODAY - datetime.timedelta(days=5),
                              auteur=personas["formateur"], notes="Secret du centre : à surveiller")
    connection.set_schema_to_public()
    html = as_role("tuteur").get("/tuteur/").content.decode()
    assert "2 entrées du journal de bord attendent votre validation" in html
    assert "Valider le journal de bord (2)" in html
    assert "Léa DUPONT" in html and "Hugo" not in html  # Hugo has another tuteur
    assert "Dernier échange avec le formateur" in html
    assert "En entreprise jusqu'au" in html
    assert "Secret du centre" not in html  # visit notes are the centre's
    assert 'href="/tuteur/aide/"' in html


def test_a_tuteur_with_nothing_waiting_is_told_so(alternance, as_role):
    html = as_role("tuteur").get("/tuteur/").content.decode()
    assert "Rien ne vous attend pour le moment." in html
    assert "Pas encore de visite ni d'échange avec le formateur." in html


def test_the_tuteur_home_runs_a_constant_number_of_queries(alternance, alpha, personas, as_role,
                                                            django_assert_max_num_queries):
    client = as_role("tuteur")
    client.get("/tuteur/")
    with tenant_context(alpha):
        from scolarite import services as scolarite

        for i in range(4):  # four more apprentices with entries waiting
            apprenant = scolarite.apprenant_create(nom=f"Nom{i}", prenom=f"Prénom{i}")
            scolarite.inscription_open(apprenant=apprenant, classe=alternance["classe"], statut="apprenti",
                                       debut=RENTREE)
            contrat = contrat_create(type="apprentissage", apprenant=apprenant, entreprise=alternance["acme"],
                                     tuteurs=[alternance["tuteur"]], debut=RENTREE, fin=FIN_ANNEE).contrat
            world = {**alternance, "lea": apprenant, "contrat": contrat}
            journal_entry(world, personas["tuteur"], day=TODAY)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(12):
        response = client.get("/tuteur/")
    assert response.content.decode().count("Valider le journal de bord (1)") == 4


def test_the_help_page_speaks_to_tuteurs_only(alternance, as_role):
    assert "Comment ça marche ?" in as_role("tuteur").get("/tuteur/aide/").content.decode()
    assert as_role("apprenant").get("/tuteur/aide/").status_code == 403


def test_a_tuteur_without_a_password_follows_the_link_logs_in_by_code_and_lands_on_their_page(
        alternance, alpha, personas, mailoutbox):
    import re

    from django.test import Client

    client = Client(HTTP_HOST="alpha.localhost")
    login_page = client.get("/tuteur/", follow=True)
    assert login_page.redirect_chain[-1][0] == "/comptes/login/?next=/tuteur/"
    code_link = re.search(r'href="(/comptes/login/code/[^"]*)"', login_page.content.decode()).group(1)
    assert code_link == "/comptes/login/code/?next=/tuteur/"
    response = client.post(code_link, {"email": personas["tuteur"].email, "next": "/tuteur/"}, follow=True)
    connection.set_schema_to_public()
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.M).group(1)
    confirm_url = response.redirect_chain[-1][0]
    landed = client.post(confirm_url, {"code": code}, follow=True)
    connection.set_schema_to_public()
    assert landed.redirect_chain[-1][0] == "/tuteur/"
    assert "Les apprentis que vous accompagnez" in landed.content.decode()


def test_the_tuteur_invitation_links_to_the_page_that_awaits_them(alternance, alpha, personas, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    from entreprise.services import tuteur_invite

    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        tuteur_invite(tuteur=alternance["autre_tuteur"], invited_by=personas["direction"],
                      base_url="http://alpha.localhost:8000/")
    connection.set_schema_to_public()
    assert "http://alpha.localhost:8000/tuteur/" in mailoutbox[-1].body


def test_the_tuteur_home_says_whether_the_morning_email_is_on(alternance, alpha, personas, as_role):
    from entreprise.services_digest import digest_unsubscribe

    client = as_role("tuteur")
    assert "Ne plus le recevoir" in client.get("/tuteur/").content.decode()
    with tenant_context(alpha):
        digest_unsubscribe(user=personas["tuteur"])
    connection.set_schema_to_public()
    assert "Le recevoir à nouveau" in client.get("/tuteur/").content.decode()
