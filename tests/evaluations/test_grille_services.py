import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from evaluations.models import Echelle, Evaluation, Positionnement
from evaluations.selectors_grille import apprenant_resultats, cell_history, grille
from evaluations.services import echelle_version_create
from evaluations.services_grille import evaluation_record, evaluation_undo, positionnement_record
from tenants.models import Abonnement

from .conftest_grille import grille_data_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def record(d, valeur, *, apprenant=None, critere=None, auteur=None, vu=None, **kw):
    return evaluation_record(situation=d.situation, apprenant=apprenant or d.lea, critere=critere or d.criteres[0],
                             valeur=valeur, auteur=auteur or d.formateur, role="formateur", vu=vu, **kw)


def cell(d, apprenant=None, critere=None):
    g = grille(d.situation)
    apprenant, critere = apprenant or d.lea, critere or d.criteres[0]
    ligne = next(ligne for ligne in g.lignes if ligne.apprenant.pk == apprenant.pk)
    return next(c for c in ligne.cellules if c.colonne.pk == critere.pk).evaluation


def test_saving_a_level_appends_an_event_the_grid_shows(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        result = record(d, "s")
        assert not result.conflit and result.precedent is None
        assert cell(d).niveau.code == "S"
        second = record(d, "TS", vu=result.evaluation.pk)
        assert not second.conflit and second.precedent == result.evaluation
        assert Evaluation.objects.count() == 2  # append-only: the first event is still there
        assert cell(d).niveau.code == "TS"


def test_special_states_and_clearing_are_events_too(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        a = record(d, "ABS").evaluation
        assert a.etat.code == "ABS" and a.niveau is None
        b = record(d, "", vu=a.pk).evaluation
        assert b.etat is None and b.niveau is None
        assert cell(d).pk == b.pk
        assert [e.pk for e in cell_history(d.situation, d.lea, d.criteres[0])] == [b.pk, a.pk]


def test_undo_appends_an_event_restoring_the_state_before(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        first = record(d, "RP", commentaire="bon début").evaluation
        second = record(d, "S", vu=first.pk).evaluation
        undone = evaluation_undo(evaluation=second, auteur=d.formateur).evaluation
        assert undone.niveau.code == "RP" and undone.commentaire == "bon début"
        again = evaluation_undo(evaluation=undone, auteur=d.formateur).evaluation
        assert again.niveau.code == "S"
        assert Evaluation.objects.count() == 4


def test_undoing_a_first_save_leaves_an_empty_cell(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        first = record(d, "S").evaluation
        undone = evaluation_undo(evaluation=first, auteur=d.formateur).evaluation
        assert undone.niveau is None and undone.etat is None


def test_it_refuses_to_undo_a_save_someone_has_since_overwritten(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        first = record(d, "S").evaluation
        record(d, "NR", auteur=d.collegue, vu=first.pk)
        with pytest.raises(ValidationError):
            evaluation_undo(evaluation=first, auteur=d.formateur)


def test_two_formateurs_saving_the_same_cell_both_leave_an_event_and_the_second_is_told(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        seen = record(d, "NR").evaluation
        one = record(d, "S", vu=seen.pk, auteur=d.formateur)
        two = record(d, "RP", vu=seen.pk, auteur=d.collegue)
        assert not one.conflit
        assert two.conflit and two.precedent == one.evaluation
        assert Evaluation.objects.filter(apprenant=d.lea).count() == 3
        assert cell(d).niveau.code == "RP"


def test_it_refuses_unknown_codes_learners_outside_the_situation_and_criteria_outside_the_scenario(
        alpha, grille_data, ciel):
    d = grille_data
    from referentiels.models import Critere

    with tenant_context(alpha):
        other = Critere.objects.filter(referentiel=ciel).exclude(pk__in=[c.pk for c in d.criteres]).first()
        for kwargs in ({"valeur": "ZZ"}, {"valeur": "S", "apprenant": d.zoe}, {"valeur": "S", "critere": other}):
            with pytest.raises(ValidationError):
                record(d, **kwargs)
        assert not Evaluation.objects.exists()


def test_it_refuses_to_save_when_the_subscription_has_lapsed(alpha, grille_data):
    d = grille_data
    Abonnement.objects.filter(etablissement=alpha).update(statut=Abonnement.Statut.ANNULE)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="abonnement"):
            record(d, "S")


def test_an_event_keeps_its_level_after_the_scale_gets_a_new_version(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        before = record(d, "S").evaluation
        echelle = Echelle.objects.get(code="performance")
        echelle_version_create(echelle=echelle, actor=d.formateur, niveaux=[
            {"code": "A", "motif": "vide", "libelle": "Insuffisant", "couleur": "#b3261e", "valeur": 0},
            {"code": "B", "motif": "quart", "libelle": "Fragile", "couleur": "#f6b26b", "valeur": 1},
            {"code": "C", "motif": "moitie", "libelle": "Correct", "couleur": "#a8d5a2", "valeur": 2},
            {"code": "D", "motif": "trois_quarts", "libelle": "Très bien", "couleur": "#18753c", "valeur": 3},
            {"code": "E", "motif": "plein", "libelle": "Excellent", "couleur": "#18753c", "valeur": 4},
        ], etats=[{"code": "NO", "libelle": "Non observé"}])
        with pytest.raises(ValidationError):
            record(d, "S", apprenant=d.hugo)  # the old code is not in the current version
        after = record(d, "E", apprenant=d.hugo).evaluation
        shown = cell(d)
        assert (shown.pk, shown.niveau.code, shown.niveau.libelle, shown.niveau.valeur) == (
            before.pk, "S", "Satisfaisante", 2)
        assert shown.niveau.version.numero == 1 and after.niveau.version.numero == 2
        assert [t["code"] for t in grille(d.situation).touches][:5] == ["A", "B", "C", "D", "E"]


def test_entry_per_whole_competency_uses_the_competency_scale(alpha, grille_data):
    d = grille_data
    from .conftest_grille import situation_build

    with tenant_context(alpha):
        situation = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=3,
                                    par_competence=True)
        g = grille(situation)
        competence = g.colonnes[0]
        result = evaluation_record(situation=situation, apprenant=d.lea, competence=competence, valeur="B",
                                   auteur=d.formateur)
        assert result.evaluation.niveau.version.echelle.portee == "competence"
        assert grille(situation).lignes[0].cellules[0].evaluation.pk == result.evaluation.pk
        with pytest.raises(ValidationError):
            evaluation_record(situation=situation, apprenant=d.lea, competence=competence, valeur="S",
                              auteur=d.formateur)


def test_a_learner_positions_themself_beside_the_formateur_without_replacing_it(alpha, grille_data):
    d = grille_data
    with tenant_context(alpha):
        record(d, "RP")
        positionnement_record(apprenant=d.lea, situation=d.situation, critere=d.criteres[0], valeur="TS",
                              auteur=d.personas["apprenant"])
        (resultat,) = apprenant_resultats(d.lea)
        first = resultat.criteres[0]
        assert first.evaluation.niveau.code == "RP" and first.positionnement.niveau.code == "TS"
        with pytest.raises(ValidationError):
            positionnement_record(apprenant=d.hugo, situation=d.situation, critere=d.criteres[0], valeur="S",
                                  auteur=d.personas["apprenant"])
        assert Positionnement.objects.count() == 1
    connection.set_schema_to_public()


def test_the_learner_view_lists_formative_situations_only(alpha, grille_data):
    d = grille_data
    from .conftest_grille import situation_build

    with tenant_context(alpha):
        certif = situation_build(classe=d.classe, auteur=d.formateur, ciel=d.ciel, n_criteres=2,
                                 nature="certificative", titre="CCF")
        evaluation_record(situation=certif, apprenant=d.lea, critere=certif.scenario.critere_links.first().critere,
                          valeur="TS", auteur=d.formateur)
        assert [r.situation.pk for r in apprenant_resultats(d.lea)] == [d.situation.pk]
