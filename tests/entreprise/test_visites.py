"""Company visits and contacts with the tutor: the formateur records them, the direction sees who has had none
for N weeks (Code du travail L6231-2, Qualiopi indicator 13), nobody else writes, and nothing crosses between
establishments."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from accounts.roles import Role
from entreprise.models import Contrat, Visite
from entreprise.selectors_visites import suivi_visites, visite_derniere_par_contrat, visites_of
from entreprise.services import contrat_create, entreprise_create
from entreprise.services_visites import visite_record, visite_update
from scolarite import services as scolarite

from ..conftest import host_client, login, make_person
from .conftest import RENTREE, TODAY

HIER = TODAY - datetime.timedelta(days=1)
DEMAIN = TODAY + datetime.timedelta(days=1)


def url(contrat) -> str:
    return reverse("visite_contrat", args=[contrat.pk])


def record(alpha, world, *, actor, date=HIER, key="contrat", **fields) -> Visite:
    with tenant_context(alpha):
        visite = visite_record(contrat=world[key], date=date, mode=fields.pop("mode", "visite"),
                               participants=fields.pop("participants", "Jean MOREAU, Léa"),
                               notes=fields.pop("notes", "Léa installe un réseau, le tuteur est satisfait."),
                               suites=fields.pop("suites", ""), actor=actor)
    connection.set_schema_to_public()
    return visite


def visite_count(etablissement) -> int:
    with tenant_context(etablissement):
        count = Visite.objects.count()
    connection.set_schema_to_public()
    return count


FORM = {"date": HIER.isoformat(), "mode": "telephone", "participants": "Jean MOREAU",
        "notes": "Appel au maître d'apprentissage : tout se passe bien.", "suites": "Revoir les horaires."}


# Recording

def test_the_formateur_of_the_classe_records_a_visit_and_the_audit_keeps_it(alpha, alternance, personas):
    visite = record(alpha, alternance, actor=personas["formateur"], mode="visio")
    with tenant_context(alpha):
        assert [v.pk for v in visites_of(alternance["contrat"])] == [visite.pk]
        assert visite.auteur == personas["formateur"] and visite.mode == "visio" and visite.date == HIER
        event = AuditEvent.objects.get(action="visite_record")
        assert event.actor == personas["formateur"] and event.details["visite"] == visite.pk


def test_the_formateur_records_a_phone_call_from_the_contract_page(alpha, alternance, as_role, personas):
    client = as_role("formateur")
    page = client.get(url(alternance["contrat"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{TODAY.isoformat()}"' in html  # the date defaults to today
    assert html.count('type="radio"') == len(Visite.Mode.values)
    response = client.post(url(alternance["contrat"]), FORM)
    assert response.status_code == 302
    with tenant_context(alpha):
        visite = Visite.objects.get()
        assert (visite.mode, visite.suites, visite.auteur_id) == ("telephone", "Revoir les horaires.",
                                                                  personas["formateur"].pk)
    connection.set_schema_to_public()
    assert "Revoir les horaires." in client.get(url(alternance["contrat"])).content.decode()


def test_the_direction_records_a_visit_too(alpha, alternance, personas):
    record(alpha, alternance, actor=personas["direction"])
    assert visite_count(alpha) == 1


def test_visits_of_a_contract_come_newest_first(alpha, alternance, personas):
    old = record(alpha, alternance, actor=personas["formateur"], date=RENTREE)
    new = record(alpha, alternance, actor=personas["formateur"], date=TODAY)
    with tenant_context(alpha):
        assert [v.pk for v in visites_of(alternance["contrat"])] == [new.pk, old.pk]


@pytest.mark.parametrize("role", ["tuteur", "apprenant"])
def test_the_tutor_and_the_learner_are_refused_the_visits_pages(alternance, as_role, role):
    client = as_role(role)
    assert client.get(url(alternance["contrat"])).status_code == 403
    assert client.post(url(alternance["contrat"]), FORM).status_code == 403
    assert client.get(reverse("visite_suivi")).status_code == 403
    assert client.get(reverse("visite_mes_apprenants")).status_code == 403


def test_the_inspecteur_reads_the_visits_but_may_not_record_one(alpha, alternance, as_role, personas):
    record(alpha, alternance, actor=personas["formateur"])
    client = as_role("inspecteur")
    page = client.get(url(alternance["contrat"]))
    assert page.status_code == 200
    assert "Léa installe un réseau" in page.content.decode() and 'type="radio"' not in page.content.decode()
    assert client.post(url(alternance["contrat"]), FORM).status_code == 403
    assert visite_count(alpha) == 1
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        visite_record(contrat=alternance["contrat"], date=HIER, mode="visite", participants="", notes="Vu.",
                      suites="", actor=personas["inspecteur"])


def test_a_formateur_not_teaching_the_learner_gets_404_and_cannot_record(alpha, alternance):
    autre = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
    client = host_client("alpha.localhost")
    login(client, autre.email)
    assert client.get(url(alternance["contrat"])).status_code == 404
    assert client.post(url(alternance["contrat"]), FORM).status_code == 404
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        visite_record(contrat=alternance["contrat"], date=HIER, mode="visite", participants="", notes="Vu.",
                      suites="", actor=autre)
    assert visite_count(alpha) == 0
    assert "Dupont" not in client.get(reverse("visite_mes_apprenants")).content.decode()


def test_a_formateur_whose_learner_has_left_the_classe_no_longer_records(alpha, alternance, personas):
    with tenant_context(alpha):
        inscription = alternance["lea"].inscriptions.get()
        inscription.fin = HIER
        inscription.save(update_fields=["fin"])
        with pytest.raises(PermissionDenied):
            visite_record(contrat=alternance["contrat"], date=HIER, mode="visite", participants="",
                          notes="Vu.", suites="", actor=personas["formateur"])


# Bad input: a clear French message, and nothing written

def test_a_visit_in_the_future_is_refused_and_nothing_is_written(alpha, alternance, personas, as_role):
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        visite_record(contrat=alternance["contrat"], date=DEMAIN, mode="telephone", participants="",
                      notes="Appel prévu.", suites="", actor=personas["formateur"])
    assert refused.value.error_list[0].code == "date_future"
    assert "une visite prévue n'est pas encore une visite" in refused.value.messages[0]
    response = as_role("formateur").post(url(alternance["contrat"]), {**FORM, "date": DEMAIN.isoformat()})
    assert response.status_code == 400
    assert "dans le futur" in response.content.decode()
    assert visite_count(alpha) == 0
    with tenant_context(alpha):
        assert not AuditEvent.objects.filter(action="visite_record").exists()


def test_a_visit_before_the_contract_or_without_notes_is_refused(alpha, alternance, personas):
    avant = RENTREE - datetime.timedelta(days=1)
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        visite_record(contrat=alternance["contrat"], date=avant, mode="visite", participants="", notes="  ",
                      suites="", actor=personas["formateur"])
    codes = {error.code for error in refused.value.error_list}
    assert codes == {"date_before_debut", "notes_required"}
    assert any("précède le début du contrat" in message for message in refused.value.messages)
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        visite_record(contrat=alternance["contrat"], date=HIER, mode="pigeon", participants="x" * 301,
                      notes="Vu.", suites="", actor=personas["formateur"])
    assert {error.code for error in refused.value.error_list} == {"mode_invalid", "participants_length"}
    assert visite_count(alpha) == 0


# Corrections

def test_only_its_author_corrects_a_visit_and_the_audit_keeps_before_and_after(alpha, alternance, personas, as_role):
    visite = record(alpha, alternance, actor=personas["formateur"])
    with tenant_context(alpha):
        changed = visite_update(visite=visite, date=HIER, mode="telephone", participants="Jean MOREAU",
                                notes="Appel, pas une visite.", suites="", actor=personas["formateur"])
        assert changed == ["mode", "participants", "notes"]
        event = AuditEvent.objects.get(action="visite_update")
        assert event.details["avant"]["mode"] == "visite" and event.details["apres"]["mode"] == "telephone"
        with pytest.raises(PermissionDenied):
            visite_update(visite=visite, date=HIER, mode="visite", notes="Réécrit.", actor=personas["direction"])
        with pytest.raises(ValidationError):
            visite_update(visite=visite, date=DEMAIN, mode="visite", notes="Plus tard.", actor=personas["formateur"])
        visite.refresh_from_db()
        assert (visite.mode, visite.date) == ("telephone", HIER)
    connection.set_schema_to_public()
    edit = reverse("visite_edit", args=[visite.pk])
    assert as_role("direction").get(edit).status_code == 403
    author = as_role("formateur")
    assert author.get(edit).status_code == 200
    assert author.post(edit, {**FORM, "notes": "Corrigé."}).status_code == 302
    with tenant_context(alpha):
        visite.refresh_from_db()
        assert visite.notes == "Corrigé."


# The follow-up lists

def test_the_direction_list_flags_the_apprentice_without_visit_and_not_the_one_visited_recently(
        alpha, alternance, personas, as_role):
    record(alpha, alternance, actor=personas["formateur"], date=TODAY - datetime.timedelta(weeks=2))
    with tenant_context(alpha):
        groupes = suivi_visites(user=personas["direction"], semaines=8)
    [groupe] = groupes
    flags = {ligne.apprenant.prenom: ligne.a_relancer for ligne in groupe.lignes}
    assert flags == {"Léa": False, "Hugo": True}
    with tenant_context(alpha):  # with one week only, Léa's visit is too old as well
        [groupe] = suivi_visites(user=personas["direction"], semaines=1)
    assert all(ligne.a_relancer for ligne in groupe.lignes)

    client = as_role("direction")
    html = client.get(reverse("visite_suivi")).content.decode()  # by default, only those to contact
    assert "MARTIN Hugo" in html and "DUPONT Léa" not in html
    classe = alternance["classe"]
    html = client.get(reverse("visite_suivi"), {"classe": classe.pk, "semaines": 8}).content.decode()
    assert "MARTIN Hugo" in html and "DUPONT Léa" in html  # the box unticked: everyone, Léa not flagged
    assert html.count("à contacter</span></th>") == 1
    html = client.get(reverse("visite_suivi"), {"semaines": 1, "seulement": "on"}).content.decode()
    assert "MARTIN Hugo" in html and "DUPONT Léa" in html


def test_the_formateur_sees_their_apprentices_last_visit_with_a_link_to_record_one(alpha, alternance, personas,
                                                                                   as_role):
    record(alpha, alternance, actor=personas["formateur"], date=TODAY - datetime.timedelta(weeks=2))
    html = as_role("formateur").get(reverse("visite_mes_apprenants")).content.decode()
    assert "DUPONT Léa" in html and "MARTIN Hugo" in html
    assert (TODAY - datetime.timedelta(weeks=2)).strftime("%d/%m/%Y") in html
    assert url(alternance["contrat_hugo"]) in html


def test_the_last_visit_per_contract_takes_one_query(alpha, alternance, personas, django_assert_num_queries):
    record(alpha, alternance, actor=personas["formateur"], date=RENTREE)
    latest = record(alpha, alternance, actor=personas["formateur"], date=HIER)
    with tenant_context(alpha):
        contrats = [alternance["contrat"], alternance["contrat_hugo"]]
        Visite.objects.exists()  # django-tenants sets the search_path on the schema's first query
        with django_assert_num_queries(1):
            derniere = visite_derniere_par_contrat(contrats)
    assert derniere == {contrats[0].pk: latest}


def more_apprentices(alpha, world, personas, n: int) -> None:
    """`n` more apprentices in the classe, each at their own company with a visit."""
    with tenant_context(alpha):
        for i in range(n):
            apprenant = scolarite.apprenant_create(nom=f"Nouveau{i}", prenom="Sam")
            scolarite.inscription_open(apprenant=apprenant, classe=world["classe"], statut="apprenti", debut=RENTREE)
            entreprise = entreprise_create(raison_sociale=f"Atelier {i}")
            contrat = contrat_create(type=Contrat.Type.APPRENTISSAGE, apprenant=apprenant, entreprise=entreprise,
                                     debut=RENTREE, fin=RENTREE + datetime.timedelta(days=364)).contrat
            visite_record(contrat=contrat, date=HIER, mode="visite", participants="", notes="Vu.", suites="",
                          actor=personas["formateur"])
    connection.set_schema_to_public()


@pytest.mark.parametrize("role, page", [("direction", "visite_suivi"), ("formateur", "visite_mes_apprenants")])
def test_the_lists_run_a_constant_number_of_queries(alpha, alternance, personas, as_role, role, page,
                                                    django_assert_max_num_queries):
    client = as_role(role)
    params = {"semaines": 8}  # everyone, flagged or not
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse(page), params).status_code == 200
    more_apprentices(alpha, alternance, personas, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse(page), params).content.decode()
    assert html.count("<th scope=\"row\">NOUVEAU") == 6


# Between establishments

def test_beta_direction_gets_404_on_alpha_contract_urls(alpha, beta, alternance, alternance_beta, personas, as_role,
                                                       beta_client):
    visite = record(alpha, alternance, actor=personas["formateur"])
    with tenant_context(beta):
        beta_pks = set(Contrat.objects.values_list("pk", flat=True))
    with tenant_context(alpha):
        # A contract of alpha whose number no contract of beta has (each schema counts on its own).
        contrat = alternance["contrat"]
        while contrat.pk in beta_pks:
            contrat = contrat_create(type=Contrat.Type.PFMP, apprenant=alternance["hugo"],
                                     entreprise=alternance["acme"], debut=RENTREE, fin=RENTREE).contrat
    connection.set_schema_to_public()
    assert as_role("direction").get(url(contrat)).status_code == 200
    direction_beta = make_person(beta, Role.DIRECTION)
    login(beta_client, direction_beta.email)
    assert beta_client.get(url(contrat)).status_code == 404
    assert beta_client.post(url(contrat), FORM).status_code == 404
    assert beta_client.get(reverse("visite_edit", args=[visite.pk])).status_code == 404
    assert visite_count(beta) == 0
