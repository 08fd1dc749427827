"""File locks (flock) that the kernel releases when their process dies, however it dies.

They replace any bookkeeping of process ids on disk: a lock file's content is never read, so a damaged
or stale file cannot block a start.
"""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(Exception):
    pass


class FileLock:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            # O_CLOEXEC (Python's default): a child process started later never holds our lock.
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        return self._fd

    def try_lock(self, *, shared: bool = False) -> bool:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self._open(), mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def lock(self, *, shared: bool = False, timeout: float) -> None:
        """Waits for the lock, polling: a blocking flock cannot time out, and a stuck holder must not hang us."""
        deadline = time.monotonic() + timeout
        while not self.try_lock(shared=shared):
            if time.monotonic() > deadline:
                raise LockTimeout(str(self.path))
            time.sleep(0.05)

    def unlock(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Closing the descriptor releases the lock too."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def is_held(self) -> bool:
        """True when some descriptor (another process's, or another of ours) holds the lock in any mode."""
        probe = FileLock(self.path)
        try:
            if probe.try_lock():
                return False
            return True
        finally:
            probe.close()

    @contextmanager
    def held(self, *, timeout: float):
        self.lock(timeout=timeout)
        try:
            yield self
        finally:
            self.unlock()
