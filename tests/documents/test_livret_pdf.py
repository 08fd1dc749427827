"""The livret de suivi as a PDF (livret/documents.py): the /livret/ page's competencies by bloc, criteria rows and
situations as dated columns (centre, then company), the suggested level and the last bilan's, in landscape tables
of at most ten columns; the learner's version never shows certificative results."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from documents import kinds
from documents.rendu import pdf_from_template
from evaluations.models import Situation
from referentiels.models import Epreuve
from scolarite.models import Apprenant, Classe, Formation, Inscription

from ..bilans.conftest import DEBUT, evaluer, monde, reussir, situation_add  # noqa: F401  (fixture reused)
from .test_attestation import bilan_valide, competences_in, pdf_text

TODAY = datetime.date.today()
JOUR = datetime.timedelta(days=1)


@pytest.fixture
def m(monde):  # noqa: F811
    return monde


def test_the_livret_prints_criteria_by_situation_with_levels_and_the_last_bilan(alpha, m):
    premier, second = TODAY - 40 * JOUR, TODAY - 30 * JOUR
    with tenant_context(alpha):
        reussir(m, m.lea, "C03", [premier])
        reussir(m, m.lea, "C03", [second], code="TS")
        bilan_valide(m, m.lea, TODAY - 2 * JOUR, niveaux={"C03": "BM"})
        text = " ".join(pdf_text(pdf_from_template("documents/livret.html",
                                                   kinds.get("livret").context(m.lea))).split())
    connection.set_schema_to_public()
    assert "Livret de suivi — Léa DUPONT" in text and "BACPRO-CIEL" in text and "1CIEL-A" in text
    assert competences_in(text) == {f"C{i:02d}" for i in range(1, 12)}
    assert "BC01" in text and "Au centre" in text
    assert f"{premier:%d/%m/%y}" in text and f"{second:%d/%m/%y}" in text
    for critere in m.criteres["C03"]:
        assert critere.code in text
    assert " S " in f" {text} " and " TS " in f" {text} "
    assert "Dernier bilan validé : BM Bien maîtrisé" in text
    assert "Niveau suggéré :" in text and "Pas encore évaluée." in text


def test_the_learners_livret_hides_certificative_results_that_the_staffs_shows(alpha, m):
    with tenant_context(alpha):
        situation = situation_add(classe=m.classe, auteur=m.formateur, referentiel=m.ciel, date=TODAY - 5 * JOUR)
        epreuve = Epreuve.objects.filter(referentiel=m.ciel, code="E31").first()
        Situation.objects.filter(pk=situation.pk).update(nature=Situation.Nature.CERTIFICATIVE, epreuve=epreuve)
        situation.scenario.titre = "Épreuve blanche"
        situation.scenario.save(update_fields=["titre"])
        evaluer(apprenant=m.lea, auteur=m.formateur, critere=m.criteres["C06"][0], situation=situation, code="TS")
        kind = kinds.get("livret")
        apprenant = " ".join(pdf_text(pdf_from_template(kind.template, kind.context(m.lea))).split())
        personnel = " ".join(pdf_text(pdf_from_template(kind.template, kind.context(m.lea, certificatif=True)))
                             .split())
        par_compte = kind.context(m.lea, user=m.personas["apprenant"])["livret"].vue
    connection.set_schema_to_public()
    assert "Épreuve blanche" not in apprenant and "certificatives n'y figurent pas" in apprenant
    assert "Épreuve blanche" in personnel and "certif." in personnel
    assert not par_compte.certificatif


def test_a_long_livret_of_120_situations_cuts_its_columns_into_slices_of_ten(alpha, m):
    with tenant_context(alpha):
        dates = [DEBUT + datetime.timedelta(days=3 * i) for i in range(120)]
        dates = [d for d in dates if d <= TODAY]
        for date in dates:
            situation = situation_add(classe=m.classe, auteur=m.formateur, referentiel=m.ciel, date=date)
            evaluer(apprenant=m.lea, auteur=m.formateur, critere=m.criteres["C03"][0], situation=situation,
                    code="S")
        kind = kinds.get("livret")
        context = kind.context(m.lea)
        pdf = pdf_from_template(kind.template, context)
    connection.set_schema_to_public()
    if os.environ.get("CPRO_DOCS_PNG"):  # to look at it (tests/documents/test_attestation.py, the demo's)
        (Path(os.environ["CPRO_DOCS_PNG"]) / "livret-long.pdf").write_bytes(pdf)
    c03 = next(c for b in context["livret"].blocs for c in b.competences if c.competence.code == "C03")
    assert len(c03.colonnes) == len(dates) > 100
    assert [len(t.colonnes) for t in c03.tranches][:-1] == [10] * (len(c03.tranches) - 1)
    assert sum(len(t.colonnes) for t in c03.tranches) == len(dates)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) < 40
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in pages)  # landscape
    text = pdf_text(pdf)
    assert f"{dates[0]:%d/%m/%y}" in text and f"{dates[-1]:%d/%m/%y}" in text


def test_it_is_unavailable_for_a_learner_enrolled_nowhere_or_for_someone_with_no_access(alpha, m):
    with tenant_context(alpha):
        seul = Apprenant.objects.create(nom="Seul", prenom="Sam")
        with pytest.raises(kinds.Indisponible, match="aucune classe"):
            kinds.get("livret").context(seul)
        with pytest.raises(kinds.Indisponible, match="pas accessible"):
            kinds.get("livret").context(m.zoe, user=m.formateur)  # Zoé is in another formateur's classe
    connection.set_schema_to_public()


def test_a_learner_of_two_referentiels_lists_both(alpha, m, public):
    from referentiels.services import referentiel_import

    from ..conftest import FIXTURES

    tne = referentiel_import(path=FIXTURES / "referentiels" / "2tne-famille-metiers.yaml", dry_run=False).referentiel
    with tenant_context(alpha):
        formation = Formation.objects.create(referentiel=tne, intitule="2de TNE")
        classe = Classe.objects.create(formation=formation, annee_scolaire=DEBUT.year, code="2TNE-A")
        Inscription.objects.filter(apprenant=m.lea).update(debut=datetime.date(DEBUT.year + 1, 6, 1))
        Inscription.objects.create(apprenant=m.lea, classe=classe, statut="scolaire", debut=DEBUT,
                                   fin=datetime.date(DEBUT.year + 1, 5, 31))
        text = " ".join(pdf_text(pdf_from_template("documents/livret.html",
                                                   kinds.get("livret").context(m.lea))).split())
    connection.set_schema_to_public()
    assert "BACPRO-CIEL" in text and "2TNE" in text and "2TNE-A" in text
