"""Bilan entreprise, the rules: prefilled from the learner's fiche, filled by formateur and tutor together
(append-only), each party confirms once, the second confirmation writes evaluation events with lieu = entreprise
and the tutor as co-author; every refusal writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.roles import Role
from entreprise.models_bilan import BilanEntreprise, BilanSaisie
from entreprise.services_bilan import (
    bilan_entreprise_confirm,
    bilan_entreprise_create,
    bilan_entreprise_fill,
    bilan_entreprise_save,
)
from entreprise.services_fiches import fiche_adjust_for
from evaluations.models import Evaluation, Lieu

from ..conftest import make_person
from .conftest import TODAY, items


@pytest.fixture
def bilan(alpha, alternance, fiche, personas):
    with tenant_context(alpha):
        bilan = bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                        actor=personas["formateur"])
    connection.set_schema_to_public()
    return bilan


def criteres_of(bilan) -> list[int]:
    return list(bilan.critere_links.values_list("critere_id", flat=True))


def fill_all(bilan, actor, codes=("A", "NV")) -> None:
    pks = criteres_of(bilan)
    bilan_entreprise_fill(bilan=bilan, valeurs={pk: codes[i % len(codes)] for i, pk in enumerate(pks)}, actor=actor)


def test_it_is_prefilled_with_the_criteria_of_the_learners_fiche(alpha, bilan, fiche, ciel):
    _, criteres = items(ciel)
    with tenant_context(alpha):
        assert criteres_of(bilan) == criteres
        assert bilan.tuteur.user.email == "tuteur@alpha.test" and bilan.fiche == fiche


def test_the_learners_adjusted_fiche_wins_over_the_classes(alpha, alternance, fiche, personas, ciel):
    taches, criteres = items(ciel, n_criteres=4)
    with tenant_context(alpha):
        fiche_adjust_for(fiche=fiche, apprenant=alternance["lea"], tache_ids=taches, critere_ids=criteres[2:],
                         actor=personas["formateur"])
        bilan = bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                        actor=personas["formateur"])
        assert criteres_of(bilan) == criteres[2:]


@pytest.mark.parametrize("case, message", [
    ("tuteur", "formateurs de la classe"),
    ("periode_centre", "période en entreprise"),
    ("futur", "futur"),
    ("hors_periode", "La date du bilan va"),
    ("doublon", "déjà un bilan"),
    ("sans_fiche", "préparez-la d'abord"),
])
def test_opening_is_refused_with_a_clear_message(alpha, alternance, fiche, personas, case, message):
    kwargs = {"periode": alternance["periode"], "apprenant": alternance["lea"], "date": TODAY,
              "actor": personas["formateur"]}
    with tenant_context(alpha):
        if case == "tuteur":
            kwargs["actor"] = personas["tuteur"]
        elif case == "periode_centre":
            kwargs["periode"] = alternance["periode_centre"]
        elif case == "futur":
            kwargs["date"] = TODAY + datetime.timedelta(days=1)
        elif case == "hors_periode":
            kwargs["date"] = alternance["periode"].debut - datetime.timedelta(days=1)
        elif case == "doublon":
            bilan_entreprise_create(**kwargs)
        elif case == "sans_fiche":
            fiche.critere_links.all().delete()
        before = BilanEntreprise.objects.count()
        with pytest.raises(ValidationError, match=message):
            bilan_entreprise_create(**kwargs)
        assert BilanEntreprise.objects.count() == before


def test_formateur_and_tutor_fill_it_together_and_nothing_is_overwritten(alpha, bilan, personas):
    with tenant_context(alpha):
        first, second = criteres_of(bilan)
        bilan_entreprise_fill(bilan=bilan, valeurs={first: "ECA"}, actor=personas["formateur"])
        result = bilan_entreprise_fill(bilan=bilan, valeurs={first: "A", second: "NV"},
                                       commentaires={second: "Pas de fibre chez nous."}, actor=personas["tuteur"])
        assert result.ecrites == 2
        saisies = list(BilanSaisie.objects.filter(bilan=bilan).order_by("at", "id"))
        assert [(s.critere_id, s.auteur.email, s.role) for s in saisies] == [
            (first, "formateur@alpha.test", Role.FORMATEUR), (first, "tuteur@alpha.test", Role.TUTEUR),
            (second, "tuteur@alpha.test", Role.TUTEUR)]
        assert saisies[0].niveau.code == "ECA" and saisies[1].niveau.code == "A" and saisies[2].etat.code == "NV"
        # The same values again: nothing new is written.
        assert bilan_entreprise_fill(bilan=bilan, valeurs={first: "A"}, actor=personas["formateur"]).ecrites == 0


def test_someone_filling_since_the_page_was_loaded_is_told(alpha, bilan, personas):
    with tenant_context(alpha):
        first, _ = criteres_of(bilan)
        vu = bilan_entreprise_fill(bilan=bilan, valeurs={first: "D"}, actor=personas["formateur"])
        seen = BilanSaisie.objects.filter(bilan=bilan).latest("id").pk
        bilan_entreprise_fill(bilan=bilan, valeurs={first: "ECA"}, actor=personas["tuteur"])
        result = bilan_entreprise_fill(bilan=bilan, valeurs={first: "A"}, actor=personas["formateur"], vu=seen)
        assert vu.conflit is False and result.conflit is True
        assert BilanSaisie.objects.filter(bilan=bilan).count() == 3


@pytest.mark.parametrize("valeurs, message", [
    ({"first": "XX"}, "ni un niveau ni un état"),
    ({"autre": "A"}, "ne fait pas partie du bilan"),
])
def test_a_bad_value_writes_nothing(alpha, bilan, personas, ciel, valeurs, message):
    with tenant_context(alpha):
        first, _ = criteres_of(bilan)
        _, autres = items(ciel, n_criteres=5)
        posted = {(first if key == "first" else autres[-1]): value for key, value in valeurs.items()}
        with pytest.raises(ValidationError, match=message):
            bilan_entreprise_fill(bilan=bilan, valeurs={first: "A", **posted}, actor=personas["formateur"])
        assert not BilanSaisie.objects.filter(bilan=bilan).exists()


def test_another_tutor_cannot_fill_nor_confirm(alpha, alternance, bilan):
    with tenant_context(alpha):
        autre = alternance["autre_tuteur"].user
        with pytest.raises(ValidationError, match="tuteur de l'apprenti"):
            bilan_entreprise_fill(bilan=bilan, valeurs={}, actor=autre)
        with pytest.raises(ValidationError, match="tuteur de l'apprenti"):
            bilan_entreprise_confirm(bilan=bilan, actor=autre)


def test_it_cannot_be_confirmed_before_every_criterion_has_a_value(alpha, bilan, personas):
    with tenant_context(alpha):
        first, _ = criteres_of(bilan)
        bilan_entreprise_fill(bilan=bilan, valeurs={first: "A"}, actor=personas["formateur"])
        with pytest.raises(ValidationError, match="1 critère"):
            bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        bilan.refresh_from_db()
        assert bilan.confirme_formateur_le is None


def test_saving_with_a_refused_confirmation_keeps_the_values_and_says_why(alpha, bilan, personas):
    with tenant_context(alpha):
        first, _ = criteres_of(bilan)
        fait = bilan_entreprise_save(bilan=bilan, valeurs={first: "A"}, commentaires={}, appreciation=None,
                                     actor=personas["formateur"], vu=None, confirmer=True)
        assert not fait.confirme and "1 critère" in " ".join(fait.refus_confirmation)
        assert fait.saisie.ecrites == 1 and BilanSaisie.objects.filter(bilan=bilan, critere_id=first).exists()
        bilan.refresh_from_db()
        assert bilan.confirme_formateur_le is None


def test_both_confirmations_write_events_with_lieu_entreprise_and_the_tutor_as_co_author(alpha, bilan, personas):
    with tenant_context(alpha):
        fill_all(bilan, personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        assert not Evaluation.objects.exists()  # one confirmation is not a result yet
        bilan = bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])
        assert bilan.valide
        events = list(Evaluation.objects.order_by("id"))
        assert len(events) == 2 and set(bilan.evaluations.all()) == set(events)
        assert {(e.lieu, e.auteur.email, e.coauteur.email, e.situation_id) for e in events} == {
            (Lieu.ENTREPRISE, "formateur@alpha.test", "tuteur@alpha.test", None)}
        assert [e.niveau.code if e.niveau else e.etat.code for e in events] == ["A", "NV"]


def test_a_second_confirmation_by_the_same_party_is_refused(alpha, bilan, personas):
    with tenant_context(alpha):
        fill_all(bilan, personas["tuteur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])
        with pytest.raises(ValidationError, match="déjà enregistrée"):
            bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])


def test_a_bilan_confirmed_by_both_is_refused_a_third_confirmation_and_any_change(alpha, bilan, personas):
    with tenant_context(alpha):
        fill_all(bilan, personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])
        with pytest.raises(ValidationError, match="déjà confirmé par les deux parties"):
            bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        with pytest.raises(ValidationError, match="ne change plus"):
            bilan_entreprise_fill(bilan=bilan, valeurs={criteres_of(bilan)[0]: "D"}, actor=personas["tuteur"])
        assert Evaluation.objects.count() == 2


def test_a_change_after_a_confirmation_withdraws_it(alpha, bilan, personas):
    with tenant_context(alpha):
        fill_all(bilan, personas["formateur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        result = bilan_entreprise_fill(bilan=bilan, valeurs={criteres_of(bilan)[0]: "ECA"}, actor=personas["tuteur"])
        bilan.refresh_from_db()
        assert result.confirmations_retirees and bilan.confirme_formateur_le is None
        bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"])
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        assert Evaluation.objects.filter(niveau__code="ECA").count() == 1


def test_the_formateur_records_the_tutors_signed_paper_form(alpha, bilan, personas):
    with tenant_context(alpha):
        fill_all(bilan, personas["formateur"])
        with pytest.raises(ValidationError, match="formulaire papier"):
            bilan_entreprise_confirm(bilan=bilan, actor=personas["tuteur"], papier=True)
        bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"], papier=True)
        bilan = bilan_entreprise_confirm(bilan=bilan, actor=personas["formateur"])
        assert bilan.valide and bilan.confirme_tuteur_papier
        assert bilan.confirme_tuteur_par == personas["formateur"]


def test_a_bilan_follows_its_date_when_the_period_is_cut(alpha, alternance, bilan, personas):
    from entreprise.services_periodes import periode_couper

    with tenant_context(alpha):
        periode = alternance["periode"]
        _, second = periode_couper(periode=periode, le=TODAY - datetime.timedelta(days=5),
                                   actor=personas["direction"])
        bilan.refresh_from_db()
        assert bilan.periode == second and BilanSaisie.objects.filter(bilan=bilan).count() == 0


def test_the_direction_opens_a_bilan_but_another_formateur_cannot(alpha, alternance, fiche, personas):
    with tenant_context(alpha):
        autre = make_person(alpha, Role.FORMATEUR, email="autre-formateur@alpha.test")
        with pytest.raises(ValidationError, match="formateurs de la classe"):
            bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                    actor=autre)
        assert bilan_entreprise_create(periode=alternance["periode"], apprenant=alternance["lea"], date=TODAY,
                                       actor=personas["direction"]).pk


def test_the_catalogue_keeps_the_criteria_a_bilan_and_a_fiche_use(alpha, bilan, ciel):
    from referentiels.models import Critere
    from referentiels.usage import referenced_items

    with tenant_context(alpha):
        pks = criteres_of(bilan)
    connection.set_schema_to_public()
    uuids = set(Critere.objects.filter(pk__in=pks).values_list("uuid", flat=True))
    assert uuids <= referenced_items(ciel)
