"""Writing a child's outputs into ``RESULTS_DIR/children/<child>/``, atomically:

* ``trends.csv``: the child's rows of the sessions table (:data:`SESSION_COLUMNS`);
* ``flags.json``: ``{"child", "rules": {"version", "file", "evaluated": [{id, version}]},
  "motorobs_version", "flags": [...], "caveat"}``;
* ``report.pdf``: the trend report (:mod:`motorobs.trends.pdf`), when WeasyPrint is there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import motorobs
from motorobs.io.atomic import write_atomic
from motorobs.trends.flags import Flag, Rules
from motorobs.trends.pdf import CAVEATS, child_report_html, render_pdf
from motorobs.trends.sessions import SESSION_COLUMNS

CHILDREN_DIR = "children"


def child_folder_name(child: str) -> str:
    """A safe folder name for a child's code (characters other than letters, digits, ``-``,
    ``_`` and ``.`` become ``_``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", child).lstrip(".") or "_"


def flags_document(child: str, flags: Sequence[Flag], rules: Rules) -> dict:
    """The content of ``flags.json``."""
    return {"child": child,
            "rules": {"version": rules.version, "file": Path(rules.source).name,
                      "evaluated": [{"id": r.id, "version": r.version} for r in rules.rules]},
            "motorobs_version": motorobs.__version__,
            "flags": [f.to_dict() for f in flags], "caveat": CAVEATS[0]}


def write_child_outputs(results_dir: Path, child: str, frame: pd.DataFrame,
                        flags: Sequence[Flag], rules: Rules, *, pdf: bool = True) -> list[Path]:
    """Write ``trends.csv``, ``flags.json`` and (``pdf``) ``report.pdf`` of ``child``.

    ``frame`` holds the child's rows of the sessions table, ``flags`` its flags. Returns the
    files written.

    Raises
    ------
    ImportError
        If ``pdf`` and WeasyPrint is not installed (the CSV and JSON are written first).
    """
    folder = Path(results_dir) / CHILDREN_DIR / child_folder_name(child)
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        write_atomic(folder / "trends.csv",
                     frame[list(SESSION_COLUMNS)].to_csv(index=False, lineterminator="\n")),
        write_atomic(folder / "flags.json",
                     json.dumps(flags_document(child, flags, rules), indent=2,
                                ensure_ascii=False) + "\n"),
    ]
    if pdf:
        html = child_report_html(child, frame, flags, rules.version)
        written.append(write_atomic(folder / "report.pdf", render_pdf(html)))
    return written
