"""What every bench suite needs: percentiles, and dropping the throwaway establishment it measured."""

import uuid


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def drop_bench_establishment(schema: str, referentiel) -> None:
    """Subscriptions first: django-tenants drops the schema before Django's protected-FK check."""
    from django.db import connection

    from referentiels.services import referentiel_delete
    from tenants.models import Abonnement, Etablissement

    connection.set_schema_to_public()
    Abonnement.objects.filter(etablissement__schema_name=schema).delete()  # a bench's, never a customer's
    Etablissement.objects.get(schema_name=schema).delete(force_drop=True)
    referentiel_delete(referentiel=referentiel)


def seed_evaluated_classe(*, schema: str, domain: str, tag: str, competences: int, learners: int,
                          situations: int, criteres_per_situation: int, password: str = "bench-2026") -> dict:
    """A throwaway establishment subscribed to a synthetic référentiel (`competences` × 4 critères), one classe
    of `learners` apprentices and its formateur, `situations` TP of `criteres_per_situation` critères, each
    evaluated for every learner (a level of the performance scale, varied)."""
    import datetime

    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from accounts.services import user_create
    from bench.referentiels import synthetic_document
    from evaluations.models import Evaluation, Niveau, Scenario, ScenarioCritere, Situation
    from referentiels.models import Competence, Critere
    from referentiels.services import referentiel_import
    from scolarite.models import Apprenant, Classe, Formation, Inscription
    from tenants.annees import annee_scolaire_of
    from tenants.models import Abonnement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    code = f"BENCH-{tag.upper()}-{uuid.uuid4().hex[:6].upper()}"
    referentiel = referentiel_import(document=synthetic_document(code=code, competences=competences, criteres=4),
                                     dry_run=False).referentiel
    criteres = list(Critere.objects.filter(referentiel=referentiel).order_by("competence__rang", "rang"))
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name=f"Bench {tag}", uai=number + uai_check_letter(number),
                                         domain=domain, admin_email=f"direction@bench-{tag}.test",
                                         admin_password=password)
    today = timezone.localdate()
    annee = annee_scolaire_of(today)
    abonnement = Abonnement.objects.create(etablissement=etablissement, annee_scolaire=annee,
                                           statut=Abonnement.Statut.PAYE)
    abonnement.lignes.create(referentiel_code=code)
    with tenant_context(etablissement):
        formateur = user_create(email=f"formateur@bench-{tag}.test", roles=["formateur"], password=password,
                                first_name="Form", last_name="Ateur")
        formation = Formation.objects.create(referentiel=referentiel, intitule="Formation de mesure")
        classe = Classe.objects.create(formation=formation, annee_scolaire=annee, code=tag.upper()[:10])
        classe.formateurs.add(formateur)
        apprenants = Apprenant.objects.bulk_create(Apprenant(nom=f"NOM-{i:02d}", prenom=f"P{i}")
                                                   for i in range(learners))
        Inscription.objects.bulk_create(Inscription(apprenant=a, classe=classe, statut="apprenti",
                                                    debut=datetime.date(annee - 1, 9, 1)) for a in apprenants)
        scenarios = Scenario.objects.bulk_create(Scenario(titre=f"TP {s}", auteur=formateur, referentiel=referentiel)
                                                 for s in range(situations))
        cibles = {s: [criteres[(s * 7 + k) % len(criteres)] for k in range(criteres_per_situation)]
                  for s in range(situations)}
        ScenarioCritere.objects.bulk_create(ScenarioCritere(scenario=scenarios[s], critere=c, rang=k)
                                            for s in range(situations) for k, c in enumerate(cibles[s]))
        faites = Situation.objects.bulk_create(
            Situation(scenario=scenarios[s], classe=classe, date=today - datetime.timedelta(days=situations - s),
                      created_by=formateur) for s in range(situations))
        niveaux = list(Niveau.objects.filter(version__echelle__code="performance").order_by("rang"))
        now = timezone.now()
        Evaluation.objects.bulk_create(
            [Evaluation(situation=situation, apprenant=a, critere=c, niveau=niveaux[(i + s + k) % len(niveaux)],
                        auteur=formateur, role="formateur", at=now)
             for s, situation in enumerate(faites) for i, a in enumerate(apprenants)
             for k, c in enumerate(cibles[s])], batch_size=5000)
        competences_list = list(Competence.objects.filter(referentiel=referentiel).order_by("rang"))
    connection.set_schema_to_public()
    return {"etablissement": etablissement, "referentiel": referentiel, "classe": classe, "formateur": formateur,
            "apprenants": apprenants, "competences": competences_list}
