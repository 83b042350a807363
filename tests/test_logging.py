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
