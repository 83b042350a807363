"""Atomic writes: a reader sees the old file or the whole new one, never a part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from motorobs.io.atomic import PART_SUFFIX, atomic_path, remove_leftovers, write_atomic


def test_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "metrics.json"
    write_atomic(target, "old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "landmarks.parquet"
    write_atomic(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landmarks.parquet"]


def test_two_writers_never_share_a_temporary_name(tmp_path):
    target = tmp_path / "summary.csv"
    with atomic_path(target) as first, atomic_path(target) as second:
        assert first != second
        first.write_text("a")
        second.write_text("b")
    assert target.read_text() in {"a", "b"}


def test_leftovers_are_removed_and_finished_files_kept(tmp_path):
    (tmp_path / f".report.html.x1{PART_SUFFIX}").write_text("half")
    (tmp_path / "report.html").write_text("whole")
    assert remove_leftovers(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


WRITER = """
import sys
from motorobs.io.atomic import write_atomic
target, n = sys.argv[1], int(sys.argv[2])
write_atomic(target, b"0" * n)
print("ready", flush=True)
for k in range(100000):
    write_atomic(target, (str(k % 10) * n).encode())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_write_never_leaves_a_partial_file(tmp_path):
    target = tmp_path / "big.bin"
    size = 4_000_000
    for pause_s in (0.05, 0.2, 0.35):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(size)],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(pause_s)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        data = target.read_bytes()
        assert len(data) == size
        assert data == data[:1] * size  # one whole write, not a mix of two
