"""Native libraries' stderr chatter goes to run.log; messages for the user do not."""

from __future__ import annotations

import subprocess
import sys


def test_native_stderr_goes_to_the_log_and_user_messages_to_the_terminal(tmp_path):
    log = tmp_path / "run.log"
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from motorobs._logging import native_stderr_to\n"
        f"with native_stderr_to(Path({str(log)!r})) as user:\n"
        "    os.write(2, b'W0000 native chatter\\n')\n"
        "    user.write('progress for the user\\n')\n"
        "os.write(2, b'after the block\\n')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stderr.decode() == "progress for the user\nafter the block\n"
    assert log.read_text() == "W0000 native chatter\n"


def test_each_job_logs_to_its_own_file_even_in_threads(tmp_path):
    """Two jobs running at once in one process: each clip's log holds its own lines only."""
    import logging
    import threading

    from motorobs._logging import job_log

    log = logging.getLogger("motorobs.pipeline")
    handlers_before = list(logging.getLogger("motorobs").handlers)
    both_inside = threading.Barrier(2)

    def job(name: str) -> None:
        with job_log(tmp_path / name / "analysis.log"):
            both_inside.wait()
            for k in range(20):
                log.info("%s line %d", name, k)
            both_inside.wait()

    threads = [threading.Thread(target=job, args=(n,)) for n in ("clip_a", "clip_b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.info("outside any job")
    for name, other in (("clip_a", "clip_b"), ("clip_b", "clip_a")):
        text = (tmp_path / name / "analysis.log").read_text()
        assert text.count(f"{name} line") == 20
        assert other not in text and "outside any job" not in text
    # at most one routing handler was added, whatever the number of jobs
    added = [h for h in logging.getLogger("motorobs").handlers if h not in handlers_before]
    assert len(added) <= 1
