"""One batch run per output folder: an exclusive lock that a crash always releases.

The lock is an advisory ``flock`` on ``<output>/.motorobs.lock``, held for the whole run. The
operating system drops it when the process ends, however it ends (even SIGKILL), so a crashed
run never blocks the next one; the file itself stays and only records who held it last.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from types import TracebackType

from motorobs.errors import MotorobsError

LOCK_FILE = ".motorobs.lock"


class OutputFolderBusyError(MotorobsError):
    """Another motorobs run is writing into the same output folder."""


class OutputLock:
    """Exclusive lock on an output folder (use as a context manager).

    Raises
    ------
    OutputFolderBusyError
        On entry, if another process holds the lock (the message says who, and what to do).
    """

    def __init__(self, output_root: str | Path) -> None:
        self.path = Path(output_root) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise OutputFolderBusyError(
                f"{self.path.parent}: another motorobs run ({holder}) is writing into this "
                "folder. Wait for it to finish, or choose another output folder with -o."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
