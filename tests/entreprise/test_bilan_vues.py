"""Bilan entreprise pages: the formateur opens it from the fiche, fills it on a phone-sized form, the tutor finds
it on their home and confirms, the learner sees its events with lieu = entreprise in their results; refusals per
role (404 for what one may not see, beta included, 403 for a role that only reads)."""

from html import unescape

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models_bilan import BilanEntreprise, BilanSaisie
from entreprise.services_bilan import bilan_entreprise_confirm, bilan_entreprise_create, bilan_entreprise_fill
from evaluations.models import Evaluation

from ..conftest import host_client, login, make_person
from .conftest import TODAY


@pytest.fixture
def bilan(alpha, alternance, fiche, personas):
    with tenant_context(alpha):
        bilan = bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                        actor=personas["formateur"])
    connection.set_schema_to_public()
    return bilan


def criteres(alpha, bilan) -> list[int]:
    with tenant_context(alpha):
        pks = list(bilan.critere_links.values_list("critere_id", flat=True))
    connection.set_schema_to_public()
    return pks


def confirmed(alpha, bilan, personas):
    with tenant_context(alpha):
        pks = list(bilan.critere_links.values_list("critere_id", flat=True))
        bilan_entreprise_fill(bilan=bilan, valeurs={pks[0]: "A", pks[1]: "NV"}, actor=personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])
    connection.set_schema_to_public()


def test_the_formateur_opens_the_bilan_from_the_fiche_page(as_role, alpha, alternance, fiche):
    client = as_role(Role.FORMATEUR)
    periode, lea = alternance["periode"].pk, alternance["lea"].pk
    page = client.get(f"/fiches/periodes/{periode}/").content.decode()
    assert f"/bilans-entreprise/periodes/{periode}/apprenants/{lea}/" in page
    form = client.get(f"/bilans-entreprise/periodes/{periode}/apprenants/{lea}/").content.decode()
    assert 'type="date"' in form and "<legend>" in form
    response = client.post(f"/bilans-entreprise/periodes/{periode}/apprenants/{lea}/",
                           {"date": TODAY.isoformat(), "mode": "visite"})
    assert response.status_code == 302
    with tenant_context(alpha):
        bilan = BilanEntreprise.objects.get()
    assert response["Location"] == f"/bilans-entreprise/{bilan.pk}/"


def test_a_bad_date_is_told_and_nothing_is_opened(as_role, alpha, alternance, fiche):
    url = f"/bilans-entreprise/periodes/{alternance['periode'].pk}/apprenants/{alternance['lea'].pk}/"
    response = as_role(Role.FORMATEUR).post(url, {"date": "31/02/2020", "mode": "visite"})
    assert response.status_code == 400 and "Indiquez la date du bilan" in response.content.decode()
    with tenant_context(alpha):
        assert not BilanEntreprise.objects.exists()


def test_formateur_fills_and_confirms_then_the_tutor_confirms_from_home(as_role, alpha, bilan):
    first, second = criteres(alpha, bilan)
    formateur = as_role(Role.FORMATEUR)
    page = formateur.get(f"/bilans-entreprise/{bilan.pk}/").content.decode()
    assert f'name="valeur-{first}"' in page and "Non vu" in page and 'name="vu"' in page
    response = formateur.post(f"/bilans-entreprise/{bilan.pk}/", {
        f"valeur-{first}": "A", f"valeur-{second}": "NV", f"commentaire-{second}": "Pas de fibre.",
        "appreciation": "Très bon début.", "action": "confirmer", "vu": ""})
    assert response.status_code == 302
    tuteur = as_role(Role.TUTEUR)
    home = tuteur.get("/tuteur/").content.decode()
    assert "1 bilan entreprise attend votre confirmation" in home and f"/bilans-entreprise/{bilan.pk}/" in home
    response = tuteur.post(f"/bilans-entreprise/{bilan.pk}/confirmer/")
    assert response.status_code == 302 and response["Location"] == "/tuteur/"
    with tenant_context(alpha):
        bilan.refresh_from_db()
        assert bilan.valide and Evaluation.objects.filter(lieu="entreprise").count() == 2
    assert "bilan entreprise attend" not in tuteur.get("/tuteur/").content.decode()


def test_confirming_twice_is_told_and_changes_nothing(as_role, alpha, bilan, personas):
    confirmed(alpha, bilan, personas)
    response = as_role(Role.TUTEUR).post(f"/bilans-entreprise/{bilan.pk}/confirmer/", follow=True)
    assert "déjà confirmé par les deux parties" in response.content.decode()
    with tenant_context(alpha):
        assert Evaluation.objects.count() == 2


def test_an_incomplete_bilan_is_not_confirmed_and_the_page_says_why(as_role, alpha, bilan):
    first, _ = criteres(alpha, bilan)
    response = as_role(Role.FORMATEUR).post(f"/bilans-entreprise/{bilan.pk}/", {
        f"valeur-{first}": "A", "action": "confirmer"}, follow=True)
    assert "n'est pas confirmé : 1 critère(s) sans niveau" in unescape(response.content.decode())
    with tenant_context(alpha):
        bilan.refresh_from_db()
        assert bilan.confirme_formateur_le is None
        assert BilanSaisie.objects.get().niveau.code == "A"  # what was typed is kept


def test_a_bad_value_is_told_and_nothing_is_written(as_role, alpha, bilan):
    first, second = criteres(alpha, bilan)
    response = as_role(Role.FORMATEUR).post(f"/bilans-entreprise/{bilan.pk}/", {
        f"valeur-{first}": "A", f"valeur-{second}": "<script>", "action": "enregistrer"})
    assert response.status_code == 400 and "n'est ni un niveau ni un état" in unescape(response.content.decode())
    assert "<script>" not in response.content.decode()
    with tenant_context(alpha):
        assert not BilanSaisie.objects.exists()


def test_the_learner_sees_the_confirmed_bilan_with_lieu_entreprise_in_their_results(as_role, alpha, bilan,
                                                                                       personas):
    client = as_role(Role.APPRENANT)
    assert client.get(f"/bilans-entreprise/{bilan.pk}/").status_code == 404  # a draft is not a result
    assert "Bilan entreprise" not in client.get("/apprenant/").content.decode()
    confirmed(alpha, bilan, personas)
    page = client.get("/apprenant/").content.decode()
    assert "Bilan entreprise" in page and 'class="tag">Entreprise' in page and "Acme" in page
    assert "Non vu" in page and "niveau-badge" in page
    assert client.get(f"/bilans-entreprise/{bilan.pk}/").status_code == 200


def test_the_print_view_is_prefilled(as_role, alpha, bilan):
    first, _ = criteres(alpha, bilan)
    as_role(Role.FORMATEUR).post(f"/bilans-entreprise/{bilan.pk}/", {f"valeur-{first}": "ECA"})
    page = as_role(Role.TUTEUR).get(f"/bilans-entreprise/{bilan.pk}/imprimer/").content.decode()
    assert "☒" in page and "signature" in page and "Acme" in page


@pytest.mark.parametrize("role, status", [
    (Role.DIRECTION, 200), (Role.FORMATEUR, 200), (Role.INSPECTEUR, 200), (Role.TUTEUR, 200),
    (Role.APPRENANT, 404),
])
def test_who_reads_a_draft_bilan(as_role, bilan, role, status):
    assert as_role(role).get(f"/bilans-entreprise/{bilan.pk}/").status_code == status


def test_the_inspection_reads_but_cannot_write(as_role, alpha, bilan):
    first, _ = criteres(alpha, bilan)
    client = as_role(Role.INSPECTEUR)
    assert 'name="valeur-' not in client.get(f"/bilans-entreprise/{bilan.pk}/").content.decode()
    assert client.post(f"/bilans-entreprise/{bilan.pk}/", {f"valeur-{first}": "A"}).status_code == 403
    assert client.post(f"/bilans-entreprise/{bilan.pk}/confirmer/").status_code == 403
    with tenant_context(alpha):
        assert not BilanSaisie.objects.exists()


def test_another_tutor_and_another_formateur_get_404(alpha, alternance, bilan):
    autre_formateur = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
    connection.set_schema_to_public()
    for email in ("jo@vert.test", autre_formateur.email):
        client = host_client("alpha.localhost")
        login(client, email)
        for url in (f"/bilans-entreprise/{bilan.pk}/", f"/bilans-entreprise/{bilan.pk}/imprimer/"):
            assert client.get(url).status_code == 404, (email, url)
        assert client.post(f"/bilans-entreprise/{bilan.pk}/confirmer/").status_code in (403, 404)
    with tenant_context(alpha):
        assert not BilanSaisie.objects.exists()


def test_a_tutor_cannot_open_a_bilan(as_role, alternance, fiche):
    url = f"/bilans-entreprise/periodes/{alternance['periode'].pk}/apprenants/{alternance['lea'].pk}/"
    assert as_role(Role.TUTEUR).post(url, {"date": TODAY.isoformat(), "mode": "visite"}).status_code == 403


def test_beta_people_do_not_find_alphas_bilan(alpha, bilan, alternance_beta):
    for role in (Role.FORMATEUR, Role.TUTEUR, Role.APPRENANT):
        client = host_client("beta.localhost")
        login(client, alternance_beta["people"][role].email)
        assert client.get(f"/bilans-entreprise/{bilan.pk}/").status_code == 404


def test_the_tutors_bilan_page_has_no_centre_only_data(as_role, alpha, alternance, bilan, personas):
    from entreprise.services_fiches import realisation_check, realisation_save

    with tenant_context(alpha):
        fiche = bilan.fiche
        realisation = realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="Fait.",
                                       taches_realisees=[], rendre=True, actor=personas["apprenant"])
        realisation_check(realisation=realisation, remarque="REMARQUE-CENTRE", actor=personas["formateur"])
    connection.set_schema_to_public()
    page = as_role(Role.TUTEUR).get(f"/bilans-entreprise/{bilan.pk}/").content.decode()
    assert "REMARQUE-CENTRE" not in page and "Fiche activités de 1CIEL-A" not in page
