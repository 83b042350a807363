"""Lanes: per-lane order, parallel lanes, the same results without threads."""

from __future__ import annotations

import threading
import time

import pytest

from motorobs.pose.lanes import Lanes


@pytest.mark.parametrize("threaded", [True, False])
def test_calls_on_one_lane_run_in_submission_order(threaded):
    seen: list[int] = []

    def record(i: int) -> int:
        time.sleep(0.001 * (5 - i % 5))  # later calls are quicker: order must not follow speed
        seen.append(i)
        return i * i

    with Lanes(("a",), threaded=threaded) as lanes:
        futures = [lanes.submit("a", record, i) for i in range(20)]
        results = [f.result() for f in futures]
    assert seen == list(range(20))
    assert results == [i * i for i in range(20)]


def test_two_lanes_run_at_the_same_time():
    started = threading.Event()

    def wait_for_other() -> bool:
        return started.wait(timeout=5.0)

    with Lanes(("a", "b")) as lanes:
        waiting = lanes.submit("a", wait_for_other)  # blocks lane a until lane b runs
        lanes.submit("b", started.set)
        assert waiting.result(timeout=10.0) is True


def test_without_threads_a_call_runs_at_submission():
    calls: list[str] = []
    with Lanes(("a",), threaded=False) as lanes:
        future = lanes.submit("a", calls.append, "x")
        assert calls == ["x"] and future.done()


@pytest.mark.parametrize("threaded", [True, False])
def test_an_error_comes_back_from_result(threaded):
    def fail() -> None:
        raise ValueError("broken frame")

    with Lanes(("a",), threaded=threaded) as lanes:
        future = lanes.submit("a", fail)
        with pytest.raises(ValueError, match="broken frame"):
            future.result()


def test_unknown_lane_is_refused():
    with Lanes(("pose",), threaded=False) as lanes, pytest.raises(KeyError, match="hand"):
        lanes.submit("hand", print)


def test_close_waits_for_the_running_call_and_drops_the_queued_ones():
    release, done = threading.Event(), []

    def slow() -> None:
        release.wait(timeout=5.0)
        done.append("slow")

    lanes = Lanes(("a",))
    running = lanes.submit("a", slow)
    queued = lanes.submit("a", done.append, "queued")
    threading.Timer(0.05, release.set).start()
    lanes.close()
    assert running.done() and done == ["slow"]
    assert queued.cancelled()
