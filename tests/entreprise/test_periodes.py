"""Periods of a classe and PFMP weeks: the arithmetic of weeks against the diploma's rule (data in
entreprise/pfmp_exigences.yaml), and the services that create, change, cut and delete periods."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from accounts.roles import Role
from entreprise.models import AmenagementPFMP, Contrat, EntreeJournal, EntreeVersion, Periode
from entreprise.pfmp import (
    exigences,
    exigences_load,
    famille_of,
    jours_ouvres,
    semaines_contrats,
    semaines_entre,
    situation_pfmp,
)
from entreprise.selectors_periodes import classe_calendrier, classe_pfmp
from entreprise.services import contrat_create
from entreprise.services_periodes import (
    amenagement_pfmp_set,
    periode_couper,
    periode_create,
    periode_delete,
    periode_update,
)
from scolarite import services as scolarite

from ..conftest import make_person
from .conftest import ANNEE, RENTREE

D = datetime.date
LUNDI = D(2025, 1, 6)  # a Monday


def pfmp(debut, fin, *, compte_examen=True, rompu_le=None, type="pfmp"):
    return SimpleNamespace(type=type, debut=debut, fin=fin, compte_examen=compte_examen, rompu_le=rompu_le)


def referentiel(type, code):
    return SimpleNamespace(type=type, code=code)


# Weeks of dates

def test_a_week_is_five_worked_days_from_monday_to_friday():
    assert jours_ouvres(LUNDI, LUNDI + datetime.timedelta(days=4)) == 5
    assert jours_ouvres(LUNDI, LUNDI + datetime.timedelta(days=6)) == 5  # the weekend does not count
    assert jours_ouvres(LUNDI + datetime.timedelta(days=5), LUNDI + datetime.timedelta(days=6)) == 0
    assert jours_ouvres(LUNDI, LUNDI - datetime.timedelta(days=1)) == 0
    assert semaines_entre(LUNDI, LUNDI + datetime.timedelta(days=27)) == 4


def test_days_are_rounded_down_to_the_half_week():
    assert semaines_entre(LUNDI, LUNDI + datetime.timedelta(days=1)) == 0  # 2 days
    assert semaines_entre(LUNDI, LUNDI + datetime.timedelta(days=2)) == Decimal("0.5")  # 3 days
    assert semaines_entre(LUNDI, LUNDI + datetime.timedelta(days=9)) == Decimal("1.5")  # 8 days
    assert semaines_entre(LUNDI, LUNDI + datetime.timedelta(days=11)) == 2  # 10 days


def test_weeks_before_the_day_are_done_and_the_others_planned():
    contrats = [pfmp(LUNDI, LUNDI + datetime.timedelta(days=27))]  # four weeks
    assert semaines_contrats(contrats, LUNDI + datetime.timedelta(days=14)) == (2, 2)
    assert semaines_contrats(contrats, LUNDI) == (0, 4)
    assert semaines_contrats(contrats, D(2030, 1, 1)) == (4, 0)


def test_the_parcours_differencie_and_other_contracts_do_not_count():
    day = D(2030, 1, 1)
    three_weeks = (LUNDI, LUNDI + datetime.timedelta(days=18))
    assert semaines_contrats([pfmp(*three_weeks, compte_examen=False)], day) == (0, 0)
    assert semaines_contrats([pfmp(*three_weeks, type="apprentissage")], day) == (0, 0)
    assert semaines_contrats([pfmp(*three_weeks), pfmp(D(2025, 6, 2), D(2025, 7, 11), compte_examen=False)],
                             day) == (3, 0)


def test_a_broken_agreement_counts_up_to_the_day_before_its_rupture():
    contrat = pfmp(LUNDI, LUNDI + datetime.timedelta(days=27), rompu_le=LUNDI + datetime.timedelta(days=7))
    assert semaines_contrats([contrat], D(2030, 1, 1)) == (1, 0)


def test_two_agreements_over_the_same_days_count_them_once():
    contrats = [pfmp(LUNDI, LUNDI + datetime.timedelta(days=13)), pfmp(LUNDI + datetime.timedelta(days=7),
                                                                        LUNDI + datetime.timedelta(days=20))]
    assert semaines_contrats(contrats, D(2030, 1, 1)) == (3, 0)


# The diploma's rule, as data

def test_the_rules_are_data_per_diploma_family():
    familles = exigences()
    assert familles["bacpro"].semaines == 20 and familles["bacpro"].dont_terminale == 6
    assert familles["bacpro"].parcours_differencie == 6 and not familles["bacpro"].parcours_differencie_compte
    assert familles["cap"].semaines == 12


def test_the_family_comes_from_the_referentiel_type_then_its_code():
    assert famille_of(referentiel("BAC_PRO", "BACPRO-CIEL")).code == "bacpro"
    assert famille_of(referentiel("FAMILLE_METIERS", "2TNE")).code == "bacpro"
    assert famille_of(referentiel("AUTRE", "BACPRO-MELEC")).code == "bacpro"
    assert famille_of(referentiel("CAP", "CAP-EPC")).code == "cap"
    assert famille_of(referentiel("AUTRE", "CAP-CUISINE")).code == "cap"
    assert famille_of(referentiel("BTS", "BTS-SIO")) is None
    assert famille_of(None) is None


def test_a_cap_speciality_may_require_14_or_16_weeks(tmp_path):
    path = tmp_path / "exigences.yaml"
    path.write_text("familles:\n  cap:\n    libelle: CAP\n    types: [CAP]\n    duree_cycle: 2\n    semaines: 12\n"
                    "    par_code: {CAP-CUISINE: 16, cap-fleuriste: 14}\n    minimums_reduits: {2: 5, 1: 3}\n",
                    encoding="utf-8")
    cap = exigences_load(path)["cap"]
    assert cap.semaines_pour("CAP-EPC") == 12
    assert cap.semaines_pour("CAP-CUISINE") == 16
    assert cap.semaines_pour("CAP-FLEURISTE") == 14
    assert cap.semaines_cycle(1, "CAP-CUISINE") == 8


def test_a_shortened_cycle_requires_weeks_in_proportion():
    bacpro, cap = exigences()["bacpro"], exigences()["cap"]
    assert [bacpro.semaines_cycle(n) for n in (3, 2, 1)] == [20, 14, 7]  # 20 × 2/3 = 13.3 → 14
    assert [cap.semaines_cycle(n) for n in (2, 1)] == [12, 6]


def test_the_reduced_minimums_of_decree_2022_672():
    bacpro, cap = exigences()["bacpro"], exigences()["cap"]
    assert [bacpro.minimum_reduit(n) for n in (3, 2, 1)] == [10, 8, 5]
    assert [cap.minimum_reduit(n) for n in (3, 2, 1)] == [5, 5, 3]


def test_a_bac_pro_pupil_with_fourteen_weeks_done_and_planned_is_flagged():
    bacpro = exigences()["bacpro"]
    contrats = [pfmp(D(2024, 5, 6), D(2024, 6, 14)), pfmp(D(2025, 1, 6), D(2025, 2, 28))]  # 6 + 8 weeks
    situation = situation_pfmp(apprenant=None, contrats=contrats, famille=bacpro, day=D(2025, 1, 20))
    assert (situation.exigees, situation.effectuees, situation.prevues) == (20, 8, 6)
    assert situation.dues == 12 and situation.manque == 6 and situation.signale


def test_an_amenagement_for_a_shortened_cycle_replaces_the_rule():
    bacpro = exigences()["bacpro"]
    contrats = [pfmp(D(2024, 5, 6), D(2024, 6, 14)), pfmp(D(2025, 1, 6), D(2025, 2, 28))]  # 14 weeks
    cycle_de_deux_ans = SimpleNamespace(semaines_requises=bacpro.semaines_cycle(2))
    situation = situation_pfmp(apprenant=None, contrats=contrats, famille=bacpro, amenagement=cycle_de_deux_ans,
                               day=D(2025, 1, 20))
    assert situation.exigees == 14 and situation.manque == 0 and not situation.signale
    assert situation.source == "aménagement"


def test_the_reduced_minimum_applies_through_an_amenagement():
    minimum = SimpleNamespace(semaines_requises=exigences()["bacpro"].minimum_reduit(3))
    situation = situation_pfmp(apprenant=None, contrats=[pfmp(D(2025, 1, 6), D(2025, 2, 7))], famille=None,
                               amenagement=minimum, day=D(2025, 3, 1))
    assert (situation.exigees, situation.effectuees, situation.manque) == (10, 5, 5)


def test_a_diploma_without_rule_flags_nobody():
    situation = situation_pfmp(apprenant=None, contrats=[], famille=None, day=D(2025, 3, 1))
    assert situation.exigees is None and not situation.signale


# Services: periods

def journal_entry(contrat, periode, date, auteur):
    """An entry of the journal de bord attached to `periode`, with its first version."""
    entree = EntreeJournal.objects.create(apprenant=contrat.apprenant, contrat=contrat, periode=periode, date=date,
                                          created_by=auteur)
    version = EntreeVersion.objects.create(entree=entree, numero=1, date=date, texte=f"Travail du {date}",
                                           auteur=auteur, at=timezone.now())
    entree.version_courante = version
    entree.save(update_fields=["version_courante"])
    return entree


FREE = D(ANNEE + 1, 1, 4)  # after the fixture's periods (which end at most three weeks after today)


def test_a_formateur_of_the_classe_creates_a_period(alpha, alternance, personas):
    with tenant_context(alpha):
        periode = periode_create(classe=alternance["classe"], lieu="entreprise", nature="alternance", debut=FREE,
                                 fin=FREE + datetime.timedelta(days=60), libelle=" Période 2 ",
                                 actor=personas[Role.FORMATEUR])
        assert periode.libelle == "Période 2" and periode.created_by == personas[Role.FORMATEUR]
        assert AuditEvent.objects.filter(action="periode_create").exists()


@pytest.mark.parametrize("role", [Role.INSPECTEUR, Role.TUTEUR, Role.APPRENANT])
def test_only_the_direction_and_the_classe_s_formateurs_change_its_calendar(alpha, alternance, personas, role):
    with tenant_context(alpha):
        autre = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
        for actor in (personas[role], autre):
            with pytest.raises(ValidationError, match="direction et les formateurs de la classe"):
                periode_create(classe=alternance["classe"], lieu="centre", nature="alternance", debut=FREE,
                               fin=FREE, actor=actor)
        assert not Periode.objects.filter(debut=FREE).exists()
        assert periode_create(classe=alternance["classe"], lieu="centre", nature="alternance", debut=FREE, fin=FREE,
                              actor=personas[Role.DIRECTION])


def test_an_overlapping_period_is_refused_and_nothing_is_written(alpha, alternance, personas):
    with tenant_context(alpha):
        before = Periode.objects.count()
        with pytest.raises(ValidationError, match="chevauchent") as error:
            periode_create(classe=alternance["classe"], lieu="centre", nature="alternance",
                           debut=alternance["periode"].fin, fin=FREE, actor=personas[Role.DIRECTION])
        assert error.value.error_list[0].code == "debut_overlap"
        assert Periode.objects.count() == before


@pytest.mark.parametrize(("debut", "fin", "message"), [
    (FREE + datetime.timedelta(days=5), FREE, "précède son début"),
    (RENTREE - datetime.timedelta(days=1), RENTREE, "année scolaire"),
    (FREE, D(ANNEE + 1, 9, 1), "année scolaire"),
])
def test_dates_out_of_order_or_outside_the_school_year_are_refused(alpha, alternance, personas, debut, fin, message):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match=message):
            periode_create(classe=alternance["classe"], lieu="centre", nature="alternance", debut=debut, fin=fin,
                           actor=personas[Role.DIRECTION])


def test_a_pfmp_takes_place_in_the_company(alpha, alternance, personas):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="en entreprise"):
            periode_create(classe=alternance["classe"], lieu="centre", nature="pfmp", debut=FREE, fin=FREE,
                           actor=personas[Role.DIRECTION])


def test_cutting_a_period_keeps_its_journal_entries_each_in_the_half_of_its_date(alpha, alternance, personas):
    with tenant_context(alpha):
        periode, contrat = alternance["periode"], alternance["contrat"]
        le = periode.debut + datetime.timedelta(days=14)
        avant = journal_entry(contrat, periode, le - datetime.timedelta(days=1), personas[Role.APPRENANT])
        apres = journal_entry(contrat, periode, le, personas[Role.APPRENANT])
        fin = periode.fin
        premiere, seconde = periode_couper(periode=periode, le=le, actor=personas[Role.FORMATEUR])
        avant.refresh_from_db()
        apres.refresh_from_db()
        assert (premiere.pk, premiere.debut, premiere.fin) == (periode.pk, periode.debut, le - datetime.timedelta(1))
        assert (seconde.debut, seconde.fin, seconde.lieu, seconde.nature) == (le, fin, "entreprise", "alternance")
        assert avant.periode_id == premiere.pk and apres.periode_id == seconde.pk
        assert EntreeJournal.objects.count() == 2 and EntreeVersion.objects.count() == 2
        assert [p.n_journal for p in classe_calendrier(alternance["classe"]).periodes
                if p.lieu == "entreprise"] == [1, 1]


@pytest.mark.parametrize("offset", [0, 43, -1])
def test_a_period_is_cut_strictly_inside_its_dates(alpha, alternance, personas, offset):
    with tenant_context(alpha):
        periode = alternance["periode"]  # 43 days long
        with pytest.raises(ValidationError, match="Coupez la période entre"):
            periode_couper(periode=periode, le=periode.debut + datetime.timedelta(days=offset),
                           actor=personas[Role.DIRECTION])
        assert Periode.objects.filter(classe=alternance["classe"]).count() == 2


def test_a_period_with_journal_entries_is_not_deleted_but_an_empty_one_is(alpha, alternance, personas):
    with tenant_context(alpha):
        periode = alternance["periode"]
        journal_entry(alternance["contrat"], periode, periode.debut, personas[Role.APPRENANT])
        with pytest.raises(ValidationError, match="ne peut pas être supprimée"):
            periode_delete(periode=periode, actor=personas[Role.DIRECTION])
        assert Periode.objects.filter(pk=periode.pk).exists()
        periode_delete(periode=alternance["periode_centre"], actor=personas[Role.FORMATEUR])
        assert not Periode.objects.filter(pk=alternance["periode_centre"].pk).exists()


def test_changing_a_period_may_not_leave_a_journal_entry_outside(alpha, alternance, personas):
    with tenant_context(alpha):
        periode = alternance["periode"]
        journal_entry(alternance["contrat"], periode, periode.debut, personas[Role.APPRENANT])
        fields = {"lieu": "entreprise", "nature": "alternance", "fin": periode.fin, "libelle": ""}
        with pytest.raises(ValidationError, match="sortirait de la période"):
            periode_update(periode=periode, debut=periode.debut + datetime.timedelta(days=1),
                           actor=personas[Role.DIRECTION], **fields)
        assert periode_update(periode=periode, debut=periode.debut, actor=personas[Role.DIRECTION],
                              **{**fields, "libelle": "Entreprise 1"}) == ["libelle"]
        assert periode_update(periode=periode, debut=periode.debut, actor=personas[Role.DIRECTION],
                              **{**fields, "libelle": "Entreprise 1"}) == []


def test_changing_a_period_onto_another_is_refused(alpha, alternance, personas):
    with tenant_context(alpha):
        centre = alternance["periode_centre"]
        with pytest.raises(ValidationError, match="chevauchent"):
            periode_update(periode=centre, lieu="centre", nature="alternance", debut=centre.debut,
                           fin=alternance["periode"].debut, actor=personas[Role.DIRECTION])


# Services: aménagements and the classe's PFMP weeks

def eleve(classe, nom, *semaines_pfmp, entreprise, debut=RENTREE):
    """A pupil of `classe` (school route) with one PFMP agreement per number of weeks, one after the other from
    `debut`, each starting on a Monday."""
    apprenant = scolarite.apprenant_create(nom=nom, prenom="Élève")
    scolarite.inscription_open(apprenant=apprenant, classe=classe, statut="scolaire", debut=RENTREE)
    start = debut + datetime.timedelta(days=(7 - debut.weekday()) % 7)
    for semaines in semaines_pfmp:
        fin = start + datetime.timedelta(days=7 * semaines - 3)  # the Friday of the last week
        contrat_create(type=Contrat.Type.PFMP, apprenant=apprenant, entreprise=entreprise, debut=start, fin=fin)
        start += datetime.timedelta(days=7 * semaines + 14)
    return apprenant


def test_the_direction_records_an_amenagement_and_only_the_direction(alpha, alternance, personas):
    with tenant_context(alpha):
        lea = alternance["lea"]
        for role in (Role.FORMATEUR, Role.INSPECTEUR):
            with pytest.raises(ValidationError, match="Seule la direction"):
                amenagement_pfmp_set(apprenant=lea, semaines_requises=14, motif="positionnement",
                                     actor=personas[role])
        with pytest.raises(ValidationError, match="motif"):
            amenagement_pfmp_set(apprenant=lea, semaines_requises=14, motif="  ", actor=personas[Role.DIRECTION])
        assert not AmenagementPFMP.objects.exists()
        amenagement_pfmp_set(apprenant=lea, semaines_requises=14, motif="Positionnement : cycle de 2 ans",
                             actor=personas[Role.DIRECTION])
        amenagement_pfmp_set(apprenant=lea, semaines_requises=10, motif="Aucun lieu d'accueil (décret 2022-672)",
                             actor=personas[Role.DIRECTION])
        amenagement = AmenagementPFMP.objects.get()
        assert (amenagement.semaines_requises, amenagement.decide_par) == (10, personas[Role.DIRECTION])


def test_a_classe_lists_its_pupils_weeks_with_a_shortened_cycle(alpha, alternance, personas):
    with tenant_context(alpha):
        classe, acme = alternance["classe"], alternance["acme"]
        eleve(classe, "Complet", 6, 8, 6, entreprise=acme)
        eleve(classe, "Court", 6, 8, entreprise=acme)
        raccourci = eleve(classe, "Raccourci", 6, 8, entreprise=acme)
        amenagement_pfmp_set(apprenant=raccourci, semaines_requises=exigences()["bacpro"].semaines_cycle(2),
                             motif="Positionnement : entrée en première", actor=personas[Role.DIRECTION])
        parcours = eleve(classe, "Parcours", 6, 8, entreprise=acme)
        contrat_create(type=Contrat.Type.PFMP, apprenant=parcours, entreprise=acme, debut=D(ANNEE + 1, 6, 7),
                       fin=D(ANNEE + 1, 7, 16))
        Contrat.objects.filter(apprenant=parcours, debut=D(ANNEE + 1, 6, 7)).update(compte_examen=False)
        situations = {s.apprenant.nom: s for s in classe_pfmp(classe, day=D(ANNEE + 1, 8, 31))}
    # Léa and Hugo are apprentices: no PFMP for them.
    assert list(situations) == ["Complet", "Court", "Parcours", "Raccourci"]
    assert (situations["Complet"].effectuees, situations["Complet"].signale) == (20, False)
    assert (situations["Court"].effectuees, situations["Court"].manque, situations["Court"].signale) == (14, 6, True)
    assert (situations["Raccourci"].exigees, situations["Raccourci"].signale) == (14, False)
    assert (situations["Parcours"].effectuees, situations["Parcours"].signale) == (14, True)


def test_nothing_is_written_when_the_subscription_has_lapsed(alpha, alternance, personas):
    from tenants.models import Abonnement

    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement=alpha).delete()
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="abonnement"):
            periode_create(classe=alternance["classe"], lieu="centre", nature="alternance", debut=FREE, fin=FREE,
                           actor=personas[Role.DIRECTION])
        assert not Periode.objects.filter(debut=FREE).exists()
