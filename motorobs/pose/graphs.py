"""Reusing stateless MediaPipe graphs across clips within one process.

An IMAGE-mode landmarker keeps nothing from one call to the next, so the one that tries the
quarter turns and the one that searches close-ups for missed hands can serve clip after
clip: :func:`take` hands out an idle graph with the same settings, or creates one, and
:func:`give_back` keeps it for the next estimator (at most one user at a time: two
estimators alive at once get two graphs). VIDEO-mode graphs track from frame to frame and
are never kept, so that a clip's landmarks do not depend on which clips ran before it in
the same worker. Idle graphs are closed when the process exits
(:func:`close_before_exit`).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

_idle: dict[Hashable, list[Any]] = {}
_lock = threading.Lock()


def model_key(path: str | Path) -> tuple[str, int, int]:
    """A model file's identity for graph keys: resolved path, size and modification time
    (a bundle replaced on disk gets new graphs)."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return str(resolved), stat.st_size, stat.st_mtime_ns


def take(key: Hashable, create: Callable[[], Any]) -> Any:
    """An idle graph stored under ``key``, or ``create()`` when there is none."""
    with _lock:
        idle = _idle.get(key)
        if idle:
            return idle.pop()
    return create()


def give_back(key: Hashable, graph: Any) -> None:
    """Keep ``graph`` (taken under ``key``, no longer in use) for the next :func:`take`."""
    with _lock:
        _idle.setdefault(key, []).append(graph)


def idle_count() -> int:
    """Number of graphs kept for reuse."""
    with _lock:
        return sum(len(graphs) for graphs in _idle.values())


def close_before_exit(close: Callable[[], Any]) -> None:
    """Run ``close`` when the process ends, while MediaPipe's worker threads still run.

    :mod:`threading`'s exit hooks run before those threads are stopped; an :mod:`atexit`
    hook runs after, when a MediaPipe graph can no longer be closed (and one left to the
    garbage collector then prints an error while the interpreter is torn down). Falls back
    to :mod:`atexit` where the threading hook does not exist (it is CPython's, >= 3.9)."""
    register = getattr(threading, "_register_atexit", None)
    (register or atexit.register)(close)


def close_idle() -> None:
    """Close and forget every idle graph."""
    with _lock:
        graphs = [graph for idle in _idle.values() for graph in idle]
        _idle.clear()
    for graph in graphs:
        graph.close()


close_before_exit(close_idle)
