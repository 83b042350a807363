"""Logging: the library only logs through ``logging.getLogger("motorobs")``.

Importing motorobs configures nothing; the command line attaches handlers (a ``run.log`` in
the output folder) through :func:`log_to_file`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
