"""Reading and writing the files a clip's report is rendered from (see
:mod:`motorobs.report.record` for the layout).

Reading needs neither the video nor MediaPipe; it imports only pyarrow and numpy (not
pandas). Every
problem is a :class:`StoredReportError` that names the folder and says what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from motorobs.errors import MotorobsError
from motorobs.io.atomic import atomic_path, write_atomic
from motorobs.report.record import (
    FRAME_COLUMN,
    METRICS_FILE,
    REPORT_FILE,
    TIME_COLUMN,
    TRACES_FILE,
    ClipReport,
)

ANALYSE_AGAIN = "run `motorobs analyze` on the clip's video again to write it"


class StoredReportError(MotorobsError):
    """A clip folder's stored report files are missing or cannot be read."""


def _fail(folder: Path, problem: str) -> StoredReportError:
    return StoredReportError(
        f"{folder}: {problem}; the report cannot be rendered from this folder. To fix it, "
        f"{ANALYSE_AGAIN} (saved landmarks are reused, so this is quick)."
    )


@dataclass(frozen=True)
class TraceTable:
    """The values behind the plots: one time base, one column per trace."""

    time_s: np.ndarray
    """(T,) time of each analysed frame (s)."""
    frame: np.ndarray | None
    """(T,) video frame index of each analysed frame, if known."""
    columns: dict[str, np.ndarray]
    """Column name (:attr:`motorobs.report.record.TraceInfo.column`) -> (T,) values, NaN where
    not seen."""


@dataclass(frozen=True)
class StoredReport:
    """Everything a clip's ``report.html`` shows, read back from its folder."""

    folder: Path
    metrics: dict[str, Any]
    """The content of ``metrics.json``."""
    report: ClipReport
    traces: TraceTable
    key_frame_jpegs: dict[str, bytes]
    """Key frame file (as in :attr:`ClipReport.key_frames`) -> its JPEG bytes."""


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON, atomically."""
    return write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_traces(path: Path, table: TraceTable) -> Path:
    """Write ``table`` as Parquet (``time_s``, ``frame``, then one float column per trace)."""
    arrays = {TIME_COLUMN: pa.array(np.asarray(table.time_s, np.float64))}
    if table.frame is not None:
        arrays[FRAME_COLUMN] = pa.array(np.asarray(table.frame, np.int64))
    for name, values in table.columns.items():
        arrays[name] = pa.array(np.asarray(values, np.float64))
    with atomic_path(path) as tmp:
        pq.write_table(pa.table(arrays), tmp)
    return path


def _read_json(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.is_file():
        raise _fail(folder, f"{name} is missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(folder, f"{name} cannot be read ({exc})") from exc


def read_metrics(folder: Path) -> dict[str, Any]:
    """The content of ``folder/metrics.json`` (needs ``clip`` and a ``metrics`` list).

    Raises
    ------
    StoredReportError
        If the file is missing, not JSON or not a metrics file.
    """
    folder = Path(folder)
    data = _read_json(folder, METRICS_FILE)
    if not (isinstance(data, dict) and isinstance(data.get("metrics"), list) and "clip" in data
            and all(isinstance(m, dict) and "name" in m for m in data["metrics"])):
        raise _fail(folder, f"{METRICS_FILE} is not a motorobs metrics file")
    return data


def read_clip_report(folder: Path) -> ClipReport:
    """The :class:`ClipReport` in ``folder/report.json``.

    Raises
    ------
    StoredReportError
        If the file is missing, unreadable or of another format.
    """
    folder = Path(folder)
    data = _read_json(folder, REPORT_FILE)
    try:
        return ClipReport.from_json(data)
    except (ValueError, TypeError, AttributeError) as exc:
        raise _fail(folder, f"{REPORT_FILE} is not a report file this motorobs can read "
                            f"({exc})") from exc


def previous_clip_report(folder: Path) -> ClipReport | None:
    """The report stored in ``folder`` by an earlier run, or ``None`` if there is none that
    can be read (the caller then makes everything again)."""
    try:
        return read_clip_report(folder)
    except StoredReportError:
        return None


def read_traces(folder: Path, report: ClipReport) -> TraceTable:
    """The trace values of ``folder/traces.parquet``, each column ``report`` names.

    Raises
    ------
    StoredReportError
        If the file is missing, unreadable or lacks a column.
    """
    folder = Path(folder)
    path = folder / TRACES_FILE
    if not path.is_file():
        raise _fail(folder, f"{TRACES_FILE} is missing")
    try:
        table = pq.ParquetFile(path).read()  # not read_table: it loads pandas (0.2 s)
    except (OSError, pa.ArrowException) as exc:
        raise _fail(folder, f"{TRACES_FILE} cannot be read ({exc})") from exc
    wanted = [TIME_COLUMN, *(t.column for t in report.traces)]
    missing = [c for c in wanted if c not in table.column_names]
    if missing:
        raise _fail(folder, f"{TRACES_FILE} lacks the column(s) {', '.join(missing)}")

    try:
        frame = (column_values(table, FRAME_COLUMN, np.int64)
                 if FRAME_COLUMN in table.column_names else None)
        return TraceTable(column_values(table, TIME_COLUMN, np.float64), frame,
                          {t.column: column_values(table, t.column, np.float64)
                           for t in report.traces})
    except (pa.ArrowException, ValueError) as exc:
        raise _fail(folder, f"{TRACES_FILE} holds a column that is not numbers ({exc})") from exc


def column_values(table: pa.Table, name: str, dtype: type[np.number]) -> np.ndarray:
    """Column ``name`` of ``table`` as a new numpy array of ``dtype``, missing values as NaN.

    Not ``ChunkedArray.to_numpy``, which imports pandas (0.2 s) on first use.

    Raises
    ------
    pyarrow.ArrowException, ValueError
        If the column cannot be cast to ``dtype`` (or, for integers, has missing values).
    """
    array = table.column(name).combine_chunks().cast(pa.from_numpy_dtype(dtype))
    if array.null_count:
        if not np.issubdtype(dtype, np.floating):
            raise ValueError(f"column {name} has missing values")
        array = pc.fill_null(array, np.nan)
    if not len(array):
        return np.empty(0, dtype)
    return np.frombuffer(array.buffers()[1], dtype, count=len(array),
                         offset=array.offset * np.dtype(dtype).itemsize).copy()


def read_key_frames(folder: Path, report: ClipReport) -> dict[str, bytes]:
    """The JPEG bytes of every key frame ``report`` lists.

    Raises
    ------
    StoredReportError
        If one is missing or cannot be read.
    """
    folder = Path(folder)
    images = {}
    for key_frame in report.key_frames:
        path = folder / key_frame.file
        try:
            images[key_frame.file] = path.read_bytes()
        except OSError as exc:
            raise _fail(folder, f"the key frame {key_frame.file} listed in {REPORT_FILE} "
                                f"cannot be read ({exc.strerror or exc})") from exc
    return images


def read_stored_report(folder: Path) -> StoredReport:
    """Everything ``folder``'s report shows: metrics, report record, traces, key frames.

    Raises
    ------
    StoredReportError
        If any of the files is missing or unreadable (the message names it).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise StoredReportError(f"{folder}: no such clip folder. Give the folder of one "
                                "analysed clip (it holds metrics.json and report.json).")
    metrics = read_metrics(folder)
    report = read_clip_report(folder)
    return StoredReport(folder, metrics, report, read_traces(folder, report),
                        read_key_frames(folder, report))
