"""The embedded PostgreSQL server: pgserver's binaries, initialised, started and stopped by us with pg_ctl.

What the server's state is comes from PostgreSQL's own postmaster.pid, trusted only once its process is
checked (a postgres whose working directory is our data folder): nothing else on disk is read to decide.
Why not pgserver's own start and stop: docs/adr/0001-base-embarquee.md.
"""

import importlib.util
import os
import pwd
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

DATABASE_NAME = "cpro"
SYSTEM_USER = "pgserver"  # PostgreSQL refuses to run as root; pgserver's account, so older data folders keep theirs
START_TIMEOUT = 120  # seconds; after a power cut PostgreSQL replays its journal before it accepts connections
STOP_TIMEOUT = 60
LOG_MAX_BYTES = 5_000_000
SOCKET_PATH_MAX = 100  # a Unix socket's path is limited to 107 bytes on Linux
LEGACY_STATE_FILES = [".handle_pids.json"]  # pgserver's list of process ids, no longer used


class EmbeddedDatabaseError(Exception):
    """A failure told in French (what happened, what to do), shown without a traceback."""


def binaries() -> Path:
    """pgserver's bundled PostgreSQL, found without importing pgserver (its import has side effects)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDatabaseError(
            "Le paquet pgserver (PostgreSQL embarqué) est absent de l'environnement.\n"
            "Que faire : relancez « make run », qui installe les dépendances.")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.pgdata = data_dir / "pg"
        self.log = self.pgdata / "log"
        self.system_user = SYSTEM_USER if os.geteuid() == 0 else None

    # --- what is running ----------------------------------------------------------------------------------

    def postmaster(self) -> psutil.Process | None:
        """The live server of this data folder, or None. A damaged postmaster.pid is not trusted: the
        processes are then searched."""
        pid = self._pid_file_line(0)
        if pid and pid.isdigit() and self._is_our_postmaster(int(pid)):
            return psutil.Process(int(pid))
        try:
            for process in psutil.process_iter(["name"]):
                if process.info["name"] == "postgres" and self._is_our_postmaster(process.pid):
                    return process
        except (psutil.Error, OSError, IndexError):  # /proc unreadable (a container being torn down)
            pass
        return None

    def socket_dir(self) -> Path:
        running = self._pid_file_line(4)
        if running and self.postmaster() is not None:
            return Path(running)
        return self._chosen_socket_dir()

    def ensure_running(self) -> Path:
        """Starts the server unless it runs; returns the folder of its socket. The caller holds the start lock."""
        self._remove_legacy_state()
        process = self.postmaster()
        if process is not None and self._wait_ready(process):
            return self.socket_dir()
        self._check_binaries()
        self._ensure_initialised()
        self._check_version()
        self._clear_stale_lock_files()
        self._start()
        socket_dir = self.socket_dir()
        self._ensure_database(socket_dir)
        return socket_dir

    def stop(self) -> bool:
        """Stops the server cleanly (fast shutdown: sessions are ended, data is flushed). True if it ran."""
        process = self.postmaster()
        if process is None:
            return False
        code, _ = self._run([self._bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w",
                             "-t", str(STOP_TIMEOUT), "stop"], timeout=STOP_TIMEOUT + 10)
        if code != 0 and process.is_running():
            # postmaster.pid unreadable: the signal pg_ctl would have sent (SIGINT is a fast shutdown).
            process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except psutil.TimeoutExpired:
            process.send_signal(signal.SIGQUIT)  # immediate shutdown; recovered at the next start
        return True

    # --- reading postmaster.pid -----------------------------------------------------------------------------

    def _pid_file_line(self, index: int) -> str | None:
        try:
            lines = (self.pgdata / "postmaster.pid").read_text(errors="replace").splitlines()
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return None
        return lines[index].strip() if len(lines) > index else None

    def _is_our_postmaster(self, pid: int) -> bool:
        """A pid is ours when it is a postgres whose working directory is our data folder (the postmaster
        enters it at start) and whose parent is not one too. A pid reused by another program is not ours."""
        try:
            process = psutil.Process(pid)
            if process.name() != "postgres" or Path(process.cwd()) != self.pgdata:
                return False
            parent = process.parent()
            return not (parent and parent.name() == "postgres" and Path(parent.cwd()) == self.pgdata)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, FileNotFoundError):
            return False

    def _wait_ready(self, process: psutil.Process) -> bool:
        """A server found running may still be recovering (another process started it and died); wait for it."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not process.is_running():
                return False
            if self._pid_file_line(7) == "ready":
                return True
            time.sleep(0.1)
        raise EmbeddedDatabaseError(self._failure("La base embarquée ne devient pas disponible."))

    # --- starting ---------------------------------------------------------------------------------------------

    def _remove_legacy_state(self) -> None:
        for name in LEGACY_STATE_FILES:
            (self.pgdata / name).unlink(missing_ok=True)

    def _check_binaries(self) -> None:
        if not Path(self._bin("pg_ctl")).exists():
            raise EmbeddedDatabaseError(
                f"Les programmes PostgreSQL embarqués sont introuvables ({self._bin('pg_ctl')}).\n"
                "Que faire : supprimez .venv puis relancez « make run » pour les réinstaller.")
        if self.system_user:
            self._prepare_system_user()

    def _ensure_initialised(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        if self.pgdata.exists():
            if any(self.pgdata.iterdir()):
                raise EmbeddedDatabaseError(
                    f"Le dossier {self.pgdata} existe mais ne contient pas de base PostgreSQL (PG_VERSION absent).\n"
                    "cpro n'y touche pas. Que faire : déplacez ce dossier ailleurs (ou effacez-le avec "
                    "« make clean-data » s'il ne contient rien d'utile), puis relancez.")
            self.pgdata.rmdir()
        # initdb in a side folder renamed at the end: an interrupted first start leaves no half-made cluster.
        staging = self.data_dir / "pg.init"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700)
        self._give_to_system_user(staging)
        code, output = self._run([self._bin("initdb"), "-D", str(staging), "--auth=trust", "--auth-local=trust",
                                  "--encoding=utf8", "-U", "postgres"], timeout=300)
        if code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise EmbeddedDatabaseError(
                "La création de la base embarquée a échoué (initdb) :\n" + _tail(output) +
                "\nQue faire : vérifiez l'espace disque et les droits sur le dossier .data, puis relancez.")
        staging.rename(self.pgdata)

    def _check_version(self) -> None:
        data_version = (self.pgdata / "PG_VERSION").read_text().strip()
        _, output = self._run([self._bin("postgres"), "--version"], timeout=30)
        binary_version = output.split()[-1].split(".")[0] if output.split() else "?"
        if data_version != binary_version:
            raise EmbeddedDatabaseError(
                f"Les données de {self.pgdata} ont été créées par PostgreSQL {data_version} ; "
                f"cpro embarque PostgreSQL {binary_version}. cpro n'y touche pas.\n"
                f"Que faire : exportez-les avec pg_dump {data_version}, ou repartez d'une base vide "
                "(« make clean-data » efface tout).")

    def _clear_stale_lock_files(self) -> None:
        """No server of ours runs (checked by the caller): lock files left by a killed one go, so that a pid
        reused by another program, or a damaged file, cannot stop PostgreSQL from starting. A postmaster.pid
        whose process is simply gone is left to PostgreSQL, which also frees its shared memory."""
        pid_file = self.pgdata / "postmaster.pid"
        pid = self._pid_file_line(0)
        if pid_file.exists() and not (pid and pid.isdigit() and not psutil.pid_exists(int(pid))):
            pid_file.unlink()
        socket_dir = self._chosen_socket_dir()
        for stale in socket_dir.glob(".s.PGSQL.*"):
            stale.unlink(missing_ok=True)

    def _start(self) -> None:
        self._rotate_log()
        socket_dir = self._chosen_socket_dir()
        options = f"-c listen_addresses='' -k {shlex.quote(str(socket_dir))}"
        command = [self._bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-t", str(START_TIMEOUT),
                   "-l", str(self.log), "-o", options, "start"]
        code, output = self._run(command, timeout=START_TIMEOUT + 10)
        if code != 0:
            process = self.postmaster()  # pg_ctl may give up waiting on a loaded machine while the server starts
            if process is not None and self._wait_ready(process):
                return
            # Seen once in hundreds of stop-and-start cycles on a loaded machine, with nothing in PostgreSQL's
            # log: said on stderr (so that the cause shows where it happens), then tried once more.
            sys.stderr.write(f"Base embarquée : premier démarrage en échec (pg_ctl, code {code}) :\n"
                             f"{_tail(output, 6)}\nNouvel essai.\n")
            time.sleep(1)
            self._clear_stale_lock_files()
            code, output = self._run(command, timeout=START_TIMEOUT + 10)
        if code != 0:
            raise EmbeddedDatabaseError(self._failure("La base embarquée n'a pas démarré.", output, code))

    def _ensure_database(self, socket_dir: Path) -> None:
        import psycopg

        with psycopg.connect(host=str(socket_dir), dbname="postgres", user="postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {DATABASE_NAME}")

    # --- helpers ----------------------------------------------------------------------------------------------

    def _bin(self, name: str) -> str:
        return str(binaries() / name)

    def _chosen_socket_dir(self) -> Path:
        """The data folder itself, unless its path is too long for a socket (a deep checkout)."""
        if len(str(self.pgdata / ".s.PGSQL.5432")) <= SOCKET_PATH_MAX:
            return self.pgdata
        import hashlib

        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"cpro-pg-{digest}"
        path.mkdir(mode=0o700, exist_ok=True)
        self._give_to_system_user(path)
        return path

    def _run(self, command: list[str], *, timeout: float) -> tuple[int, str]:
        """Runs a PostgreSQL program in its own session: a signal to our process group (Ctrl-C, a process
        manager's SIGTERM) must not cut a start or a stop in half. Output goes to a file, not a pipe: the
        server that pg_ctl forks would otherwise hold the pipe open."""
        with tempfile.TemporaryFile("w+") as output:
            try:
                result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                        user=self.system_user, start_new_session=True, timeout=timeout, check=False)
                code = result.returncode
            except subprocess.TimeoutExpired:
                code = -1
            except OSError as error:
                return -1, str(error)
            output.seek(0)
            return code, output.read()

    def _failure(self, what: str, output: str = "", code: int | None = None) -> str:
        try:
            log = self.log.read_text(errors="replace")
        except OSError:
            log = ""
        details = _tail(log)
        if output.strip() or code is not None:  # what pg_ctl itself said: a failure before the server logs
            details = f"pg_ctl (code {code}) :\n{_tail(output, 6)}\nJournal de PostgreSQL :\n{details}"
        return (f"{what}\n{details}\nJournal complet : {self.log}\n"
                "Que faire : lisez les dernières lignes ci-dessus (espace disque, droits sur .data, mémoire). "
                "Vos données ne sont pas modifiées ; relancez « make run » une fois la cause levée.")

    def _rotate_log(self) -> None:
        try:
            if self.log.stat().st_size > LOG_MAX_BYTES:
                self.log.replace(self.log.with_name("log.1"))
        except FileNotFoundError:
            pass

    def _prepare_system_user(self) -> None:
        """As root: the pgserver account exists, and it can reach the binaries and the data folder."""
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
            result = subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin",
                                     SYSTEM_USER], capture_output=True, text=True, env={**os.environ, "PATH": path},
                                    check=False)
            if result.returncode != 0:
                raise EmbeddedDatabaseError(
                    f"PostgreSQL refuse de tourner en root et le compte système « {SYSTEM_USER} » n'a pas pu être "
                    f"créé : {result.stderr.strip()}\nQue faire : lancez cpro avec un compte ordinaire.") from None
        for folder in (self.data_dir, binaries()):
            _open_path_to_others(folder)
        for folder in (binaries(), binaries().parent / "lib", binaries().parent / "share"):
            _open_tree_to_others(folder)

    def _give_to_system_user(self, path: Path) -> None:
        if self.system_user:
            account = pwd.getpwnam(self.system_user)
            os.chown(path, account.pw_uid, account.pw_gid)


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join("  " + line for line in text.strip().splitlines()[-lines:])


def _open_path_to_others(path: Path) -> None:
    """Every folder from / to `path` can be traversed by other accounts (PostgreSQL runs as one)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if mode & (stat.S_IXOTH | stat.S_IROTH) != (stat.S_IXOTH | stat.S_IROTH):
            folder.chmod(mode | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def _open_tree_to_others(root: Path) -> None:
    if not root.exists():
        return
    for folder, _, files in os.walk(root):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            mode = os.stat(name).st_mode
            wanted = mode | stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0)
            if wanted != mode:
                os.chmod(name, wanted)
