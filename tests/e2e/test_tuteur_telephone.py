"""The tuteur on a 360 px phone, never trained: the invitation's link, a code instead of a password, one screen
that says what awaits, one tap to validate the apprentice's day, one to confirm the bilan of the visit."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from accounts.models import User
from demo.services import demo_referentiels_load
from entreprise.models import Contrat, Periode, Tuteur
from entreprise.models_bilan import BilanEntreprise
from entreprise.services import contrat_create, entreprise_create, tuteur_create, tuteur_invite
from entreprise.services_bilan import bilan_entreprise_confirm, bilan_entreprise_create, bilan_entreprise_fill
from entreprise.services_fiches import fiche_prepare
from entreprise.services_journal import entree_create
from referentiels.models import Critere, Referentiel
from scolarite.models import Apprenant, Classe, Formation, Inscription
from tenants.annees import annee_scolaire_of
from tenants.models import Abonnement, Etablissement

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


@pytest.fixture
def apprentie(site):
    """Léa, apprentie in 1CIEL-A, in the company since last week at Réseaux Vauclusiens with Jean Moreau (the
    demo tuteur's address, invited afterwards), one day of her journal waiting for him."""
    connection.set_schema_to_public()
    demo_referentiels_load()
    etablissement = Etablissement.objects.get(schema_name=site.split("//")[1].split(".")[0].replace("-", "_"))
    annee = annee_scolaire_of(TODAY)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code="BACPRO-CIEL")
    ciel = Referentiel.objects.filter(code="BACPRO-CIEL").order_by("-version").first()
    with tenant_context(etablissement):
        User.objects.filter(email="tuteur@demo.cpro.local").delete()  # Jean has no account until invited
        classe = Classe.objects.create(formation=Formation.objects.create(referentiel=ciel, intitule="CIEL"),
                                       annee_scolaire=annee, code="1CIEL-A")
        lea_user = User.objects.get(email="apprenti@demo.cpro.local")
        lea = Apprenant.objects.create(nom="Dupont", prenom="Léa", user=lea_user)
        Inscription.objects.create(apprenant=lea, classe=classe, statut="apprenti", debut=datetime.date(annee, 9, 1))
        entreprise = entreprise_create(raison_sociale="Réseaux Vauclusiens", ville="Avignon")
        jean = tuteur_create(entreprise=entreprise, nom="Moreau", prenom="Jean", email="tuteur@demo.cpro.local")
        contrat_create(type=Contrat.Type.APPRENTISSAGE, apprenant=lea, entreprise=entreprise, tuteurs=[jean],
                       debut=datetime.date(annee, 9, 1), fin=datetime.date(annee + 1, 8, 31))
        periode = Periode.objects.create(classe=classe, lieu=Periode.Lieu.ENTREPRISE,
                                         debut=TODAY - datetime.timedelta(days=7),
                                         fin=TODAY + datetime.timedelta(days=14))
        entree_create(apprenant=lea, auteur=lea_user, date=TODAY, texte="Pose de la baie de brassage chez le client.",
                      duree_minutes=420)
        # The formateur filled the period's bilan during the visit and confirmed it: it waits for Jean.
        formateur = User.objects.get(email="formateur@demo.cpro.local")
        classe.formateurs.add(formateur)
        criteres = list(Critere.objects.filter(referentiel=ciel).order_by("competence__rang", "rang")[:2])
        fiche_prepare(periode=periode, titre="Réseau", critere_ids=[c.pk for c in criteres], actor=formateur)
        bilan = bilan_entreprise_create(periode=periode, apprenant=lea, date=TODAY, actor=formateur)
        bilan_entreprise_fill(bilan=bilan, valeurs={criteres[0].pk: "A", criteres[1].pk: "NV"}, actor=formateur)
        bilan_entreprise_confirm(bilan=bilan, actor=formateur)
    connection.set_schema_to_public()
    yield etablissement
    connection.set_schema_to_public()
    Abonnement.objects.filter(pk=abonnement.pk).delete()  # before the establishment is dropped


def test_the_demo_tuteur_follows_the_invitation_logs_in_with_a_code_validates_a_day_and_confirms_a_bilan(
        page, site, apprentie):
    page.set_viewport_size({"width": 360, "height": 740})
    with tenant_context(apprentie):
        jean = Tuteur.objects.get(email="tuteur@demo.cpro.local")
        tuteur_invite(tuteur=jean, invited_by=User.objects.get(email="direction@demo.cpro.local"),
                      base_url=f"{site}/")
    connection.set_schema_to_public()
    link = re.search(rf"{re.escape(site)}/tuteur/", mail.outbox[-1].body).group(0)

    page.goto(link)  # not logged in: the login page, which remembers where to go next
    page.get_by_role("link", name="Recevoir un code de connexion par e-mail").click()
    page.get_by_label("Courriel").fill("tuteur@demo.cpro.local")
    page.get_by_role("button", name="Demander un code").click()
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace tuteur")
    expect(page.locator(".tuteur-resume")).to_contain_text("1 entrée du journal de bord attend votre validation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name=re.compile("Valider le journal de bord \\(1\\)")).click()
    entree = page.locator("article", has_text="Pose de la baie de brassage")
    entree.get_by_role("button", name=re.compile("^Valider")).click()
    expect(entree.get_by_role("status")).to_contain_text("validée")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{site}/tuteur/")  # the bilan of the visit waits for Jean's confirmation
    expect(page.locator(".tuteur-resume")).to_contain_text("1 bilan entreprise attend votre confirmation")
    page.get_by_role("link", name=re.compile("^Confirmer le bilan")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan entreprise")
    expect(page.get_by_role("group", name=re.compile(criteres_code(apprentie)[0])).get_by_label(
        re.compile("Acquis"))).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Enregistrer et confirmer le bilan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace tuteur")
    expect(page.get_by_text("Bilan confirmé. Merci !")).to_be_visible()
    expect(page.locator(".tuteur-resume")).to_contain_text("Rien ne vous attend pour le moment.")
    with tenant_context(apprentie):
        bilan = BilanEntreprise.objects.get()
        assert bilan.valide and bilan.confirme_tuteur_par.email == "tuteur@demo.cpro.local"
        assert {e.lieu for e in bilan.evaluations.all()} == {"entreprise"}
    connection.set_schema_to_public()


def criteres_code(etablissement) -> list[str]:
    with tenant_context(etablissement):
        pks = list(BilanEntreprise.objects.get().critere_links.values_list("critere_id", flat=True))
    connection.set_schema_to_public()
    return [Critere.objects.get(pk=pk).code for pk in pks]
