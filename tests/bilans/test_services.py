"""Bilans intermédiaires: prefill, freezing, supersession, archive, concurrent edits (services and selectors)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from bilans.models import Bilan, BilanLigne
from bilans.selectors import bilan_archive, niveaux_valides_of
from bilans.services import bilan_create, bilan_delete, bilan_ligne_set, bilan_validate, bilans_classe_create
from bilans.services_saisie import bilan_lignes_set, bilans_classe_validate
from evaluations.models import Echelle
from evaluations.services import echelle_version_create
from tenants.models import Abonnement

from .conftest import TODAY, evaluer, reussir, situation_add

pytestmark = pytest.mark.django_db
JOUR = datetime.timedelta(days=1)


def ligne_of(bilan, code):
    return BilanLigne.objects.select_related("niveau", "etat").get(bilan=bilan, competence__code=code)


def test_a_classe_bilans_are_prefilled_with_the_suggested_levels(alpha, monde):
    m = monde
    with tenant_context(alpha):
        reussir(m, m.lea, "C03", [TODAY - 30 * JOUR, TODAY - 20 * JOUR, TODAY - 10 * JOUR])
        result = bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)
        assert {b.apprenant_id for b in result.crees} == {m.lea.pk, m.hugo.pk}  # Zoé is in another classe
        bilan = next(b for b in result.crees if b.apprenant_id == m.lea.pk)
        assert bilan.lignes.count() == len(m.competences) and not bilan.valide
        c03 = ligne_of(bilan, "C03")
        assert (c03.suggestion_code, c03.code) == ("BM", "BM")
        assert c03.suggestion_phrase.startswith("Bien maîtrisé")
        c01 = ligne_of(bilan, "C01")
        assert (c01.suggestion_code, c01.code, c01.etat.libelle) == ("NE", "NE", "Non évalué")


def test_evidence_after_the_bilan_date_is_ignored_and_whole_competency_events_count(alpha, monde):
    m = monde
    with tenant_context(alpha):
        reussir(m, m.lea, "C03", [TODAY])  # after the bilan's date
        situation = situation_add(classe=m.classe, auteur=m.formateur, referentiel=m.ciel,
                                  date=TODAY - 5 * JOUR, par_competence=True)
        evaluer(apprenant=m.lea, auteur=m.formateur, competence=m.competences["C06"], situation=situation, code="NM")
        bilan = bilan_create(apprenant=m.lea, date=TODAY - JOUR, actor=m.formateur)
        assert ligne_of(bilan, "C03").suggestion_code == "NE"
        assert ligne_of(bilan, "C06").suggestion_code == "NM"


def test_a_validated_bilan_does_not_change_with_new_evidence(alpha, monde):
    m = monde
    with tenant_context(alpha):
        reussir(m, m.lea, "C03", [TODAY - 10 * JOUR], code="NR")
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        bilan_validate(bilan=bilan, actor=m.formateur)
        avant = [(ligne.competence_id, ligne.suggestion_code, ligne.suggestion_phrase, ligne.niveau_id, ligne.etat_id)
                 for ligne in bilan.lignes.order_by("rang")]
        niveaux_avant = niveaux_valides_of(m.lea)
        reussir(m, m.lea, "C03", [TODAY - 9 * JOUR, TODAY - 8 * JOUR, TODAY], code="TS")  # better evidence, later
        apres = [(ligne.competence_id, ligne.suggestion_code, ligne.suggestion_phrase, ligne.niveau_id, ligne.etat_id)
                 for ligne in Bilan.objects.get(pk=bilan.pk).lignes.order_by("rang")]
        assert apres == avant
        assert niveaux_valides_of(m.lea) == niveaux_avant
        assert niveaux_avant[m.competences["C03"].pk].code == "NM"


def test_a_validated_bilan_refuses_any_change_in_the_services_and_in_the_database(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        ligne = bilan.lignes.first()
        bilan_validate(bilan=bilan, actor=m.formateur)
        with pytest.raises(ValidationError, match="validé : il ne se modifie plus"):
            bilan_ligne_set(ligne=ligne, niveau_code="BM", commentaire="", actor=m.formateur)
        with pytest.raises(ValidationError, match="déjà validé"):
            bilan_validate(bilan=bilan, actor=m.formateur)
        with pytest.raises(ValidationError, match="il ne se modifie plus"):
            bilan_delete(bilan=bilan, actor=m.formateur)
        for write in (lambda: BilanLigne.objects.filter(pk=ligne.pk).update(commentaire="en douce"),
                      lambda: Bilan.objects.filter(pk=bilan.pk).update(date=TODAY - JOUR),
                      lambda: BilanLigne.objects.filter(pk=ligne.pk).delete(),
                      lambda: BilanLigne.objects.create(bilan=bilan, competence_id=ligne.competence_id + 10_000,
                                                        suggestion_code="NE", suggestion_phrase="")):
            with pytest.raises((InternalError, IntegrityError), match="Un bilan validé ne se modifie pas"):
                with transaction.atomic():
                    write()
        assert BilanLigne.objects.get(pk=ligne.pk).commentaire == ""


def test_a_new_bilan_supersedes_the_previous_one(alpha, monde):
    m = monde
    with tenant_context(alpha):
        premier = bilan_create(apprenant=m.lea, date=TODAY - 10 * JOUR, actor=m.formateur)
        bilan_validate(bilan=premier, actor=m.formateur)
        second = bilan_create(apprenant=m.lea, date=TODAY, actor=m.collegue)
        c03 = ligne_of(second, "C03")
        bilan_ligne_set(ligne=c03, niveau_code="m", commentaire="Bien progressé.", actor=m.collegue)
        assert niveaux_valides_of(m.lea)[c03.competence_id].date == premier.date  # a draft changes nothing
        second = bilan_validate(bilan=second, actor=m.collegue)
        premier = Bilan.objects.get(pk=premier.pk)
        assert second.remplace == premier and premier.remplace_par == second
        assert premier.valide and premier.date == TODAY - 10 * JOUR  # the superseded one stays as it was
        niveau = niveaux_valides_of(m.lea)[c03.competence_id]
        assert (niveau.code, niveau.libelle, niveau.date, niveau.commentaire) == (
            "M", "Maîtrisé", TODAY, "Bien progressé.")
        assert AuditEvent.objects.filter(action="bilan_intermediaire_valide").count() == 2


def test_an_older_bilan_cannot_be_created_nor_validated_after_a_newer_one(alpha, monde):
    m = monde
    with tenant_context(alpha):
        ancien = bilan_create(apprenant=m.lea, date=TODAY - 10 * JOUR, actor=m.formateur)
        Bilan.objects.filter(pk=ancien.pk).delete()
        recent = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        bilan_validate(bilan=recent, actor=m.formateur)
        with pytest.raises(ValidationError, match="ne peut pas être daté d'avant"):
            bilan_create(apprenant=m.lea, date=TODAY - 10 * JOUR, actor=m.formateur)
        with pytest.raises(ValidationError, match="futur"):
            bilan_create(apprenant=m.lea, date=TODAY + JOUR, actor=m.formateur)


def test_the_archive_lists_the_last_validated_first(alpha, monde):
    m = monde
    with tenant_context(alpha):
        dates = [TODAY - 20 * JOUR, TODAY - 10 * JOUR, TODAY - 5 * JOUR]
        for date in dates:
            bilan_validate(bilan=bilan_create(apprenant=m.lea, date=date, actor=m.formateur), actor=m.formateur)
        brouillon = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        vues = bilan_archive(m.lea)
        assert [v.bilan.date for v in vues] == [dates[2], dates[1], dates[0], TODAY]
        assert [v.en_vigueur for v in vues] == [True, False, False, False]
        assert vues[-1].bilan == brouillon and not vues[-1].bilan.valide
        assert [v.bilan.date for v in bilan_archive(m.lea, valides_seulement=True)] == dates[::-1]


def test_the_archive_breaks_down_by_bloc_and_projects_acquired_competencies_per_epreuve(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        for code, niveau in (("C03", "BM"), ("C07", "M"), ("C11", "IM"), ("C06", "NE")):
            bilan_ligne_set(ligne=ligne_of(bilan, code), niveau_code=niveau, commentaire="", actor=m.formateur)
        bilan_validate(bilan=bilan, actor=m.formateur)
        (vue,) = bilan_archive(m.lea)
    blocs = {b.code: b for b in vue.blocs}
    assert [ligne.competence.code for ligne in blocs["BC01"].lignes] == ["C03", "C07", "C11"]
    assert blocs["BC01"].acquises == 2
    assert {ligne.competence.code for ligne in blocs[""].lignes} == {"C02", "C05"}  # « Hors bloc »
    epreuves = {e.epreuve.code: e for e in vue.epreuves}
    assert "E11" not in epreuves  # no competency of the référentiel
    assert [(ligne.competence.code, ligne.acquis) for ligne in epreuves["E2"].lignes] == [
        ("C03", True), ("C07", True), ("C11", False)]
    assert epreuves["E2"].acquises == 2 and epreuves["E31"].acquises == 0


def test_a_concurrent_change_to_a_draft_line_is_never_overwritten_silently(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        ligne = ligne_of(bilan, "C03")
        vu = ligne.revision
        bilan_ligne_set(ligne=ligne, niveau_code="M", commentaire=None, actor=m.formateur, vu=vu)
        with pytest.raises(ValidationError, match="Modifiée entre-temps par") as refus:
            bilan_ligne_set(ligne=ligne, niveau_code="IM", commentaire=None, actor=m.collegue, vu=vu)
        assert refus.value.code == "conflit"
        assert ligne_of(bilan, "C03").code == "M"
        # The whole form: a line the colleague did not touch is not reported, the one they changed is.
        c07 = ligne_of(bilan, "C07")
        saisie = bilan_lignes_set(bilans=[bilan], actor=m.collegue, valeurs={
            ligne.pk: {"code": "NE", "vu": vu, "commentaire": None, "initial": ("NE", None)},
            c07.pk: {"code": "BM", "vu": c07.revision, "commentaire": "Autonome.", "initial": (c07.code, "")},
        })
        assert saisie.enregistrees == 1 and saisie.refus == []
        assert ligne_of(bilan, "C03").code == "M" and ligne_of(bilan, "C07").commentaire == "Autonome."
        saisie = bilan_lignes_set(bilans=[bilan], actor=m.collegue, valeurs={
            ligne.pk: {"code": "IM", "vu": vu, "commentaire": None, "initial": ("NE", None)}})
        assert saisie.enregistrees == 0 and "Modifiée entre-temps" in saisie.refus[0][1]


def test_validation_needs_a_level_for_every_competency_and_the_classe_validates_what_is_complete(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)
        hugo = Bilan.objects.get(apprenant=m.hugo)
        BilanLigne.objects.filter(bilan=hugo, competence__code="C03").update(etat=None, niveau=None)
        result = bilans_classe_validate(classe=m.classe, date=TODAY, actor=m.formateur)
        assert [b.apprenant_id for b in result.valides] == [m.lea.pk]
        assert "1 compétence(s) sans niveau" in result.refus[0]
        assert not Bilan.objects.get(pk=hugo.pk).valide


def test_one_bilan_in_progress_per_learner_and_creating_again_keeps_what_exists(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan_create(apprenant=m.lea, date=TODAY - 3 * JOUR, actor=m.formateur)
        with pytest.raises(ValidationError, match="déjà en cours"):
            bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        result = bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)
        assert [b.apprenant_id for b in result.crees] == [m.hugo.pk]
        assert "est en cours" in result.ignores[0]
        again = bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)
        assert again.crees == [] and [b.apprenant_id for b in again.deja_faits] == [m.hugo.pk]
        assert Bilan.objects.count() == 2


def test_only_the_formateurs_of_the_classe_write(alpha, monde):
    m = monde
    with tenant_context(alpha):
        for actor in (m.autre_formateur, m.personas["inspecteur"], m.personas["direction"]):
            with pytest.raises(ValidationError, match="Seuls les formateurs de la classe"):
                bilans_classe_create(classe=m.classe, date=TODAY, actor=actor)
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        with pytest.raises(ValidationError, match="Seuls les formateurs de la classe"):
            bilan_validate(bilan=bilan, actor=m.personas["inspecteur"])
        with pytest.raises(ValidationError, match="Seuls les formateurs de la classe"):
            bilan_ligne_set(ligne=bilan.lignes.first(), niveau_code="M", commentaire="", actor=m.autre_formateur)


def test_a_lapsed_subscription_refuses_new_bilans(alpha, monde):
    m = monde
    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement=alpha).update(statut=Abonnement.Statut.ANNULE)
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="abonnement"):
            bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)


def test_a_bilan_keeps_its_meaning_when_the_scale_changes(alpha, monde):
    m = monde
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        bilan_ligne_set(ligne=ligne_of(bilan, "C03"), niveau_code="M", commentaire="", actor=m.formateur)
        bilan_validate(bilan=bilan, actor=m.formateur)
        echelle_version_create(echelle=Echelle.objects.get(code="maitrise"), actor=m.personas["direction"], niveaux=[
            {"code": c, "libelle": f"Niveau {c}", "couleur": "#ffffff", "valeur": v}
            for v, c in enumerate(["N1", "N2", "N3", "N4"])], etats=[{"code": "NE", "libelle": "Pas vu"}])
        assert niveaux_valides_of(m.lea)[m.competences["C03"].pk].libelle == "Maîtrisé"
        reussir(m, m.lea, "C03", [TODAY - 3 * JOUR])  # suggests IM
        nouveau = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        assert nouveau.version.numero == 2
        assert ligne_of(nouveau, "C01").etat.libelle == "Pas vu"
        assert ligne_of(nouveau, "C03").code == ""  # the suggestion's code is not a level of the new version


def test_the_transfer_export_lists_validated_bilans_only(alpha, monde):
    from bilans.historique import bilans_export

    m = monde
    with tenant_context(alpha):
        bilan = bilan_create(apprenant=m.lea, date=TODAY, actor=m.formateur)
        assert bilans_export(m.lea) == []
        bilan_validate(bilan=bilan, actor=m.formateur)
        rows = bilans_export(m.lea)
    assert len(rows) == len(m.competences) and rows[0]["niveau"] == "NE Non évalué" and rows[0]["date"] == TODAY
