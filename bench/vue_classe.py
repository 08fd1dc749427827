"""Issue 18's figures: the vue classe of 35 learners × 40 compétences (160 critères), with 20 situations of 10
critères evaluated for every learner (7,000 evaluation events) and a validated bilan per learner, read by the
classe's formateur. Target: under 300 ms.

Alone: `python -m bench.vue_classe`."""

import datetime
import statistics
import time
import uuid

from bench.referentiels import synthetic_document
from bench.support import drop_bench_establishment

LEARNERS, COMPETENCES, SITUATIONS, CRITERES_PER_SITUATION, PAGES = 35, 40, 20, 10, 10
PASSWORD = "bench-2026"


def seed(*, schema: str, domain: str) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from bilans.models import Bilan, BilanLigne
    from evaluations.models import EchelleVersion, Evaluation, Niveau, Scenario, ScenarioCritere, Situation
    from referentiels.models import Competence, Critere
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-VC-{uuid.uuid4().hex[:6].upper()}"
    referentiel = referentiel_import(document=synthetic_document(code=code, competences=COMPETENCES, criteres=4),
                                     dry_run=False).referentiel
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    competences = list(Competence.objects.filter(referentiel=referentiel).order_by("rang"))
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench vue classe", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email="direction@bench-vc.test", admin_password=PASSWORD)
    today = timezone.localdate()
    annee = annee_scolaire_of(today)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    with tenant_context(etablissement):
        formateur = user_create(email="formateur@bench-vc.test", roles=["formateur"], password=PASSWORD,
                                first_name="Form", last_name="Ateur")
        formation = Formation.objects.create(referentiel=referentiel, intitule="Formation de mesure")
        classe = Classe.objects.create(formation=formation, annee_scolaire=annee, code="VUE")
        classe.formateurs.add(formateur)
        apprenants = Apprenant.objects.bulk_create(Apprenant(nom=f"NOM-{i:02d}", prenom=f"P{i}")
                                                   for i in range(LEARNERS))
        Inscription.objects.bulk_create(Inscription(apprenant=a, classe=classe, statut="apprenti",
                                                    debut=datetime.date(annee - 1, 9, 1)) for a in apprenants)
        scenarios = Scenario.objects.bulk_create(Scenario(titre=f"TP {s}", auteur=formateur, referentiel=referentiel)
                                                 for s in range(SITUATIONS))
        cibles = {s: [criteres[(s * 7 + k) % len(criteres)] for k in range(CRITERES_PER_SITUATION)]
                  for s in range(SITUATIONS)}
        ScenarioCritere.objects.bulk_create(ScenarioCritere(scenario=scenarios[s], critere=c, rang=k)
                                            for s in range(SITUATIONS) for k, c in enumerate(cibles[s]))
        situations = Situation.objects.bulk_create(
            Situation(scenario=scenarios[s], classe=classe, date=today - datetime.timedelta(days=SITUATIONS - s),
                      created_by=formateur) for s in range(SITUATIONS))
        niveaux = list(Niveau.objects.filter(version__echelle__code="performance").order_by("rang"))
        now = timezone.now()
        Evaluation.objects.bulk_create(
            [Evaluation(situation=situation, apprenant=a, critere=c, niveau=niveaux[(i + s + k) % len(niveaux)],
                        auteur=formateur, role="formateur", at=now)
             for s, situation in enumerate(situations) for i, a in enumerate(apprenants)
             for k, c in enumerate(cibles[s])], batch_size=5000)
        # Validated bilans: drafts with their lines, then validated (the database refuses lines on a validated one).
        version = EchelleVersion.objects.filter(echelle__code="maitrise").order_by("-numero").first()
        maitrise = list(version.niveaux.order_by("rang"))
        bilans = Bilan.objects.bulk_create(
            Bilan(apprenant=a, classe=classe, referentiel_id=referentiel.pk, version=version, created_by=formateur,
                  date=today - datetime.timedelta(days=7 * (i % 12))) for i, a in enumerate(apprenants))
        BilanLigne.objects.bulk_create(
            [BilanLigne(bilan=b, competence=c, rang=r, suggestion_code="NE", suggestion_phrase="",
                        niveau=maitrise[(i + r) % len(maitrise)]) for i, b in enumerate(bilans)
             for r, c in enumerate(competences)], batch_size=5000)
        Bilan.objects.filter(pk__in=[b.pk for b in bilans]).update(validated_at=now, validated_by=formateur)
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "classe": classe, "formateur": formateur}


def run(emit) -> None:
    """bench: vue_classe_queries (the most of both sources), vue_classe_ms (median of 10 pages of the slower
    source, selector and rendering)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    schema = f"bench_vc_{uuid.uuid4().hex[:6]}"
    domain = f"{schema.replace('_', '-')}.localhost"
    seeded = seed(schema=schema, domain=domain)
    try:
        client = Client(HTTP_HOST=domain)
        with tenant_context(seeded["etablissement"]):
            client.force_login(seeded["formateur"])
        connection.set_schema_to_public()
        queries, medians = 0, []
        for source in ("bilan", "suggestion"):
            url = f"/livret/classes/{seeded['classe'].pk}/?source={source}&tri=C003"
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200 and response.content.count(b'<td class="vc-c') == LEARNERS * COMPETENCES
            queries = max(queries, len(captured.captured_queries))
            timings = []
            for _ in range(PAGES):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            medians.append(statistics.median(timings))
        emit("vue_classe_ms", max(medians), "ms")
        emit("vue_classe_queries", queries, "queries")
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
