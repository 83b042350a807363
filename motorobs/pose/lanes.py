"""Running each MediaPipe model in its own thread, with results independent of timing.

MediaPipe Tasks calls run in C++ without holding Python's GIL, and each uses one core
(measured: CPU time equals wall time per call). The pose model and the hand model of a
frame do not depend on each other, so on a machine with two or more cores they can run at
the same time (docs/performance.md).

A *lane* is one worker thread: the calls submitted to a lane run one after the other in the
order they were submitted, and different lanes run in parallel. Each MediaPipe graph is used
by one lane only, so every graph sees exactly the calls, in exactly the order, it would see
without threads, and the results are identical (VIDEO-mode graphs keep tracking state from
call to call, so the order matters). With ``threaded=False`` every call runs at once in the
calling thread: same order, same results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Lanes:
    """Named single-thread lanes (use as a context manager).

    Parameters
    ----------
    names
        The lanes, e.g. ``("pose", "hand")``.
    threaded
        Give each lane its own thread; ``False`` runs every call at submission.
    """

    def __init__(self, names: Sequence[str], threaded: bool = True) -> None:
        self.names = tuple(names)
        self._pools = (
            {name: ThreadPoolExecutor(1, thread_name_prefix=f"motorobs-{name}")
             for name in self.names}
            if threaded else {}
        )

    def submit(self, lane: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future:
        """Queue ``fn(*args, **kwargs)`` on ``lane``; its :class:`~concurrent.futures.Future`.

        Raises
        ------
        KeyError
            If ``lane`` is not one of :attr:`names`.
        """
        if lane not in self.names:
            raise KeyError(f"Unknown lane {lane!r}; lanes: {self.names}.")
        if lane in self._pools:
            return self._pools[lane].submit(fn, *args, **kwargs)
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # re-raised by future.result(), as from a thread
            future.set_exception(exc)
        return future

    def close(self) -> None:
        """Drop the calls not started yet and wait for the running ones to finish (so that
        no graph is closed while a lane still uses it)."""
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools = {}

    def __enter__(self) -> Lanes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
