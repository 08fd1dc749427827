"""The period grade (services and selectors): default weights from the épreuves' coefficients, the level-to-value
mapping and rounding, weights summing to 100, the ±2 adjustment and its justification, who and when, applying the
weights to the same-profile learners, redoing a grade, freezing in the database.

Bac pro CIEL (fixtures/referentiels/bacpro-ciel.yaml): E2 coefficient 5 (C03, C07, C11), E31 coefficient 5 (C06,
C09, C10), E32 coefficient 3 (C01, C04, C08); C02 and C05 are in no épreuve. So each competency of E2 and E31
weighs 5/3, each of E32 weighs 1, and C02 and C05 the smallest share, 1."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from bilans.models import Bilan, Note, NotePoids
from bilans.selectors_notes import AJUSTEMENT_REFUS, note_calcul, note_page, notes_finales_of, poids_par_defaut
from bilans.services import bilan_create, bilan_ligne_set, bilan_validate
from bilans.services_notes import note_enregistrer, note_finalise, note_poids_set, notes_appliquer
from tenants.models import Abonnement

from .conftest import TODAY, learners_add

pytestmark = pytest.mark.django_db
D = Decimal


def bilan_valide(m, apprenant, niveaux: dict[str, str], *, date=TODAY, valider=True, auteur=None) -> Bilan:
    """A bilan of `apprenant` with these levels (competency code → level code), every other competency NE;
    validated unless told. Run in alpha."""
    auteur = auteur or m.formateur
    bilan = bilan_create(apprenant=apprenant, date=date, actor=auteur)
    for ligne in bilan.lignes.select_related("competence"):
        if ligne.competence.code in niveaux:
            bilan_ligne_set(ligne=ligne, niveau_code=niveaux[ligne.competence.code], commentaire=None, actor=auteur)
    return bilan_validate(bilan=bilan, actor=auteur) if valider else bilan


def poids(m, **par_code) -> dict[int, Decimal]:
    return {m.competences[code].pk: D(str(valeur)) for code, valeur in par_code.items()}


def par_code(m, poids_par_pk) -> dict[str, Decimal]:
    codes = {c.pk: code for code, c in m.competences.items()}
    return {codes[pk]: p for pk, p in poids_par_pk.items()}


def writes(alpha) -> tuple[int, int, int]:
    with tenant_context(alpha):
        return Note.objects.count(), NotePoids.objects.count(), AuditEvent.objects.filter(
            action__startswith="note_periode").count()


# --- Weights from the coefficients -------------------------------------------------------------------------------

def test_default_weights_share_each_epreuves_coefficient_among_its_competencies(alpha, monde):
    m = monde
    tout = [m.competences[f"C{i:02d}"].pk for i in range(1, 12)]
    defaut = par_code(m, poids_par_defaut(m.ciel.pk, tout))
    # 6 × 5/3 + 3 × 1 + 2 × 1 (C02, C05: the smallest share) = 15: 5/3 → 11.111…, 1 → 6.666…; the rounded weights
    # sum to 100.01, so the largest first one (C03) gives back the hundredth.
    assert defaut == {"C01": D("6.67"), "C02": D("6.67"), "C03": D("11.10"), "C04": D("6.67"), "C05": D("6.67"),
                      "C06": D("11.11"), "C07": D("11.11"), "C08": D("6.67"), "C09": D("11.11"), "C10": D("11.11"),
                      "C11": D("11.11")}
    assert sum(defaut.values()) == D("100.00")


def test_default_weights_are_renormalised_over_the_evaluated_competencies_only(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})  # the nine others stay NE
        page = note_page(bilan)
    assert [ligne.competence.code for ligne in page.lignes] == ["C01", "C03"]
    assert len(page.non_evaluees) == 9
    assert par_code(m, page.defaut) == {"C03": D("62.50"), "C01": D("37.50")}  # 5/3 and 1 over 8/3


def test_a_competency_in_no_epreuve_gets_the_smallest_share_and_the_remainder_goes_to_the_largest(alpha, monde):
    m = monde
    ids = [m.competences[code].pk for code in ("C01", "C02", "C03")]
    # 1, 1, 5/3 over 11/3: 27.27…, 27.27…, 45.45… → 27.27 + 27.27 + 45.45 = 99.99, C03 gets the hundredth.
    assert par_code(m, poids_par_defaut(m.ciel.pk, ids)) == {"C01": D("27.27"), "C02": D("27.27"),
                                                             "C03": D("45.46")}


# --- The grade ---------------------------------------------------------------------------------------------------

def test_the_grade_maps_the_levels_by_rank_and_weighs_them(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M", "C02": "M"})
        note = note_poids_set(bilan=bilan, actor=m.formateur)
        # BM 1, M 2/3: 20 × (45.46 × 1 + 27.27 × 2/3 + 27.27 × 2/3) / 100 = 16.364 → 16.4
        assert note.valeur_calculee == D("16.4") and not note.finalisee
        assert par_code(m, {p.competence_id: p.poids for p in note.poids.all()}) == {
            "C01": D("27.27"), "C02": D("27.27"), "C03": D("45.46")}
        assert note.note_finale is None and note.finalisee_par is None


def test_the_live_calculation_gives_the_grade_the_weights_would_record_and_writes_nothing(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M", "C02": "M"})
        page, avant = note_page(bilan), writes(alpha)
        calcul = note_calcul(page, dict(page.defaut), [], D("1.5"))
        assert (calcul.total, calcul.valeur, calcul.finale, calcul.erreurs) == (D(100), D("16.4"), D("17.9"), [])
        assert note_calcul(page, dict(page.defaut), [], D("2.5")).erreurs == [AJUSTEMENT_REFUS]
        bancal = note_calcul(page, poids(m, C01=50, C02=30, C03=10), [], D(0))
        assert bancal.total == D(90) and bancal.valeur is None and bancal.erreurs
        assert writes(alpha) == avant


def test_the_grade_page_writes_only_through_its_three_actions(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M", "C02": "M"})
        with pytest.raises(ValidationError, match="Action inconnue"):
            note_enregistrer(bilan=bilan, action="supprimer", poids={}, ajustement=D(0), justification="",
                             vu=None, actor=m.formateur)
        assert writes(alpha) == (0, 0, 0)
        note = note_enregistrer(bilan=bilan, action="finaliser", poids=dict(note_page(bilan).defaut),
                                ajustement=D("-1"), justification="Oral hésitant", vu=0, actor=m.formateur)
        assert note.note_finale == D("15.4") and note.finalisee_par == m.formateur


def test_the_grade_is_rounded_half_up_to_the_tenth(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "NM"})
        # 20 × 61.25 % = 12.25 exactly: half up gives 12.3 (not the banker's 12.2)
        assert note_poids_set(bilan=bilan, poids=poids(m, C03="61.25", C01="38.75"),
                              actor=m.formateur).valeur_calculee == D("12.3")
        # every level M: 20 × 2/3 = 13.33… → 13.3, whatever the weights
        autre = bilan_valide(m, m.hugo, {"C03": "M", "C01": "M", "C06": "M"})
        assert note_poids_set(bilan=autre, poids=poids(m, C03="10", C01="20", C06="70"),
                              actor=m.formateur).valeur_calculee == D("13.3")


def test_weights_that_do_not_sum_to_100_are_refused_and_nothing_is_written(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
    avant = writes(alpha)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="Les poids totalisent 99,00 % : ils doivent faire 100 %"):
            note_poids_set(bilan=bilan, poids=poids(m, C03=60, C01=39), actor=m.formateur)
        with pytest.raises(ValidationError, match="totalisent 100,02 %"):
            note_finalise(bilan=bilan, poids=poids(m, C03="62.51", C01="37.51"), actor=m.formateur)
        with pytest.raises(ValidationError, match="compétences évaluées du bilan, et elles seules"):
            note_poids_set(bilan=bilan, poids=poids(m, C03=50, C01=40, C06=10), actor=m.formateur)
        with pytest.raises(ValidationError, match="entre 0 et 100"):
            note_poids_set(bilan=bilan, poids=poids(m, C03=110, C01=-10), actor=m.formateur)
    assert writes(alpha) == avant
    with tenant_context(alpha):  # within a hundredth of 100 is fine
        assert note_poids_set(bilan=bilan, poids=poids(m, C03="62.51", C01="37.50"), actor=m.formateur).pk


def test_a_bilan_with_no_evaluated_competency_has_no_grade(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {})
        with pytest.raises(ValidationError, match="Aucune compétence n'est évaluée"):
            note_finalise(bilan=bilan, actor=m.formateur)


# --- Finalising: ±2, justification, who and when ------------------------------------------------------------------

def test_the_adjustment_is_bounded_to_two_points_and_nothing_is_written_beyond(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        note_poids_set(bilan=bilan, actor=m.formateur)  # a proposal, to see it is left as it was
    avant = writes(alpha)
    with tenant_context(alpha):
        for ajustement in ("2.5", "-2.5", "2.01"):
            with pytest.raises(ValidationError) as refus:
                note_finalise(bilan=bilan, ajustement=D(ajustement), justification="Très bon oral.",
                              poids=poids(m, C03=50, C01=50), actor=m.formateur)
            assert refus.value.messages == ["L'ajustement est limité à ± 2 points."]
        with pytest.raises(ValidationError, match="au dixième de point"):
            note_finalise(bilan=bilan, ajustement=D("1.55"), justification="Très bon oral.", actor=m.formateur)
    assert writes(alpha) == avant
    with tenant_context(alpha):
        assert Note.objects.get().valeur_calculee == D("17.5")  # the proposal's weights are untouched
        note = note_finalise(bilan=bilan, ajustement=D("-2.0"), justification="Absences répétées.",
                             actor=m.formateur)
        assert (note.valeur_calculee, note.ajustement, note.note_finale) == (D("17.5"), D("-2"), D("15.5"))


def test_an_adjustment_needs_a_justification_and_zero_does_not(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
    avant = writes(alpha)
    with tenant_context(alpha):
        for blanc in ("", "   "):
            with pytest.raises(ValidationError, match="la justification est obligatoire"):
                note_finalise(bilan=bilan, ajustement=D("1.5"), justification=blanc, actor=m.formateur)
    assert writes(alpha) == avant
    with tenant_context(alpha):
        note = note_finalise(bilan=bilan, actor=m.formateur)
        assert (note.ajustement, note.justification, note.note_finale) == (D("0"), "", D("17.5"))


def test_the_final_grade_records_who_and_when_and_is_audited(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        proposition = note_poids_set(bilan=bilan, poids=poids(m, C03=50, C01=50), actor=m.collegue)
        note = note_finalise(bilan=bilan, ajustement=D("1.5"), justification="Progrès nets en atelier.",
                             actor=m.formateur)
        note.refresh_from_db()
        # the proposal is finalised with its own weights: 20 × (50 + 50 × 2/3) / 100 = 16.67 → 16.7, + 1.5
        assert note.pk == proposition.pk and note.created_by == m.collegue
        assert (note.valeur_calculee, note.note_finale) == (D("16.7"), D("18.2"))
        assert note.finalisee_par == m.formateur and note.finalisee_le is not None
        event = AuditEvent.objects.get(action="note_periode_enregistree")
        assert event.actor_id == m.formateur.pk and event.details["finale"] == "18.2"
        assert notes_finales_of([bilan.pk]) == {bilan.pk: note}


def test_the_final_grade_stays_within_0_and_20(alpha, monde):
    m = monde
    with tenant_context(alpha):
        haut = bilan_valide(m, m.lea, {"C03": "BM"})
        assert note_finalise(bilan=haut, ajustement=D("1"), justification="Excellent.",
                             actor=m.formateur).note_finale == D("20")
        bas = bilan_valide(m, m.hugo, {"C03": "NM"})
        assert note_finalise(bilan=bas, ajustement=D("-1"), justification="Absent.",
                             actor=m.formateur).note_finale == D("0")


def test_a_grade_is_not_made_from_a_draft_bilan(alpha, monde):
    m = monde
    with tenant_context(alpha):
        brouillon = bilan_valide(m, m.lea, {"C03": "BM"}, valider=False)
        for write in (lambda: note_poids_set(bilan=brouillon, actor=m.formateur),
                      lambda: note_finalise(bilan=brouillon, actor=m.formateur),
                      lambda: notes_appliquer(bilan=brouillon, actor=m.formateur)):
            with pytest.raises(ValidationError, match="pas encore validé"):
                write()
        assert not Note.objects.exists()


def test_only_a_formateur_of_the_classe_writes_a_grade(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM"})
        for actor in (m.autre_formateur, m.personas["direction"], m.personas["inspecteur"]):
            with pytest.raises(ValidationError, match="Seuls les formateurs de la classe du bilan"):
                note_finalise(bilan=bilan, actor=actor)
        assert not Note.objects.exists()
        assert note_finalise(bilan=bilan, actor=m.collegue).finalisee_par == m.collegue


def test_a_lapsed_subscription_refuses_grades(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM"})
    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement=alpha).update(statut=Abonnement.Statut.ANNULE)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="abonnement"):
            note_finalise(bilan=bilan, actor=m.formateur)


# --- Redoing, freezing -------------------------------------------------------------------------------------------

def test_redoing_a_grade_appends_a_new_note_and_never_changes_the_old_one(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        premiere = note_finalise(bilan=bilan, actor=m.formateur, vu=0)
        with pytest.raises(ValidationError, match="enregistrée entre-temps par") as conflit:
            note_finalise(bilan=bilan, ajustement=D("1"), justification="Oral.", actor=m.collegue, vu=0)
        assert conflit.value.code == "conflit"
        seconde = note_finalise(bilan=bilan, poids=poids(m, C03=20, C01=80), ajustement=D("0.5"),
                                justification="Revu en équipe.", actor=m.collegue, vu=premiere.pk)
        assert seconde.remplace == premiere and seconde.pk != premiere.pk
        assert Note.objects.get(pk=premiere.pk).note_finale == D("17.5")
        assert notes_finales_of([bilan.pk])[bilan.pk] == seconde
        page = note_page(bilan)
        assert page.en_vigueur == seconde and page.historique == [premiere] and page.proposition is None


def test_the_database_refuses_to_change_a_final_grade(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        note = note_finalise(bilan=bilan, actor=m.formateur)
        poids_ligne = note.poids.first()
        for write in (lambda: Note.objects.filter(pk=note.pk).update(note_finale=D("19")),
                      lambda: Note.objects.filter(pk=note.pk).delete(),
                      lambda: NotePoids.objects.filter(pk=poids_ligne.pk).update(poids=D("1")),
                      lambda: NotePoids.objects.create(note=note, competence_id=m.competences["C06"].pk,
                                                       poids=D("0"))):
            with pytest.raises((InternalError, IntegrityError), match="ne se modifie pas"):
                with transaction.atomic():
                    write()
        with pytest.raises(IntegrityError, match="note_ajustement_2_points"), transaction.atomic():
            Note.objects.create(bilan=bilan, valeur_calculee=D("10"), ajustement=D("2.5"), justification="x",
                                note_finale=D("12.5"), created_by=m.formateur, finalisee_par=m.formateur,
                                finalisee_le=note.finalisee_le)
        with pytest.raises(IntegrityError, match="note_finale_calculee_plus_ajustement"), transaction.atomic():
            Note.objects.create(bilan=bilan, valeur_calculee=D("10"), ajustement=D("1"), justification="x",
                                note_finale=D("12"), created_by=m.formateur, finalisee_par=m.formateur,
                                finalisee_le=note.finalisee_le)
        assert Note.objects.get(pk=note.pk).note_finale == D("17.5")


# --- Applying to the same profile --------------------------------------------------------------------------------

def test_the_weights_apply_to_the_learners_with_the_same_evaluated_competencies(alpha, monde):
    m = monde
    with tenant_context(alpha):
        ines, paul, remi = learners_add(m.classe, 3, start=10)
        lea = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        hugo = bilan_valide(m, m.hugo, {"C03": "M", "C01": "NM"})  # same set, other levels
        bilan_valide(m, ines, {"C03": "BM"})  # another set
        bilan_valide(m, paul, {"C03": "BM", "C01": "M"}, valider=False)  # not validated
        deja = bilan_valide(m, remi, {"C03": "IM", "C01": "IM"})
        note_finalise(bilan=deja, actor=m.formateur)  # already graded
        bilan_valide(m, m.zoe, {"C03": "BM", "C01": "M"}, auteur=m.autre_formateur)  # another classe
        result = notes_appliquer(bilan=lea, poids=poids(m, C03=40, C01=60), actor=m.formateur)
        assert [n.bilan_id for n in result.notes] == [lea.pk, hugo.pk]
        assert {n.bilan_id: n.valeur_calculee for n in Note.objects.filter(finalisee_le__isnull=True)} == {
            lea.pk: D("16.0"),  # 20 × (40 + 60 × 2/3) / 100
            hugo.pk: D("5.3"),  # 20 × 40 × 2/3 / 100 = 5.33…
        }
        assert NotePoids.objects.filter(note__bilan=hugo).aggregate(total=Sum("poids"))["total"] == D("100")
        assert sorted(result.ignores) == sorted([
            f"{ines} : pas les mêmes compétences évaluées.",
            f"{paul} : son bilan du {TODAY:%d/%m/%Y} n'est pas encore validé.",
            f"{remi} : sa note est déjà enregistrée (refaites-la depuis son bilan).",
        ])
        assert Note.objects.filter(bilan=deja).count() == 1
        # applied again with other weights: the proposals are rewritten, not duplicated
        notes_appliquer(bilan=lea, poids=poids(m, C03=100, C01=0), actor=m.formateur)
        assert Note.objects.get(bilan=hugo).valeur_calculee == D("13.3")


def test_applying_the_weights_runs_a_fixed_number_of_queries(alpha, monde):
    m = monde
    with tenant_context(alpha):
        lea = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        bilan_valide(m, m.hugo, {"C03": "M", "C01": "M"})
        counts = []
        for nombre in (2, 6):
            for apprenant in learners_add(m.classe, nombre - 2, start=20) if nombre > 2 else []:
                bilan_valide(m, apprenant, {"C03": "M", "C01": "NM"})
            Note.objects.all().delete()  # proposals only: each run writes new ones
            with CaptureQueriesContext(connection) as queries:
                assert len(notes_appliquer(bilan=lea, actor=m.formateur).notes) == nombre
            counts.append(len(queries))
        assert counts[0] == counts[1], counts


def test_an_other_days_bilan_is_not_in_the_same_period(alpha, monde):
    m = monde
    with tenant_context(alpha):
        lea = bilan_valide(m, m.lea, {"C03": "BM", "C01": "M"})
        bilan_valide(m, m.hugo, {"C03": "BM", "C01": "M"}, date=TODAY - datetime.timedelta(days=3))
        assert [n.bilan_id for n in notes_appliquer(bilan=lea, actor=m.formateur).notes] == [lea.pk]
