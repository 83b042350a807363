"""The batch manifest: what state each clip of an output folder is in, and from what inputs.

``<output>/manifest.jsonl`` holds one JSON record per line, appended as clips change state
(``queued``, ``running``, ``done``, ``failed``, ``interrupted``); the newest record of a clip is
its state. Each record carries what the clip's outputs were made from: the video's SHA-256,
the configuration fingerprint, the model bundles and the motorobs version, so a later run can
tell a clip that is done with the same inputs (skipped) from one whose inputs changed (done
again). Appends are flushed and fsynced; a line cut short by a crash is ignored when read, and
:meth:`Manifest.compact` rewrites the file atomically with one record per clip.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from motorobs.io.atomic import write_atomic

MANIFEST_FILE = "manifest.jsonl"
ClipState = Literal["queued", "running", "done", "failed", "interrupted"]
CLIP_STATES: tuple[str, ...] = ("queued", "running", "done", "failed", "interrupted")


def now_iso() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ClipInputs:
    """What a clip's outputs are made from; equal inputs give equal outputs.

    Attributes
    ----------
    video_sha256
        SHA-256 of the video file's bytes.
    config
        :func:`motorobs.batch.jobs.config_fingerprint` of the analysis settings.
    models
        ``[{"name", "sha256"}]`` of the pose backend's model files (MediaPipe's bundles).
    motorobs_version
        The motorobs version that made them.
    """

    video_sha256: str
    config: str
    models: tuple[tuple[str, str], ...]
    motorobs_version: str

    def to_json(self) -> dict[str, Any]:
        return {"video_sha256": self.video_sha256, "config": self.config,
                "models": [{"name": n, "sha256": h} for n, h in self.models],
                "motorobs_version": self.motorobs_version}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipInputs:
        return cls(str(data.get("video_sha256", "")), str(data.get("config", "")),
                   tuple((str(m.get("name")), str(m.get("sha256")))
                         for m in data.get("models", [])),
                   str(data.get("motorobs_version", "")))


@dataclass(frozen=True)
class ClipRecord:
    """One line of the manifest: a clip's state at a moment.

    Attributes
    ----------
    clip
        The clip's name, which is also its output folder (``<output>/<clip>/``).
    video
        The video's path as given.
    state
        One of :data:`CLIP_STATES`.
    inputs
        What the outputs are (or will be) made from.
    reason
        For ``failed`` and ``interrupted``: one line saying why, and what to do.
    time
        When the record was written (UTC, ISO 8601).
    seconds
        For ``done`` and ``failed``: how long the analysis took (s).
    frames
        For ``done``: analysed frames.
    worker
        Who ran it (host and process id), for ``running``, ``done`` and ``failed``.
    """

    clip: str
    video: str
    state: ClipState
    inputs: ClipInputs
    reason: str | None = None
    time: str = field(default_factory=now_iso)
    seconds: float | None = None
    frames: int | None = None
    worker: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["inputs"] = self.inputs.to_json()
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipRecord:
        if data.get("state") not in CLIP_STATES or not data.get("clip"):
            raise ValueError(f"not a clip record: {data!r}")
        return cls(
            clip=str(data["clip"]), video=str(data.get("video", "")), state=data["state"],
            inputs=ClipInputs.from_json(data.get("inputs", {})), reason=data.get("reason"),
            time=str(data.get("time", "")), seconds=data.get("seconds"),
            frames=data.get("frames"), worker=data.get("worker"),
        )

    def moved_to(self, state: ClipState, **changes: Any) -> ClipRecord:
        """A new record of the same clip and inputs in ``state``, stamped now."""
        fields = {"reason": None, "seconds": None, "frames": None, "worker": None}
        fields.update(changes)
        return replace(self, state=state, time=now_iso(), **fields)


class Manifest:
    """The manifest of one output folder (see the module docstring).

    Only one process appends at a time: the batch runner holds the folder's lock
    (:class:`motorobs.batch.lock.OutputLock`) while it writes.
    """

    def __init__(self, output_root: str | Path) -> None:
        self.path = Path(output_root) / MANIFEST_FILE
        self.skipped_lines = 0
        """Lines of the file that could not be read (a line cut short by a crash)."""

    def read(self) -> dict[str, ClipRecord]:
        """The newest record of every clip, by clip name (empty if there is no manifest)."""
        latest: dict[str, ClipRecord] = {}
        self.skipped_lines = 0
        if not self.path.is_file():
            return latest
        with open(self.path, encoding="utf-8", errors="replace") as stream:
            for line in stream:
                if not line.strip():
                    continue
                try:
                    record = ClipRecord.from_json(json.loads(line))
                except (ValueError, TypeError, AttributeError):
                    self.skipped_lines += 1
                    continue
                latest[record.clip] = record
        return latest

    def append(self, record: ClipRecord) -> None:
        """Add one record, durably (flushed and fsynced before returning)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record.to_json(), ensure_ascii=False) + "\n"
        needs_newline = self._ends_without_newline()
        with open(self.path, "a", encoding="utf-8") as stream:
            if needs_newline:  # a crash cut the last line: keep it separate from this one
                stream.write("\n")
            stream.write(line)
            stream.flush()
            os.fsync(stream.fileno())

    def _ends_without_newline(self) -> bool:
        try:
            with open(self.path, "rb") as stream:
                stream.seek(-1, os.SEEK_END)
                return stream.read(1) != b"\n"
        except OSError:  # missing or empty
            return False

    def compact(self) -> None:
        """Rewrite the file atomically with only the newest record of each clip."""
        latest = self.read()
        if not latest and not self.path.exists():
            return
        text = "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n"
                       for r in latest.values())
        write_atomic(self.path, text)

    def history(self, clip: str) -> list[ClipRecord]:
        """Every readable record of ``clip``, oldest first (for tests and diagnosis)."""
        if not self.path.is_file():
            return []
        records = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = ClipRecord.from_json(json.loads(line))
            except (ValueError, TypeError, AttributeError):
                continue
            if record.clip == clip:
                records.append(record)
        return records
