"""Fiches activités services: prepared for a classe, adjusted for one learner (whose copy wins), tasks of another
référentiel and centre periods refused, the learner's report with ticks, the formateur's check, the cut."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from entreprise import selectors_fiches as selectors
from entreprise.models_fiches import FicheActivites, FicheRealisation, FicheTache
from entreprise.services_fiches import (
    fiche_adjust_for,
    fiche_for,
    fiche_prepare,
    fiches_after_cut,
    realisation_check,
    realisation_save,
)
from entreprise.services_periodes import periode_couper
from referentiels.models import Tache

from .conftest import items


def test_the_formateur_prepares_a_fiche_for_the_classe(alpha, alternance, fiche, ciel):
    taches, criteres = items(ciel)
    with tenant_context(alpha):
        assert fiche.apprenant_id is None
        assert list(fiche.tache_links.values_list("tache_id", flat=True)) == taches
        assert list(fiche.critere_links.values_list("critere_id", flat=True)) == criteres
        assert fiche_for(alternance["lea"], alternance["periode"]) == fiche
        assert fiche_for(alternance["hugo"], alternance["periode"]) == fiche


def test_preparing_again_replaces_the_classe_fiche(alpha, alternance, fiche, personas, ciel):
    taches, _ = items(ciel, n_taches=5)
    with tenant_context(alpha):
        again = fiche_prepare(periode=alternance["periode"], titre="Autre titre", consignes="", tache_ids=taches[3:],
                              critere_ids=[], actor=personas["direction"])
        assert again.pk == fiche.pk and again.titre == "Autre titre"
        assert set(again.tache_links.values_list("tache_id", flat=True)) == set(taches[3:])
        assert not again.critere_links.exists()


def test_a_learners_adjusted_copy_wins_and_the_others_keep_the_classes(alpha, alternance, fiche, personas, ciel):
    taches, criteres = items(ciel, n_taches=6)
    with tenant_context(alpha):
        copie = fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=taches[4:6],
                                 critere_ids=criteres[:1], actor=personas["formateur"])
        assert copie.pk != fiche.pk and copie.apprenant == alternance["lea"] and copie.titre == fiche.titre
        assert fiche_for(alternance["lea"], alternance["periode"]) == copie
        assert fiche_for(alternance["hugo"], alternance["periode"]) == fiche
        assert set(copie.tache_links.values_list("tache_id", flat=True)) == set(taches[4:6])
        assert set(fiche.tache_links.values_list("tache_id", flat=True)) == set(taches[:3])
        # Adjusting again updates the same copy.
        again = fiche_adjust_for(fiche=copie, apprenant=alternance["lea"], tache_ids=taches[:1], critere_ids=[],
                                 actor=personas["formateur"])
        assert again.pk == copie.pk
        assert FicheActivites.objects.filter(periode=alternance["periode"]).count() == 2


def test_tasks_or_criteria_of_another_referentiel_are_refused(alpha, alternance, fiche, personas, ciel, tne):
    ciel_taches, _ = items(ciel)
    _, tne_criteres = items(tne)
    tne_taches = list(Tache.objects.filter(referentiel=tne).values_list("pk", flat=True)[:1])
    assert tne_criteres
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="critères choisis n'appartiennent pas au référentiel de la classe"):
            fiche_prepare(periode=alternance["periode"], titre="X", tache_ids=ciel_taches, critere_ids=tne_criteres,
                          actor=personas["formateur"])
        autre = tne_taches or [max(Tache.objects.values_list("pk", flat=True)) + 1000]
        with pytest.raises(ValidationError, match="tâches choisies n'appartiennent pas au référentiel de la classe"):
            fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=ciel_taches + autre,
                             critere_ids=[], actor=personas["formateur"])
        assert fiche.tache_links.count() == 3 and fiche.critere_links.count() == 2
        assert not FicheActivites.objects.filter(apprenant__isnull=False).exists()


def test_a_centre_period_an_empty_choice_and_other_people_are_refused(alpha, alternance, personas, ciel):
    taches, _ = items(ciel)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="période en entreprise"):
            fiche_prepare(periode=alternance["periode_centre"], titre="X", tache_ids=taches,
                          actor=personas["formateur"])
        with pytest.raises(ValidationError, match="au moins une tâche"):
            fiche_prepare(periode=alternance["periode"], titre="X", actor=personas["formateur"])
        for role in ("inspecteur", "tuteur", "apprenant"):
            with pytest.raises(ValidationError, match="formateurs de la classe"):
                fiche_prepare(periode=alternance["periode"], titre="X", tache_ids=taches, actor=personas[role])
        assert not FicheActivites.objects.exists()


def test_the_learner_writes_ticks_and_sends_and_may_change_until_checked(alpha, alternance, fiche, personas, ciel):
    taches, _ = items(ciel)
    lea = alternance["lea"]
    with tenant_context(alpha):
        brouillon = realisation_save(fiche=fiche, apprenant=lea, compte_rendu="J'ai tiré des câbles.",
                                     taches_realisees=taches[:1], rendre=False, actor=personas["apprenant"])
        assert brouillon.statut == FicheRealisation.Statut.BROUILLON
        rendue = realisation_save(fiche=fiche, apprenant=lea, compte_rendu="J'ai tiré et testé des câbles.",
                                  taches_realisees=taches[:2], rendre=True, actor=personas["apprenant"])
        assert rendue.pk == brouillon.pk and rendue.statut == FicheRealisation.Statut.RENDUE
        assert set(rendue.tache_links.values_list("tache_id", flat=True)) == set(taches[:2])
        # Still changeable once sent, until checked.
        realisation_save(fiche=fiche, apprenant=lea, compte_rendu="J'ai tiré et testé des câbles.",
                         taches_realisees=taches[1:3], rendre=True, actor=personas["apprenant"])
        checked = realisation_check(realisation=rendue, remarque="Bien, pensez aux mesures.",
                                    actor=personas["formateur"])
        assert checked.statut == FicheRealisation.Statut.VUE and checked.vue_par == personas["formateur"]
        with pytest.raises(ValidationError, match="déjà vérifié"):
            realisation_save(fiche=fiche, apprenant=lea, compte_rendu="Autre chose", taches_realisees=[],
                             rendre=True, actor=personas["apprenant"])
        with pytest.raises(ValidationError, match="déjà vérifié"):
            realisation_check(realisation=rendue, remarque="", actor=personas["formateur"])
        rendue.refresh_from_db()
        assert rendue.compte_rendu == "J'ai tiré et testé des câbles."
        assert set(rendue.tache_links.values_list("tache_id", flat=True)) == set(taches[1:3])


def test_ticking_a_task_not_in_the_fiche_is_refused_and_writes_nothing(alpha, alternance, fiche, personas, ciel):
    taches, _ = items(ciel, n_taches=5)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="tâches attendues"):
            realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="Fait.",
                             taches_realisees=[taches[0], taches[4]], rendre=True, actor=personas["apprenant"])
        assert not FicheRealisation.objects.exists()


def test_only_the_learner_writes_their_report_and_only_the_classe_staff_check_it(alpha, alternance, fiche, personas):
    with tenant_context(alpha):
        for who, apprenant in ((personas["tuteur"], alternance["lea"]), (personas["apprenant"], alternance["hugo"])):
            with pytest.raises(ValidationError):
                realisation_save(fiche=fiche, apprenant=apprenant, compte_rendu="x", rendre=False, actor=who)
        brouillon = realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="x", rendre=False,
                                     actor=personas["apprenant"])
        with pytest.raises(ValidationError, match="pas encore envoyé"):
            realisation_check(realisation=brouillon, remarque="", actor=personas["formateur"])
        with pytest.raises(ValidationError, match="formateurs de la classe"):
            realisation_check(realisation=brouillon, remarque="", actor=personas["tuteur"])
        with pytest.raises(ValidationError, match="Racontez"):
            realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu=" ", rendre=True,
                             actor=personas["apprenant"])


def test_a_begun_report_moves_to_the_learners_copy_and_keeps_its_ticks(alpha, alternance, fiche, personas, ciel):
    taches, _ = items(ciel, n_taches=5)
    with tenant_context(alpha):
        realisation = realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="x",
                                       taches_realisees=taches[:1], rendre=False, actor=personas["apprenant"])
        with pytest.raises(ValidationError, match="déjà cochée"):
            fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=taches[3:], critere_ids=[],
                             actor=personas["formateur"])
        with pytest.raises(ValidationError, match="déjà cochée"):
            fiche_prepare(periode=alternance["periode"], titre="X", tache_ids=taches[3:], actor=personas["formateur"])
        copie = fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=[taches[0], taches[4]],
                                 critere_ids=[], actor=personas["formateur"])
        realisation.refresh_from_db()
        assert realisation.fiche == copie
        with pytest.raises(ValidationError, match="ajusté"):
            realisation_save(fiche=fiche, apprenant=alternance["lea"], compte_rendu="x", rendre=False,
                             actor=personas["apprenant"])


def test_a_cut_copies_the_fiches_to_the_second_half_and_leaves_reports_on_the_first(alpha, alternance, fiche,
                                                                                    personas, ciel):
    taches, _ = items(ciel, n_taches=5)
    periode = alternance["periode"]
    with tenant_context(alpha):
        copie = fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=taches[3:5], critere_ids=[],
                                 actor=personas["formateur"])
        realisation_save(fiche=copie, apprenant=alternance["lea"], compte_rendu="x", taches_realisees=taches[3:4],
                         rendre=True, actor=personas["apprenant"])
        periode, suite = periode_couper(periode=periode, le=periode.debut + datetime.timedelta(days=7),
                                        actor=personas["formateur"])
        assert fiches_after_cut(periode, suite) == 0  # periode_couper copied both; twice changes nothing
        assert fiche_for(alternance["lea"], suite).tache_links.count() == 2
        assert fiche_for(alternance["hugo"], suite).titre == fiche.titre
        assert FicheTache.objects.filter(fiche__periode=suite).count() == 2 + 3
        assert FicheRealisation.objects.get().fiche == copie
        assert not FicheRealisation.objects.filter(fiche__periode=suite).exists()


def test_the_lists_run_a_constant_number_of_queries(alpha, alternance, fiche, personas, ciel,
                                                    django_assert_max_num_queries):
    from scolarite import services as scolarite

    from .conftest import RENTREE

    with tenant_context(alpha):
        selectors.periode_suivi(alternance["periode"])  # the schema's search_path is set once
        with django_assert_max_num_queries(4):
            suivi = selectors.periode_suivi(alternance["periode"])
        assert len(suivi["lignes"]) == 2
        for n in range(8):
            eleve = scolarite.apprenant_create(nom=f"Eleve{n}", prenom="X")
            scolarite.inscription_open(apprenant=eleve, classe=alternance["classe"], statut="apprenti",
                                       debut=RENTREE)
            fiche_adjust_for(fiche=fiche, apprenant=eleve, tache_ids=items(ciel)[0][:1], critere_ids=[],
                             actor=personas["formateur"])
        with django_assert_max_num_queries(4):
            suivi = selectors.periode_suivi(alternance["periode"])
        assert len(suivi["lignes"]) == 10
        with django_assert_max_num_queries(4):
            assert len(selectors.fiches_apprenant(alternance["lea"])) == 1
        with django_assert_max_num_queries(4):
            assert len(selectors.fiches_tuteur(personas["tuteur"])) == 1
