"""The CCF grid's services: barème, proposed grade on hand-worked cases, locking, versions (docs/ccf.md)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from evaluations.models_ccf import GrilleCCF, GrilleCCFLigne
from evaluations.selectors_ccf import bareme_par_defaut, calcul_of, grille_vue, situation_grilles, valeur_of
from evaluations.services_ccf import (
    grille_ccf_bareme_set,
    grille_ccf_lock,
    grille_ccf_new_version,
    grille_ccf_save,
    grilles_ccf_create,
)

from .test_ccf_data import ccf_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def grille_of(w, apprenant) -> GrilleCCF:
    return GrilleCCF.objects.filter(situation=w.situation, apprenant=apprenant).order_by("-numero").first()


def pks(w) -> dict[str, int]:
    return {code: c.pk for code, c in w.competences.items()}


def test_the_default_bareme_shares_twenty_points_equally_and_sums_exactly():
    assert bareme_par_defaut([1, 2, 3]) == {1: Decimal("6.66"), 2: Decimal("6.67"), 3: Decimal("6.67")}
    assert sum(bareme_par_defaut([1, 2, 3]).values()) == Decimal(20)
    assert bareme_par_defaut([1, 2, 3, 4]) == {c: Decimal("5.00") for c in (1, 2, 3, 4)}
    assert bareme_par_defaut([1, 2, 3, 4, 5, 6, 7])[1] == Decimal("2.84")  # 2.86 × 7 = 20.02
    assert valeur_of(1, 4) == 0 and valeur_of(2, 4) == Fraction(1, 3) and valeur_of(4, 4) == 1


def test_preparing_the_grids_gives_each_learner_the_epreuves_competencies_and_the_default_bareme(ccf):
    with tenant_context(ccf.alpha):
        grilles = grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        assert {g.apprenant_id for g in grilles} == {ccf.lea.pk, ccf.hugo.pk}
        lignes = list(grille_of(ccf, ccf.lea).lignes.select_related("competence"))
        assert [ligne.competence.code for ligne in lignes] == ["C03", "C07", "C11"]
        assert [ligne.points for ligne in lignes] == [Decimal("6.66"), Decimal("6.67"), Decimal("6.67")]
        assert grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur) == []  # nothing twice
        assert grille_of(ccf, ccf.lea).session == str(ccf.situation.date.year + (ccf.situation.date.month >= 9))


def test_the_proposed_grade_weighs_levels_by_the_bareme_on_hand_worked_cases(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = grille_of(ccf, ccf.lea)
        grille_ccf_bareme_set(grille=grille, points={c["C03"]: "8", c["C07"]: "6", c["C11"]: "6"}, actor=ccf.formateur)
        # BM on C03 (8 × 1), M on C07 (6 × 2/3 = 4), NM on C11 (0): 12 points of 20 → 12.0
        grille_ccf_save(grille=grille, niveaux={c["C03"]: "BM", c["C07"]: "M", c["C11"]: "NM"}, actor=ccf.formateur)
        calcul = grille_vue(grille).calcul
        assert (calcul.obtenus, calcul.note_calculee) == (Decimal("12.00"), Decimal("12.0"))
        # A plain mean of levels would give (1 + 2/3 + 0) / 3 × 20 = 11.1: the barème makes it 12.
        # NE on C11: out of the grade, brought back to 20 over 14 points: 12 / 14 × 20 = 17.14… → 17.1
        grille_ccf_save(grille=grille, niveaux={c["C11"]: "NE"}, actor=ccf.formateur)
        assert calcul_of(grille).note_calculee == Decimal("17.1")
        # IM everywhere: 1/3 of everything → 6.666… → 6.7 (half up to the tenth)
        grille_ccf_save(grille=grille, niveaux={k: "IM" for k in c.values()}, actor=ccf.formateur)
        assert calcul_of(grille).note_calculee == Decimal("6.7")
        # Adjusted by the commission: +1.5, justified
        grille_ccf_save(grille=grille, ajustement="1,5", justification="Oral très solide.", actor=ccf.formateur)
        assert grille_vue(GrilleCCF.objects.get(pk=grille.pk)).note_proposee == Decimal("8.2")


def test_an_adjustment_beyond_two_points_or_unjustified_is_refused_and_nothing_is_written(ccf):
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = grille_of(ccf, ccf.lea)
        with pytest.raises(ValidationError, match="± 2 points"):
            grille_ccf_save(grille=grille, ajustement="2,5", justification="Trop", actor=ccf.formateur)
        with pytest.raises(ValidationError, match="Justifiez"):
            grille_ccf_save(grille=grille, ajustement="1", numero_candidat="0123", actor=ccf.formateur)
        grille.refresh_from_db()
        assert (grille.ajustement, grille.numero_candidat) == (0, "")


def test_the_bareme_is_refused_once_a_level_is_chosen_and_when_it_is_not_a_number(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = grille_of(ccf, ccf.lea)
        with pytest.raises(ValidationError, match="nombres"):
            grille_ccf_bareme_set(grille=grille, points={c["C03"]: "dix", c["C07"]: "5", c["C11"]: "5"},
                                  actor=ccf.formateur)
        with pytest.raises(ValidationError, match="au moins une"):
            grille_ccf_bareme_set(grille=grille, points={k: "0" for k in c.values()}, actor=ccf.formateur)
        grille_ccf_save(grille=grille, niveaux={c["C03"]: "M"}, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="avant de remplir"):
            grille_ccf_bareme_set(grille=grille, points={k: "5" for k in c.values()}, actor=ccf.formateur)


def test_an_unknown_level_code_is_refused(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="Niveau inconnu"):
            grille_ccf_save(grille=grille_of(ccf, ccf.lea), niveaux={c["C03"]: "TB"}, actor=ccf.formateur)


def fill_and_lock(w, apprenant, niveaux=("M", "BM", "IM")) -> GrilleCCF:
    c = pks(w)
    grille = grille_of(w, apprenant)
    grille_ccf_save(grille=grille, niveaux=dict(zip(c.values(), niveaux, strict=True)), numero_candidat="02468",
                    commission="Mme Roux — professeure\nM. Blanc — professionnel", actor=w.formateur)
    return grille_ccf_lock(grille=grille, actor=w.formateur)


def test_locking_needs_every_competency_and_freezes_the_proposed_grade_with_who_and_when(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = grille_of(ccf, ccf.lea)
        grille_ccf_save(grille=grille, niveaux={c["C03"]: "M"}, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="C07, C11"):
            grille_ccf_lock(grille=grille, actor=ccf.formateur)
        grille_ccf_save(grille=grille, niveaux={c["C07"]: "NE", c["C11"]: "NE", c["C03"]: "NE"}, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="Aucune compétence n'est évaluée"):
            grille_ccf_lock(grille=grille, actor=ccf.formateur)
        grille = fill_and_lock(ccf, ccf.lea)
        # 6.66 × 2/3 + 6.67 × 1 + 6.67 × 1/3 = 4.44 + 6.67 + 2.2233… = 13.33… / 20 → 13.3
        assert (grille.note_calculee, grille.note_proposee) == (Decimal("13.3"), Decimal("13.3"))
        assert grille.verrouillee_par == ccf.formateur and grille.verrouillee_le is not None
        assert AuditEvent.objects.filter(action="grille_ccf_verrouillee").count() == 1


def test_a_locked_grid_refuses_every_edit_in_the_services_and_in_the_database(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = fill_and_lock(ccf, ccf.lea)
        with pytest.raises(ValidationError, match="verrouillée"):
            grille_ccf_save(grille=grille, niveaux={c["C03"]: "BM"}, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="verrouillée"):
            grille_ccf_lock(grille=grille, actor=ccf.formateur)
        for write in (lambda: GrilleCCF.objects.filter(pk=grille.pk).update(commentaire="réécrit"),
                      lambda: GrilleCCFLigne.objects.filter(grille=grille).update(niveau=None),
                      lambda: GrilleCCFLigne.objects.filter(grille=grille).delete(),
                      lambda: GrilleCCFLigne.objects.create(grille=grille, competence=ccf.ciel.competences.get(
                          code="C01"), points=1),
                      lambda: GrilleCCF.objects.filter(pk=grille.pk).delete()):
            with pytest.raises((InternalError, IntegrityError), match="verrouillée"), transaction.atomic():
                write()
        assert GrilleCCFLigne.objects.filter(grille=grille, niveau__isnull=False).count() == 3
    connection.set_schema_to_public()


def test_a_new_version_needs_a_reason_and_keeps_the_locked_one_untouched(ccf):
    c = pks(ccf)
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        v1 = fill_and_lock(ccf, ccf.lea)
        for motif in ("", "   "):
            with pytest.raises(ValidationError, match="raison"):
                grille_ccf_new_version(grille=v1, motif=motif, actor=ccf.formateur)
        v2 = grille_ccf_new_version(grille=v1, motif="Erreur de saisie sur C07.", actor=ccf.collegue)
        assert (v2.numero, v2.remplace_id, v2.verrouillee, v2.numero_candidat) == (2, v1.pk, False, "02468")
        grille_ccf_save(grille=v2, niveaux={c["C07"]: "M"}, actor=ccf.collegue)
        grille_ccf_lock(grille=v2, actor=ccf.collegue)
        v1.refresh_from_db()
        assert v1.note_proposee == Decimal("13.3") and v1.lignes.get(competence_id=c["C07"]).niveau.code == "BM"
        with pytest.raises(ValidationError, match="plus récente"):
            grille_ccf_new_version(grille=v1, motif="Encore", actor=ccf.formateur)
        rang = next(r for r in situation_grilles(ccf.situation) if r.apprenant.pk == ccf.lea.pk)
        assert (rang.grille.pk, rang.versions) == (v2.pk, 2)
        audit = AuditEvent.objects.get(action="grille_ccf_nouvelle_version")
        assert audit.details["motif"] == "Erreur de saisie sur C07."


def test_a_draft_cannot_get_a_new_version_and_only_one_draft_exists_per_learner(ccf):
    with tenant_context(ccf.alpha):
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        grille = grille_of(ccf, ccf.lea)
        with pytest.raises(ValidationError, match="pas verrouillée"):
            grille_ccf_new_version(grille=grille, motif="Pourquoi pas", actor=ccf.formateur)


def test_only_the_formateurs_of_the_classe_write_and_only_on_certificative_situations(ccf):
    with tenant_context(ccf.alpha):
        for actor in (ccf.autre_formateur, ccf.personas["direction"], ccf.personas["inspecteur"]):
            with pytest.raises(ValidationError, match="Seuls les formateurs"):
                grilles_ccf_create(situation=ccf.situation, actor=actor)
        with pytest.raises(ValidationError, match="certificative"):
            grilles_ccf_create(situation=ccf.formative, actor=ccf.formateur)
        grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur)
        with pytest.raises(ValidationError, match="Seuls les formateurs"):
            grille_ccf_save(grille=grille_of(ccf, ccf.lea), commentaire="x", actor=ccf.autre_formateur)
        with pytest.raises(ValidationError, match="pas concerné"):
            grilles_ccf_create(situation=ccf.situation, actor=ccf.formateur, apprenants=[ccf.zoe])
        assert GrilleCCF.objects.count() == 2
