"""Issue 17's figures: the home of a tuteur with 5 apprentices and a school year of journal entries (one a
working day each, some waiting for validation), and validating one entry through the one-tap endpoint."""

import datetime
import statistics
import time
import uuid

from bench.referentiels import synthetic_document
from bench.support import drop_bench_establishment, percentile

APPRENTICES, VALIDATIONS = 5, 300
PASSWORD = "bench-2026"


def seed_entreprise(*, schema: str, domain: str) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from entreprise.models import Contrat, EntreeJournal, EntreeVersion, Entreprise, Periode, Tuteur
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_bounds, annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-ENT-{uuid.uuid4().hex[:6].upper()}"
    referentiel = referentiel_import(document=synthetic_document(code=code, competences=6, criteres=3),
                                     dry_run=False).referentiel
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench entreprise", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email="direction@bench.test", admin_password=PASSWORD)
    today = timezone.localdate()
    annee = annee_scolaire_of(today)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    rentree, fin = annee_scolaire_bounds(annee)
    with tenant_context(etablissement):
        tuteur_user = user_create(email="tuteur@bench.test", roles=["tuteur"], password=PASSWORD,
                                  first_name="Tu", last_name="Teur")
        classe = Classe.objects.create(formation=Formation.objects.create(referentiel=referentiel, intitule="F"),
                                       annee_scolaire=annee, code="APP")
        Periode.objects.create(classe=classe, lieu=Periode.Lieu.ENTREPRISE, debut=rentree, fin=fin)
        entreprise = Entreprise.objects.create(raison_sociale="Atelier de mesure")
        tuteur = Tuteur.objects.create(entreprise=entreprise, nom="Teur", prenom="Tu", user=tuteur_user)
        apprenants = Apprenant.objects.bulk_create([Apprenant(nom=f"APP{i}", prenom=f"P{i}")
                                                    for i in range(APPRENTICES)])
        Inscription.objects.bulk_create([Inscription(apprenant=a, classe=classe, statut="apprenti", debut=rentree)
                                         for a in apprenants])
        contrats = []
        for apprenant in apprenants:
            contrat = Contrat.objects.create(type="apprentissage", apprenant=apprenant, entreprise=entreprise,
                                             debut=rentree, fin=fin)
            contrat.tuteurs.add(tuteur)
            contrats.append(contrat)
        days = [rentree + datetime.timedelta(days=d) for d in range(366)]
        days = [d for d in days if d.weekday() < 5][:220]  # a school year of working days, past and to come
        now = timezone.now()
        entrees = EntreeJournal.objects.bulk_create([
            EntreeJournal(apprenant=c.apprenant, contrat=c, date=min(d, today), created_by=tuteur_user,
                          statut=EntreeJournal.Statut.A_VALIDER if k % 4 == 0 else EntreeJournal.Statut.VALIDEE)
            for c in contrats for k, d in enumerate(days)])
        versions = EntreeVersion.objects.bulk_create([
            EntreeVersion(entree=e, numero=1, date=e.date, texte="Intervention chez un client.", duree_minutes=420,
                          auteur=tuteur_user, at=now) for e in entrees])
        for entree, version in zip(entrees, versions, strict=True):
            entree.version_courante = version
        EntreeJournal.objects.bulk_update(entrees, ["version_courante"])
        waiting = [e.pk for e in entrees if e.statut == EntreeJournal.Statut.A_VALIDER]
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "tuteur": tuteur_user, "waiting": waiting}


def run(emit, pages: int = 20) -> None:
    """bench: tuteur_home_queries, tuteur_home_ms (median of 20), journal_validate_p95_ms (300 validations
    of one entry each, through the tutor's one-tap endpoint)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    schema = f"bench_ent_{uuid.uuid4().hex[:6]}"
    domain = f"{schema.replace('_', '-')}.localhost"
    seeded = seed_entreprise(schema=schema, domain=domain)
    try:
        client = Client(HTTP_HOST=domain)
        with tenant_context(seeded["etablissement"]):
            client.force_login(seeded["tuteur"])
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tuteur/").status_code == 200
        emit("tuteur_home_queries", len(queries.captured_queries), "queries")
        timings = []
        for _ in range(pages):
            started = time.perf_counter()
            client.get("/tuteur/")
            timings.append((time.perf_counter() - started) * 1000)
        emit("tuteur_home_ms", statistics.median(timings), "ms")
        timings = []
        for pk in seeded["waiting"][:VALIDATIONS]:
            started = time.perf_counter()
            response = client.post(f"/journal/entrees/{pk}/valider/", HTTP_HX_REQUEST="true")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        emit("journal_validate_p50_ms", statistics.median(timings), "ms")
        emit("journal_validate_p95_ms", percentile(timings, 0.95), "ms")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])
