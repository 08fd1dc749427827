"""The embedded default: a private PostgreSQL under .data/ when no DATABASE_URL is given.

pgserver ships PostgreSQL binaries in its wheel, so a fresh machine needs no service installed by hand.
Every process that loads the settings holds a lease on the server (lease.py): the first one starts it, the
last one to leave stops it, and one killed outright leaves nothing that blocks the next start.
"""

import atexit
import os
import signal
import sys
import threading
from pathlib import Path

from .lease import Lease
from .postgres import DATABASE_NAME, EmbeddedDatabaseError, EmbeddedPostgres

_lease: Lease | None = None


def data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("CPRO_DATA_DIR", base_dir / ".data")).resolve()


def embedded_database(base_dir: Path) -> dict:
    """The DATABASES entry of the embedded server, started if needed. A failure is told in French, then
    the process exits: there is nothing useful a traceback would add."""
    global _lease
    try:
        folder = data_dir(base_dir)
        folder.mkdir(parents=True, exist_ok=True)
        lease = Lease(EmbeddedPostgres(folder))
        socket_dir = lease.acquire()
    except EmbeddedDatabaseError as error:
        sys.stderr.write(f"\nErreur : {error}\n")
        raise SystemExit(1) from None
    except OSError as error:
        sys.stderr.write(f"\nErreur : la base embarquée ne peut pas utiliser son dossier de données : {error}\n"
                         "Que faire : vérifiez les droits et l'espace disque, ou indiquez un autre dossier avec "
                         "CPRO_DATA_DIR.\n")
        raise SystemExit(1) from None
    _lease = lease
    atexit.register(release_database)
    _exit_cleanly_on(signal.SIGTERM, signal.SIGHUP)
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(socket_dir),  # a Unix socket folder: nothing listens on the network
        "PORT": "",
    }


def release_database() -> bool:
    """This process no longer needs the server; stops it if it was the last. True if it stopped it."""
    return _lease.release() if _lease is not None else False


def _exit_cleanly_on(*signals: int) -> None:
    """By default SIGTERM and SIGHUP (a closed terminal) end a process without running atexit, which would
    keep the server running after its last user. A handler someone else installed is left alone."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in signals:
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _raise_system_exit)


def _raise_system_exit(signum, frame):
    raise SystemExit(128 + signum)


__all__ = ["EmbeddedDatabaseError", "data_dir", "embedded_database", "release_database"]
