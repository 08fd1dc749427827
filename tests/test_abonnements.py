"""Subscriptions: prices, the ordering window, the operator's payments and cancellations, the pages of each role,
and the gating of a lapsed establishment, which keeps all its data and reads it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent, User
from accounts.roles import Role
from referentiels.models import Referentiel
from scolarite.models import Apprenant, Classe, Formation
from scolarite.services import apprenant_create, classe_create, formation_create, inscription_open
from tenants.access import abonnement_actif_required, abonnement_ecriture_check
from tenants.annees import annee_scolaire_of
from tenants.models import Abonnement, Etablissement
from tenants.selectors import (
    abonnement_annees_commandables,
    abonnement_commande_ouverte,
    abonnement_couverture,
    abonnement_prix,
    abonnement_total,
    referentiel_souscrit,
)
from tenants.services import abonnement_annuler, abonnement_commander, abonnement_marquer_paye

from .conftest import PASSWORD, SUBSCRIBED, host_client, login, subscribe

ANNEE = annee_scolaire_of(timezone.localdate())  # the conftest subscribes alpha and beta for this year
APRES_15_JUIN = datetime.date(ANNEE + 1, 6, 20)  # still this school year, next year's order is open
AVANT_15_JUIN = datetime.date(ANNEE + 1, 6, 14)
LAPSED_BANNER = "lecture seule : consultation et export restent possibles"

DIRECTION_PAGES = ["/direction/abonnement/", "/direction/abonnement/commander/"]


def _referentiel(code: str, intitule: str = "") -> Referentiel:
    return Referentiel.objects.create(code=code, version="2024", intitule=intitule or f"Diplôme {code}",
                                      type=Referentiel.Type.CAP, niveau=3)


@pytest.fixture
def catalogue(ciel):
    """BACPRO-CIEL (imported), 2TNE and CAP-ELEC (bare rows) in the catalogue."""
    _referentiel("2TNE", "Seconde TNE")
    _referentiel("CAP-ELEC", "CAP électricien")
    return ciel


def _current(etablissement) -> Abonnement:
    return Abonnement.objects.exclude(statut=Abonnement.Statut.ANNULE).get(etablissement=etablissement,
                                                                           annee_scolaire=ANNEE)


def _lapse(etablissement) -> None:
    """The only subscription left is last year's."""
    Abonnement.objects.filter(etablissement=etablissement).delete()
    subscribe(etablissement, SUBSCRIBED, annee=ANNEE - 1)


@pytest.fixture
def direction(personas):
    return personas[Role.DIRECTION]


# --- Prices ------------------------------------------------------------------------------------------------

def test_a_year_costs_130_euros_plus_60_per_referentiel():
    assert abonnement_prix([]) == Decimal("130.00")
    assert abonnement_prix(["BACPRO-CIEL", "2TNE", "2TNE"]) == Decimal("250.00")


def test_ordering_next_year_records_the_prices_and_covers_it(alpha, catalogue, direction):
    abonnement = abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, actor=direction,
                                      referentiel_codes=["bacpro-ciel", "2TNE"], day=APRES_15_JUIN)
    assert abonnement.statut == Abonnement.Statut.COMMANDE
    assert abonnement.commande_par == direction.email
    assert sorted(line.referentiel_code for line in abonnement.lignes.all()) == ["2TNE", "BACPRO-CIEL"]
    assert abonnement_total(abonnement) == Decimal("250.00")
    couverture = abonnement_couverture(alpha, day=datetime.date(ANNEE + 1, 10, 1))
    assert couverture.actif and couverture.referentiel_codes == {"2TNE", "BACPRO-CIEL"}
    assert couverture.fin == datetime.date(ANNEE + 2, 8, 31)


def test_a_second_order_for_the_same_year_only_adds_the_new_referentiels(alpha, catalogue, direction):
    abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, referentiel_codes=["BACPRO-CIEL"],
                         actor=direction, day=APRES_15_JUIN)
    abonnement = abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, actor=direction,
                                      referentiel_codes=["BACPRO-CIEL", "CAP-ELEC"], day=APRES_15_JUIN)
    assert Abonnement.objects.filter(etablissement=alpha, annee_scolaire=ANNEE + 1).count() == 1
    assert abonnement_total(abonnement) == Decimal("250.00")
    with pytest.raises(ValidationError, match="déjà commandée"):
        abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, referentiel_codes=["CAP-ELEC"],
                             actor=direction, day=APRES_15_JUIN)
    with tenant_context(alpha):
        actions = list(AuditEvent.objects.filter(action__startswith="abonnement_").values_list("action", flat=True))
    assert sorted(actions) == ["abonnement_commander", "abonnement_completer"]


def test_adding_to_a_paid_year_leaves_only_the_addition_to_pay(alpha, catalogue, direction, operator):
    abonnement = _current(alpha)
    abonnement.statut = Abonnement.Statut.COMMANDE
    abonnement.save()
    abonnement = abonnement_marquer_paye(abonnement=abonnement, actor=operator)
    assert abonnement.montant_paye == Decimal("250.00")  # the conftest's two référentiels
    abonnement = abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE, referentiel_codes=["CAP-ELEC"],
                                      actor=direction)
    assert abonnement.statut == Abonnement.Statut.COMMANDE
    from tenants.selectors import abonnement_reste_a_payer

    assert abonnement_reste_a_payer(abonnement) == Decimal("60.00")
    with pytest.raises(ValidationError, match="payé, même en partie"):
        abonnement_annuler(abonnement=abonnement, actor=operator)
    abonnement = abonnement_marquer_paye(abonnement=abonnement, actor=operator)
    assert abonnement.montant_paye == Decimal("310.00")


def test_it_refuses_a_referentiel_missing_from_the_catalogue_and_writes_nothing(alpha, catalogue, direction):
    with pytest.raises(ValidationError, match="inconnu du catalogue : CAP-FANTOME"):
        abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, actor=direction,
                             referentiel_codes=["BACPRO-CIEL", "CAP-FANTOME"], day=APRES_15_JUIN)
    assert not Abonnement.objects.filter(etablissement=alpha, annee_scolaire=ANNEE + 1).exists()


def test_it_refuses_a_new_order_without_any_referentiel(alpha, catalogue, direction):
    with pytest.raises(ValidationError, match="au moins un référentiel"):
        abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, referentiel_codes=[],
                             actor=direction, day=APRES_15_JUIN)


# --- When a year can be ordered ----------------------------------------------------------------------------

@pytest.mark.parametrize(("annee", "day", "ouverte"), [
    (2026, datetime.date(2026, 6, 14), False),  # next year, the day before the window
    (2026, datetime.date(2026, 6, 15), True),  # next year, from 15 June
    (2026, datetime.date(2026, 8, 31), True),
    (2026, datetime.date(2026, 9, 1), True),  # it has become the current year
    (2025, datetime.date(2026, 3, 1), True),  # the current year, any day (new or lapsed establishment)
    (2025, datetime.date(2025, 9, 1), True),
    (2027, datetime.date(2026, 6, 20), False),  # two years ahead
    (2024, datetime.date(2026, 3, 1), False),  # a past year
])
def test_the_ordering_window(annee, day, ouverte):
    assert abonnement_commande_ouverte(annee=annee, day=day) is ouverte


def test_the_orderable_years_are_this_one_then_the_next_from_15_june():
    assert abonnement_annees_commandables(day=datetime.date(2026, 6, 14)) == [2025]
    assert abonnement_annees_commandables(day=datetime.date(2026, 6, 15)) == [2025, 2026]


def test_it_refuses_next_year_before_15_june(alpha, catalogue, direction):
    with pytest.raises(ValidationError, match="à partir du 15 juin"):
        abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, referentiel_codes=["BACPRO-CIEL"],
                             actor=direction, day=AVANT_15_JUIN)
    assert not Abonnement.objects.filter(etablissement=alpha, annee_scolaire=ANNEE + 1).exists()


def test_a_lapsed_establishment_orders_the_current_year_any_day(alpha, catalogue, direction):
    _lapse(alpha)
    day = datetime.date(ANNEE, 11, 2)
    assert not abonnement_couverture(alpha, day=day).actif
    abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE, referentiel_codes=["BACPRO-CIEL"],
                         actor=direction, day=day)
    couverture = abonnement_couverture(alpha, day=day)
    assert couverture.actif and couverture.referentiel_codes == {"BACPRO-CIEL"}


def test_the_coverage_warns_30_days_before_its_end_unless_next_year_is_ordered(alpha, catalogue, direction):
    couverture = abonnement_couverture(alpha, day=datetime.date(ANNEE + 1, 8, 15))
    assert couverture.expire_bientot and couverture.jours_restants == 16
    assert not abonnement_couverture(alpha, day=datetime.date(ANNEE + 1, 7, 31)).expire_bientot
    page = render_to_string("tenants/_abonnement_banner.html", {"abonnement": couverture})
    assert f"prend fin le <strong>31/08/{ANNEE + 1}</strong> (dans 16 jours)" in page
    abonnement_commander(etablissement=alpha, annee_scolaire=ANNEE + 1, referentiel_codes=["BACPRO-CIEL"],
                         actor=direction, day=APRES_15_JUIN)
    couverture = abonnement_couverture(alpha, day=datetime.date(ANNEE + 1, 8, 15))
    assert not couverture.expire_bientot and couverture.fin == datetime.date(ANNEE + 2, 8, 31)


# --- The operator ------------------------------------------------------------------------------------------

def test_the_operator_marks_an_order_paid(alpha, operator):
    abonnement = _current(alpha)
    abonnement.statut = Abonnement.Statut.COMMANDE
    abonnement.save()
    client = host_client("localhost")
    login(client, operator.email)
    response = client.post(f"/operateur/abonnements/{abonnement.pk}/payer/")
    assert response.status_code == 302 and response["Location"] == f"/operateur/etablissements/{alpha.pk}/abonnements/"
    abonnement.refresh_from_db()
    assert abonnement.statut == Abonnement.Statut.PAYE and abonnement.paye_par == operator.email
    assert abonnement.paye_le is not None and abonnement.montant_paye == Decimal("250.00")
    assert AuditEvent.objects.filter(action="abonnement_marquer_paye", actor=operator).exists()
    page = client.get(response["Location"]).content.decode()
    assert "paiement enregistré" in page


def test_the_operator_cancels_an_unpaid_order_and_the_year_is_no_longer_covered(alpha, operator):
    abonnement = _current(alpha)
    abonnement.statut = Abonnement.Statut.COMMANDE
    abonnement.save()
    client = host_client("localhost")
    login(client, operator.email)
    assert client.post(f"/operateur/abonnements/{abonnement.pk}/annuler/").status_code == 302
    abonnement.refresh_from_db()
    assert abonnement.statut == Abonnement.Statut.ANNULE and abonnement.annule_par == operator.email
    assert not abonnement_couverture(alpha).actif


def test_the_operator_cannot_cancel_a_paid_subscription(alpha, operator):
    abonnement = _current(alpha)  # paid, by the conftest
    client = host_client("localhost")
    login(client, operator.email)
    response = client.post(f"/operateur/abonnements/{abonnement.pk}/annuler/", follow=True)
    assert "ne peut pas être annulé" in response.content.decode()
    abonnement.refresh_from_db()
    assert abonnement.statut == Abonnement.Statut.PAYE


def test_only_an_operator_may_record_a_payment_through_the_services(alpha, direction):
    with pytest.raises(PermissionDenied):
        abonnement_marquer_paye(abonnement=_current(alpha), actor=direction)
    with pytest.raises(PermissionDenied):
        abonnement_annuler(abonnement=_current(alpha), actor=None)


def test_the_operator_actions_only_accept_post(alpha, operator):
    client = host_client("localhost")
    login(client, operator.email)
    assert client.get(f"/operateur/abonnements/{_current(alpha).pk}/payer/").status_code == 405


def test_the_operator_sees_every_establishment_and_its_status(alpha, beta, operator):
    Abonnement.objects.filter(etablissement=beta).delete()
    client = host_client("localhost")
    login(client, operator.email)
    page = client.get("/operateur/abonnements/").content.decode()
    assert "CFA Alpha" in page and "Lycée Beta" in page
    assert "Aucun (lecture seule)" in page  # beta
    assert "BACPRO-CIEL, 2TNE" in page or "2TNE, BACPRO-CIEL" in page
    home = client.get("/operateur/").content.decode()
    assert "/operateur/abonnements/" in home and f"/operateur/etablissements/{alpha.pk}/abonnements/" in home
    detail = client.get(f"/operateur/etablissements/{beta.pk}/abonnements/").content.decode()
    assert "jamais commandé" in detail


def test_the_operator_list_runs_a_constant_number_of_queries(alpha, beta, operator, django_assert_max_num_queries):
    client = host_client("localhost")
    login(client, operator.email)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/operateur/abonnements/").status_code == 200
    for i in range(6):
        extra = Etablissement(schema_name=f"sans_schema_{i}", name=f"CFA {i}")
        extra.auto_create_schema = False  # a row is enough for this page
        extra.save()
        subscribe(extra, ["BACPRO-CIEL", "2TNE", f"CAP-{i}"])
        subscribe(extra, ["BACPRO-CIEL"], annee=ANNEE + 1, statut=Abonnement.Statut.COMMANDE)
    with django_assert_max_num_queries(12) as many:
        page = client.get("/operateur/abonnements/").content.decode()
    assert "CFA 5" in page and "CAP-5" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_operator_pages_answer_404_for_unknown_objects(public, operator):
    client = host_client("localhost")
    login(client, operator.email)
    assert client.get("/operateur/etablissements/999999/abonnements/").status_code == 404
    assert client.get(f"/operateur/etablissements/{public.pk}/abonnements/").status_code == 404
    assert client.post("/operateur/abonnements/999999/payer/").status_code == 404


# --- Who sees what -----------------------------------------------------------------------------------------

def _operator_urls(alpha):
    pk = _current(alpha).pk
    return [("get", "/operateur/abonnements/"), ("get", f"/operateur/etablissements/{alpha.pk}/abonnements/"),
            ("post", f"/operateur/abonnements/{pk}/payer/"), ("post", f"/operateur/abonnements/{pk}/annuler/")]


def test_the_operator_pages_refuse_anonymous_people(alpha, public_client):
    for method, url in _operator_urls(alpha):
        response = getattr(public_client, method)(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], url
    assert _current(alpha).statut == Abonnement.Statut.PAYE


def test_the_operator_pages_refuse_a_public_account_without_the_operator_role(alpha, public):
    User.objects.create_user("curieux@cpro.test", PASSWORD, roles=[Role.DIRECTION])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(email="curieux@cpro.test", user=User.objects.get(email="curieux@cpro.test"),
                                primary=True, verified=True)
    client = host_client("localhost")
    login(client, "curieux@cpro.test")
    for method, url in _operator_urls(alpha):
        assert getattr(client, method)(url).status_code == 403, url
    assert _current(alpha).statut == Abonnement.Statut.PAYE


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR])
def test_the_operator_pages_do_not_exist_on_an_establishment_site(as_role, alpha, role):
    client = as_role(role)
    for method, url in _operator_urls(alpha):
        assert getattr(client, method)(url).status_code == 404, url
    assert _current(alpha).statut == Abonnement.Statut.PAYE


def test_an_establishment_session_is_worthless_on_the_operator_pages(as_role, alpha):
    stolen = as_role(Role.DIRECTION).cookies["sessionid"].value
    client = host_client("localhost")
    client.cookies["sessionid"] = stolen
    response = client.get("/operateur/abonnements/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_the_direction_sees_its_subscription_and_may_order(as_role, catalogue):
    page = as_role(Role.DIRECTION).get("/direction/abonnement/").content.decode()
    assert "Abonnement en cours" in page and "Payé" in page
    assert f"Couvert jusqu'au <strong>31/08/{ANNEE + 1}</strong>" in page
    assert "Bac" in page and "Seconde TNE" in page  # intitulés from the catalogue
    assert "250,00 €" in page
    assert "/direction/abonnement/commander/?annee=" in page
    assert "devis au format PDF" in page


def test_the_inspecteur_reads_the_subscription_without_the_order_form(as_role):
    client = as_role(Role.INSPECTEUR)
    page = client.get("/direction/abonnement/").content.decode()
    assert "Abonnement en cours" in page and "/direction/abonnement/commander/" not in page
    assert client.get("/direction/abonnement/commander/").status_code == 403
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["2TNE"]})
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR])
def test_other_roles_are_refused_the_subscription_pages(as_role, alpha, role):
    client = as_role(role)
    for url in DIRECTION_PAGES:
        assert client.get(url).status_code == 403, url
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["CAP-ELEC"]})
    assert response.status_code == 403
    assert _current(alpha).lignes.count() == 2


def test_anonymous_people_are_sent_to_the_login_page(alpha_client):
    for url in DIRECTION_PAGES:
        response = alpha_client.get(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], url


def test_beta_direction_sees_only_beta_subscription(alpha, beta, charlie):
    subscribe(alpha, ["CAP-MARQUEUR-ALPHA"])
    subscribe(beta, ["CAP-MARQUEUR-BETA"])
    client = host_client("beta.localhost")
    login(client, charlie.email)
    page = client.get("/direction/abonnement/").content.decode()
    assert "CAP-MARQUEUR-BETA" in page and "CAP-MARQUEUR-ALPHA" not in page


def test_beta_direction_orders_for_beta_only(alpha, beta, charlie, catalogue):
    client = host_client("beta.localhost")
    login(client, charlie.email)
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["CAP-ELEC"]})
    assert response.status_code == 302
    assert "CAP-ELEC" in abonnement_couverture(beta).referentiel_codes
    assert "CAP-ELEC" not in abonnement_couverture(alpha).referentiel_codes


# --- The order form ----------------------------------------------------------------------------------------

def test_the_order_form_lists_the_catalogue_with_what_is_already_ordered(as_role, catalogue):
    page = as_role(Role.DIRECTION).get(f"/direction/abonnement/commander/?annee={ANNEE}").content.decode()
    assert 'value="CAP-ELEC"' in page and "CAP électricien" in page
    assert page.count('class="tag">déjà commandé') == 2  # BACPRO-CIEL and 2TNE
    assert "Montant ajouté : 0,00 €" in page


def test_the_order_form_computes_the_total_without_writing(as_role, alpha, catalogue):
    client = as_role(Role.DIRECTION)
    response = client.post("/direction/abonnement/commander/",
                           {"annee": ANNEE, "referentiels": ["CAP-ELEC"], "calculer": "1"})
    assert response.status_code == 200
    assert "Montant ajouté : 60,00 €" in response.content.decode()
    assert _current(alpha).lignes.count() == 2


def test_the_direction_adds_a_referentiel_to_the_current_year(as_role, alpha, catalogue):
    client = as_role(Role.DIRECTION)
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["CAP-ELEC"]})
    assert response.status_code == 302 and response["Location"] == "/direction/abonnement/"
    assert referentiel_souscrit(alpha, "CAP-ELEC")
    page = client.get("/direction/abonnement/").content.decode()
    assert "310,00 €" in page and "reste à payer : 60,00 €" in page


def test_the_order_form_refuses_a_year_whose_order_is_not_open(as_role, alpha, catalogue):
    client = as_role(Role.DIRECTION)
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE + 2, "referentiels": ["2TNE"]})
    assert response.status_code == 200 and "à partir du 15 juin" in response.content.decode()
    assert not Abonnement.objects.filter(etablissement=alpha, annee_scolaire__gt=ANNEE).exists()
    response = client.post("/direction/abonnement/commander/", {"annee": "abc", "referentiels": ["CAP-ELEC"]})
    assert response.status_code == 302 and _current(alpha).lignes.count() == 2


def test_the_order_form_needs_a_csrf_token(as_role, alpha, catalogue):
    client = as_role(Role.DIRECTION)
    client.handler.enforce_csrf_checks = True
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["CAP-ELEC"]})
    assert response.status_code == 403
    assert _current(alpha).lignes.count() == 2


def test_a_new_establishment_orders_its_first_year(as_role, alpha, catalogue):
    Abonnement.objects.filter(etablissement=alpha).delete()
    client = as_role(Role.DIRECTION)
    page = client.get("/direction/abonnement/commander/").content.decode()
    assert f'name="annee" value="{ANNEE}"' in page and "Total : 130,00 €" in page
    response = client.post("/direction/abonnement/commander/", {"annee": ANNEE, "referentiels": ["BACPRO-CIEL"]})
    assert response.status_code == 302
    assert abonnement_total(_current(alpha)) == Decimal("190.00")


def test_the_catalogue_marks_the_subscribed_referentiels(as_role, catalogue):
    page = as_role(Role.FORMATEUR).get("/referentiels/").content.decode()
    assert page.count('class="tag">souscrit') == 2  # BACPRO-CIEL and 2TNE, not CAP-ELEC


def test_the_direction_page_runs_a_constant_number_of_queries(as_role, alpha, django_assert_max_num_queries):
    client = as_role(Role.DIRECTION)
    with django_assert_max_num_queries(15) as few:
        client.get("/direction/abonnement/")
    for annee in range(ANNEE - 6, ANNEE):
        subscribe(alpha, ["BACPRO-CIEL", "2TNE", f"CAP-{annee}"], annee=annee)
    with django_assert_max_num_queries(15) as many:
        page = client.get("/direction/abonnement/").content.decode()
    assert f"CAP-{ANNEE - 6}" in page
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Gating and the lapsed case ----------------------------------------------------------------------------

def test_a_formation_needs_a_subscribed_referentiel(alpha, catalogue, direction):
    cap = Referentiel.objects.get(code="CAP-ELEC")
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="n'est pas couvert par l'abonnement"):
            formation_create(referentiel=cap, intitule="CAP électricien", actor=direction)
        assert not Formation.objects.filter(intitule="CAP électricien").exists()
        formation = formation_create(referentiel=catalogue, intitule="Bac pro CIEL", actor=direction)
    assert formation.pk


@pytest.fixture
def alpha_data(alpha, catalogue, direction):
    """A formation, a classe and a learner in alpha, made while it was subscribed."""
    with tenant_context(alpha):
        formation = formation_create(referentiel=catalogue, intitule="Bac pro CIEL", actor=direction)
        classe = classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL", actor=direction)
        apprenant = apprenant_create(nom="Martin", prenom="Léa", actor=direction)
        inscription_open(apprenant=apprenant, classe=classe, statut="scolaire", debut=datetime.date(ANNEE, 9, 2))
    connection.set_schema_to_public()
    return formation, classe, apprenant


def _counts(etablissement):
    with tenant_context(etablissement):
        return Formation.objects.count(), Classe.objects.count(), Apprenant.objects.count()


def _decorated_request(etablissement, user, method="post"):
    request = getattr(RequestFactory(), method)("/ecrire/")
    request.tenant, request.user = etablissement, user
    return request


def test_a_lapsed_establishment_is_refused_writes_with_a_clear_message(alpha, alpha_data, direction):
    _lapse(alpha)
    calls = []

    @abonnement_actif_required
    def create_something(request):
        calls.append(request)
        return HttpResponse("écrit")

    with tenant_context(alpha):
        response = create_something(_decorated_request(alpha, direction))
    assert response.status_code == 403 and not calls
    page = response.content.decode()
    assert f"a pris fin le 31/08/{ANNEE}" in page and "Rien n'a été enregistré" in page
    with pytest.raises(ValidationError, match="lecture seule"):
        abonnement_ecriture_check(alpha)
    with tenant_context(alpha), pytest.raises(ValidationError, match="n'est pas couvert"):
        formation_create(referentiel=alpha_data[0].referentiel, intitule="Autre CIEL", actor=direction)
    assert _counts(alpha) == (1, 1, 1)


def test_the_write_only_mode_lets_reads_through_when_lapsed(alpha, direction):
    _lapse(alpha)

    @abonnement_actif_required(ecriture_seulement=True)
    def list_and_create(request):
        return HttpResponse("ok")

    with tenant_context(alpha):
        assert list_and_create(_decorated_request(alpha, direction, "get")).status_code == 200
        assert list_and_create(_decorated_request(alpha, direction, "post")).status_code == 403


def test_an_active_establishment_passes_the_gate(alpha, direction):
    @abonnement_actif_required
    def create_something(request):
        return HttpResponse("écrit")

    with tenant_context(alpha):
        assert create_something(_decorated_request(alpha, direction)).status_code == 200
    assert abonnement_ecriture_check(alpha).actif


def test_a_lapsed_establishment_still_reads_everything_and_loses_nothing(as_role, alpha, alpha_data):
    before = _counts(alpha)
    _lapse(alpha)
    direction = as_role(Role.DIRECTION)
    for url in ["/direction/", "/direction/personnes/", "/direction/abonnement/", "/referentiels/",
                f"/referentiels/{alpha_data[0].referentiel.uuid}/"]:
        response = direction.get(url)
        assert response.status_code == 200, url
        assert LAPSED_BANNER in response.content.decode(), url
    page = direction.get("/direction/abonnement/").content.decode()
    assert f"le dernier a pris fin le 31/08/{ANNEE}" in page
    formateur = as_role(Role.FORMATEUR)
    response = formateur.get("/referentiels/")
    assert response.status_code == 200 and LAPSED_BANNER not in response.content.decode()
    assert as_role(Role.INSPECTEUR).get("/direction/abonnement/").status_code == 200
    assert _counts(alpha) == before == (1, 1, 1)


def test_cancelling_a_subscription_deletes_no_data(alpha, alpha_data, operator):
    before = _counts(alpha)
    abonnement = _current(alpha)
    abonnement.statut = Abonnement.Statut.COMMANDE
    abonnement.save()
    abonnement_annuler(abonnement=abonnement, actor=operator)
    assert not abonnement_couverture(alpha).actif
    assert _counts(alpha) == before
    assert Abonnement.objects.filter(pk=abonnement.pk).exists()


def test_an_active_direction_sees_no_banner(as_role):
    assert LAPSED_BANNER not in as_role(Role.DIRECTION).get("/direction/").content.decode()



def test_an_order_preview_prices_the_application_once_and_only_new_referentiels(alpha, ciel):
    from tenants.selectors import abonnement_commande_apercu, abonnement_couverture

    couverture = abonnement_couverture(alpha)
    courant = abonnement_commande_apercu(alpha, couverture.annee_scolaire, couverture)
    assert courant.deja == {"BACPRO-CIEL", "2TNE"} and courant.existant is not None
    assert courant.total({"BACPRO-CIEL", "2TNE"}) == Decimal("0")  # nothing new on a year already ordered
    suivant = abonnement_commande_apercu(alpha, couverture.annee_scolaire + 1, couverture)
    assert suivant.existant is None and suivant.initial == ["BACPRO-CIEL"]  # what the catalogue holds of it
    assert suivant.total({"BACPRO-CIEL"}) == Decimal("190.00")
    assert [line["coche"] for line in suivant.lignes({"BACPRO-CIEL"}) if line["code"] == "BACPRO-CIEL"] == [True]
    assert courant.choix(set()) == {"BACPRO-CIEL", "2TNE"}  # an order never drops what the year already has
    assert suivant.resume({"BACPRO-CIEL"})["nouveaux"] == 1


def test_the_order_page_opens_on_the_year_a_direction_most_likely_wants():
    from tenants.selectors import Couverture, abonnement_annee_proposee

    def couverture(actif):
        return Couverture(actif=actif, annee_scolaire=2026, abonnement=None, fin=None,
                          referentiel_codes=frozenset())

    propose = abonnement_annee_proposee
    assert propose(couverture=couverture(True), commandables=[2026, 2027], demandee=2026) == 2026  # as asked
    assert propose(couverture=couverture(True), commandables=[2026], demandee=2031) == 2026  # not orderable
    assert propose(couverture=couverture(True), commandables=[2026, 2027], demandee=None) == 2027  # renew
    assert propose(couverture=couverture(False), commandables=[2026, 2027], demandee=None) == 2026  # subscribe
    assert propose(couverture=couverture(True), commandables=[2026], demandee=None) == 2026  # add a référentiel
