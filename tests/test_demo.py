"""The demo that `make run` seeds: only on the embedded default, idempotent, one account per role."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User
from demo.services import DEMO_OPERATOR, DEMO_PASSWORD, DEMO_PEOPLE, demo_seed
from tenants.models import Etablissement


def test_the_demo_has_one_account_per_role_and_an_operator_and_can_be_seeded_twice(public, settings):
    settings.CPRO_BASE_DOMAIN = "localhost"
    demo_seed()
    demo_seed()
    demo = Etablissement.objects.get(schema_name="demo")
    assert demo.domains.get().domain == "demo.localhost"
    assert User.objects.get(email=DEMO_OPERATOR).roles == ["operateur"]
    with tenant_context(demo):
        for email, roles, *_ in DEMO_PEOPLE:
            user = User.objects.get(email=email)
            assert user.roles == roles and user.check_password(DEMO_PASSWORD)
        assert User.objects.count() == len(DEMO_PEOPLE)
    connection.set_schema_to_public()


def test_the_demo_school_comes_from_the_fixture_import_and_a_second_seed_changes_nothing(public, settings):
    from accounts.models import AuditEvent
    from entreprise.models import Contrat, Entreprise, Tuteur
    from scolarite.models import Apprenant, Classe, ImportFichier, Inscription
    from tenants.selectors import abonnement_couverture

    def state():
        with tenant_context(demo):
            result = (Classe.objects.count(), Apprenant.objects.count(), Inscription.objects.count(),
                      Entreprise.objects.count(), Tuteur.objects.count(), Contrat.objects.count(),
                      ImportFichier.objects.count(), AuditEvent.objects.count())
        connection.set_schema_to_public()
        return result

    demo = demo_seed()
    couverture = abonnement_couverture(demo)
    assert couverture.referentiel_codes >= {"BACPRO-CIEL", "2TNE"} and couverture.abonnement.statut == "paye"
    first = state()
    assert first[:7] == (3, 24, 24, 6, 11, 19, 1)
    demo_seed()
    assert state() == first
    with tenant_context(demo):
        assert ImportFichier.objects.get().statut == ImportFichier.Statut.APPLIQUE
        lea = Apprenant.objects.get(user__email="apprenti@demo.cpro.local")
        assert (lea.prenom, lea.nom, lea.inscriptions.get().classe.code) == ("Léa", "DUPONT", "1CIEL-A")
        jean = Tuteur.objects.get(user__email="tuteur@demo.cpro.local")
        assert (jean.prenom, jean.nom) == ("Jean", "MOREAU") and lea.contrats.get().tuteurs.get() == jean
        formateur = User.objects.get(email="formateur@demo.cpro.local")
        assert set(formateur.classes_enseignees.values_list("code", flat=True)) == {"1CIEL-A", "TCIEL-A", "1CIEL-B"}
    connection.set_schema_to_public()


def test_the_demo_has_a_company_period_a_journal_with_a_photo_a_visit_and_a_confirmed_bilan(public, settings,
                                                                                             media_root, client):
    from entreprise.models import BilanEntreprise, EntreeJournal, FicheRealisation, Periode, Preuve, Visite
    from entreprise.selectors import tuteur_accueil

    demo = demo_seed()
    with tenant_context(demo):
        assert Periode.objects.filter(classe__code="1CIEL-A", lieu="entreprise").count() == 1
        statuts = sorted(EntreeJournal.objects.filter(apprenant__user__email="apprenti@demo.cpro.local")
                         .values_list("statut", flat=True))
        assert statuts[:2] == ["a_valider", "a_valider"] and statuts.count("validee") == 2
        preuve = Preuve.objects.get()
        assert preuve.type_mime == "image/jpeg" and preuve.fichier.storage.exists(preuve.fichier.name)
        assert Visite.objects.get().contrat.apprenant.prenom == "Léa"
        assert FicheRealisation.objects.get(apprenant__user__email="apprenti@demo.cpro.local").statut == "rendue"
        assert len(set(EntreeJournal.objects.values_list("date", flat=True))) == EntreeJournal.objects.count()
        accueil = tuteur_accueil(User.objects.get(email="tuteur@demo.cpro.local"))
        assert sum(c.journal_a_valider for c in accueil) == 2
        bilan = BilanEntreprise.objects.get()
        assert bilan.valide and not bilan.confirme_tuteur_papier and bilan.tuteur.user.email == "tuteur@demo.cpro.local"
        assert sorted(e.niveau.code if e.niveau else e.etat.code for e in bilan.evaluations.all()) == ["A", "ECA", "NV"]
        assert {e.lieu for e in bilan.evaluations.all()} == {"entreprise"}
    connection.set_schema_to_public()


def test_the_demo_is_never_seeded_outside_the_embedded_default(public, settings):
    settings.CPRO_EMBEDDED = False
    with pytest.raises(SystemExit):
        call_command("seed_demo")
    assert not Etablissement.objects.filter(schema_name="demo").exists()


def test_the_demo_loads_every_transcribed_referentiel_once(public, settings):
    from referentiels.models import Critere, Referentiel

    demo_seed()
    assert set(Referentiel.objects.values_list("code", flat=True)) >= {"BACPRO-CIEL", "2TNE"}
    criteres = Critere.objects.count()
    demo_seed()
    assert Critere.objects.count() == criteres


def test_the_demo_has_scenarios_and_evaluated_situations_built_through_the_services(public, settings, media_root):
    from evaluations.models import CommentaireApprenant, Evaluation, Positionnement, Scenario, Situation
    from evaluations.selectors_grille import apprenant_resultats, cell_history
    from scolarite.models import Apprenant

    demo = demo_seed()
    demo_seed()
    with tenant_context(demo):
        # two TP scenarios (demo/pedagogie.py) and the CCF (demo/ccf.py)
        assert Scenario.objects.count() == 3 and Situation.objects.count() == 3
        reseau = Scenario.objects.get(titre__startswith="Installer")
        assert reseau.tache_links.count() == 3 and reseau.ressources.get().nom == "fiche-tp-reseau-agence.txt"
        assert reseau.critere_links.exclude(indicateurs_reussite="").count() == 3
        assert {link.critere.competence.code for link in reseau.critere_links.select_related("critere__competence")
                } == {"C09", "C10"}
        lea = Apprenant.objects.get(user__email="apprenti@demo.cpro.local")
        assert Evaluation.objects.filter(apprenant=lea, lieu="centre").count() == 7  # six cells and one correction
        assert Evaluation.objects.filter(lieu="centre").count() == 37
        situation = reseau.situations.get()
        corrected = cell_history(situation, lea, critere=reseau.critere_links.order_by("rang")[2].critere)
        assert [e.niveau.code for e in corrected] == ["S", "RP"] and corrected[0].commentaire
        assert Evaluation.objects.filter(etat__code="ABS").count() == 6
        assert Positionnement.objects.filter(apprenant=lea).count() == 4
        assert CommentaireApprenant.objects.filter(apprenant=lea).exists()
        (resultat,) = apprenant_resultats(lea, situation_pk=situation.pk)
        assert resultat.commentaire and sum(1 for c in resultat.criteres if c.positionnement) == 4
    connection.set_schema_to_public()


def test_the_demo_has_two_validated_bilans_per_learner_of_the_evaluated_classe(public, settings, media_root):
    from bilans.models import Bilan
    from scolarite.models import Apprenant

    demo = demo_seed()
    with tenant_context(demo):
        bilans = list(Bilan.objects.filter(classe__code="1CIEL-A").order_by("apprenant_id", "date"))
        par_apprenant = {}
        for bilan in bilans:
            par_apprenant.setdefault(bilan.apprenant_id, []).append(bilan)
        assert par_apprenant and all(len(b) == 2 and all(x.valide for x in b) for b in par_apprenant.values())
        assert all(b[1].remplace == b[0] for b in par_apprenant.values())  # the second supersedes the first
        lea = Apprenant.objects.get(user__email="apprenti@demo.cpro.local")
        ligne = par_apprenant[lea.pk][1].lignes.select_related("niveau", "competence").get(competence__code="C10")
        assert ligne.niveau.code == "IM" and "Pare-feu" in ligne.commentaire
    connection.set_schema_to_public()


def test_the_demo_has_a_graded_period_made_through_the_services(public, settings, media_root):
    from bilans.models import Note

    demo = demo_seed()
    with tenant_context(demo):
        finale = Note.objects.select_related("bilan__apprenant", "finalisee_par").get(finalisee_le__isnull=False)
        assert finale.bilan.apprenant.user.email == "apprenti@demo.cpro.local"
        assert finale.ajustement == Decimal("1.5") and finale.justification
        assert finale.note_finale == min(finale.valeur_calculee + Decimal("1.5"), 20)
        assert finale.finalisee_par.email == "formateur@demo.cpro.local"
        # the same weights were proposed to the classmates with the same evaluated competencies
        assert Note.objects.filter(finalisee_le__isnull=True).exists()
        assert finale.bilan.date == Note.objects.filter(finalisee_le__isnull=True).first().bilan.date
    demo_seed()  # again: nothing more
    with tenant_context(demo):
        assert Note.objects.filter(finalisee_le__isnull=False).count() == 1
    connection.set_schema_to_public()
