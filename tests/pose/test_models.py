"""Finding, checking and downloading MediaPipe bundles.

Downloads are real HTTP transfers from a server on 127.0.0.1 serving bundles built in
``tmp_path``; nothing here reaches the internet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from motorobs.errors import ModelError
from motorobs.pose.models import (
    BUNDLES,
    DEFAULT_BUNDLES,
    bundle_spec,
    cache_root,
    check_bundle,
    default_cache_dir,
    download_model,
    model_status,
    resolve_model,
)

POSE = "pose_landmarker_full.task"
HAND = "hand_landmarker.task"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    """No model variables from the caller, a private home and no proxies for localhost."""
    for variable in ("MOTOROBS_MODEL_DIR", "MOTOROBS_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    for variable in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def bundle_bytes(name: str, members: tuple[str, ...] | None = None, seed: int = 0) -> bytes:
    """A small stand-in bundle: an uncompressed zip of random 'networks'."""
    members = BUNDLES[name].members if members is None else members
    rng = np.random.default_rng(seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for member in members:
            archive.writestr(member, b"TFL3" + rng.integers(0, 256, 3000, np.uint8).tobytes())
    return buffer.getvalue()


def put_bundle(folder: Path, name: str, data: bytes | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(bundle_bytes(name) if data is None else data)
    return path


def assert_one_line(error: pytest.ExceptionInfo, *words: str) -> str:
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    return message


# --- where bundles are looked for --------------------------------------------------------


def test_explicit_folder_wins_over_environment_and_cache(tmp_path, monkeypatch):
    explicit = put_bundle(tmp_path / "explicit", POSE)
    put_bundle(tmp_path / "env", POSE)
    put_bundle(tmp_path / "cache" / "models", POSE)
    monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))

    assert resolve_model(POSE, tmp_path / "explicit", download=False) == explicit


def test_environment_folder_wins_over_cache(tmp_path, monkeypatch):
    from_env = put_bundle(tmp_path / "env", HAND)
    put_bundle(tmp_path / "cache" / "models", HAND)
    monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))

    assert resolve_model(HAND, download=False) == from_env


def test_cache_used_when_nothing_else_is_given(tmp_path, monkeypatch):
    cached = put_bundle(tmp_path / "cache" / "models", POSE)
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))

    assert default_cache_dir() == tmp_path / "cache" / "models"
    assert resolve_model(POSE, download=False) == cached


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies on Linux/BSD")
def test_platform_cache_follows_xdg(tmp_path, monkeypatch):
    assert cache_root() == tmp_path / "home" / ".cache" / "motorobs"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "motorobs" / "models"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/paths/are/ignored")
    assert cache_root() == tmp_path / "home" / ".cache" / "motorobs"


def test_bundle_names_with_or_without_suffix():
    assert bundle_spec("pose_landmarker_heavy").name == "pose_landmarker_heavy.task"
    assert bundle_spec("pose_landmarker_lite.task").url.endswith(
        "/pose_landmarker_lite/float16/latest/pose_landmarker_lite.task"
    )
    assert bundle_spec(HAND).members == ("hand_detector.tflite", "hand_landmarks_detector.tflite")
    with pytest.raises(ModelError) as caught:
        bundle_spec("face_landmarker.task")
    assert_one_line(caught, "face_landmarker.task", POSE, HAND)


# --- missing bundles ---------------------------------------------------------------------


def test_explicit_folder_without_the_file_says_so_and_does_not_fall_back(tmp_path, monkeypatch):
    folder = tmp_path / "my_models"
    put_bundle(folder, HAND)  # the other bundle is there, the pose bundle is not
    put_bundle(tmp_path / "cache" / "models", POSE)
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))

    with pytest.raises(ModelError) as caught:
        resolve_model(POSE, folder)

    assert_one_line(caught, POSE, str(folder), "--model-dir", BUNDLES[POSE].url)


def test_explicit_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ModelError) as caught:
        resolve_model(HAND, tmp_path / "typo")
    assert_one_line(caught, HAND, str(tmp_path / "typo"), "does not exist")


def test_environment_folder_without_the_file_says_so(tmp_path, monkeypatch):
    folder = tmp_path / "env"
    folder.mkdir()
    monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(folder))

    with pytest.raises(ModelError) as caught:
        resolve_model(HAND)

    assert_one_line(caught, HAND, str(folder), "MOTOROBS_MODEL_DIR", BUNDLES[HAND].url)


def test_offline_without_bundles_says_which_files_to_put_where(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))

    with pytest.raises(ModelError) as caught:
        resolve_model(POSE, download=False)

    assert_one_line(
        caught,
        POSE,
        str(tmp_path / "cache" / "models"),
        BUNDLES[POSE].url,
        "--model-dir",
        "MOTOROBS_MODEL_DIR",
    )
    assert not (tmp_path / "cache").exists()


# --- damaged bundles ---------------------------------------------------------------------


def _damaged_bundles(name: str) -> dict[str, bytes]:
    good = bundle_bytes(name)
    crc_broken = bytearray(good)
    crc_broken[200] ^= 0xFF  # inside the first member's data
    return {
        "not a zip": b"<html>Sign in to continue</html>" * 50,
        "truncated": good[: len(good) * 2 // 3],
        "missing member": bundle_bytes(name, members=BUNDLES[name].members[:1]),
        "empty member": _zip_with_empty_member(name),
        "crc": bytes(crc_broken),
    }


def _zip_with_empty_member(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in BUNDLES[name].members:
            archive.writestr(member, b"")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("not a zip", "not a complete zip"),
        ("truncated", "not a complete zip"),
        ("missing member", "missing pose_landmarks_detector.tflite"),
        ("empty member", "empty"),
        ("crc", "damaged"),
    ],
)
def test_damaged_bundle_rejected(tmp_path, case, reason):
    path = put_bundle(tmp_path / "models", POSE, _damaged_bundles(POSE)[case])

    with pytest.raises(ModelError) as caught:
        check_bundle(path)
    assert_one_line(caught, str(path), reason, BUNDLES[POSE].url)

    with pytest.raises(ModelError):
        resolve_model(POSE, tmp_path / "models")


def test_hand_members_in_a_pose_bundle_rejected(tmp_path):
    path = put_bundle(tmp_path, POSE, bundle_bytes(HAND))
    with pytest.raises(ModelError) as caught:
        check_bundle(path)
    assert_one_line(caught, "pose_detector.tflite")
    check_bundle(path, name=HAND)  # the same file is a fine hand bundle


def test_damaged_cache_file_without_download_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))
    put_bundle(tmp_path / "cache" / "models", HAND, b"garbage")
    with pytest.raises(ModelError) as caught:
        resolve_model(HAND, download=False)
    assert_one_line(caught, "damaged", "downloading is off")


# --- downloads from a local server --------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    """HTTP server on 127.0.0.1: ``routes[path] = (body, declared_length)``.

    ``declared_length`` larger than the body makes the server announce more than it sends
    and then close the connection: an interrupted download.
    """
    routes: dict[str, tuple[bytes, int]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (name fixed by http.server)
            if self.path not in routes:
                self.send_error(404, "Not Found")
                return
            body, declared = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    class Server:
        def serve(self, path: str, body: bytes, declared: int | None = None) -> str:
            routes[path] = (body, len(body) if declared is None else declared)
            return base + path

        url = base

    yield Server()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_download_model_over_http(tmp_path, server):
    data = bundle_bytes(POSE, seed=3)
    url = server.serve("/pose.task", data)

    path = download_model(POSE, tmp_path / "dest" / "models", url=url)

    assert path == tmp_path / "dest" / "models" / POSE
    assert path.read_bytes() == data
    assert os.listdir(path.parent) == [POSE]  # no temporary file left


def test_resolve_downloads_into_the_cache_once(tmp_path, server, monkeypatch):
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))
    data = bundle_bytes(HAND, seed=4)
    url = server.serve("/hand.task", data)
    monkeypatch.setitem(BUNDLES, HAND, dataclasses.replace(BUNDLES[HAND], url=url))

    first = resolve_model(HAND)
    assert first == tmp_path / "cache" / "models" / HAND
    assert first.read_bytes() == data

    server.serve("/hand.task", b"the second call must not download")
    assert resolve_model(HAND) == first
    assert first.read_bytes() == data


def test_resolve_replaces_a_damaged_cache_file(tmp_path, server, monkeypatch):
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))
    damaged = put_bundle(tmp_path / "cache" / "models", HAND, bundle_bytes(HAND)[:500])
    data = bundle_bytes(HAND, seed=5)
    url = server.serve("/hand.task", data)
    monkeypatch.setitem(BUNDLES, HAND, dataclasses.replace(BUNDLES[HAND], url=url))

    assert resolve_model(HAND) == damaged
    assert damaged.read_bytes() == data


def test_interrupted_download_leaves_nothing(tmp_path, server):
    data = bundle_bytes(POSE, seed=6)
    url = server.serve("/cut.task", data[: len(data) // 2], declared=len(data))
    dest = tmp_path / "models"

    with pytest.raises(ModelError) as caught:
        download_model(POSE, dest, url=url, timeout=10)

    assert_one_line(caught, POSE, url, f"of {len(data)} bytes", str(dest), "MOTOROBS_MODEL_DIR")
    assert os.listdir(dest) == []


def test_interrupted_download_keeps_the_previous_good_file(tmp_path, server):
    previous = put_bundle(tmp_path / "models", POSE)
    before = previous.read_bytes()
    data = bundle_bytes(POSE, seed=7)
    url = server.serve("/cut.task", data[:1000], declared=len(data))

    with pytest.raises(ModelError):
        download_model(POSE, tmp_path / "models", url=url, timeout=10)

    assert previous.read_bytes() == before
    assert os.listdir(previous.parent) == [POSE]


@pytest.mark.parametrize("case", ["not a zip", "missing member", "crc"])
def test_corrupt_download_leaves_nothing(tmp_path, server, case):
    url = server.serve("/bad.task", _damaged_bundles(POSE)[case])
    dest = tmp_path / "models"

    with pytest.raises(ModelError) as caught:
        download_model(POSE, dest, url=url)

    assert_one_line(caught, "not a complete MediaPipe bundle")
    assert os.listdir(dest) == []


def test_http_error_leaves_nothing(tmp_path, server):
    dest = tmp_path / "models"
    with pytest.raises(ModelError) as caught:
        download_model(POSE, dest, url=server.url + "/missing.task")
    assert_one_line(caught, "HTTP 404")
    assert os.listdir(dest) == []


def test_unreachable_server_offline_message(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/pose_landmarker_full.task"
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(BUNDLES, POSE, dataclasses.replace(BUNDLES[POSE], url=url))

    with pytest.raises(ModelError) as caught:
        resolve_model(POSE)

    folder = tmp_path / "cache" / "models"
    assert_one_line(caught, POSE, url, str(folder), "--model-dir", "MOTOROBS_MODEL_DIR")
    assert os.listdir(folder) == []


# --- status for `motorobs info` ------------------------------------------------------------


def test_model_status_reports_without_downloading(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTOROBS_CACHE_DIR", str(tmp_path / "cache"))
    cached = put_bundle(tmp_path / "cache" / "models", POSE)
    monkeypatch.setitem(
        BUNDLES, HAND, dataclasses.replace(BUNDLES[HAND], url="http://127.0.0.1:9/never")
    )

    pose, hand = model_status()

    assert pose["name"] == POSE and hand["name"] == HAND
    assert pose["origin"] == hand["origin"] == "cache"
    assert pose["folder"] == str(tmp_path / "cache" / "models")
    assert pose["found"] and pose["valid"] and pose["problem"] is None
    assert pose["path"] == str(cached)
    assert pose["size_bytes"] == cached.stat().st_size
    assert pose["sha256"] == hashlib.sha256(cached.read_bytes()).hexdigest()
    assert not hand["found"] and not hand["valid"] and hand["path"] is None
    assert "downloads it on first use" in hand["problem"]
    assert not (tmp_path / "cache" / "models" / HAND).exists()


def test_model_status_flags_damaged_bundle_in_explicit_folder(tmp_path):
    put_bundle(tmp_path / "mine", POSE, b"not a zip")
    pose, hand = model_status(tmp_path / "mine")
    assert pose["origin"] == hand["origin"] == "--model-dir"
    assert pose["found"] and not pose["valid"] and "zip" in pose["problem"]
    assert not hand["found"] and hand["problem"] == "not found"


def test_importing_touches_neither_network_nor_disk(tmp_path):
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise RuntimeError('network used at import')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "import motorobs.pose.models, motorobs.io.video\n"
    )
    env = {**os.environ, "MOTOROBS_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=120)
    assert not (tmp_path / "cache").exists()


# --- the real bundles --------------------------------------------------------------------


def test_shared_bundles_are_valid(model_dir):
    """The repacked bundles in ../shared/models (or $MOTOROBS_MODEL_DIR) pass the checks."""
    for name in DEFAULT_BUNDLES:
        path = resolve_model(name, model_dir, download=False)
        assert path == model_dir / name
        check_bundle(path)
    rows = model_status(model_dir)
    assert [row["valid"] for row in rows] == [True, True]
    assert all(row["size_bytes"] > 1_000_000 for row in rows)
