"""`make run`: one cpro per checkout, the embedded PostgreSQL up first and down last, however it is stopped.

This process holds the database lease for the whole run (migrations, demo, then the development server
as a child), so the server is started once and stopped once. Ctrl-C, SIGTERM and SIGHUP stop the child
and then the database; a SIGKILL leaves a server that the next start reuses.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from cpro.embedded import data_dir
from cpro.embedded.lease import STOP_SIGNALS
from cpro.embedded.locks import FileLock

BASE_DIR = Path(__file__).resolve().parent.parent
CHILD_STOP_TIMEOUT = 10


class Stop(BaseException):  # noqa: N818 not an error: the way a run ends
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def say(message: str) -> None:
    """Prints, unless the terminal is gone (SIGHUP): a stop must go on even when nobody can read it."""
    try:
        print(message, flush=True)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    folder = data_dir(BASE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    info_path = folder / "run.json"

    run_lock = FileLock(folder / "run.lock")
    if not run_lock.try_lock():
        say(already_running_message(read_info(info_path)))
        return 1
    try:
        stop_orphaned_server(read_info(info_path))
        if not port_is_free(args.port):
            say(f"Le port {args.port} est déjà utilisé par un autre programme.\n"
                f"Que faire : arrêtez-le, ou lancez cpro sur un autre port : make run PORT={args.port + 1}")
            return 1
        url = f"http://localhost:{args.port}/"
        write_info(info_path, {"pid": os.getpid(), "url": url, "port": args.port, "since": time.strftime("%H:%M")})
        return serve(args.port, url, info_path)
    finally:
        info_path.unlink(missing_ok=True)
        run_lock.close()


def serve(port: int, url: str, info_path: Path) -> int:
    stopping = False

    def stop(signum, frame):
        # Only the first signal stops: make passes a SIGTERM on to us after the group's own, and a second
        # Stop raised inside the clean-up below would cut it short and leave the database running.
        nonlocal stopping
        if not stopping:
            stopping = True
            raise Stop(signum)

    for sig in STOP_SIGNALS:
        signal.signal(sig, stop)
    child = None
    try:
        prepare()
        say(f"cpro : {url} — démo : http://demo.localhost:{port}/ (Ctrl-C pour arrêter)")
        child = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"], cwd=BASE_DIR)
        write_info(info_path, {**(read_info(info_path) or {}), "server_pid": child.pid})
        return child.wait()
    except Stop:
        return 0
    finally:
        for sig in STOP_SIGNALS:  # the stop below runs to its end, whatever else arrives
            signal.signal(sig, signal.SIG_IGN)
        for step in (lambda: stop_process_tree(child), shutdown):
            try:
                step()
            except Exception as error:  # noqa: BLE001 a stop goes on; the next start recovers what is left
                say(f"Arrêt incomplet ({error.__class__.__name__} : {error}) : le prochain « make run » "
                    "reprendra la base telle qu'elle est.")


def prepare() -> None:
    """Migrations, then the demo on the embedded default, in this process: the database lease taken by the
    settings is this run's own, held until `shutdown`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.dev")
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("setup_platform")
    if settings.CPRO_EMBEDDED:
        call_command("seed_demo")
    connections.close_all()


def shutdown() -> None:
    from django.apps import apps

    if not apps.ready:  # the settings never loaded: no database was leased
        return
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    if getattr(settings, "CPRO_EMBEDDED", False):
        from cpro.embedded import release_database

        if release_database():
            say("Base embarquée arrêtée.")


def stop_process_tree(child: subprocess.Popen | None) -> None:
    """The development server and its autoreloader's child: signalled together, since a SIGTERM sent to the
    reloader alone would leave the real server running."""
    if child is None or child.poll() is not None:
        return
    try:
        processes = [psutil.Process(child.pid), *psutil.Process(child.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=CHILD_STOP_TIMEOUT)
    for process in alive:
        process.kill()
    child.poll()


def stop_orphaned_server(info: dict | None) -> None:
    """A run killed with SIGKILL leaves its development server behind, holding the port and a lease."""
    pid = (info or {}).get("server_pid")
    if not isinstance(pid, int):
        return
    try:
        process = psutil.Process(pid)
        if "runserver" not in " ".join(process.cmdline()) or Path(process.cwd()) != BASE_DIR:
            return
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return
    say(f"Arrêt du serveur laissé par un lancement précédent interrompu (processus {pid}).")
    processes = [process, *process.children(recursive=True)]
    for each in processes:
        each.terminate()
    _, alive = psutil.wait_procs(processes, timeout=CHILD_STOP_TIMEOUT)
    for each in alive:
        each.kill()


def already_running_message(info: dict | None) -> str:
    where = ""
    if info and isinstance(info.get("url"), str):
        where = f" : {info['url']} (processus {info.get('pid')}, lancé à {info.get('since')})"
    return (f"cpro est déjà lancé depuis ce dossier{where}.\n"
            "Que faire : utilisez celui-ci, ou arrêtez-le (Ctrl-C dans son terminal) avant d'en lancer un autre.")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def read_info(path: Path) -> dict | None:
    """What a run says about itself, for messages only: a damaged file is ignored, never trusted."""
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def write_info(path: Path, info: dict) -> None:
    """Written beside, then renamed: a reader never sees half a file."""
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(info))
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
