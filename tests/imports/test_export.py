"""Exports of the establishment's school data: the learners' file round-trips with the import (nothing lost, nothing
changed), the history holds what the import cannot, both open in French Excel; direction and inspection download
them even when the subscription has lapsed, nobody else does, and beta never sees alpha's learners."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from accounts.roles import Role
from entreprise.models import Contrat, Entreprise, Tuteur
from scolarite.exports import HEADERS, export_apprenants_csv, export_historique_csv
from scolarite.imports.colonnes import COLONNES, columns_map
from scolarite.models import Apprenant, Classe, Inscription
from scolarite.services import apprenant_create, classe_create, formation_create, inscription_close, inscription_open
from scolarite.services_import import import_apply, import_preview
from tenants.annees import annee_scolaire_label, annee_scolaire_of
from tenants.models import Abonnement

from ..conftest import login
from .conftest import YPAREO

BOM = b"\xef\xbb\xbf"
ANNEE = annee_scolaire_of(timezone.localdate())
URLS = ["/direction/exports/apprenants.csv", "/direction/exports/historique-complet.csv"]


def read(contenu: bytes) -> list[dict]:
    assert contenu.startswith(BOM)
    return list(csv.DictReader(io.StringIO(contenu[len(BOM):].decode("utf-8"), newline=""), delimiter=";"))


def preview(contenu: bytes, nom="export.csv"):
    return import_preview(contenu=contenu, nom_fichier=nom, user=None)


def import_fixture():
    fichier = import_apply(import_fichier=preview(YPAREO.read_bytes(), "exemple-ypareo.csv"), actor=None)
    assert fichier.rapport["compte"]["lignes"] == {"cree": 24}


def in_tenant(etablissement, fn):
    with tenant_context(etablissement):
        result = fn()
    connection.set_schema_to_public()
    return result


@pytest.fixture
def classes(in_alpha, ciel):
    formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL", code="CIEL")
    return (classe_create(formation=formation, annee_scolaire=ANNEE - 1, code="2CIEL", intitule="Seconde"),
            classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL", intitule="Première"))


# --- The file and its round trip ----------------------------------------------------------------------------

def test_the_export_of_the_fixture_import_reimported_changes_nothing(in_alpha):
    import_fixture()
    fichier = preview(export_apprenants_csv())
    rapport = fichier.rapport
    assert rapport["erreurs"] == [] and rapport["notes"] == []  # every column read, none ignored
    assert rapport["encodage"] == "UTF-8 (avec BOM)" and rapport["separateur"] == ";"
    assert rapport["compte"] == {"lignes": {"inchange": 24}, "apprenants": {"inchange": 24},
                                 "inscriptions": {"inchange": 24}, "classes": {"inchange": 3}, "formations": {},
                                 "entreprises": {"inchange": 6}, "tuteurs": {"inchange": 11},
                                 "contrats": {"inchange": 19}}
    assert all(ligne["alertes"] == [] for ligne in rapport["lignes"])


def test_the_export_rebuilds_the_same_data_in_another_establishment(alpha, beta, ciel):
    def export_after_import(contenu=None):
        if contenu is None:
            import_fixture()
        else:
            import_apply(import_fichier=preview(contenu), actor=None)
        return export_apprenants_csv()

    from_alpha = in_tenant(alpha, export_after_import)
    from_beta = in_tenant(beta, lambda: export_after_import(from_alpha))
    assert from_beta == from_alpha
    assert in_tenant(beta, lambda: (Apprenant.objects.count(), Classe.objects.count(), Entreprise.objects.count(),
                                    Tuteur.objects.count(), Contrat.objects.count())) == (24, 3, 6, 11, 19)


def test_the_file_is_utf8_with_bom_and_semicolons_with_the_imports_column_names(in_alpha):
    import_fixture()
    contenu = export_apprenants_csv()
    assert contenu.startswith(BOM + "Nom;Prénom;INE;Date de naissance;E-mail;".encode())
    assert b"\r\n" in contenu and b"sep=" not in contenu  # a sep= line would make Excel ignore the BOM
    lea = next(row for row in read(contenu) if row["Nom"] == "DUPONT")
    assert lea == {
        "Nom": "DUPONT", "Prénom": "Léa", "INE": "2026A00101K", "Date de naissance": "14/03/2010",
        "E-mail": "apprenti@demo.cpro.local", "Téléphone": "06 00 00 00 01", "Identifiant": "APP0001",
        "Classe": "1CIEL-A", "Libellé classe": "Première bac pro CIEL A (apprentis)", "Code diplôme": "BACPRO-CIEL",
        "Année scolaire": annee_scolaire_label(ANNEE), "Statut": "apprenti", "Date d'entrée": f"01/09/{ANNEE}",
        "SIRET": "81234567800013", "Raison sociale": "Réseaux Vauclusiens", "Adresse entreprise": "",
        "Code postal entreprise": "84000", "Ville entreprise": "Avignon", "Téléphone entreprise": "",
        "Email entreprise": "", "Secteur": "", "Code NAF": "", "Nom tuteur": "MOREAU", "Prénom tuteur": "Jean",
        "Email tuteur": "tuteur@demo.cpro.local", "Téléphone tuteur": "", "Fonction tuteur": "Responsable technique",
        "Type de contrat": "apprentissage", "Début contrat": "01/09/2026", "Fin contrat": "31/08/2028",
        "Numéro contrat": "",
    }


def test_every_header_is_a_column_the_import_recognises():
    found, unknown, twice = columns_map(list(HEADERS.values()))
    assert unknown == [] and twice == []
    assert list(found) == list(COLONNES)


def test_a_learner_without_inscription_is_exported_with_empty_classe_columns(in_alpha):
    apprenant_create(nom="SEUL", prenom="Sans", ine="2026A11111A")
    (row,) = read(export_apprenants_csv())
    assert (row["Nom"], row["INE"], row["Classe"], row["Statut"], row["Raison sociale"]) == (
        "SEUL", "2026A11111A", "", "", "")


def test_the_current_inscription_and_contract_win_over_past_ones(in_alpha, classes):
    seconde, premiere = classes
    today = timezone.localdate()
    moi = apprenant_create(nom="MARTIN", prenom="Léo", ine="2026A11111A")
    inscription_open(apprenant=moi, classe=seconde, statut="scolaire", debut=datetime.date(ANNEE - 1, 9, 1))
    inscription_open(apprenant=moi, classe=premiere, statut="apprenti", debut=datetime.date(ANNEE, 9, 1))
    parti = apprenant_create(nom="PARTI", prenom="Paul", ine="2026A22222B")
    inscription_close(inscription=inscription_open(apprenant=parti, classe=seconde, statut="scolaire",
                                                   debut=datetime.date(ANNEE - 1, 9, 1)),
                      fin=datetime.date(ANNEE, 1, 31), motif="démission")
    ancienne = Entreprise.objects.create(raison_sociale="Ancienne")
    actuelle = Entreprise.objects.create(raison_sociale="Actuelle")
    Contrat.objects.create(type="pfmp", apprenant=moi, entreprise=ancienne, debut=today - datetime.timedelta(400),
                           fin=today - datetime.timedelta(370))
    Contrat.objects.create(type="apprentissage", apprenant=moi, entreprise=actuelle, debut=today, fin=today)
    Contrat.objects.create(type="pfmp", apprenant=moi, entreprise=ancienne, debut=today + datetime.timedelta(30),
                           fin=today + datetime.timedelta(60))  # to come: the current one still wins
    rows = {row["Nom"]: row for row in read(export_apprenants_csv())}
    assert (rows["MARTIN"]["Classe"], rows["MARTIN"]["Statut"], rows["MARTIN"]["Raison sociale"],
            rows["MARTIN"]["Type de contrat"]) == ("1CIEL", "apprenti", "Actuelle", "apprentissage")
    assert (rows["PARTI"]["Classe"], rows["PARTI"]["Année scolaire"]) == ("2CIEL", annee_scolaire_label(ANNEE - 1))
    assert rows["MARTIN"]["Code diplôme"] == "BACPRO-CIEL"  # the catalogue's code: it recreates the classe anywhere


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised_and_phone_numbers_are_not(in_alpha):
    apprenant_create(nom='=HYPERLINK("http://x.example")', prenom="-2+3+cmd|' /C calc'!A0",
                     telephone="+33 6 12 34 56 78")
    (row,) = read(export_apprenants_csv())
    assert row["Nom"] == "'=HYPERLINK(\"http://x.example\")" and row["Prénom"].startswith("'-2+3")
    assert row["Téléphone"] == "+33 6 12 34 56 78"


# --- The history ---------------------------------------------------------------------------------------------

def test_the_history_has_every_inscription_and_contract_and_the_import_refuses_it(in_alpha, classes):
    seconde, premiere = classes
    moi = apprenant_create(nom="MARTIN", prenom="Léo", ine="2026A11111A", adresse="1 rue des Lilas\n84000 Avignon")
    inscription_open(apprenant=moi, classe=seconde, statut="scolaire", debut=datetime.date(ANNEE - 1, 9, 1))
    inscription_open(apprenant=moi, classe=premiere, statut="apprenti", debut=datetime.date(ANNEE, 9, 1))
    entreprise = Entreprise.objects.create(raison_sociale="Réseaux", siret="81234567800013")
    tuteurs = [Tuteur.objects.create(entreprise=entreprise, nom=nom, prenom="A", email=f"{nom.lower()}@r.example")
               for nom in ("UN", "DEUX")]
    stage = Contrat.objects.create(type="pfmp", apprenant=moi, entreprise=entreprise,
                                   debut=datetime.date(ANNEE, 1, 6), fin=datetime.date(ANNEE, 1, 31))
    contrat = Contrat.objects.create(type="apprentissage", apprenant=moi, entreprise=entreprise, numero="084202609",
                                     debut=datetime.date(ANNEE, 9, 1), fin=datetime.date(ANNEE + 2, 8, 31),
                                     rompu_le=datetime.date(ANNEE, 10, 15))
    contrat.tuteurs.set(tuteurs)
    assert stage.pk
    contenu = export_historique_csv()
    rows = read(contenu)
    assert [row["Type"] for row in rows] == ["apprenant", "inscription", "inscription", "contrat", "contrat"]
    assert rows[0]["Adresse"] == "1 rue des Lilas\n84000 Avignon" and rows[0]["INE"] == "2026A11111A"
    assert (rows[1]["Code de la classe"], rows[1]["Fin"], rows[1]["Motif de fin"], rows[1]["Statut"]) == (
        "2CIEL", f"31/08/{ANNEE}", "changement de classe", "scolaire")
    assert (rows[2]["Code de la classe"], rows[2]["Fin"], rows[2]["Formation"]) == ("1CIEL", "", "Bac pro CIEL")
    assert rows[2]["Version du référentiel"] and rows[2]["Nom"] == "MARTIN"
    assert (rows[4]["Type de contrat"], rows[4]["Rompu le"], rows[4]["Numéro contrat"], rows[4]["Tuteurs"]) == (
        "apprentissage", f"15/10/{ANNEE}", "084202609", "A UN <un@r.example>, A DEUX <deux@r.example>")
    fichier = preview(contenu, "historique.csv")
    assert "Colonne obligatoire absente : Classe" in fichier.rapport["erreurs"][0]


# --- A fixed number of queries ------------------------------------------------------------------------------

def populate(n: int, classes) -> None:
    seconde, premiere = classes
    entreprise = Entreprise.objects.create(raison_sociale="Réseaux", siret="81234567800013")
    apprenants = Apprenant.objects.bulk_create(
        Apprenant(nom=f"NOM{i:03}", prenom="Prénom", ine=f"2026A{i:05}A") for i in range(n))
    Inscription.objects.bulk_create(
        [Inscription(apprenant=a, classe=seconde, statut="scolaire", debut=datetime.date(ANNEE - 1, 9, 1),
                     fin=datetime.date(ANNEE, 8, 31)) for a in apprenants]
        + [Inscription(apprenant=a, classe=premiere, statut="apprenti", debut=datetime.date(ANNEE, 9, 1))
           for a in apprenants])
    tuteurs = Tuteur.objects.bulk_create(Tuteur(entreprise=entreprise, nom=f"T{i}", prenom="T") for i in range(n))
    contrats = Contrat.objects.bulk_create(
        Contrat(type="apprentissage", apprenant=a, entreprise=entreprise, debut=datetime.date(ANNEE, 9, 1),
                fin=datetime.date(ANNEE + 2, 8, 31)) for a in apprenants)
    Contrat.tuteurs.through.objects.bulk_create(
        Contrat.tuteurs.through(contrat=c, tuteur=t) for c, t in zip(contrats, tuteurs, strict=True))


@pytest.mark.parametrize("n", [3, 30])
def test_the_exports_run_a_fixed_number_of_queries(in_alpha, classes, django_assert_max_num_queries, n):
    populate(n, classes)
    with django_assert_max_num_queries(10):  # five SELECTs, each after django-tenants' SET search_path
        rows = read(export_apprenants_csv())
    assert len(rows) == n and {row["Classe"] for row in rows} == {"1CIEL"} and rows[0]["Nom tuteur"] == "T0"
    with django_assert_max_num_queries(10):  # five SELECTs, each after django-tenants' SET search_path
        rows = read(export_historique_csv())
    assert len(rows) == 4 * n


@pytest.mark.parametrize("n", [3, 30])
def test_the_download_runs_a_fixed_number_of_queries(as_role, alpha, ciel, django_assert_max_num_queries, n):
    def setup():
        formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL")
        populate(n, (classe_create(formation=formation, annee_scolaire=ANNEE - 1, code="2CIEL"),
                     classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL")))

    in_tenant(alpha, setup)
    direction = as_role(Role.DIRECTION)
    with django_assert_max_num_queries(18):  # host, session, user, the five SELECTs, the audit row; each with a SET
        response = direction.get(URLS[0])
    assert response.status_code == 200 and len(read(response.content)) == n


# --- The downloads: who, where, when ------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.DIRECTION, Role.INSPECTEUR])
def test_direction_and_inspection_download_the_files(as_role, alpha, ciel, role):
    in_tenant(alpha, import_fixture)
    client = as_role(role)
    response = client.get(URLS[0])
    today = timezone.localdate()
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="apprenants-alpha-{today:%Y-%m-%d}.csv"'
    assert len(read(response.content)) == 24
    response = client.get(URLS[1])
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="historique-alpha-{today:%Y-%m-%d}.csv"'
    events = in_tenant(alpha, lambda: list(AuditEvent.objects.filter(action__startswith="export_")
                                           .values_list("action", "actor_label")))
    assert sorted(events) == [("export_apprenants", f"{role}@alpha.test"), ("export_historique", f"{role}@alpha.test")]


@pytest.mark.parametrize("role", [Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR])
@pytest.mark.parametrize("url", URLS)
def test_other_roles_are_refused_the_exports(as_role, role, url):
    assert as_role(role).get(url).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_are_sent_to_the_login_page(alpha_client, url):
    response = alpha_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_a_lapsed_establishment_still_exports_everything(as_role, alpha, ciel):
    in_tenant(alpha, import_fixture)
    Abonnement.objects.filter(etablissement=alpha).delete()
    direction = as_role(Role.DIRECTION)
    home = direction.get("/direction/").content.decode()
    assert "lecture seule" in home and 'href="/direction/exports/apprenants.csv"' in home
    for client in (direction, as_role(Role.INSPECTEUR)):
        for url in URLS:
            response = client.get(url)
            assert response.status_code == 200, url
        assert len(read(client.get(URLS[0]).content)) == 24
    assert Abonnement.objects.filter(etablissement=alpha).count() == 0


def test_beta_exports_only_its_own_learners(alpha, beta, charlie, ciel, beta_client):
    in_tenant(alpha, import_fixture)

    def beta_data():
        formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL")
        classe = classe_create(formation=formation, annee_scolaire=ANNEE, code="1CIEL-A")
        inscription_open(apprenant=apprenant_create(nom="BETA", prenom="Bob"), classe=classe, statut="scolaire",
                         debut=datetime.date(ANNEE, 9, 1))

    in_tenant(beta, beta_data)
    assert login(beta_client, charlie.email).status_code == 302
    for url in URLS:
        response = beta_client.get(url)
        assert response.status_code == 200
        noms = {row["Nom"] for row in read(response.content)}
        assert noms == {"BETA"}, url
        assert b"DUPONT" not in response.content and b"alpha" not in response["Content-Disposition"].encode()


def test_the_import_page_links_to_the_exports(as_role):
    page = as_role(Role.DIRECTION).get("/direction/imports/").content.decode()
    assert all(f'href="{url}"' in page for url in URLS)

