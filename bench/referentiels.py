import time
import uuid
from pathlib import Path

CIEL = Path(__file__).resolve().parent.parent / "fixtures" / "referentiels" / "bacpro-ciel.yaml"


def synthetic_document(*, code: str, competences: int = 60, criteres: int = 5) -> dict:
    """A valid référentiel of `competences × criteres` critères, with a full RAP, blocs and épreuves."""
    poles = [{"code": f"P{p}", "intitule": f"Pôle {p}", "activites": [
        {"code": f"A{p}{a}", "intitule": f"Activité {p}.{a}",
         "taches": [{"code": f"A{p}{a}-T{t}", "intitule": f"Tâche {p}.{a}.{t}"} for t in range(1, 6)],
         "resultats_attendus": [f"Résultat {r}" for r in range(1, 4)]}
        for a in range(1, 5)]} for p in range(1, 4)]
    activites = [activite["code"] for pole in poles for activite in pole["activites"]]
    codes = [f"C{c:03d}" for c in range(1, competences + 1)]
    return {
        "format": "cpro-referentiel/1",
        "referentiel": {"code": code, "version": "1", "intitule": "Référentiel synthétique", "type": "AUTRE",
                        "niveau": 4, "sources": ["Généré pour la mesure"]},
        "poles": poles,
        "competences": [{
            "code": competence, "intitule": f"Compétence {competence}",
            "activites": [activites[i % len(activites)]], "taches": [f"{activites[i % len(activites)]}-T1"],
            "criteres": [{"intitule": f"Critère {k} de {competence}", "savoir_etre": k == criteres}
                         for k in range(1, criteres + 1)],
        } for i, competence in enumerate(codes)],
        "blocs": [{"code": f"BC{b}", "intitule": f"Bloc {b}", "unite": f"U{b}", "competences": codes[b - 1::6]}
                  for b in range(1, 7)],
        "epreuves": [{"code": f"E{b}", "intitule": f"Épreuve {b}", "unite": f"U{b}", "coefficient": 2,
                      "modes": ["CCF", "ponctuel"], "competences": codes[b - 1::6]} for b in range(1, 7)],
    }


def _timed_import(make_document) -> float:
    from referentiels.services import referentiel_delete, referentiel_import

    started = time.perf_counter()
    report = referentiel_import(document=make_document(), dry_run=False)
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert report.applied, report.lines()
    referentiel_delete(referentiel=report.referentiel)
    return elapsed_ms


def run(emit) -> None:
    """bench: import_referentiel_300_ms — importing a new référentiel of 300 critères (target < 2 s);
    import_referentiel_bacpro_ciel_ms — importing the largest fixture as a new version."""
    from django.db import connection

    from referentiels.importing import document_read

    connection.set_schema_to_public()
    document = synthetic_document(code=f"BENCH-{uuid.uuid4().hex[:8].upper()}")
    emit("import_referentiel_300_ms", _timed_import(lambda: document), "ms")

    def ciel():  # reading the file counts; a throwaway version never touches the real one in the catalogue
        document = document_read(CIEL)
        document["referentiel"]["version"] = f"bench-{uuid.uuid4().hex[:8]}"
        return document

    emit("import_referentiel_bacpro_ciel_ms", _timed_import(ciel), "ms")
