"""`make run` as a newcomer runs it, in a subprocess on a throwaway data folder, stopped in every way a
process can be stopped. The folder is prepared once (migrations and demo), then copied for each test."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SERVE_TIMEOUT = 180
GONE_TIMEOUT = 60

# pytestmark has no effect in a conftest: test_lifecycle.py applies this one.
ONLY_EMBEDDED = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="la base embarquée se teste sans DATABASE_URL (première passe de .ci/run)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Run:
    """One `make run` in its own process group, as in a terminal of its own."""

    def __init__(self, data: Path, port: int | None = None):
        self.data = data
        self.port = port or free_port()
        self.log = data.parent / f"run-{self.port}-{time.monotonic_ns()}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"}}
        return {**env, "CPRO_DATA_DIR": str(self.data), "PYTHONUNBUFFERED": "1"}

    def start(self) -> "Run":
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "run", f"PORT={self.port}"], cwd=BASE_DIR, env=self.env(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str = "/", host: str = "localhost") -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 our own test server
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def wait_serving(self) -> "Run":
        deadline = time.monotonic() + SERVE_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run s'est arrêté ({self.process.returncode}) :\n{self.output()[-3000:]}")
            try:
                if self.get("/") == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"make run ne sert pas après {SERVE_TIMEOUT} s :\n{self.output()[-3000:]}")

    def signal_group(self, sig: int) -> None:
        os.killpg(self.process.pid, sig)

    def wait_gone(self) -> None:
        """Until every process of the run's group has exited (the database is in a session of its own)."""
        deadline = time.monotonic() + GONE_TIMEOUT
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                self.process.wait()
                return
            time.sleep(0.1)
        pytest.fail(f"des processus de make run restent après {GONE_TIMEOUT} s :\n{self.output()[-3000:]}")

    def finish(self) -> None:
        """Cleanup after a failed test: nothing may outlive it."""
        if self.process and self.process.poll() is None:
            try:
                self.signal_group(signal.SIGINT)
                self.wait_gone()
            except (ProcessLookupError, pytest.fail.Exception):
                with __import__("contextlib").suppress(ProcessLookupError):
                    self.signal_group(signal.SIGKILL)


def database_processes(data: Path) -> list[psutil.Process]:
    """Every postgres process working in this data folder (the server and its backends)."""
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "postgres" and Path(process.cwd()) == data / "pg":
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def demo_counts(data: Path) -> dict:
    """What the demo holds, read straight from the server's socket while it runs."""
    import psycopg

    tables = ["accounts_user", "scolarite_apprenant", "scolarite_classe", "evaluations_evaluation"]
    with psycopg.connect(host=str(data / "pg"), dbname="cpro", user="postgres") as conn:
        return {t: conn.execute(f"SELECT count(*) FROM demo.{t}").fetchone()[0] for t in tables}  # noqa: S608


@pytest.fixture(scope="session")
def prepared_data(tmp_path_factory) -> Path:
    """A data folder on which `make run` has migrated and seeded the demo, then stopped cleanly."""
    data = tmp_path_factory.mktemp("embedded") / "data"
    run = Run(data).start()
    try:
        run.wait_serving()
        run.signal_group(signal.SIGINT)
        run.wait_gone()
    finally:
        run.finish()
    assert not database_processes(data)
    return data


@pytest.fixture
def data(prepared_data, tmp_path) -> Path:
    copy = tmp_path / "data"
    subprocess.run(["cp", "-a", str(prepared_data), str(copy)], check=True)  # keeps the pgserver owner
    return copy


@pytest.fixture
def runs():
    started: list[Run] = []
    yield started
    for run in started:
        run.finish()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
