"""The livret de suivi's world in alpha, on top of the company fixture (`alternance`): Léa (alpha's apprenant
account) and Hugo in 1CIEL-A taught by alpha's formateur, Léa apprentice at Acme with alpha's tuteur, Hugo at
Bureau Vert with another tutor; a second classe taught by another formateur; situations, events, positionnements
and confirmed company bilans are built with the models directly by the helpers below."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from entreprise.models import Periode
from entreprise.models_bilan import BilanEntreprise
from evaluations.models import Evaluation, Lieu, Positionnement, Scenario, ScenarioCritere, Situation
from evaluations.selectors_grille import valeur_find
from referentiels.models import Critere
from scolarite.models import Apprenant, Classe, Inscription

from ..conftest import make_person
from ..entreprise.conftest import ANNEE, RENTREE, TODAY, alternance  # noqa: F401

DAY = datetime.timedelta(days=1)


def criteres_of(ciel, competence_code: str) -> list[Critere]:
    return list(Critere.objects.filter(referentiel=ciel, competence__code=competence_code).order_by("rang"))


def situation_add(*, classe, auteur, ciel, criteres, date, nature="formative", titre="TP") -> Situation:
    scenario = Scenario.objects.create(titre=titre, auteur=auteur, referentiel=ciel)
    ScenarioCritere.objects.bulk_create(ScenarioCritere(scenario=scenario, critere=c, rang=i)
                                        for i, c in enumerate(criteres))
    epreuve = ciel.epreuves.get(code="E2") if nature == "certificative" else None
    return Situation.objects.create(scenario=scenario, classe=classe, date=date, nature=nature, epreuve=epreuve,
                                    created_by=auteur)


def rate(*, situation, apprenant, critere, code, auteur, commentaire="", at=None) -> Evaluation:
    niveau, etat = valeur_find("critere", code)
    return Evaluation.objects.create(situation=situation, apprenant=apprenant, critere=critere, niveau=niveau,
                                     etat=etat, commentaire=commentaire, auteur=auteur, role="formateur",
                                     at=at or timezone.now())


def position(*, situation, apprenant, critere, code) -> Positionnement:
    niveau, _ = valeur_find("critere", code)
    return Positionnement.objects.create(apprenant=apprenant, situation=situation, critere=critere, niveau=niveau,
                                         at=timezone.now())


def bilan_add(w, *, date, valeurs: dict, confirme=True, commentaire="", contrat=None, tuteur=None) -> BilanEntreprise:
    """A company bilan of Léa at Acme (its own period), confirmed by both parties, with the events the
    confirmation writes (no situation, lieu = entreprise, the tutor as co-author)."""
    periode = Periode.objects.create(classe=w.classe, lieu=Periode.Lieu.ENTREPRISE, debut=date - 7 * DAY, fin=date)
    now = timezone.now()
    confirmations = dict(confirme_formateur_par=w.formateur, confirme_formateur_le=now,
                         confirme_tuteur_par=w.tuteur_user, confirme_tuteur_le=now, valide_le=now) if confirme else {}
    bilan = BilanEntreprise.objects.create(periode=periode, apprenant=w.lea, contrat=contrat or w.contrat,
                                           tuteur=tuteur or w.tuteur, date=date, created_by=w.formateur,
                                           **confirmations)
    if confirme:
        events = []
        for critere, code in valeurs.items():
            niveau, etat = valeur_find("entreprise", code)
            events.append(Evaluation.objects.create(
                situation=None, apprenant=w.lea, critere=critere, niveau=niveau, etat=etat, commentaire=commentaire,
                auteur=w.formateur, coauteur=w.tuteur_user, role="formateur", lieu=Lieu.ENTREPRISE, at=now))
        bilan.evaluations.add(*events)
    return bilan


@pytest.fixture
def livret(alpha, personas, ciel, alternance):  # noqa: F811
    autre_formateur = make_person(alpha, "formateur", email="autre-formateur@alpha.test")
    with tenant_context(alpha):
        classe = alternance["classe"]
        autre = Classe.objects.create(formation=classe.formation, annee_scolaire=ANNEE, code="TCIEL-B")
        autre.formateurs.set([autre_formateur])
        zoe = Apprenant.objects.create(nom="Zed", prenom="Zoé")
        Inscription.objects.create(apprenant=zoe, classe=autre, statut="scolaire", debut=RENTREE)
        c03 = criteres_of(ciel, "C03")
    connection.set_schema_to_public()
    return SimpleNamespace(**alternance, autre=autre, zoe=zoe, autre_formateur=autre_formateur, c03=c03,
                           formateur=personas["formateur"], tuteur_user=personas["tuteur"], personas=personas,
                           ciel=ciel)
