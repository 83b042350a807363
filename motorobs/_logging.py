"""Logging: the library only logs through ``logging.getLogger("motorobs")``.

Importing motorobs configures nothing. The command line attaches one handler for the whole
run (a ``run.log`` in the output folder) through :func:`log_to_file`. Each clip's own lines
go to the clip's log through :func:`job_log`: one routing handler, installed once, sends a
record to the log of the job running in the current thread or task (a
:class:`contextvars.ContextVar`), so several jobs in one process (threads of a Dask worker, a
web server's job queue) never mix their logs and no handler is added per job.
:func:`native_stderr_to` is for programs that own their process (the command line and its
worker processes), never for library code.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

logger = logging.getLogger("motorobs")
logger.addHandler(logging.NullHandler())

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_current_job_log: contextvars.ContextVar[TextIO | None] = contextvars.ContextVar(
    "motorobs_job_log", default=None)


class _JobLogRouter(logging.Handler):
    """Writes each record to the log of the job running in the record's context, if any."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        stream = _current_job_log.get()
        if stream is None:
            return
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # a log line must never break the analysis
            self.handleError(record)


_router = _JobLogRouter()
_router_lock = threading.Lock()


def _install_router() -> None:
    with _router_lock:
        if _router not in logger.handlers:
            logger.addHandler(_router)


@contextmanager
def job_log(path: Path, level: int = logging.INFO) -> Iterator[Path]:
    """Send the motorobs log lines of the current thread or task to ``path`` (appending)
    while the ``with`` block runs; other jobs' lines never reach it.

    The logger's level is lowered to ``level`` if it is higher (it is never raised, so a
    caller's more verbose setting stays).
    """
    _install_router()
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as stream:
        token = _current_job_log.set(stream)
        try:
            yield path
        finally:
            _current_job_log.reset(token)


@contextmanager
def log_to_file(path: Path, level: int = logging.INFO) -> Iterator[logging.Handler]:
    """Write the motorobs log to ``path`` (appending) while the ``with`` block runs."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        handler.close()


@contextmanager
def native_stderr_to(path: Path) -> Iterator[TextIO]:
    """Send what native libraries write to the process's stderr (MediaPipe and TFLite
    chatter) into ``path`` while the ``with`` block runs.

    Yields a text stream on the original stderr, for messages meant for the user. When
    ``sys.stderr`` is not the process's stderr (e.g. captured by a test runner), nothing is
    redirected and ``sys.stderr`` itself is yielded.
    """
    try:
        real = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        real = False
    if not real:
        yield sys.stderr
        return
    sys.stderr.flush()
    saved = os.dup(2)
    user = os.fdopen(os.dup(saved), "w", buffering=1, encoding=sys.stderr.encoding,
                     errors="replace")
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield user
    finally:
        user.flush()
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        user.close()
