"""Transfer of a learner's file between establishments of the platform, keyed by INE."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise import services as entreprise_services
from entreprise.models import Contrat
from scolarite import historique, services
from scolarite.models import Apprenant, DossierAnterieur, Inscription, Transfert
from scolarite.transfert import apprenant_transferer
from tenants.annees import annee_scolaire_of

from .conftest import host_client, login

pytestmark = pytest.mark.django_db

INE = "1234567890A"
SIRET = "73282932000074"
ANNEE = annee_scolaire_of(timezone.localdate())
DEBUT = datetime.date(ANNEE, 9, 1)


def _build_learner(etablissement, referentiel, *, ine=INE, code="1CIEL-A", nom="Martin", prenom="Léa") -> Apprenant:
    """A learner enrolled as apprenti in a classe on the CIEL référentiel, with a contract and a tuteur."""
    with tenant_context(etablissement):
        formation = services.formation_create(referentiel=referentiel, intitule=f"Bac pro CIEL {code}")
        classe = services.classe_create(formation=formation, annee_scolaire=ANNEE, code=code)
        apprenant = services.apprenant_create(nom=nom, prenom=prenom, ine=ine,
                                              date_naissance=datetime.date(2008, 3, 14), email="lea@exemple.fr")
        services.inscription_open(apprenant=apprenant, classe=classe, statut="apprenti", debut=DEBUT)
        entreprise = entreprise_services.entreprise_create(raison_sociale="Réseaux du Sud", siret=SIRET,
                                                           ville="Avignon")
        tuteur = entreprise_services.tuteur_create(entreprise=entreprise, nom="Durand", prenom="Paul")
        entreprise_services.contrat_create(type="apprentissage", apprenant=apprenant, entreprise=entreprise,
                                           tuteurs=[tuteur], debut=DEBUT,
                                           fin=datetime.date(ANNEE + 2, 8, 31))
    connection.set_schema_to_public()
    return apprenant


def _counts(etablissement) -> dict:
    with tenant_context(etablissement):
        counts = {"apprenants": Apprenant.objects.count(), "transferts": Transfert.objects.count(),
                  "dossiers": DossierAnterieur.objects.count(), "inscriptions_ouvertes":
                  Inscription.objects.filter(fin__isnull=True).count(), "contrats": Contrat.objects.count()}
    connection.set_schema_to_public()
    return counts


def _section(contenu: dict, key: str) -> dict:
    return next(s for s in contenu["sections"] if s["key"] == key)


def _transfer(source, apprenant, destination, actor) -> Transfert:
    with tenant_context(source):
        envoi = apprenant_transferer(apprenant=apprenant, destination=destination, actor=actor)
    connection.set_schema_to_public()
    return envoi


@pytest.fixture
def lea(alpha, ciel):
    return _build_learner(alpha, ciel)


@pytest.fixture
def direction(as_role):
    return as_role(Role.DIRECTION)


def _beta_direction(charlie):
    client = host_client("beta.localhost")
    assert login(client, charlie.email).status_code == 302
    return client


# The transfer itself


def test_a_transfer_gives_the_destination_the_learner_and_their_whole_file(direction, lea, alpha, beta, personas):
    before = _counts(alpha)
    response = direction.post("/direction/transferts/nouveau/", {"apprenant": lea.pk, "uai": beta.uai})
    page = response.content.decode()
    assert response.status_code == 200 and "Confirmer le transfert" in page
    assert "Inscriptions (classes, formations, statuts)" in page and "Lycée Beta" in page
    assert _counts(beta)["transferts"] == 0  # the confirmation step writes nothing

    response = direction.post("/direction/transferts/nouveau/", {"apprenant": lea.pk, "uai": beta.uai,
                                                                 "confirmer": "1"})
    assert response.status_code == 302 and response["Location"] == "/direction/transferts/"

    with tenant_context(beta):
        recu = Apprenant.objects.get(ine=INE)
        assert (recu.nom, recu.prenom, recu.date_naissance) == ("Martin", "Léa", datetime.date(2008, 3, 14))
        assert recu.email == ""  # identity only: contacts are the new establishment's to collect
        assert recu.transfere_de == "CFA Alpha"
        assert not recu.inscriptions.exists()  # past records live in the dossier, not as editable rows
        dossier = DossierAnterieur.objects.get(apprenant=recu)
        assert (dossier.etablissement, dossier.uai) == ("CFA Alpha", alpha.uai)
        reception = Transfert.objects.get()
    connection.set_schema_to_public()
    contenu = dossier.contenu
    assert contenu["format"] == historique.FORMAT
    assert contenu["apprenant"] == {"nom": "Martin", "prenom": "Léa", "ine": INE, "date_naissance": "2008-03-14"}
    [inscription] = _section(contenu, "inscriptions")["rows"]
    assert inscription["classe"] == "1CIEL-A" and inscription["statut"] == "Apprenti·e"
    assert inscription["referentiel"].startswith("BACPRO-CIEL ")
    assert inscription["debut"] == DEBUT.isoformat() and inscription["motif_fin"] == "transfert vers Lycée Beta"
    [contrat] = _section(contenu, "contrats")["rows"]
    assert contrat["entreprise"] == "Réseaux du Sud" and contrat["siret"] == SIRET
    assert contrat["tuteurs"] == ["Paul DURAND"] and contrat["type"] == "Contrat d'apprentissage"
    assert (reception.sens, reception.ine, reception.autre_uai) == ("reception", INE, alpha.uai)
    assert reception.apprenant_id == recu.pk and reception.resume["dossier"] == dossier.pk
    assert reception.par == f"{personas[Role.DIRECTION].email} (CFA Alpha)"

    with tenant_context(alpha):
        envoi = Transfert.objects.get()
        assert (envoi.sens, envoi.apprenant_id, envoi.autre_etablissement) == ("envoi", lea.pk, "Lycée Beta")
        assert envoi.resume["sections"] == [["Inscriptions (classes, formations, statuts)", 1],
                                            ["Contrats d'apprentissage et conventions (PFMP, stages)", 1]]
        fermee = Inscription.objects.get(apprenant=lea)
        assert fermee.fin == timezone.localdate() and fermee.motif_fin == "transfert vers Lycée Beta"
    connection.set_schema_to_public()
    after = _counts(alpha)
    assert after["apprenants"] == before["apprenants"] and after["contrats"] == before["contrats"] == 1
    assert after["inscriptions_ouvertes"] == before["inscriptions_ouvertes"] - 1


def test_both_logs_show_the_transfer(direction, lea, alpha, beta, charlie, personas):
    _transfer(alpha, lea, beta, personas[Role.DIRECTION])
    page = direction.get("/direction/transferts/").content.decode()
    assert "Envoyé à" in page and "Lycée Beta" in page and INE in page
    page = _beta_direction(charlie).get("/direction/transferts/").content.decode()
    assert "Reçu de" in page and "CFA Alpha" in page and "Voir le dossier reçu" in page


def test_the_received_file_renders_each_part_as_tables(lea, alpha, beta, charlie, personas):
    _transfer(alpha, lea, beta, personas[Role.DIRECTION])
    with tenant_context(beta):
        dossier = DossierAnterieur.objects.get()
    connection.set_schema_to_public()
    page = _beta_direction(charlie).get(f"/direction/transferts/dossiers/{dossier.pk}/").content.decode()
    assert "Parcours à CFA Alpha" in page and "14/03/2008" in page
    assert "1CIEL-A" in page and f"01/09/{ANNEE}" in page and "transfert vers Lycée Beta" in page
    assert "Réseaux du Sud" in page and SIRET in page and "Paul DURAND" in page
    assert "Tuteurs / maîtres d&#x27;apprentissage" in page


def test_it_refuses_a_learner_without_ine_and_writes_nothing(direction, alpha, beta, ciel, personas):
    sans_ine = _build_learner(alpha, ciel, ine="")
    before_alpha, before_beta = _counts(alpha), _counts(beta)
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        apprenant_transferer(apprenant=sans_ine, destination=beta, actor=personas[Role.DIRECTION])
    connection.set_schema_to_public()
    assert refused.value.messages == [
        "MARTIN Léa n'a pas d'INE : corrigez-le (import SIECLE ou fiche) avant de le transférer."]

    response = direction.post("/direction/transferts/nouveau/", {"apprenant": sans_ine.pk, "uai": beta.uai,
                                                                 "confirmer": "1"})
    assert response.status_code == 200 and "n&#x27;a pas d&#x27;INE" in response.content.decode()
    assert _counts(alpha) == before_alpha and _counts(beta) == before_beta


def test_a_learner_whose_ine_exists_in_the_destination_gets_the_file_attached(lea, alpha, beta, personas):
    with tenant_context(beta):
        deja_la = services.apprenant_create(nom="MARTIN", prenom="Lea", ine=INE)
    connection.set_schema_to_public()
    _transfer(alpha, lea, beta, personas[Role.DIRECTION])
    with tenant_context(beta):
        assert Apprenant.objects.count() == 1
        dossier = DossierAnterieur.objects.get()
        assert dossier.apprenant_id == deja_la.pk
        deja_la.refresh_from_db()
        assert (deja_la.nom, deja_la.prenom, deja_la.transfere_de) == ("MARTIN", "Lea", "CFA Alpha")
        assert Transfert.objects.get().apprenant_id == deja_la.pk


def test_a_learner_coming_back_brings_the_file_of_every_establishment(lea, alpha, beta, personas, charlie,
                                                                      direction):
    _transfer(alpha, lea, beta, personas[Role.DIRECTION])
    with tenant_context(beta):
        recu = Apprenant.objects.get(ine=INE)
        apprenant_transferer(apprenant=recu, destination=alpha, actor=charlie)
    with tenant_context(alpha):
        retour = DossierAnterieur.objects.get()
        assert retour.apprenant_id == lea.pk and retour.etablissement == "Lycée Beta"
    connection.set_schema_to_public()
    [anterieur] = retour.contenu["anterieurs"]
    assert anterieur["etablissement"] == "CFA Alpha"
    page = direction.get(f"/direction/transferts/dossiers/{retour.pk}/").content.decode()
    assert "Parcours à Lycée Beta" in page and "Parcours antérieur à CFA Alpha" in page and "1CIEL-A" in page


def test_a_failure_at_the_destination_leaves_the_source_untouched(lea, alpha, beta, personas, monkeypatch):
    before_alpha, before_beta = _counts(alpha), _counts(beta)

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(DossierAnterieur.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _transfer(alpha, lea, beta, personas[Role.DIRECTION])
    connection.set_schema_to_public()
    monkeypatch.undo()
    assert _counts(alpha) == before_alpha and _counts(beta) == before_beta


@pytest.mark.parametrize("uai, message", [
    ("0841234K", "déjà dans cet établissement"),  # alpha itself
    ("0000001B", "Aucun établissement de la plateforme n&#x27;a le code UAI 0000001B"),
    ("", "Indiquez le code UAI"),
])
def test_it_refuses_a_wrong_destination_with_a_clear_message(direction, lea, alpha, beta, uai, message):
    before = _counts(alpha)
    response = direction.post("/direction/transferts/nouveau/", {"apprenant": lea.pk, "uai": uai, "confirmer": "1"})
    assert response.status_code == 200 and message in response.content.decode()
    assert _counts(alpha) == before and _counts(beta)["transferts"] == 0


def test_the_form_offers_the_other_establishments_and_the_learner_preselected(direction, lea, beta):
    page = direction.get(f"/direction/transferts/nouveau/?apprenant={lea.pk}").content.decode()
    assert f'<option value="{beta.uai}">Lycée Beta</option>' in page
    assert f'<option value="{lea.pk}" selected>MARTIN Léa — INE {INE}</option>' in page
    assert '<option value="0841234K">' not in page  # not to itself


def test_history_providers_of_other_apps_join_the_file(lea, alpha, monkeypatch):
    provider = historique.Provider(key="bilans", label="Bilans", columns={"date": "Date", "niveau": "Niveau"},
                                   export=lambda a: [{"date": datetime.date(ANNEE, 12, 1), "niveau": "maîtrisé"}])
    monkeypatch.setitem(historique._providers, "bilans", provider)
    with tenant_context(alpha):
        contenu = historique.learner_history_export(Apprenant.objects.get(pk=lea.pk))
    section = _section(contenu, "bilans")
    assert section["columns"] == [["date", "Date"], ["niveau", "Niveau"]]
    assert section["rows"] == [{"date": f"{ANNEE}-12-01", "niveau": "maîtrisé"}]
    [part] = historique.history_display(contenu)
    assert [s["label"] for s in part["sections"]][-1] == "Bilans"
    assert part["sections"][-1]["rows"] == [[f"01/12/{ANNEE}", "maîtrisé"]]


# Permissions and isolation


@pytest.fixture
def dossier_alpha(alpha, beta, ciel, charlie):
    """A file alpha received from beta."""
    hugo = _build_learner(beta, ciel, ine="987654321AB", code="2TNE-B", nom="Petit", prenom="Hugo")
    _transfer(beta, hugo, alpha, charlie)
    with tenant_context(alpha):
        dossier = DossierAnterieur.objects.get()
    connection.set_schema_to_public()
    return dossier


@pytest.mark.parametrize("role, status", [(Role.DIRECTION, 200), (Role.INSPECTEUR, 200), (Role.FORMATEUR, 403),
                                          (Role.APPRENANT, 403), (Role.TUTEUR, 403)])
def test_the_log_and_received_files_are_for_direction_and_inspection(as_role, dossier_alpha, role, status):
    client = as_role(role)
    assert client.get("/direction/transferts/").status_code == status
    response = client.get(f"/direction/transferts/dossiers/{dossier_alpha.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "PETIT" in response.content.decode()


@pytest.mark.parametrize("role", [Role.INSPECTEUR, Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR])
def test_only_the_direction_transfers(as_role, lea, alpha, beta, role):
    client = as_role(role)
    assert client.get("/direction/transferts/nouveau/").status_code == 403
    response = client.post("/direction/transferts/nouveau/", {"apprenant": lea.pk, "uai": beta.uai,
                                                              "confirmer": "1"})
    assert response.status_code == 403
    assert _counts(beta)["transferts"] == 0


def test_the_inspecteur_does_not_see_the_transfer_button(as_role, direction):
    assert "Transférer un·e apprenant·e" not in as_role(Role.INSPECTEUR).get("/direction/transferts/").content.decode()
    assert "Transférer un·e apprenant·e" in direction.get("/direction/transferts/").content.decode()


def test_anonymous_people_go_to_the_login_page(alpha_client):
    for url in ("/direction/transferts/", "/direction/transferts/nouveau/", "/direction/transferts/dossiers/1/"):
        response = alpha_client.get(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_an_unknown_file_is_a_404(direction):
    assert direction.get("/direction/transferts/dossiers/999999/").status_code == 404


def test_beta_never_sees_alphas_files_or_log(dossier_alpha, alpha, charlie, personas):
    with tenant_context(alpha):
        Transfert.objects.create(sens="envoi", ine="1111111111A", apprenant_label="MARQUEUR-ALPHA",
                                 autre_etablissement="Ailleurs", par="x@alpha.test")
    connection.set_schema_to_public()
    client = _beta_direction(charlie)
    assert client.get(f"/direction/transferts/dossiers/{dossier_alpha.pk}/").status_code == 404
    page = client.get("/direction/transferts/").content.decode()
    assert "MARQUEUR-ALPHA" not in page and "Envoyé à" in page  # beta's own log: what it sent to alpha


def test_beta_cannot_send_alphas_learner(lea, alpha, charlie):
    client = _beta_direction(charlie)
    response = client.post("/direction/transferts/nouveau/", {"apprenant": lea.pk, "uai": alpha.uai,
                                                              "confirmer": "1"})
    assert response.status_code == 200 and "Choisissez un·e apprenant·e de la liste." in response.content.decode()
    assert _counts(alpha)["transferts"] == 0


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_received_file_cannot_be_modified_through_any_url(direction, dossier_alpha, alpha, method):
    url = f"/direction/transferts/dossiers/{dossier_alpha.pk}/"
    response = getattr(direction, method)(url, {"contenu": "{}"})
    assert response.status_code == 405
    with tenant_context(alpha):
        assert DossierAnterieur.objects.get(pk=dossier_alpha.pk).contenu == dossier_alpha.contenu
    connection.set_schema_to_public()


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.name


def test_no_url_but_the_read_only_page_touches_received_files():
    """A page for received files (dossiers antérieurs) must answer GET only: review it and list it here."""
    routes = [(route, name) for route, name in _routes(get_resolver().url_patterns) if "dossier" in route]
    assert routes == [("direction/transferts/dossiers/<int:pk>/", "transfert_dossier")]


def test_the_log_runs_a_constant_number_of_queries(direction, alpha, django_assert_max_num_queries):
    def more(n, prefix):
        with tenant_context(alpha):
            for i in range(n):
                Transfert.objects.create(sens="reception", ine="1111111111A", apprenant_label=f"{prefix}{i}",
                                         autre_etablissement="Ailleurs", par="x", resume={"dossier": i + 1})
        connection.set_schema_to_public()

    more(2, "X")
    with django_assert_max_num_queries(15) as few:
        direction.get("/direction/transferts/")
    more(20, "Y")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = direction.get("/direction/transferts/").content.decode()
    assert "Y19" in page
