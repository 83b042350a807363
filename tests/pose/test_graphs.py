"""Reuse of stateless graphs across estimators (fake graphs, no MediaPipe)."""

from __future__ import annotations

import pytest

from motorobs.pose import graphs


class FakeGraph:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def empty_pool():
    graphs.close_idle()
    yield
    graphs.close_idle()


def test_a_given_back_graph_is_reused_for_the_same_key():
    first = graphs.take("k", FakeGraph)
    graphs.give_back("k", first)
    assert graphs.take("k", FakeGraph) is first


def test_graphs_in_use_are_not_shared():
    a, b = graphs.take("k", FakeGraph), graphs.take("k", FakeGraph)
    assert a is not b


def test_other_settings_get_another_graph():
    graphs.give_back("k", graphs.take("k", FakeGraph))
    assert graphs.idle_count() == 1
    other = graphs.take("other", FakeGraph)
    assert graphs.idle_count() == 1 and not other.closed


def test_close_idle_closes_and_forgets():
    graph = graphs.take("k", FakeGraph)
    graphs.give_back("k", graph)
    graphs.close_idle()
    assert graph.closed and graphs.idle_count() == 0
    assert graphs.take("k", FakeGraph) is not graph


def test_model_key_changes_when_the_file_changes(tmp_path):
    path = tmp_path / "m.task"
    path.write_bytes(b"one")
    before = graphs.model_key(path)
    path.write_bytes(b"longer")
    assert graphs.model_key(path) != before
    assert graphs.model_key(tmp_path / "." / "m.task") == graphs.model_key(path)
