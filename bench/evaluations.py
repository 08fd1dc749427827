"""Issue 5's figures on a demo-scale establishment: 12 classes of 30 learners, a référentiel of 42 compétences
and 168 critères, 60 situations per classe with 10 critères each, and one grid of 35 learners × 20 critères.

`seed_evaluations()` is also what `python manage.py seed_bench` runs, to look at that establishment in the
browser (http://bench-eval.localhost:8000/, formateur@bench.test / bench-2026)."""

import datetime
import statistics
import time
import uuid

from bench.referentiels import synthetic_document
from bench.support import drop_bench_establishment, percentile

CLASSES, LEARNERS, SITUATIONS, CRITERES_PER_SITUATION = 12, 30, 60, 10
GRID_LEARNERS, GRID_CRITERES = 35, 20
PASSWORD = "bench-2026"


def seed_evaluations(*, schema: str, domain: str) -> dict:
    """Create the establishment and its data with bulk inserts; returns what the figures need."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from evaluations.models import Evaluation, Niveau, Scenario, ScenarioCritere, Situation
    from evaluations.selectors import echelle_list
    from referentiels.models import Critere
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-EVAL-{uuid.uuid4().hex[:6].upper()}"
    report = referentiel_import(document=synthetic_document(code=code, competences=42, criteres=4), dry_run=False)
    referentiel = report.referentiel
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench évaluations", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email="direction@bench.test", admin_password=PASSWORD)
    annee = annee_scolaire_of(timezone.localdate())
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    with tenant_context(etablissement):
        formateur = user_create(email="formateur@bench.test", roles=["formateur"], password=PASSWORD,
                                first_name="Form", last_name="Ateur")
        formation = Formation.objects.create(referentiel=referentiel, intitule="Formation de mesure")
        debut = datetime.date(annee, 9, 1)
        classes = Classe.objects.bulk_create(
            [Classe(formation=formation, annee_scolaire=annee, code=f"C{c:02d}") for c in range(CLASSES)]
            + [Classe(formation=formation, annee_scolaire=annee, code="GRILLE")])
        for classe in classes:
            classe.formateurs.add(formateur)
        apprenants = Apprenant.objects.bulk_create(
            [Apprenant(nom=f"NOM{c}-{i}", prenom=f"P{i}") for c in range(CLASSES) for i in range(LEARNERS)]
            + [Apprenant(nom=f"GRILLE-{i}", prenom=f"P{i}") for i in range(GRID_LEARNERS)])
        members = [classes[k // LEARNERS] for k in range(CLASSES * LEARNERS)] + [classes[-1]] * GRID_LEARNERS
        Inscription.objects.bulk_create([Inscription(apprenant=a, classe=c, statut="apprenti", debut=debut)
                                         for a, c in zip(apprenants, members, strict=True)])
        scenarios = Scenario.objects.bulk_create(
            [Scenario(titre=f"TP {s}", auteur=formateur, referentiel=referentiel, partage=True)
             for s in range(SITUATIONS)] + [Scenario(titre="TP de la grille", auteur=formateur,
                                                     referentiel=referentiel)])
        ScenarioCritere.objects.bulk_create(
            [ScenarioCritere(scenario=scenario, critere=criteres[(s * 7 + k) % len(criteres)], rang=k)
             for s, scenario in enumerate(scenarios[:-1]) for k in range(CRITERES_PER_SITUATION)]
            + [ScenarioCritere(scenario=scenarios[-1], critere=criteres[k], rang=k) for k in range(GRID_CRITERES)])
        situations = Situation.objects.bulk_create(
            [Situation(scenario=scenarios[s], classe=classe, date=debut + datetime.timedelta(days=s),
                       created_by=formateur) for classe in classes[:-1] for s in range(SITUATIONS)]
            + [Situation(scenario=scenarios[-1], classe=classes[-1], date=debut, created_by=formateur)])
        grid = situations[-1]
        version = echelle_list(portee="critere", en_usage=True)[0].version_courante
        niveaux = list(Niveau.objects.filter(version=version).order_by("rang"))
        now = timezone.now()
        grid_learners = apprenants[-GRID_LEARNERS:]
        Evaluation.objects.bulk_create([  # half the grid already filled in
            Evaluation(situation=grid, apprenant=a, critere=criteres[k], niveau=niveaux[(i + k) % len(niveaux)],
                       auteur=formateur, role="formateur", at=now)
            for i, a in enumerate(grid_learners[: GRID_LEARNERS // 2]) for k in range(GRID_CRITERES)])
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "grid": grid, "formateur": formateur,
            "learners": grid_learners, "criteres": criteres[:GRID_CRITERES], "niveaux": niveaux}


def run(emit, saves: int = 1000, pages: int = 20) -> None:
    """bench: grid_page_queries, grid_page_ms (median of 20), grid_save_p50_ms and grid_save_p95_ms (1,000
    saves of one cell each, through the save endpoint)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django_tenants.utils import tenant_context

    schema = f"bench_eval_{uuid.uuid4().hex[:6]}"
    domain = f"{schema.replace('_', '-')}.localhost"
    seeded = seed_evaluations(schema=schema, domain=domain)
    try:
        etablissement, grid = seeded["etablissement"], seeded["grid"]
        with tenant_context(etablissement):
            try:
                page_url = reverse("grille", args=[grid.pk])
                save_url = reverse("grille_cellule", args=[grid.pk])
            except NoReverseMatch:
                print("bench: (grille absente : pas de mesure de la grille)")
                return
        client = Client(HTTP_HOST=domain)
        with tenant_context(etablissement):  # the login writes last_login in the establishment's schema
            client.force_login(seeded["formateur"])
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url).status_code == 200
        emit("grid_page_queries", len(queries.captured_queries), "queries")
        timings = []
        for _ in range(pages):
            started = time.perf_counter()
            client.get(page_url)
            timings.append((time.perf_counter() - started) * 1000)
        emit("grid_page_ms", statistics.median(timings), "ms")
        codes = [n.code for n in seeded["niveaux"]]
        learners, criteres = seeded["learners"], seeded["criteres"]
        timings = []
        for i in range(saves):
            data = {"apprenant": learners[i % len(learners)].pk, "critere": criteres[i % len(criteres)].pk,
                    "valeur": codes[i % len(codes)]}
            started = time.perf_counter()
            response = client.post(save_url, data, HTTP_HX_REQUEST="true")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        emit("grid_save_p50_ms", statistics.median(timings), "ms")
        emit("grid_save_p95_ms", percentile(timings, 0.95), "ms")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])
