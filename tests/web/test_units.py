"""The web app's pure pieces: ages, file-name checks, containers, failure reasons, claims,
CSV cells and the streaming upload parser (no database, no server)."""

from __future__ import annotations

import asyncio
import os
from datetime import date

import pytest

from motorobs.web import multipart
from motorobs.web.ages import DateProblem, age_on, check_child_dates, format_age
from motorobs.web.intake import check_filename, container_suffix
from motorobs.web.jobqueue import claim_is_dead, therapist_reason
from motorobs.web.summary import csv_cell as _cell


def test_ages_in_weeks_then_months_and_corrected_for_early_birth():
    assert format_age(date(2026, 1, 1), date(2026, 1, 1)) == "0 days"
    assert format_age(date(2026, 1, 1), date(2026, 2, 13)) == "6 weeks 1 day"
    assert format_age(date(2026, 1, 31), date(2026, 6, 14)) == "4 months 2 weeks"
    assert format_age(date(2026, 3, 1), date(2026, 2, 1)) == "4 weeks before"
    early = age_on(date(2026, 1, 1), date(2026, 3, 1), date(2026, 7, 1))
    assert (early.chronological, early.corrected) == ("6 months", "4 months")
    assert early.corrected_days == early.chronological_days - 59
    assert "corrected 4 months" in early.as_text()
    late = age_on(date(2026, 1, 10), date(2026, 1, 1), date(2026, 7, 1))
    assert late.corrected is None and late.as_text() == late.chronological


def test_implausible_dates_are_refused():
    today = date(2026, 12, 1)
    check_child_dates(date(2026, 5, 1), date(2026, 7, 1), today)
    with pytest.raises(DateProblem, match="future"):
        check_child_dates(date(2027, 1, 1), None, today)
    with pytest.raises(DateProblem, match="weeks of gestation"):
        check_child_dates(date(2026, 1, 1), date(2026, 8, 1), today)
    with pytest.raises(DateProblem, match="after the due date"):
        check_child_dates(date(2026, 3, 1), date(2026, 1, 1), today)


@pytest.mark.parametrize("name", ["../../etc/passwd.mp4", "..", "a/b.mp4", "a\\b.mp4",
                                  "<script>.mp4", "a:b.mov", "what?.mp4", "bell\x07.mp4",
                                  "null\x00.mp4", "evil\u202egnp.mp4", "tab\tname.mp4", " ",
                                  "x" * 201 + ".mp4", "bad\ufffdutf8.mp4"])
def test_odd_file_names_are_refused_with_a_fix(name):
    with pytest.raises(ValueError, match="Rename the file"):
        check_filename(name)


def test_ordinary_phone_file_names_pass():
    for name in ("IMG_1234.MOV", "Clip (1).mp4", "bébé tummy time.mp4", "2026-11-02 10.31.mp4"):
        assert check_filename(name) == name


def test_containers_are_recognised_from_their_bytes():
    assert container_suffix(b"RIFF\x00\x00\x00\x00AVI LIST") == ".avi"
    assert container_suffix(b"\x1a\x45\xdf\xa3rest") == ".mkv"
    assert container_suffix(b"\x00\x00\x00\x18ftypmp42") == ".mp4"


def test_failure_reasons_name_the_upload_and_say_what_to_do_in_the_app():
    text = therapist_reason("/data/videos/ab12.mp4: the analysis process stopped unexpectedly "
                            "(exit code -11); the file may be damaged. Check that it plays, "
                            "then run again with --retry-failed.", "/data/videos/ab12.mp4",
                            "tummy.mp4")
    assert text.startswith("tummy.mp4:") and "ab12" not in text
    assert "--retry-failed" not in text and "Try again" in text
    internal = therapist_reason("/v/x.mp4: internal error (KeyError: 'a'); details in /r/log",
                                "/v/x.mp4", "a.mp4")
    assert "/r/log" not in internal and "administrator" in internal
    assert therapist_reason(None, "", "a.mp4") == "a.mp4: the analysis failed."


def test_a_claim_is_dead_only_when_its_process_is_gone_on_this_machine():
    me = f"host1:{os.getpid()}:aaaa"
    assert not claim_is_dead(me, me)
    assert claim_is_dead(f"host1:{os.getpid()}:bbbb", me)  # this pid, an earlier server
    assert claim_is_dead("host1:999999999:cccc", me)
    assert not claim_is_dead(f"host1:{os.getppid()}:dddd", me)
    assert not claim_is_dead("host2:1:eeee", me)  # another machine: only the heartbeat tells


def test_csv_cells_cannot_become_spreadsheet_formulas():
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell(-1.5) == -1.5 and _cell(None) == "" and _cell("K-017") == "K-017"


def _body(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"'
                                                     if filename is not None else "")
        out += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


class Chunks:
    """An async body that counts how much of it was read."""

    def __init__(self, body: bytes, size: int = 65536) -> None:
        self.body, self.size, self.read = body, size, 0

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        if self.read >= len(self.body):
            raise StopAsyncIteration
        chunk = self.body[self.read:self.read + self.size]
        self.read += len(chunk)
        return chunk


def test_files_stream_to_disk_with_their_hash(tmp_path):
    import hashlib

    data = os.urandom(300_000)
    body = _body("XyZ", [("session_date", None, b"2026-11-02"), ("files", "a.mp4", data)])
    form = asyncio.run(multipart.receive_form(Chunks(body), "multipart/form-data; boundary=XyZ",
                                              tmp_path, 1 << 20, 5))
    assert form.fields == {"session_date": "2026-11-02"}
    (received,) = form.files
    assert received.filename == "a.mp4" and received.size == len(data)
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert received.path.read_bytes() == data and received.path.parent == tmp_path


def test_the_size_limit_stops_the_upload_while_it_streams(tmp_path, monkeypatch):
    drained = []

    async def no_drain(chunks):
        drained.append(chunks.read)

    monkeypatch.setattr(multipart, "_drain", no_drain)
    body = _body("XyZ", [("files", "big.mp4", os.urandom(5_000_000))])
    chunks = Chunks(body)
    with pytest.raises(multipart.UploadRefused) as refused:
        asyncio.run(multipart.receive_form(chunks, "multipart/form-data; boundary=XyZ",
                                           tmp_path, 200_000, 5))
    assert refused.value.status == 413 and "big.mp4" in refused.value.message
    assert drained[0] <= 200_000 + 2 * chunks.size  # refused at the limit, not at the end
    assert list(tmp_path.iterdir()) == []


def test_too_many_files_and_a_cut_off_body_are_refused_and_leave_nothing(tmp_path):
    body = _body("B", [("files", f"{k}.mp4", b"x") for k in range(3)])
    with pytest.raises(multipart.UploadRefused, match="at most 2"):
        asyncio.run(multipart.receive_form(Chunks(body), "multipart/form-data; boundary=B",
                                           tmp_path, 1000, 2))
    with pytest.raises(multipart.UploadRefused, match="cut off|well-formed"):
        asyncio.run(multipart.receive_form(Chunks(body[:-40]), "multipart/form-data; "
                                           "boundary=B", tmp_path, 1000, 5))
    with pytest.raises(multipart.UploadRefused, match="multipart"):
        asyncio.run(multipart.receive_form(Chunks(b"{}"), "application/json", tmp_path,
                                           1000, 5))
    assert list(tmp_path.iterdir()) == []
