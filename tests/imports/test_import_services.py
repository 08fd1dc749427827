"""Imports of learners, classes, companies and contracts: the preview writes nothing, the confirmation writes all or
nothing, a re-import changes nothing, each malformed case gives a per-row (or whole-file) French message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from entreprise.models import Contrat, Entreprise, Tuteur
from scolarite.models import Apprenant, Classe, Formation, ImportFichier, Inscription
from scolarite.services import apprenant_create, classe_create, formation_create, inscription_open
from scolarite.services_import import import_apply, import_preview
from tenants.annees import annee_scolaire_of

from .conftest import HEADERS, make_csv, row

VALID_SIRET = "81234567800013"


def counts():
    return (Apprenant.objects.count(), Classe.objects.count(), Inscription.objects.count(),
            Entreprise.objects.count(), Tuteur.objects.count(), Contrat.objects.count(), Formation.objects.count())


def lignes(fichier, statut=None):
    return [ligne for ligne in fichier.rapport["lignes"] if statut is None or ligne["statut"] == statut]


def preview(contenu, nom="eleves.csv", **options):
    return import_preview(contenu=contenu, nom_fichier=nom, user=None, **options)


def test_the_fixture_csv_previews_its_learners_classes_and_companies_and_writes_nothing(in_alpha, ypareo):
    fichier = preview(ypareo, "exemple-ypareo.csv")
    rapport = fichier.rapport
    assert rapport["erreurs"] == [] and rapport["encodage"] == "Windows-1252" and rapport["separateur"] == ";"
    assert rapport["compte"]["lignes"] == {"cree": 24}
    assert rapport["compte"]["apprenants"] == {"cree": 24}
    assert rapport["compte"]["classes"] == {"cree": 3}
    assert rapport["compte"]["formations"] == {"cree": 1}
    assert rapport["compte"]["entreprises"] == {"cree": 6}
    assert rapport["compte"]["tuteurs"] == {"cree": 11}
    assert rapport["compte"]["contrats"] == {"cree": 19}
    assert {c["code"] for c in rapport["classes"]} == {"1CIEL-A", "TCIEL-A", "1CIEL-B"}
    assert lignes(fichier)[0]["libelle"] == "DUPONT Léa" and lignes(fichier)[0]["ref"] == "ligne 2"
    assert counts() == (0, 0, 0, 0, 0, 0, 0)
    assert fichier.statut == ImportFichier.Statut.APERCU and bytes(fichier.contenu) == ypareo


def test_confirming_the_fixture_csv_writes_learners_inscriptions_companies_tuteurs_and_contracts(in_alpha, ypareo):
    fichier = import_apply(import_fichier=preview(ypareo), actor=None)
    assert fichier.statut == ImportFichier.Statut.APPLIQUE and fichier.applique_le is not None
    assert counts() == (24, 3, 24, 6, 11, 19, 1)
    annee = annee_scolaire_of(timezone.localdate())
    lea = Apprenant.objects.get(ine="2026A00101K")
    assert (lea.nom, lea.prenom, lea.email, lea.date_naissance) == ("DUPONT", "Léa", "apprenti@demo.cpro.local",
                                                                     datetime.date(2010, 3, 14))
    inscription = lea.inscriptions.get()
    assert (inscription.classe.code, inscription.classe.annee_scolaire, inscription.statut) == (
        "1CIEL-A", annee, Inscription.Statut.APPRENTI)
    assert inscription.debut == datetime.date(annee, 9, 1)
    contrat = lea.contrats.get()
    assert contrat.type == Contrat.Type.APPRENTISSAGE and contrat.entreprise.siret == VALID_SIRET
    assert [str(t) for t in contrat.tuteurs.all()] == ["Jean MOREAU"]
    assert contrat.tuteurs.get().email == "tuteur@demo.cpro.local"
    assert Inscription.objects.filter(statut="scolaire", classe__code="1CIEL-B").count() == 5
    assert Formation.objects.get().referentiel.code == "BACPRO-CIEL"
    assert fichier.rapport["alertes"] == []


def test_a_reimport_of_the_same_file_changes_nothing(in_alpha, ypareo):
    import_apply(import_fichier=preview(ypareo), actor=None)
    before = counts()
    again = preview(ypareo)
    assert again.rapport["compte"]["lignes"] == {"inchange": 24}
    assert again.rapport["compte"]["classes"] == {"inchange": 3}
    assert again.rapport["compte"]["entreprises"] == {"inchange": 6}
    assert again.rapport["compte"]["contrats"] == {"inchange": 19}
    import_apply(import_fichier=again, actor=None)
    assert counts() == before


def test_a_utf8_file_with_bom_and_commas_reads_like_the_windows_one(in_alpha, ypareo):
    text = ypareo.decode("cp1252").replace(";", ",")
    fichier = preview(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert fichier.rapport["encodage"] == "UTF-8 (avec BOM)" and fichier.rapport["separateur"] == ","
    assert fichier.rapport["compte"]["lignes"] == {"cree": 24}
    assert lignes(fichier)[0]["libelle"] == "DUPONT Léa"


def test_excels_separator_hint_line_is_understood(in_alpha):
    fichier = preview(b"sep=,\r\n" + make_csv([row()], sep=","))
    assert fichier.rapport["separateur"] == "," and lignes(fichier)[0]["ref"] == "ligne 3"
    assert lignes(fichier)[0]["statut"] == "cree"


def test_headers_are_recognised_whatever_their_case_accents_and_spelling(in_alpha):
    headers = ["NOM_APPRENANT", "PRENOM", "numéro INE", "Né le", "Courriel", "Code classe", "Code diplome",
               "Régime", "N° SIRET", "Employeur", "Nom du maître d'apprentissage", "Prénom MA", "Mail MA",
               "Date de début du contrat", "Date de fin du contrat"]
    contenu = make_csv([row(siret=VALID_SIRET, raison="Réseaux", tuteur=("MOREAU", "Jean", "j@r.example"),
                            debut="2026-09-01", fin="2028-08-31")], headers)
    fichier = preview(contenu)
    assert fichier.rapport["erreurs"] == [], fichier.rapport
    assert lignes(fichier)[0]["actions"] == {"apprenants": "cree", "classes": "cree", "inscriptions": "cree",
                                             "entreprises": "cree", "tuteurs": "cree", "contrats": "cree"}


def test_it_refuses_a_file_in_an_unknown_encoding_and_writes_nothing(in_alpha, ypareo):
    fichier = preview(ypareo.decode("cp1252").encode("utf-16"))
    assert "Encodage non reconnu" in fichier.rapport["erreurs"][0]
    with pytest.raises(ValidationError, match="Encodage non reconnu"):
        import_apply(import_fichier=fichier, actor=None, skip_rejected=True)
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_spreadsheet_saved_as_csv_by_name_only_is_explained(in_alpha):
    fichier = preview(b"PK\x03\x04" + b"\x00" * 100, "eleves.csv")
    assert "classeur" in fichier.rapport["erreurs"][0]


def test_rows_mixing_utf8_into_a_windows_file_are_rejected_one_by_one(in_alpha):
    good = make_csv([row(nom="GÉRARD")], encoding="cp1252")
    bad = make_csv([row(nom="HÉLIE", ine="2026A22222B")], encoding="utf-8").split(b"\r\n", 1)[1]
    fichier = preview(good + bad)
    assert fichier.rapport["encodage"] == "Windows-1252"
    assert [ligne["statut"] for ligne in lignes(fichier)] == ["cree", "rejete"]
    assert "mal encodés" in lignes(fichier)[1]["raisons"][0]


def test_it_refuses_a_file_without_a_required_column(in_alpha):
    contenu = make_csv([["MARTIN", "Léo"]], ["Nom", "Prénom"])
    fichier = preview(contenu)
    assert fichier.rapport["erreurs"] and "Colonne obligatoire absente : Classe" in fichier.rapport["erreurs"][0]
    assert fichier.rapport["lignes"] == []
    with pytest.raises(ValidationError):
        import_apply(import_fichier=fichier, actor=None)
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_bad_ine_rejects_its_row_with_a_message_and_nothing_is_written(in_alpha):
    fichier = preview(make_csv([row(), row(nom="DURAND", ine="12345")]))
    rejetee = lignes(fichier, "rejete")
    assert [(ligne["ref"], ligne["libelle"]) for ligne in rejetee] == [("ligne 3", "DURAND Léo")]
    assert "INE invalide « 12345 »" in rejetee[0]["raisons"][0]
    with pytest.raises(ValidationError, match="1 ligne rejetée"):
        import_apply(import_fichier=fichier, actor=None)
    assert counts() == (0, 0, 0, 0, 0, 0, 0)
    assert ImportFichier.objects.get().statut == ImportFichier.Statut.APERCU


def test_a_bad_siret_rejects_its_row(in_alpha):
    fichier = preview(make_csv([row(siret="81234567800014", raison="Réseaux", debut="01/09/2026",
                                    fin="31/08/2028")]))
    assert "SIRET invalide « 81234567800014 » : la clé de contrôle" in lignes(fichier)[0]["raisons"][0]
    fichier = preview(make_csv([row(siret="1234", raison="Réseaux")]))
    assert "14 chiffres attendus" in lignes(fichier)[0]["raisons"][0]


def test_duplicate_rows_are_rejected_with_the_row_they_repeat(in_alpha):
    fichier = preview(make_csv([
        row(), row(),  # identical
        row(nom="AUTRE", prenom="Personne"),  # same INE as the first
        row(nom="SANS", ine="", email="x@y.example"), row(nom="SANSBIS", ine="", email="X@y.example"),
    ]))
    raisons = {ligne["ref"]: ligne["raisons"] for ligne in lignes(fichier, "rejete")}
    assert raisons == {"ligne 3": ["Ligne en double : identique à la ligne 2."],
                       "ligne 4": ["Ligne en double : même INE que la ligne 2."],
                       "ligne 6": ["Ligne en double : même e-mail que la ligne 5."]}
    assert fichier.rapport["compte"]["lignes"] == {"cree": 2, "rejete": 3}


def test_an_unknown_classe_without_a_referentiel_is_rejected(in_alpha):
    fichier = preview(make_csv([row(classe="2NEW", diplome="")]))
    assert "Classe « 2NEW » inconnue" in lignes(fichier)[0]["raisons"][0]
    fichier = preview(make_csv([row(classe="2NEW", diplome="CAP-INCONNU")]))
    assert "Code diplôme « CAP-INCONNU » inconnu" in lignes(fichier)[0]["raisons"][0]


def test_an_existing_classe_is_found_by_its_code_without_a_referentiel(in_alpha, ciel):
    formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL")
    classe = classe_create(formation=formation, annee_scolaire=annee_scolaire_of(timezone.localdate()),
                           code="1CIEL-A")
    fichier = preview(make_csv([row(classe="1ciel-a", diplome="")]))
    assert lignes(fichier)[0]["statut"] == "cree" and fichier.rapport["compte"]["classes"] == {"inchange": 1}
    import_apply(import_fichier=fichier, actor=None)
    assert Apprenant.objects.get().inscriptions.get().classe == classe
    assert Formation.objects.count() == 1


def test_a_referentiel_outside_the_subscription_cannot_open_a_classe(in_alpha, alpha):
    from referentiels.models import Referentiel

    alpha.abonnements.get().lignes.filter(referentiel_code="BACPRO-CIEL").delete()
    assert Referentiel.objects.filter(code="BACPRO-CIEL").exists()
    fichier = preview(make_csv([row()]))
    assert "n'est pas couvert par l'abonnement" in lignes(fichier)[0]["raisons"][0]


def test_bad_dates_and_statuts_are_rejected_with_the_value_read(in_alpha):
    fichier = preview(make_csv([
        row(naissance="31/02/2010"),
        row(ine="2026A11111B", nom="B", statut="Salarié"),
        row(ine="2026A11111C", nom="C", siret=VALID_SIRET, raison="R", debut="01/09/2027", fin="01/09/2026"),
        row(ine="2026A11111D", nom="D", siret=VALID_SIRET, raison="R", debut="demain", fin="01/09/2026"),
    ]))
    raisons = [ligne["raisons"][0] for ligne in lignes(fichier)]
    assert raisons[0].startswith("Date de naissance invalide « 31/02/2010 »")
    assert raisons[1].startswith("Statut inconnu « Salarié »")
    assert raisons[2].startswith("Le contrat finit (01/09/2026) avant de commencer")
    assert raisons[3].startswith("Début du contrat invalide « demain »")


def test_apply_with_skip_rejected_writes_the_valid_rows_only(in_alpha):
    fichier = preview(make_csv([row(), row(nom="DURAND", ine="12345", classe="TCIEL-A")]))
    import_apply(import_fichier=fichier, actor=None, skip_rejected=True)
    assert list(Apprenant.objects.values_list("nom", flat=True)) == ["MARTIN"]
    assert list(Classe.objects.values_list("code", flat=True)) == ["1CIEL-A"]  # the rejected row's classe: not made
    fichier.refresh_from_db()
    assert fichier.statut == ImportFichier.Statut.APPLIQUE and fichier.rapport["lignes_ignorees"] == 1


def test_an_import_is_applied_once(in_alpha):
    fichier = preview(make_csv([row()]))
    import_apply(import_fichier=fichier, actor=None)
    with pytest.raises(ValidationError, match="déjà appliqué"):
        import_apply(import_fichier=fichier, actor=None)
    assert Apprenant.objects.count() == 1


def test_a_known_learner_is_updated_and_moves_classe_keeping_history(in_alpha):
    import_apply(import_fichier=preview(make_csv([row(email="leo@ex.example")])), actor=None)
    fichier = preview(make_csv([row(email="leo.martin@ex.example", classe="TCIEL-A")]))
    ligne = lignes(fichier)[0]
    assert ligne["statut"] == "modifie" and ligne["champs"] == ["email"]
    assert ligne["actions"]["inscriptions"] == "cree"
    import_apply(import_fichier=fichier, actor=None)
    apprenant = Apprenant.objects.get()
    assert apprenant.email == "leo.martin@ex.example"
    history = list(apprenant.inscriptions.order_by("debut").values_list("classe__code", "fin"))
    assert [code for code, _ in history] == ["1CIEL-A", "TCIEL-A"] and history[0][1] is not None


def test_a_learner_is_found_by_email_when_the_file_has_no_ine(in_alpha):
    apprenant = apprenant_create(nom="MARTIN", prenom="Léo", email="leo@ex.example", ine="2026A11111A")
    fichier = preview(make_csv([row(ine="", email="LEO@ex.example")]))
    assert lignes(fichier)[0]["actions"]["apprenants"] == "modifie"
    assert lignes(fichier)[0]["champs"] == ["date_naissance"]  # the email is not a change: case is ignored
    import_apply(import_fichier=fichier, actor=None)
    assert Apprenant.objects.get() == apprenant and apprenant.inscriptions.count() == 1
    apprenant.refresh_from_db()
    assert apprenant.date_naissance == datetime.date(2010, 2, 1) and apprenant.ine == "2026A11111A"


def test_an_email_of_a_learner_with_another_ine_is_rejected(in_alpha):
    apprenant_create(nom="MARTIN", prenom="Léo", email="leo@ex.example", ine="2026A11111A")
    fichier = preview(make_csv([row(ine="2026A99999Z", email="leo@ex.example")]))
    assert "dont l'INE est 2026A11111A" in lignes(fichier)[0]["raisons"][0]


def test_the_plan_is_made_again_on_confirmation(in_alpha, ciel):
    fichier = preview(make_csv([row(classe="1CIEL-A")]))
    assert lignes(fichier)[0]["actions"]["classes"] == "cree"
    formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL")
    classe = classe_create(formation=formation, annee_scolaire=annee_scolaire_of(timezone.localdate()),
                           code="1CIEL-A")
    import_apply(import_fichier=fichier, actor=None)
    assert Classe.objects.get() == classe and Apprenant.objects.get().inscriptions.get().classe == classe


def test_a_learner_already_in_the_classe_with_another_statut_changes_statut(in_alpha):
    import_apply(import_fichier=preview(make_csv([row(statut="Scolaire")])), actor=None)
    apprenant = Apprenant.objects.get()
    fichier = preview(make_csv([row(statut="apprentie", debut="")]))
    assert lignes(fichier)[0]["actions"]["inscriptions"] == "cree"
    import_apply(import_fichier=fichier, actor=None)
    assert list(apprenant.inscriptions.order_by("debut").values_list("statut", flat=True)) == ["scolaire", "apprenti"]


def test_siecle_export_imports_pupils_as_scolaires_in_their_divisions(in_alpha, siecle):
    fichier = preview(siecle, "ElevesSansAdresses.xml", referentiel_defaut="BACPRO-CIEL")
    rapport = fichier.rapport
    assert rapport["format"] == "siecle" and rapport["erreurs"] == []
    assert rapport["compte"]["lignes"] == {"cree": 5, "ignore": 1}
    assert {c["code"] for c in rapport["classes"]} == {"1CIEL1", "TCIEL1"}
    ignored = lignes(fichier, "ignore")[0]
    assert ignored["ref"] == "élève 6 (ELEVE_ID 4106)" and "sorti·e" in ignored["raisons"][0]
    import_apply(import_fichier=fichier, actor=None)
    assert Apprenant.objects.count() == 5
    assert set(Inscription.objects.values_list("statut", flat=True)) == {"scolaire"}
    maelys = Apprenant.objects.get(ine="080123453AD")
    assert (maelys.prenom, maelys.identifiant_externe, maelys.inscriptions.get().classe.code) == (
        "Maëlys", "4103", "1CIEL1")
    assert Classe.objects.get(code="1CIEL1").annee_scolaire == 2026
    again = preview(siecle, "ElevesSansAdresses.xml", referentiel_defaut="BACPRO-CIEL")
    assert again.rapport["compte"]["lignes"] == {"inchange": 5, "ignore": 1}


def test_siecle_divisions_without_a_known_formation_are_rejected(in_alpha, siecle):
    fichier = preview(siecle, "ElevesSansAdresses.xml")
    assert fichier.rapport["compte"]["lignes"] == {"rejete": 5, "ignore": 1}
    assert "Code diplôme « 24025510210 » inconnu (code MEF de SIECLE" in lignes(fichier)[0]["raisons"][0]


def test_siecle_mef_codes_match_the_formations_code(in_alpha, siecle, ciel):
    formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL (1re)", code="24025510210")
    formation_create(referentiel=ciel, intitule="Bac pro CIEL (Tle)", code="24025510310")
    fichier = preview(siecle, "ElevesSansAdresses.xml")
    assert fichier.rapport["compte"]["lignes"] == {"cree": 5, "ignore": 1}
    import_apply(import_fichier=fichier, actor=None)
    assert Classe.objects.get(code="1CIEL1").formation == formation


@pytest.mark.parametrize("contenu, message", [
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><BEE_ELEVES>&b;</BEE_ELEVES>",
     "Fichier XML illisible"),
    (b"<BEE_ELEVES><DONNEES><ELEVES>", "Fichier XML illisible"),
    (b"<?xml version='1.0'?><FICHIER><LIGNE/></FICHIER>", "n'est pas un export des élèves de SIECLE"),
])
def test_untrusted_or_foreign_xml_is_refused_as_a_whole(in_alpha, contenu, message):
    fichier = preview(contenu, "eleves.xml")
    assert message in fichier.rapport["erreurs"][0]
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


def test_a_new_inscription_starts_after_the_current_one(in_alpha, ciel):
    formation = formation_create(referentiel=ciel, intitule="Bac pro CIEL")
    annee = annee_scolaire_of(timezone.localdate())
    old = classe_create(formation=formation, annee_scolaire=annee, code="OLD")
    apprenant = apprenant_create(nom="MARTIN", prenom="Léo", ine="2026A11111A")
    inscription_open(apprenant=apprenant, classe=old, statut="apprenti", debut=datetime.date(annee, 10, 1))
    fichier = preview(make_csv([row()]))
    assert lignes(fichier)[0]["actions"]["inscriptions"] == "cree"
    import_apply(import_fichier=fichier, actor=None)
    new = apprenant.inscriptions.get(fin__isnull=True)
    assert new.classe.code == "1CIEL-A" and new.debut > datetime.date(annee, 10, 1)


def test_the_preview_reads_a_fixed_number_of_queries_whatever_the_rows(in_alpha, django_assert_max_num_queries):
    from scolarite.imports.lecture import source_read
    from scolarite.imports.plan import plan_build

    rows = [row(nom=f"NOM{i}", ine=f"2026A{i:05d}K", classe=f"C{i % 7}", siret=VALID_SIRET, raison="Réseaux",
                tuteur=("MOREAU", "Jean", "j@r.example"), debut="01/09/2026", fin="31/08/2028") for i in range(300)]
    source = source_read(make_csv(rows), "x.csv")
    with django_assert_max_num_queries(14):
        plan = plan_build(source)
    assert len(plan.acceptees) == 300, plan.rejetees[:1] and plan.rejetees[0].raisons


def test_a_maitre_d_apprentissage_with_a_third_apprentice_is_warned_not_blocked(in_alpha):
    tuteur = ("MOREAU", "Jean", "jean@r.example")
    rows = [row(nom=f"NOM{i}", ine=f"2026A0000{i}K", siret=VALID_SIRET, raison="Réseaux", tuteur=tuteur,
                debut="01/09/2026", fin="31/08/2028") for i in range(3)]
    fichier = preview(make_csv(rows))
    assert [len(ligne["alertes"]) for ligne in lignes(fichier)] == [0, 0, 1]
    assert "Jean MOREAU encadrera 3 apprentis" in lignes(fichier)[2]["alertes"][0]
    fichier = import_apply(import_fichier=fichier, actor=None)
    assert Contrat.objects.count() == 3 and any("R6223-6" in alerte for alerte in fichier.rapport["alertes"])
    rows.append(row(nom="NOM3", ine="2026A00003K", siret=VALID_SIRET, raison="Réseaux", tuteur=tuteur,
                    debut="01/09/2026", fin="31/08/2028"))
    assert "encadrera 4 apprentis" in lignes(preview(make_csv(rows)))[3]["alertes"][0]


def test_headers_alone_are_not_a_file(in_alpha):
    fichier = preview(make_csv([], HEADERS))
    assert "aucune ligne" in fichier.rapport["erreurs"][0]


def test_an_imported_classe_gets_its_year_of_the_cycle_from_its_code(in_alpha):
    fichier = preview(make_csv([row(), row(nom="DURAND", ine="2026A11111B", classe="TCIEL-A")]))
    import_apply(import_fichier=fichier, actor=None)
    assert dict(Classe.objects.values_list("code", "annee_cycle")) == {"1CIEL-A": 2, "TCIEL-A": 3}
