"""The documents engine's test data: a cheap kind "essai" (one A4 page: the establishment's header and the
learner's name) and, reused from tests/bilans, alpha's classes 1CIEL-A (formateur + collègue, Léa = the apprenant
persona, Hugo) and TCIEL-B (another formateur, Zoé); alpha's tutor supervises Léa's apprenticeship, another
company's tutor supervises Zoé."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from documents import kinds
from entreprise.models import Contrat, Entreprise, Tuteur

from ..bilans.conftest import monde  # noqa: F401  (fixture reused)
from ..conftest import make_person


def essai_context(apprenant, **options):
    if options.get("indisponible"):
        raise kinds.Indisponible(f"Rien à imprimer pour {apprenant.prenom} {apprenant.nom}.")
    return {"etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant}


@pytest.fixture
def essai():
    """The kind "essai" (base template only), and "essai_tuteur" (tutors may download it), for this test."""
    added = [kinds.register(kinds.Kind("essai", "Document d'essai", "documents/base.html", essai_context)),
             kinds.register(kinds.Kind("essai_tuteur", "Essai côté entreprise", "documents/base.html", essai_context,
                                       tuteur=True)),
             kinds.register(kinds.Kind("essai_personnel", "Essai réservé à l'équipe", "documents/base.html",
                                       essai_context, apprenant=False))]
    yield kinds.KINDS["essai"]
    for kind in added:
        kinds.KINDS.pop(kind.code, None)


@pytest.fixture
def w(monde, alpha, personas, media_root, essai):  # noqa: F811
    """monde, plus the tutors: alpha's tutor persona for Léa, another company's tutor for Zoé."""
    autre_tuteur = make_person(alpha, "tuteur", email="autre-tuteur@alpha.test")
    today = datetime.date.today()
    with tenant_context(alpha):
        entreprise = Entreprise.objects.create(raison_sociale="Réseaux du Sud")
        autre = Entreprise.objects.create(raison_sociale="Câbles du Nord")
        tuteur = Tuteur.objects.create(entreprise=entreprise, user=personas["tuteur"], nom="Tuteur", prenom="T")
        tuteur2 = Tuteur.objects.create(entreprise=autre, user=autre_tuteur, nom="Autre", prenom="A")
        contrat = Contrat.objects.create(type="apprentissage", apprenant=monde.lea, entreprise=entreprise,
                                         debut=today - datetime.timedelta(100), fin=today + datetime.timedelta(300))
        contrat.tuteurs.set([tuteur])
        contrat2 = Contrat.objects.create(type="apprentissage", apprenant=monde.zoe, entreprise=autre,
                                          debut=today - datetime.timedelta(100), fin=today + datetime.timedelta(300))
        contrat2.tuteurs.set([tuteur2])
    connection.set_schema_to_public()
    return SimpleNamespace(**vars(monde), autre_tuteur=autre_tuteur, media=media_root)
