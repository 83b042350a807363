"""Receiving a multipart upload as it streams in: each file goes straight to a temporary
file in the data folder, hashed on the way, and the size limit is enforced on every chunk,
so no file larger than the limit ever reaches the disk (nor memory).

FastAPI's own ``UploadFile`` spools the whole body first and checks nothing; upload routes
read ``request.stream()`` through :func:`receive_form` instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from motorobs.web.storage import new_stored_name

MAX_FIELD_BYTES = 1024
"""Plain form fields (a date, a CSRF token) are short."""
DRAIN_LIMIT_BYTES = 64 << 20
"""After refusing an upload, read (and discard) at most this much more of the request so
that the browser receives the explanation instead of a broken connection."""
HEAD_BYTES = 512


class UploadRefused(Exception):
    """The request cannot be accepted as a whole (``status``: 400 or 413)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class ReceivedFile:
    """One file of the form, in a temporary file (``path``)."""

    field: str
    filename: str
    """The name the client sent (never used on disk)."""
    path: Path
    size: int = 0
    sha256: str = ""
    head: bytes = b""
    """The first bytes, to recognise the container."""


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)

    def discard(self) -> None:
        """Delete every temporary file."""
        for received in self.files:
            received.path.unlink(missing_ok=True)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n >= 1 << 20 else f"{n:,} bytes"


class _Receiver:
    """The parser's callbacks: headers, then the data of each part."""

    def __init__(self, tmp_dir: Path, max_file_bytes: int, max_files: int) -> None:
        self.tmp_dir = tmp_dir
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.form = ReceivedForm()
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._file: ReceivedFile | None = None
        self._stream = None
        self._hash = None
        self._field_name: str | None = None
        self._field_value = bytearray()
        self.complete = False

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._add_name(data[start:end]),
            "on_header_value": lambda data, start, end: self._add_value(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _end(self) -> None:
        self.complete = True

    def _part_begin(self) -> None:
        self._headers = {}
        self._header_name = self._header_value = b""

    def _add_name(self, data: bytes) -> None:
        self._header_name += data

    def _add_value(self, data: bytes) -> None:
        self._header_value += data

    def _header_end(self) -> None:
        self._headers[self._header_name.strip().lower()] = self._header_value.strip()
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if len(self.form.files) >= self.max_files:
                raise UploadRefused(f"Too many files in one upload: at most {self.max_files}.")
            raw = options[b"filename"]
            try:
                filename = raw.decode("utf-8")
            except UnicodeDecodeError:
                filename = raw.decode("utf-8", "replace")
            path = self.tmp_dir / f".upload-{new_stored_name()}.part"
            self._file = ReceivedFile(name, filename, path)
            self._stream = open(path, "xb")  # noqa: SIM115 - closed in _part_end / close()
            self._hash = hashlib.sha256()
            self.form.files.append(self._file)
        else:
            self._field_name, self._field_value = name, bytearray()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is None:
            self._field_value += chunk
            if len(self._field_value) > MAX_FIELD_BYTES:
                raise UploadRefused(f"The form field {self._field_name!r} is too long.")
            return
        if self._file.size + len(chunk) > self.max_file_bytes:
            name = self._file.filename
            raise UploadRefused(
                f"{name}: the file is larger than the limit of {_mib(self.max_file_bytes)} "
                "per file. Shorten the clip or export it at a lower resolution, then upload "
                "it again.", status=413)
        if len(self._file.head) < HEAD_BYTES:
            self._file.head += chunk[:HEAD_BYTES - len(self._file.head)]
        self._stream.write(chunk)
        self._hash.update(chunk)
        self._file.size += len(chunk)

    def _part_end(self) -> None:
        if self._file is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._file.sha256 = self._hash.hexdigest()
            self._file = self._stream = self._hash = None
        elif self._field_name is not None:
            self.form.fields[self._field_name] = self._field_value.decode("utf-8", "replace")
            self._field_name = None

    def close(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary of a ``Content-Type`` header.

    Raises
    ------
    UploadRefused
        The request is not ``multipart/form-data``.
    """
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused("Send the clips as multipart/form-data, in the field 'files'.")
    return boundary


async def receive_form(
    chunks: AsyncIterator[bytes],
    content_type: str | None,
    tmp_dir: Path,
    max_file_bytes: int,
    max_files: int,
) -> ReceivedForm:
    """Stream a multipart body into temporary files under ``tmp_dir``.

    Raises
    ------
    UploadRefused
        Not multipart, a file over ``max_file_bytes``, too many files or fields, or a body
        cut short. Every temporary file is deleted first.
    """
    receiver = _Receiver(tmp_dir, max_file_bytes, max_files)
    parser = MultipartParser(boundary_of(content_type), receiver.callbacks())
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
        if not receiver.complete:
            raise UploadRefused("The upload was cut off before it was complete; try again.")
    except UploadRefused:
        receiver.close()
        receiver.form.discard()
        await _drain(chunks)
        raise
    except Exception as exc:
        receiver.close()
        receiver.form.discard()
        raise UploadRefused("The upload could not be read (it is not a well-formed form: "
                            f"{exc}); try again.") from exc
    return receiver.form


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read and discard what is left of the request, up to :data:`DRAIN_LIMIT_BYTES`."""
    drained = 0
    with contextlib.suppress(Exception):
        async for chunk in chunks:
            drained += len(chunk)
            if drained > DRAIN_LIMIT_BYTES:
                break
