"""Importing motorobs has no side effects: no downloads, no logging set-up, no folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_import_has_no_side_effects(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("MOTOROBS_MODEL_DIR", None)
    code = (
        "import json, logging, sys, motorobs, motorobs.pipeline, motorobs.cli;"
        "root = logging.getLogger();"
        "mo = logging.getLogger('motorobs');"
        "print(json.dumps({'root': len(root.handlers),"
        " 'mo': [type(h).__name__ for h in mo.handlers],"
        " 'mediapipe': 'mediapipe' in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=True,
    )
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state == {"root": 0, "mo": ["NullHandler"], "mediapipe": False}
    assert list(tmp_path.iterdir()) == []


def test_facade_exports_resolve():
    import motorobs

    for name in motorobs.__all__:
        assert getattr(motorobs, name) is not None
