"""The background queue on a real server: twenty uploads at once are all stored and all
analysed; a server killed with SIGKILL while jobs are queued and running finishes them all
after a restart, and no clip is analysed twice or by two processes at once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.web.fakes import RUNS_LOG
from tests.web.support import make_user, settings_for

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``tests.web.serve_stub`` in a subprocess (stand-in analysis, two workers)."""

    def __init__(self, data_dir: Path, db_url: str | None, job_seconds: float) -> None:
        self.args = [sys.executable, "-m", "tests.web.serve_stub", str(data_dir),
                     str(free_port())] + ([db_url] if db_url else [])
        self.url = f"http://127.0.0.1:{self.args[4]}"
        self.env = {**os.environ, "MOTOROBS_TEST_JOB_SECONDS": str(job_seconds)}
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        self.process = subprocess.Popen(self.args, cwd=REPO, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode()
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def world(tmp_path, db_url):
    """A data folder with a therapist, an API token and a child (made before any server)."""
    from motorobs.web.server import new_token

    settings = settings_for(tmp_path / "data", db_url)
    make_user(settings, "alice")
    token = new_token(settings, "alice")
    servers: list[Server] = []

    def server(job_seconds: float) -> Server:
        servers.append(Server(settings.data_dir, db_url, job_seconds).start())
        return servers[-1]

    yield settings, {"Authorization": f"Bearer {token}"}, server
    for s in servers:
        s.stop()


def states(url: str, headers: dict, job_ids: list[int]) -> list[str]:
    return [httpx.get(f"{url}/api/jobs/{j}", headers=headers).json()["state"] for j in job_ids]


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what}")


def runs_of(settings, stored: str) -> list[tuple[str, int, float]]:
    path = settings.data_dir / "results" / stored / RUNS_LOG
    if not path.is_file():
        return []
    return [(w, int(pid), float(t)) for w, pid, t in
            (line.split() for line in path.read_text().splitlines())]


def stored_names(settings) -> dict[int, str]:
    from sqlalchemy import select

    from motorobs.web.db import Database
    from motorobs.web.models import Clip

    database = Database(settings.database_url)
    with database.session() as db:
        names = dict(db.execute(select(Clip.id, Clip.stored_name)).all())
    database.dispose()
    return names


def upload_one(url: str, headers: dict, child: int, path: Path) -> dict:
    with open(path, "rb") as stream:
        answer = httpx.post(f"{url}/api/children/{child}/clips", headers=headers, timeout=60,
                            files=[("files", (path.name, stream, "video/mp4"))])
    assert answer.status_code == 201, answer.text
    return answer.json()["clips"][0]


def test_twenty_uploads_at_once_are_all_stored_and_all_analysed(world, videos):
    settings, headers, server = world
    url = server(job_seconds=0.05).url
    child = httpx.post(f"{url}/api/children", headers=headers,
                       json={"code": "K-1", "birth_date": "2026-06-01"}).json()["id"]
    with ThreadPoolExecutor(len(videos)) as pool:
        clips = list(pool.map(lambda p: upload_one(url, headers, child, p), videos))
    assert len({c["clip_id"] for c in clips}) == 20 and not any(c["duplicate"] for c in clips)
    job_ids = [c["job_id"] for c in clips]
    wait_until(lambda: all(s == "done" for s in states(url, headers, job_ids)), 120,
               "all twenty jobs are done")
    assert len(os.listdir(settings.data_dir / "videos")) == 20
    for stored in stored_names(settings).values():
        assert [w for w, _, _ in runs_of(settings, stored)] == ["start", "end"]
        assert (settings.data_dir / "results" / stored / "report.html").is_file()
    view = httpx.get(f"{url}/api/children/{child}", headers=headers).json()
    assert sum(len(s["clips"]) for s in view["sessions"]) == 20


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_a_server_killed_while_jobs_run_finishes_them_all_after_a_restart(world, videos):
    settings, headers, server = world
    first = server(job_seconds=6.0)
    child = httpx.post(f"{first.url}/api/children", headers=headers,
                       json={"code": "K-1", "birth_date": "2026-06-01"}).json()["id"]
    answer = httpx.post(f"{first.url}/api/children/{child}/clips", headers=headers, timeout=60,
                        files=[("files", (p.name, p.read_bytes(), "video/mp4"))
                               for p in videos[:6]])
    clips = answer.json()["clips"]
    job_ids = [c["job_id"] for c in clips]
    wait_until(lambda: states(first.url, headers, job_ids).count("running") == 2, 60,
               "two jobs are running")
    assert states(first.url, headers, job_ids).count("queued") == 4
    names = stored_names(settings)
    running_pids = {pid for c in clips for _, pid, _ in runs_of(settings, names[c["clip_id"]])}
    assert len(running_pids) == 2
    first.kill()
    killed_at = time.time()
    wait_until(lambda: not any(_alive(p) for p in running_pids), 10,
               "the killed server's workers are gone too")

    second = server(job_seconds=0.3)
    wait_until(lambda: all(s == "done" for s in states(second.url, headers, job_ids)), 120,
               "every job is done after the restart")
    for clip in clips:
        runs = runs_of(settings, names[clip["clip_id"]])
        ends = [r for r in runs if r[0] == "end"]
        assert len(ends) == 1, runs  # analysed to the end exactly once
        starts = [r for r in runs if r[0] == "start"]
        assert all(t < killed_at for _, _, t in starts[:-1]), runs  # earlier runs were killed
        assert ends[0][1] == starts[-1][1] and ends[0][2] > starts[-1][2]
        assert (settings.data_dir / "results" / names[clip["clip_id"]] / "metrics.json") \
            .is_file()
    killed = [c for c in clips if len(runs_of(settings, names[c["clip_id"]])) == 3]
    assert len(killed) == 2  # the two running ones ran again; the four queued ran once
    # a third start finds nothing left to do: no clip is analysed again
    second.stop()
    third = server(job_seconds=0.0)
    time.sleep(3)
    assert states(third.url, headers, job_ids) == ["done"] * 6
    assert sum(len(runs_of(settings, n)) for n in names.values()) == 6 * 2 + 2
