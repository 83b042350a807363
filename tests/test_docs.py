"""The documentation site builds without a warning, and its API page covers the flat API."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import motorobs

REPO = Path(__file__).resolve().parents[1]


def test_the_site_builds_strictly(tmp_path):
    """``mkdocs build --strict``: a ``::: motorobs...`` block naming nothing, a docstring
    griffe cannot parse or a page missing from the nav fails the build."""
    pytest.importorskip("mkdocstrings_handlers.python", reason='pip install ".[docs]"')
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    assert 'id="motorobs.tables.metrics_table"' in api


def test_every_page_is_in_the_nav():
    nav = (REPO / "mkdocs.yml").read_text()
    pages = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")}
    assert pages == set(re.findall(r":\s+(\S+\.md)\s*$", nav, flags=re.M))


def test_the_api_page_names_every_public_name():
    page = (REPO / "docs" / "api.md").read_text()
    table = "\n".join(line for line in page.splitlines() if line.startswith("| "))
    assert set(motorobs._EXPORTS) == set(re.findall(r"`(\w+)`", table))
