"""Logging: the library only logs through ``logging.getLogger("motorobs")``.

Importing motorobs configures nothing; the command line attaches handlers (a ``run.log`` in
the output folder) through :func:`log_to_file`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

logger = logging.getLogger("motorobs")
logger.addHandler(logging.NullHandler())


@contextmanager
def log_to_file(path: Path, level: int = logging.INFO) -> Iterator[logging.Handler]:
    """Write the motorobs log to ``path`` (appending) while the ``with`` block runs."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
