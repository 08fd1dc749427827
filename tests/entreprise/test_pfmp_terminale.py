"""The terminal year's PFMP weeks: a pupil of a classe whose year of the cycle is the diploma's last (a Bac pro
terminale) owes the family's `dont_terminale` weeks (6) within that classe's school year, whatever the cycle's
total; the classe says its year of the cycle, guessed from its code when created."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models import Contrat
from entreprise.pfmp import exigences, situation_pfmp
from entreprise.selectors_periodes import classe_pfmp
from entreprise.services import contrat_create
from scolarite import services as scolarite
from scolarite.models import Classe

from .conftest import ANNEE, RENTREE

D = datetime.date
BACPRO = exigences()["bacpro"]


def lundi(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def pfmp(debut, semaines, *, compte_examen=True):
    """An agreement of `semaines` weeks from the Monday on or after `debut`, to the Friday of its last week."""
    start = lundi(debut)
    return SimpleNamespace(type="pfmp", debut=start, fin=start + datetime.timedelta(days=7 * semaines - 3),
                           compte_examen=compte_examen, rompu_le=None)


# 16 weeks in seconde and première (school years 2023 and 2024), then the terminale of 2025-2026.
AVANT = [pfmp(D(2024, 1, 8), 8), pfmp(D(2025, 1, 6), 8)]
TERMINALE = SimpleNamespace(annee_cycle=3, annee_scolaire=2025)
PREMIERE = SimpleNamespace(annee_cycle=2, annee_scolaire=2025)
JUIN = D(2026, 6, 30)


def situation(contrats, *, classe=TERMINALE, day=JUIN, amenagement=None):
    return situation_pfmp(apprenant=None, contrats=contrats, famille=BACPRO, classe=classe, day=day,
                          amenagement=amenagement)


# The rule

def test_a_terminale_pupil_with_4_weeks_in_the_year_is_flagged_even_when_the_cycle_total_is_met():
    s = situation([*AVANT, pfmp(D(2026, 1, 5), 4)])
    assert (s.exigees, s.effectuees, s.manque_cycle) == (20, 20, 0)
    assert (s.exigees_terminale, s.effectuees_terminale, s.manque_terminale) == (6, 4, 2)
    assert s.dues == 2 and s.manque == 2 and s.signale


@pytest.mark.parametrize("day", [D(2025, 9, 1), D(2026, 2, 2), JUIN], ids=["planned", "half", "done"])
def test_six_weeks_done_or_planned_in_the_year_are_not_flagged(day):
    s = situation([*AVANT, pfmp(D(2026, 1, 5), 6)], day=day)
    assert s.effectuees_terminale + s.prevues_terminale == 6
    assert s.manque_terminale == 0 and not s.signale


@pytest.mark.parametrize("classe", [PREMIERE, SimpleNamespace(annee_cycle=None, annee_scolaire=2025), None],
                         ids=["premiere", "unknown-year", "no-classe"])
def test_a_pupil_out_of_terminale_is_never_flagged_for_the_terminale_minimum(classe):
    s = situation([*AVANT, pfmp(D(2026, 1, 5), 4)], classe=classe)
    assert s.exigees_terminale == 0 and s.manque_terminale == 0 and not s.signale


def test_the_weeks_of_the_parcours_differencie_do_not_count_for_the_terminale():
    s = situation([*AVANT, pfmp(D(2026, 1, 5), 4), pfmp(D(2026, 5, 18), 6, compte_examen=False)])
    assert (s.effectuees_terminale, s.manque_terminale, s.signale) == (4, 2, True)


def test_weeks_in_a_previous_school_year_do_not_count_for_the_terminale():
    # A redoublant's first terminale (2024-2025), and an agreement straddling the rentrée of 2025.
    s = situation([pfmp(D(2023, 1, 9), 8), pfmp(D(2024, 11, 4), 8), pfmp(D(2025, 8, 18), 4)])
    assert s.effectuees == 20 and s.manque_cycle == 0
    assert (s.effectuees_terminale, s.manque_terminale, s.signale) == (2, 4, True)


def test_an_amenagement_keeps_the_terminale_minimum_unless_it_requires_fewer_weeks():
    contrats = [pfmp(D(2026, 1, 5), 5)]
    cycle_d_un_an = SimpleNamespace(semaines_requises=BACPRO.semaines_cycle(1))  # 7 weeks
    s = situation(contrats, amenagement=cycle_d_un_an)
    assert (s.exigees, s.exigees_terminale, s.manque_cycle, s.manque_terminale) == (7, 6, 2, 1)
    minimum_reduit = SimpleNamespace(semaines_requises=BACPRO.minimum_reduit(1))  # 5 weeks
    s = situation(contrats, amenagement=minimum_reduit)
    assert (s.exigees, s.exigees_terminale, s.signale) == (5, 5, False)


# The classe's year of the cycle

@pytest.mark.parametrize(("code", "annee"), [("2CIEL-A", 1), ("1CIEL-A", 2), ("TCIEL-A", 3), ("2TNE", 1),
                                             ("1CAP-EPC", 1), ("2CAP-EPC", 2), ("CIEL-A", None), ("", None)])
def test_the_year_of_the_cycle_is_guessed_from_the_division_code(code, annee):
    assert Classe.annee_cycle_guess(code) == annee


def test_the_classe_form_guesses_the_year_from_the_code_and_saves_it(as_role, alternance, alpha):
    client = as_role(Role.DIRECTION)
    assert "D&#x27;après le code de la classe" in client.get("/classes/nouvelle/").content.decode()
    formation = alternance["classe"].formation_id
    for code, choix in (("TCIEL-B", ""), ("CIEL-X", ""), ("1CIEL-B", "3")):
        response = client.post("/classes/nouvelle/", {"formation": formation, "annee_scolaire": ANNEE,
                                                       "code": code, "annee_cycle": choix})
        assert response.status_code == 302, code
    with tenant_context(alpha):
        annees = dict(Classe.objects.filter(annee_scolaire=ANNEE).values_list("code", "annee_cycle"))
    assert (annees["TCIEL-B"], annees["CIEL-X"], annees["1CIEL-B"]) == (3, None, 3)


def test_the_direction_sets_the_year_of_an_existing_classe(as_role, alternance, alpha):
    classe = alternance["classe"]
    client = as_role(Role.DIRECTION)
    page = client.get(f"/classes/{classe.pk}/").content.decode()
    assert "Année du cycle : non précisée" in page and "Modifier la classe" in page
    response = client.post(f"/classes/{classe.pk}/modifier/", {"intitule": "", "annee_cycle": "2"})
    assert response.status_code == 302
    assert "2e année (première de bac pro" in client.get(f"/classes/{classe.pk}/").content.decode()
    with tenant_context(alpha):
        assert Classe.objects.get(pk=classe.pk).annee_cycle == 2
    connection.set_schema_to_public()
    for role in (Role.FORMATEUR, Role.INSPECTEUR):
        assert as_role(role).post(f"/classes/{classe.pk}/modifier/", {"annee_cycle": "3"}).status_code == 403


# The pages

def eleve(classe, nom, contrats, entreprise):
    apprenant = scolarite.apprenant_create(nom=nom, prenom="Élève")
    scolarite.inscription_open(apprenant=apprenant, classe=classe, statut="scolaire", debut=RENTREE)
    for c in contrats:
        contrat = contrat_create(type=Contrat.Type.PFMP, apprenant=apprenant, entreprise=entreprise, debut=c.debut,
                                 fin=c.fin).contrat
        if not c.compte_examen:
            Contrat.objects.filter(pk=contrat.pk).update(compte_examen=False)
    return apprenant


@pytest.fixture
def terminale(alpha, alternance, personas):
    """TCIEL-A, a terminale of this school year: Court has the cycle's 20 weeks but 4 this year, Complet 6."""
    avant = [pfmp(D(ANNEE - 2, 11, 1), 8), pfmp(D(ANNEE - 1, 11, 1), 8)]
    with tenant_context(alpha):
        classe = scolarite.classe_create(formation=alternance["classe"].formation, annee_scolaire=ANNEE,
                                         code="TCIEL-A", annee_cycle=3, formateurs=[personas[Role.FORMATEUR]])
        acme = alternance["acme"]
        eleve(classe, "Court", [*avant, pfmp(D(ANNEE, 11, 2), 4)], acme)
        eleve(classe, "Complet", [*avant, pfmp(D(ANNEE, 11, 2), 2), pfmp(D(ANNEE + 1, 3, 1), 4),
                                  pfmp(D(ANNEE + 1, 5, 20), 6, compte_examen=False)], acme)
        situations = {s.apprenant.nom: s for s in classe_pfmp(classe, day=D(ANNEE + 1, 8, 31))}
    connection.set_schema_to_public()
    return {"classe": classe, "situations": situations}


def test_the_classe_s_weeks_count_the_terminale_within_its_year(terminale):
    court, complet = terminale["situations"]["Court"], terminale["situations"]["Complet"]
    assert (court.effectuees, court.effectuees_terminale, court.manque_terminale, court.signale) == (20, 4, 2, True)
    assert (complet.effectuees, complet.effectuees_terminale, complet.signale) == (22, 6, False)


def test_the_direction_s_list_shows_why_a_terminale_pupil_is_flagged(as_role, terminale):
    client = as_role(Role.DIRECTION)
    page = client.get("/periodes/pfmp/signales/").content.decode()
    assert "COURT" in page and "COMPLET" not in page and "TCIEL-A" in page
    assert "À signaler : 2 semaines de terminale manquent" in page
    page = client.get(f"/periodes/classes/{terminale['classe'].pk}/pfmp/").content.decode()
    assert "Classe de terminale" in page and "dont 6 en terminale" in page
    assert page.count("À signaler :") == 1


def test_a_classe_without_its_year_says_the_terminale_is_not_checked(as_role, alternance):
    page = as_role(Role.DIRECTION).get(f"/periodes/classes/{alternance['classe'].pk}/pfmp/").content.decode()
    assert "L'année du cycle de 1CIEL-A n'est pas renseignée" in page
    assert f"/classes/{alternance['classe'].pk}/modifier/" in page
