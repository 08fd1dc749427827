import csv
import io
import time
import uuid

HEADERS = ["Code apprenant", "Nom", "Prénom", "Date de naissance", "INE", "Email", "Code classe", "Code diplôme",
           "Statut", "SIRET", "Raison sociale", "Nom tuteur", "Prénom tuteur", "Email tuteur", "Type contrat",
           "Début contrat", "Fin contrat"]


def siret(n: int) -> str:
    """A Luhn-valid SIRET: 13 digits and the check digit that makes the sum a multiple of 10."""
    body = f"8{n:012d}"
    for check in range(10):
        digits = body + str(check)
        total = sum((int(c) * 2 - 9 if int(c) > 4 else int(c) * 2) if i % 2 else int(c)
                    for i, c in enumerate(reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError


def synthetic_csv(rows: int = 2000) -> bytes:
    """`rows` learners in 40 classes; two in three are apprentices with a company, a tuteur and a contract."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for i in range(rows):
        line = [f"B{i:05d}", f"NOM{i}", f"Prénom{i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2009", f"2026A{i:05d}K",
                f"apprenant{i}@bench.example", f"C{i % 40:02d}", "BACPRO-CIEL"]
        if i % 3:
            company = i % 300
            line += ["Apprenti", siret(company), f"Entreprise {company}", f"TUTEUR{company}", "Jean",
                     f"tuteur{company}@bench.example", "apprentissage", "01/09/2026", "31/08/2028"]
        else:
            line += ["Scolaire"] + [""] * 8
        writer.writerow(line)
    return buffer.getvalue().encode("cp1252")


def run(emit) -> None:
    """bench: import_preview_2000_s — previewing a 2,000-row CSV in an empty establishment (target < 5 s);
    import_apply_2000_s — writing it; import_preview_2000_again_s — previewing it again once imported."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from demo.services import demo_referentiels_load
    from scolarite.services_import import import_apply, import_preview
    from tenants.annees import annee_scolaire_of
    from tenants.models import Abonnement, Etablissement
    from tenants.services import etablissement_create
    from tenants.validators import uai_check_letter

    connection.set_schema_to_public()
    demo_referentiels_load()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    number = f"{uuid.uuid4().int % 10_000_000:07d}"
    etablissement = etablissement_create(schema=schema, name="Bench imports", uai=number + uai_check_letter(number),
                                         domain=f"{schema.replace('_', '-')}.localhost",
                                         admin_email="direction@bench.test")
    connection.set_schema_to_public()
    abonnement = Abonnement.objects.create(etablissement=etablissement, statut=Abonnement.Statut.PAYE,
                                           annee_scolaire=annee_scolaire_of(timezone.localdate()))
    abonnement.lignes.create(referentiel_code="BACPRO-CIEL")
    contenu = synthetic_csv(2000)
    try:
        with tenant_context(etablissement):
            started = time.perf_counter()
            fichier = import_preview(contenu=contenu, nom_fichier="bench.csv", user=None)
            emit("import_preview_2000_s", time.perf_counter() - started, "s")
            assert fichier.rapport["compte"]["lignes"] == {"cree": 2000}, fichier.rapport["compte"]
            started = time.perf_counter()
            import_apply(import_fichier=fichier, actor=None)
            emit("import_apply_2000_s", time.perf_counter() - started, "s")
            started = time.perf_counter()
            fichier = import_preview(contenu=contenu, nom_fichier="bench.csv", user=None)
            emit("import_preview_2000_again_s", time.perf_counter() - started, "s")
            assert fichier.rapport["compte"]["lignes"] == {"inchange": 2000}, fichier.rapport["compte"]
    finally:
        connection.set_schema_to_public()
        Abonnement.objects.filter(etablissement=etablissement).delete()
        Etablissement.objects.get(schema_name=schema).delete(force_drop=True)
