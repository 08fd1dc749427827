"""Issue 18's figures: the livret de suivi of one learner with three school years of history (120 situations,
about 2,000 of their events, positionnements, six confirmed company bilans) among 15 classmates rated in the same
situations, read by their formateur. Target: under 300 ms.

Alone: `python -m bench.livret`."""

import datetime
import statistics
import time
import uuid

from bench.referentiels import synthetic_document
from bench.support import drop_bench_establishment

YEARS, SITUATIONS_PER_YEAR, CRITERES_PER_SITUATION, CLASSMATES, BILANS_PER_YEAR = 3, 40, 17, 15, 2
PASSWORD = "bench-2026"


def seed_livret(*, schema: str, domain: str) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from entreprise.models import Contrat, Entreprise, Periode, Tuteur
    from entreprise.models_bilan import BilanEntreprise
    from evaluations.models import Evaluation, Niveau, Positionnement, Scenario, ScenarioCritere, Situation
    from referentiels.models import Critere, Epreuve
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_bounds, annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-LIV-{uuid.uuid4().hex[:6].upper()}"
    referentiel = referentiel_import(document=synthetic_document(code=code, competences=12, criteres=5),
                                     dry_run=False).referentiel
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    epreuve = Epreuve.objects.filter(referentiel=referentiel).order_by("rang").first()
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench livret", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email="direction@bench.test", admin_password=PASSWORD)
    today = timezone.localdate()
    annee = annee_scolaire_of(today)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    with tenant_context(etablissement):
        formateur = user_create(email="formateur@bench.test", roles=["formateur"], password=PASSWORD,
                                first_name="Form", last_name="Ateur")
        tuteur_user = user_create(email="tuteur@bench.test", roles=["tuteur"], password=PASSWORD,
                                  first_name="Tu", last_name="Teur")
        formation = Formation.objects.create(referentiel=referentiel, intitule="Formation de mesure")
        annees = [annee - YEARS + 1 + y for y in range(YEARS)]
        classes = [Classe.objects.create(formation=formation, annee_scolaire=a, code=f"LIV{y + 1}")
                   for y, a in enumerate(annees)]
        for classe in classes:
            classe.formateurs.add(formateur)
        apprenants = Apprenant.objects.bulk_create([Apprenant(nom=f"LIV-{i}", prenom=f"P{i}")
                                                    for i in range(CLASSMATES + 1)])
        lea = apprenants[0]
        Inscription.objects.bulk_create([
            Inscription(apprenant=a, classe=c, statut="apprenti", debut=annee_scolaire_bounds(a_)[0],
                        fin=None if a_ == annee else annee_scolaire_bounds(a_)[1])
            for c, a_ in zip(classes, annees, strict=True) for a in apprenants])
        entreprise = Entreprise.objects.create(raison_sociale="Atelier du livret")
        tuteur = Tuteur.objects.create(entreprise=entreprise, nom="Teur", prenom="Tu", user=tuteur_user)
        contrat = Contrat.objects.create(type="apprentissage", apprenant=lea, entreprise=entreprise,
                                         debut=annee_scolaire_bounds(annees[0])[0], fin=annee_scolaire_bounds(annee)[1])
        contrat.tuteurs.add(tuteur)
        n = YEARS * SITUATIONS_PER_YEAR
        scenarios = Scenario.objects.bulk_create([Scenario(titre=f"TP {s}", auteur=formateur, referentiel=referentiel)
                                                  for s in range(n)])
        ScenarioCritere.objects.bulk_create([
            ScenarioCritere(scenario=sc, critere=criteres[(s * 7 + k) % len(criteres)], rang=k)
            for s, sc in enumerate(scenarios) for k in range(CRITERES_PER_SITUATION)])

        def date_of(s: int) -> datetime.date:  # 40 a year, spread over the school year, never in the future
            debut = annee_scolaire_bounds(annees[s // SITUATIONS_PER_YEAR])[0]
            return min(today, debut + datetime.timedelta(days=7 * (s % SITUATIONS_PER_YEAR)))

        situations = Situation.objects.bulk_create([
            Situation(scenario=sc, classe=classes[s // SITUATIONS_PER_YEAR], date=date_of(s), created_by=formateur,
                      nature="certificative" if s % 6 == 5 else "formative",
                      epreuve=epreuve if s % 6 == 5 else None) for s, sc in enumerate(scenarios)])
        niveaux = list(Niveau.objects.filter(version__echelle__code="performance").order_by("rang"))
        entreprise_niveaux = list(Niveau.objects.filter(version__echelle__code="liaison-entreprise").order_by("rang"))
        now = timezone.now()
        Evaluation.objects.bulk_create([
            Evaluation(situation=st, apprenant=a, critere=criteres[(s * 7 + k) % len(criteres)],
                       niveau=niveaux[(s + k + i) % len(niveaux)], auteur=formateur, role="formateur", at=now)
            for s, st in enumerate(situations) for k in range(CRITERES_PER_SITUATION)
            for i, a in enumerate(apprenants)], batch_size=5000)
        Positionnement.objects.bulk_create([
            Positionnement(apprenant=lea, situation=st, critere=criteres[(s * 7 + k) % len(criteres)],
                           niveau=niveaux[(s + k + 1) % len(niveaux)], at=now)
            for s, st in enumerate(situations) if s % 3 == 0 for k in range(CRITERES_PER_SITUATION)])
        for y, a in enumerate(annees):
            for b in range(BILANS_PER_YEAR):
                debut = annee_scolaire_bounds(a)[0] + datetime.timedelta(days=60 + 120 * b)
                if debut > today:
                    debut = today - datetime.timedelta(days=10 + b)
                periode = Periode.objects.create(classe=classes[y], lieu=Periode.Lieu.ENTREPRISE, debut=debut,
                                                 fin=debut + datetime.timedelta(days=14))
                bilan = BilanEntreprise.objects.create(
                    periode=periode, apprenant=lea, contrat=contrat, tuteur=tuteur, date=periode.fin,
                    created_by=formateur, confirme_formateur_par=formateur, confirme_formateur_le=now,
                    confirme_tuteur_par=tuteur_user, confirme_tuteur_le=now, valide_le=now)
                events = Evaluation.objects.bulk_create([
                    Evaluation(situation=None, apprenant=lea, critere=criteres[(y * 11 + b * 5 + k) % len(criteres)],
                               niveau=entreprise_niveaux[(k + b) % len(entreprise_niveaux)], auteur=formateur,
                               coauteur=tuteur_user, role="formateur", lieu="entreprise", at=now)
                    for k in range(10)])
                bilan.evaluations.add(*events)
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "formateur": formateur, "lea": lea}


def run(emit, pages: int = 20) -> None:
    """bench: livret_queries (the page), livret_ms (median of 20 pages, selector and rendering)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    schema = f"bench_liv_{uuid.uuid4().hex[:6]}"
    domain = f"{schema.replace('_', '-')}.localhost"
    seeded = seed_livret(schema=schema, domain=domain)
    try:
        url = f"/livret/apprenants/{seeded['lea'].pk}/"
        client = Client(HTTP_HOST=domain)
        with tenant_context(seeded["etablissement"]):
            client.force_login(seeded["formateur"])
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        emit("livret_queries", len(queries.captured_queries), "queries")
        timings = []
        for _ in range(pages):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        emit("livret_ms", statistics.median(timings), "ms")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.bench")
    import django

    django.setup()
    from bench.__main__ import emit
    from tenants.services import platform_migrate

    platform_migrate(verbosity=0)
    run(emit)
