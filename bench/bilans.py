"""Issue 18's figure: creating the prefilled bilans intermédiaires of a classe of 35 learners, on a référentiel
of 42 compétences (168 critères), with 20 situations of 10 critères evaluated for every learner (7,000
evaluation events to read)."""

import datetime
import statistics
import time
import uuid

from bench.referentiels import synthetic_document
from bench.support import drop_bench_establishment

LEARNERS, SITUATIONS, CRITERES_PER_SITUATION, RUNS = 35, 20, 10, 5


def seed(*, schema: str, domain: str) -> dict:
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from evaluations.models import Evaluation, Niveau, Scenario, ScenarioCritere, Situation
    from referentiels.models import Critere
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-BILAN-{uuid.uuid4().hex[:6].upper()}"
    referentiel = referentiel_import(document=synthetic_document(code=code, competences=42, criteres=4),
                                     dry_run=False).referentiel
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench bilans", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email="direction@bench-bilans.test",
                                         admin_password="bench-2026")
    today = timezone.localdate()
    annee = annee_scolaire_of(today)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    with tenant_context(etablissement):
        formateur = user_create(email="formateur@bench-bilans.test", roles=["formateur"], password="bench-2026",
                                first_name="Form", last_name="Ateur")
        formation = Formation.objects.create(referentiel=referentiel, intitule="Formation de mesure")
        classe = Classe.objects.create(formation=formation, annee_scolaire=annee, code="BILANS")
        classe.formateurs.add(formateur)
        apprenants = Apprenant.objects.bulk_create(Apprenant(nom=f"NOM-{i}", prenom=f"P{i}") for i in range(LEARNERS))
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
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "classe": classe, "formateur": formateur}


def run(emit) -> None:
    """bench: bilans_classe_ms — bilans_classe_create for 35 learners × 42 compétences (median of 5 runs, the
    drafts dropped between runs)."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from bilans.models import Bilan
    from bilans.services import bilans_classe_create

    schema = f"bench_bilans_{uuid.uuid4().hex[:6]}"
    seeded = seed(schema=schema, domain=f"{schema.replace('_', '-')}.localhost")
    try:
        timings = []
        with tenant_context(seeded["etablissement"]):
            for _ in range(RUNS):
                started = time.perf_counter()
                result = bilans_classe_create(classe=seeded["classe"], date=timezone.localdate(),
                                              actor=seeded["formateur"])
                timings.append((time.perf_counter() - started) * 1000)
                assert len(result.crees) == LEARNERS
                Bilan.objects.all().delete()  # drafts only: validated bilans are never deleted
        connection.set_schema_to_public()
        emit("bilans_classe_ms", statistics.median(timings), "ms")
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])
