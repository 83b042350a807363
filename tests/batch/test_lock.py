"""One run per output folder; a crashed run never blocks the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from motorobs.batch.lock import OutputFolderBusyError, OutputLock


def test_a_second_lock_on_the_same_folder_is_refused_with_a_clear_message(tmp_path):
    with OutputLock(tmp_path):
        with pytest.raises(OutputFolderBusyError, match="another motorobs run") as caught:
            OutputLock(tmp_path).acquire()
        assert str(tmp_path) in str(caught.value) and "-o" in str(caught.value)
    with OutputLock(tmp_path):  # free again once released
        pass


HOLDER = """
import sys, time
from motorobs.batch.lock import OutputLock
lock = OutputLock(sys.argv[1]); lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_killed_holder_releases_the_lock(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputFolderBusyError, match=f"pid {holder.pid}"):
            OutputLock(tmp_path).acquire()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        with OutputLock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
