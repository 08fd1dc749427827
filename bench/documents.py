"""Issue 19's figures: the documents engine.

- attestation_ms: one attestation de compétences acquises (42 compétences, its learner's validated bilan), context
  and PDF, as a worker renders it; median of 7 runs after one warm-up. Target: under 1,500 ms.
- ccf_batch_1w_s, ccf_batch_2w_s: a classe of 35 learners' CCF grids (filled and locked) requested as one lot
  (documents.services.lot_request) and rendered by real Celery workers on Redis, from the request until the lot is
  finished (its ZIP and merged PDF written): with one worker process (`celery worker --concurrency=1`), then with a
  second such worker started beside it; twice, the best of each kept. Each worker is warmed up (its first PDF
  loads WeasyPrint and the fonts) before the timed lot. Without REDIS_URL there is no worker to measure: a
  comment line (#) says so.
- worker_peak_mb: peak resident memory of a process rendering the longest livret (bench.livret's learner: three
  school years, 120 situations, the staff's view with certificative results): `manage.py render_document` run as
  a child process, its ru_maxrss (os.wait4), Django, Celery's app and WeasyPrint loaded as in a worker.

Alone: `python -m bench.documents`."""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

from bench.support import drop_bench_establishment, seed_evaluated_classe

LEARNERS, COMPETENCES, SITUATIONS, CRITERES_PER_SITUATION = 35, 42, 20, 10
RUNS = 7
ROUNDS = 2  # of the CCF lot with one worker then two
LOT_TIMEOUT_S = 300
WORKER_READY_TIMEOUT_S = 60
PASSWORD = "bench-2026"


def seed(*, schema: str, domain: str) -> dict:
    """bench.support's evaluated classe of 35, then a validated bilan for its first learner (the attestation's) and
    a certificative situation on épreuve E1 (7 compétences) with a filled, locked CCF grid for every learner."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from bilans.models import BilanLigne
    from bilans.selectors import maitrise_version
    from bilans.services import bilan_create, bilan_validate
    from evaluations.services_ccf import grille_ccf_lock, grille_ccf_save, grilles_ccf_create
    from evaluations.services_scenario import scenario_create, situation_create
    from referentiels.models import Critere, Epreuve

    seeded = seed_evaluated_classe(schema=schema, domain=domain, tag="docs", competences=COMPETENCES,
                                   learners=LEARNERS, situations=SITUATIONS,
                                   criteres_per_situation=CRITERES_PER_SITUATION)
    formateur, classe, today = seeded["formateur"], seeded["classe"], timezone.localdate()
    with tenant_context(seeded["etablissement"]):
        bilan = bilan_create(apprenant=seeded["apprenants"][0], date=today, actor=formateur)
        niveaux = list(maitrise_version().niveaux.order_by("rang"))
        for k, ligne in enumerate(BilanLigne.objects.filter(bilan=bilan, niveau__isnull=True).order_by("rang")):
            ligne.niveau, ligne.etat = niveaux[k % len(niveaux)], None  # no « non évalué »: a full attestation
            ligne.save(update_fields=["niveau", "etat"])
        bilan_validate(bilan=bilan, actor=formateur)

        epreuve = Epreuve.objects.filter(referentiel=seeded["referentiel"]).order_by("rang").first()
        criteres = Critere.objects.filter(competence__in=epreuve.competences.all()).order_by("competence__rang",
                                                                                              "rang")
        scenario = scenario_create(auteur=formateur, referentiel=seeded["referentiel"], titre="CCF E1 de mesure",
                                   critere_ids=list(criteres.values_list("pk", flat=True)))
        situation = situation_create(scenario=scenario, classe=classe, date=today, created_by=formateur,
                                     nature="certificative", epreuve=epreuve)
        grilles = grilles_ccf_create(situation=situation, actor=formateur)
        assert len(grilles) == LEARNERS, len(grilles)
        codes = [n.code for n in grilles[0].version.niveaux.order_by("rang")]
        competences = list(epreuve.competences.order_by("rang").values_list("pk", flat=True))
        for i, grille in enumerate(grilles):
            grille_ccf_save(grille=grille, actor=formateur, numero_candidat=f"{i:010d}",
                            niveaux={c: codes[(i + k) % len(codes)] for k, c in enumerate(competences)},
                            commission="Form Ateur — professeur\nJean Moreau — professionnel associé",
                            commentaire="Démarche méthodique ; la mise en service manque encore de vérifications.")
            grille_ccf_lock(grille=grille, actor=formateur)
    connection.set_schema_to_public()
    return seeded


def attestation_ms(seeded: dict) -> float:
    """What document_render does for one attestation: the kind's context, then the PDF."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from documents import kinds
    from documents.rendu import pdf_from_template

    kind, apprenant = kinds.get("attestation"), seeded["apprenants"][0]
    timings = []
    with tenant_context(seeded["etablissement"]):
        for run in range(RUNS + 1):
            started = time.perf_counter()
            pdf = pdf_from_template(kind.template, kind.context(apprenant))
            if run:  # the first one is the warm-up (WeasyPrint's import, fonts, templates)
                timings.append((time.perf_counter() - started) * 1000)
            assert pdf.startswith(b"%PDF-")
    connection.set_schema_to_public()
    return statistics.median(timings)


def subprocess_env() -> dict:
    """The bench's environment, with the database it uses spelt as DATABASE_URL: the embedded server's Unix socket
    when no DATABASE_URL was given (cpro.embedded), so that workers read what this process committed."""
    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cpro.settings.bench"),
           "PYTHONUNBUFFERED": "1"}
    if not env.get("DATABASE_URL"):
        db = settings.DATABASES["default"]
        host = urllib.parse.quote(str(db["HOST"]), safe="")
        credentials = urllib.parse.quote(db["USER"], safe="")
        if db.get("PASSWORD"):
            credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        env["DATABASE_URL"] = f"postgresql://{credentials}@{host}{port}/{db['NAME']}"
    return env


class Workers:
    """Real `celery -A cpro worker --concurrency=1` processes, one per add(); stop() shuts them down warmly
    (SIGTERM: the task in hand is finished), then kills one that does not stop."""

    def __init__(self, tag: str):
        from django.conf import settings

        self.tag, self.cwd, self.env = tag, str(settings.BASE_DIR), subprocess_env()
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.logs = Path(tempfile.mkdtemp(prefix="cpro-bench-workers-"))

    def add(self) -> str:
        name = f"bench-docs-{self.tag}-{len(self.processes) + 1}@bench"
        log = self.logs / f"worker-{len(self.processes) + 1}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "cpro", "worker", "--concurrency=1", "--pool=prefork",
                 "-n", name, "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append((name, process, log))
        self._wait_ready(name, process, log)
        return name

    def _wait_ready(self, name: str, process: subprocess.Popen, log: Path) -> None:
        from cpro.celery import app

        deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"Le worker {name} s'est arrêté ({process.returncode}) :\n{_tail(log)}")
            if app.control.ping(destination=[name], timeout=0.5):
                return
        raise RuntimeError(f"Le worker {name} ne répond pas après {WORKER_READY_TIMEOUT_S} s :\n{_tail(log)}")

    def stop_last(self) -> None:
        name, process, log = self.processes.pop()
        self._stop([(name, process, log)])

    def stop(self) -> None:
        self._stop(self.processes)
        self.processes = []
        shutil.rmtree(self.logs, ignore_errors=True)

    @staticmethod
    def _stop(processes: list) -> None:
        for _, process, _ in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process, _ in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _wait_finished(lot_ids: list[int]) -> None:
    from documents.models import Lot

    deadline = time.monotonic() + LOT_TIMEOUT_S
    while time.monotonic() < deadline:
        lots = list(Lot.objects.filter(pk__in=lot_ids).only("statut", "done", "total", "echecs", "erreur"))
        if all(lot.fini for lot in lots):
            bad = [lot for lot in lots if lot.statut != Lot.Statut.TERMINE or lot.echecs]
            assert not bad, [(lot.pk, lot.statut, lot.echecs, lot.erreur[:200]) for lot in bad]
            return
        time.sleep(0.05)
    raise RuntimeError(f"Lots {lot_ids} toujours en cours après {LOT_TIMEOUT_S} s")


def ccf_batch_s(seeded: dict, workers: int) -> float:
    """Warm every worker up (two one-learner lots each, rendered in parallel), then time the classe's lot."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from documents.services import lot_request

    formateur = seeded["formateur"]
    with tenant_context(seeded["etablissement"]):
        _wait_finished([lot_request(kind="ccf", apprenant=a, actor=formateur).pk
                        for a in seeded["apprenants"][:2 * workers]])
        started = time.perf_counter()  # autocommit: the lot is committed, and sent, as lot_request returns
        lot = lot_request(kind="ccf", classe=seeded["classe"], actor=formateur)
        _wait_finished([lot.pk])
        elapsed = time.perf_counter() - started
        assert lot.total == LEARNERS
    connection.set_schema_to_public()
    return elapsed


def ccf_batches_s(seeded: dict, *, tag: str) -> tuple[float, float]:
    """The lot with one worker, then with a second worker started beside it; ROUNDS times, the second worker
    stopped between rounds, the best time of each kept (the least disturbed by whatever else the machine runs)."""
    workers = Workers(tag)
    one, two = [], []
    try:
        workers.add()
        for round_ in range(ROUNDS):
            one.append(ccf_batch_s(seeded, workers=1))
            workers.add()
            two.append(ccf_batch_s(seeded, workers=2))
            if round_ + 1 < ROUNDS:
                workers.stop_last()
    finally:
        workers.stop()
    return min(one), min(two)


def worker_peak_mb() -> float:
    """Peak resident memory of `manage.py render_document <schema> livret` (the staff's livret, rendered as a worker
    renders it: the kind's context then WeasyPrint) run as a child process: its ru_maxrss as os.wait4 reports it for
    that very child (the same figure as getrusage(RUSAGE_CHILDREN) in a parent with no other child, unaffected by
    the workers this suite started); kB on Linux, reported in MB (÷ 1024)."""
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    from bench.livret import seed_livret

    schema = f"bench_docliv_{uuid.uuid4().hex[:6]}"
    seeded = seed_livret(schema=schema, domain=f"{schema.replace('_', '-')}.localhost")
    output = Path(tempfile.mkdtemp(prefix="cpro-bench-livret-"))
    try:
        with tenant_context(seeded["etablissement"]):
            seeded["lea"].ine = "1234567890A"
            seeded["lea"].save(update_fields=["ine"])
        connection.set_schema_to_public()
        log = output / "render.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "render_document", schema, "livret", "--learner", "1234567890A",
                 "--output", str(output / "livret.pdf"), "--option", "certificatif=1"],
                cwd=str(settings.BASE_DIR), env=subprocess_env(), stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"render_document a échoué ({process.returncode}) :\n{_tail(log)}")
        assert (output / "livret.pdf").read_bytes().startswith(b"%PDF-")
        return usage.ru_maxrss / 1024
    finally:
        shutil.rmtree(output, ignore_errors=True)
        drop_bench_establishment(schema, seeded["referentiel"])


def run(emit) -> None:
    from django.conf import settings

    schema = f"bench_docs_{uuid.uuid4().hex[:6]}"
    seeded = seed(schema=schema, domain=f"{schema.replace('_', '-')}.localhost")
    try:
        emit("attestation_ms", attestation_ms(seeded), "ms")
        if settings.REDIS_URL:
            one, two = ccf_batches_s(seeded, tag=schema.removeprefix("bench_docs_"))
            emit("ccf_batch_1w_s", one, "s")
            emit("ccf_batch_2w_s", two, "s")
        else:
            print("# ccf_batch_1w_s, ccf_batch_2w_s: not measured, they need real Celery workers on Redis "
                  "(set REDIS_URL)", flush=True)
    finally:
        drop_bench_establishment(schema, seeded["referentiel"])
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)  # the lots' PDFs and ZIPs
    emit("worker_peak_mb", worker_peak_mb(), "MB")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.bench")
    import django

    django.setup()
    from bench.__main__ import emit
    from tenants.services import platform_migrate

    platform_migrate(verbosity=0)
    run(emit)
