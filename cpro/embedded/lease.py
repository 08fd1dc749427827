"""Who keeps the embedded PostgreSQL running: every process using it holds a shared lock on one file.

A process leaving drops its shared lock and tries the exclusive one: it succeeds only if no other process
holds the file, and then stops the server. The kernel drops the locks of a process however it dies, so the
count can never go stale; a server left by processes that all died hard (SIGKILL, power cut) is stopped by
the next last user, or reused by the next start. Starts and stops are serialised by a second lock.
"""

import os
import signal
import threading
from contextlib import contextmanager

from .locks import FileLock, LockTimeout
from .postgres import START_TIMEOUT, STOP_TIMEOUT, EmbeddedDatabaseError, EmbeddedPostgres

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def signals_deferred():
    """A start or a stop is never cut in half by Ctrl-C or SIGTERM: they are noted, then delivered when it
    is done. (Not a signal mask: the PostgreSQL programs started meanwhile would inherit it.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in dict.fromkeys(received):
            signal.raise_signal(sig)


class Lease:
    def __init__(self, postgres: EmbeddedPostgres):
        self.postgres = postgres
        self._users = FileLock(postgres.data_dir / "postgres.users.lock")
        self._starts = FileLock(postgres.data_dir / "postgres.lock")
        self._pid: int | None = None

    def acquire(self):
        """Returns the socket folder of a running server, started if needed."""
        try:
            # Waits while a last user is stopping the server: it is then started again.
            self._users.lock(shared=True, timeout=STOP_TIMEOUT + 30)
            with signals_deferred(), self._starts.held(timeout=START_TIMEOUT + 30):
                socket_dir = self.postgres.ensure_running()
        except LockTimeout:
            self._users.close()
            raise EmbeddedDatabaseError(
                "La base embarquée est occupée depuis plusieurs minutes par un autre processus de ce dossier "
                "(démarrage ou arrêt bloqué).\nQue faire : arrêtez les autres « make run », « make test » ou "
                f"« manage.py » de ce dossier, puis relancez. Données : {self.postgres.data_dir}") from None
        except BaseException:
            self._users.close()
            raise
        self._pid = os.getpid()
        return socket_dir

    def release(self) -> bool:
        """Drops this process's claim; stops the server if no other process holds one. True if it stopped it."""
        if self._pid != os.getpid():  # never acquired, already released, or a forked child sharing our lock
            return False
        self._pid = None
        with signals_deferred():
            self._users.unlock()
            try:
                if not self._users.try_lock():
                    return False
                with self._starts.held(timeout=START_TIMEOUT + 30):
                    return self.postgres.stop()
            except LockTimeout:
                return False
            finally:
                self._users.close()
