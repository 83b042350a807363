"""Logging: the library only logs through ``logging.getLogger("motorobs")``.

Importing motorobs configures nothing; the command line attaches handlers (a ``run.log`` in
the output folder) through :func:`log_to_file`.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger("motorobs")
logger.addHandler(logging.NullHandler())


def log_to_file(path: Path, level: int = logging.INFO) -> logging.Handler:
    """Attach a file handler writing the motorobs log to ``path``; returns it for removal."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
