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
        "import json, logging, sys, motorobs, motorobs.pipeline, motorobs.cli, motorobs.cohort,"
        " motorobs.tables, motorobs.plotting, motorobs.progress;"
        "root = logging.getLogger();"
        "mo = logging.getLogger('motorobs');"
        "print(json.dumps({'root': len(root.handlers),"
        " 'mo': [type(h).__name__ for h in mo.handlers],"
        " 'mediapipe': 'mediapipe' in sys.modules,"
        " 'matplotlib': 'matplotlib' in sys.modules}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=True,
    )
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state == {"root": 0, "mo": ["NullHandler"], "mediapipe": False, "matplotlib": False}
    assert list(tmp_path.iterdir()) == []


def test_facade_exports_resolve_to_the_named_objects():
    """Every name resolves to the object its module holds, also after that module (and every
    other) was imported: a submodule named like a function would replace it as the package's
    attribute on import (hence ``analyze_keypoints``, not ``analyze_landmarks``)."""
    import importlib
    import types

    import motorobs

    for target in motorobs._EXPORTS.values():
        importlib.import_module(target.partition(":")[0])
    for name, target in motorobs._EXPORTS.items():
        module, _, attribute = target.partition(":")
        value = getattr(motorobs, name)
        assert not isinstance(value, types.ModuleType), name
        assert value is getattr(importlib.import_module(module), attribute or name), name
    assert set(motorobs.__all__) <= set(dir(motorobs))


def test_public_functions_are_documented():
    import inspect

    import motorobs

    for name in motorobs._EXPORTS:
        value = getattr(motorobs, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert inspect.getdoc(value), f"motorobs.{name} has no docstring"
