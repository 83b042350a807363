"""The child map: which clip shows which child, on which date.

A CSV file with a header line and the columns ``clip, child, session_date, birth_date,
due_date`` (dates ``YYYY-MM-DD``; ``due_date`` may be empty when the infant was born at term
or it is not known: no age correction then). ``clip`` is the clip's folder name in the
results folder (the video's file name without its extension; the extension is accepted
too). ``child`` is the child's pseudonymous code, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from motorobs.trends.age import AgeError, SessionAge, session_age
from motorobs.trends.csvinput import TrendsInputError, parse_date, read_rows

CHILD_MAP_COLUMNS = ("clip", "child", "session_date", "birth_date", "due_date")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class ChildMapEntry:
    """One row of the child map, with the ages it gives."""

    clip: str
    child: str
    age: SessionAge
    line: int
    """Line in the child map file (for messages)."""


def clip_name(text: str) -> str:
    """A clip name as written in the map, without a video file extension."""
    for suffix in VIDEO_SUFFIXES:
        if text.lower().endswith(suffix):
            return text[: -len(suffix)]
    return text


def read_child_map(path: Path) -> list[ChildMapEntry]:
    """Every row of the child map at ``path``.

    Raises
    ------
    TrendsInputError
        Listing every problem as ``FILE:LINE: problem; what to do``: a missing column, an
        empty clip or child, a bad date, a clip listed twice, a child given two different
        birth or due dates, dates that cannot give an age.
    """
    path = Path(path)
    problems: list[str] = []
    entries: list[ChildMapEntry] = []
    seen_clips: dict[str, int] = {}
    child_dates: dict[str, tuple[int, date | None, date | None]] = {}
    for row in read_rows(path, CHILD_MAP_COLUMNS):
        clip, child = clip_name(row.cells.get("clip", "")), row.cells.get("child", "")
        for column, value in (("clip", clip), ("child", child)):
            if not value:
                problems.append(f"{path}:{row.line}: {column} is empty; give the "
                                + ("clip's folder name in the results folder."
                                   if column == "clip" else "child's code."))
        session = parse_date(path, row, "session_date", problems)
        birth = parse_date(path, row, "birth_date", problems)
        due = parse_date(path, row, "due_date", problems, required=False)
        if clip in seen_clips:
            problems.append(f"{path}:{row.line}: clip {clip!r} is already listed on line "
                            f"{seen_clips[clip]}; keep one row per clip.")
        elif clip:
            seen_clips[clip] = row.line
        if child and birth:
            first = child_dates.setdefault(child, (row.line, birth, due))
            if (first[1], first[2]) != (birth, due):
                problems.append(f"{path}:{row.line}: child {child!r} has birth date {birth} "
                                f"and due date {due or '(empty)'}, but {first[1]} and "
                                f"{first[2] or '(empty)'} on line {first[0]}; give the same "
                                "dates on every row of a child.")
        if not (clip and child and session and birth):
            continue
        try:
            age = session_age(session, birth, due)
        except AgeError as exc:
            problems.append(f"{path}:{row.line}: {exc}")
            continue
        entries.append(ChildMapEntry(clip, child, age, row.line))
    if problems:
        raise TrendsInputError(problems)
    if not entries:
        raise TrendsInputError([f"{path}: no rows; add one row per clip under the header "
                                f"{','.join(CHILD_MAP_COLUMNS)}."])
    return entries
