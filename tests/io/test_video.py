"""Probing and decoding videos, and the errors users get for bad files.

Every clip is generated in ``tmp_path``: OpenCV's writer for the plain cases, PyAV (``av``,
test dependency) where OpenCV cannot write what is needed (rotation metadata like a phone
filming portrait, H.264 with the index at the front, Matroska without duration, a nominal
frame rate that differs from the real one).
"""

from __future__ import annotations

import hashlib
import struct
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from motorobs.errors import VideoError
from motorobs.io import video
from motorobs.io.hashing import file_sha256
from motorobs.io.video import VIDEO_SUFFIXES, find_videos, iter_frames, probe_video

WIDTH, HEIGHT = 64, 48


def level(index: int) -> int:
    """Grey level of frame ``index`` in the generated clips."""
    return 20 + 8 * index


def make_frame_bgr(index: int, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Uniform grey frame (level depends on the index) with a pure red 16x16 square at the
    top left, to check colour order and frame order after decoding."""
    frame = np.full((height, width, 3), level(index), np.uint8)
    frame[:16, :16] = (0, 0, 255)  # BGR red
    return frame


def write_cv2(path: Path, fourcc: str, n_frames: int, fps: float = 15.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (WIDTH, HEIGHT))
    assert writer.isOpened(), f"OpenCV cannot write {fourcc} into {path.suffix} here"
    for index in range(n_frames):
        writer.write(make_frame_bgr(index))
    writer.release()
    return path


def quadrants_rgb(width: int, height: int) -> np.ndarray:
    """Four flat colours, one per quadrant: red, green / blue, white."""
    image = np.zeros((height, width, 3), np.uint8)
    half_h, half_w = height // 2, width // 2
    image[:half_h, :half_w] = (255, 0, 0)
    image[:half_h, half_w:] = (0, 255, 0)
    image[half_h:, :half_w] = (0, 0, 255)
    image[half_h:, half_w:] = (255, 255, 255)
    return image


def write_pyav(
    path: Path,
    frames_rgb: list[np.ndarray],
    *,
    codec: str = "libx264",
    rate: int = 15,
    pts_step: int = 1,
    rotation_cw: int | None = None,
    container_format: str | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Encode RGB frames with PyAV; ``rotation_cw`` stores a display rotation like a phone.

    ``pts_step`` > 1 spaces the frames' time stamps ``pts_step`` ticks of ``1/rate`` apart,
    so the real frame rate is ``rate / pts_step`` while the stream announces ``rate``.
    """
    av = pytest.importorskip("av")
    container = av.open(str(path), "w", format=container_format, options=options or {})
    stream = container.add_stream(codec, rate=rate)
    stream.height, stream.width = frames_rgb[0].shape[:2]
    stream.pix_fmt = "yuv420p"
    if rotation_cw is not None:
        if not hasattr(stream, "set_display_rotation"):
            pytest.skip("this PyAV cannot write rotation metadata (needs av >= 18)")
        stream.set_display_rotation(-rotation_cw)  # PyAV takes counter-clockwise degrees
    for index, image in enumerate(frames_rgb):
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = index * pts_step
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


def cut_file(source: Path, target: Path, share: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target


def assert_video_error(path: Path, *words: str) -> str:
    """probe_video(path) raises a one-line VideoError naming the file and containing words."""
    with pytest.raises(VideoError) as caught:
        probe_video(path)
    return check_message(str(caught.value), path, *words)


def check_message(message: str, path: Path, *words: str) -> str:
    assert path.name in message
    assert "\n" not in message
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    return message


# --- good clips --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fourcc", "suffix", "codec"),
    [
        ("mp4v", ".mp4", "FMP4"),
        ("mp4v", ".mov", "FMP4"),
        ("mp4v", ".m4v", "FMP4"),
        ("MJPG", ".avi", "MJPG"),
        ("MJPG", ".mkv", "MJPG"),
        ("FFV1", ".mkv", "ffv1"),
        ("VP80", ".webm", "VP80"),
    ],
)
def test_probe_and_decode_clips_opencv_writes(tmp_path, fourcc, suffix, codec):
    path = write_cv2(tmp_path / f"clip{suffix}", fourcc, n_frames=20, fps=15.0)

    info = probe_video(path)

    assert info.path == path
    assert info.fps == pytest.approx(15.0)
    assert info.n_frames == 20
    assert info.duration_s == pytest.approx(20 / 15.0)
    assert (info.width, info.height) == (WIDTH, HEIGHT)
    assert info.rotation_deg == 0
    assert info.codec == codec
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    frames = list(iter_frames(info))
    assert [index for index, _, _ in frames] == list(range(20))
    for index, time_s, rgb in frames:
        assert time_s == pytest.approx(index / 15.0)
        assert rgb.dtype == np.uint8 and rgb.shape == (HEIGHT, WIDTH, 3)
        red_square = rgb[4:12, 4:12].reshape(-1, 3).mean(axis=0)
        assert red_square[0] > 200 and red_square[2] < 60  # RGB order, not BGR
        assert rgb[30:44, 30:60].mean() == pytest.approx(level(index), abs=6)


def test_iter_frames_step_keeps_every_nth_frame(tmp_path):
    info = probe_video(write_cv2(tmp_path / "clip.avi", "MJPG", n_frames=20, fps=10.0))

    frames = list(iter_frames(info, step=3))

    assert [index for index, _, _ in frames] == [0, 3, 6, 9, 12, 15, 18]
    assert [time_s for _, time_s, _ in frames] == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8])
    for index, _, rgb in frames:
        assert rgb[30:44, 30:60].mean() == pytest.approx(level(index), abs=6)


def test_iter_frames_rejects_non_positive_step(tmp_path):
    info = probe_video(write_cv2(tmp_path / "clip.avi", "MJPG", n_frames=3))
    with pytest.raises(ValueError, match="step"):
        next(iter_frames(info, step=0))


def test_suffix_is_case_insensitive(tmp_path):
    info = probe_video(write_cv2(tmp_path / "CLIP.MP4", "mp4v", n_frames=5))
    assert info.n_frames == 5


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata_gives_upright_frames(tmp_path, rotation):
    stored = quadrants_rgb(96, 64)  # as the sensor stores it: landscape
    path = write_pyav(tmp_path / "phone.mp4", [stored] * 6, rotation_cw=rotation)

    info = probe_video(path)

    upright = np.rot90(stored, k=-rotation // 90)  # rotate clockwise
    assert info.rotation_deg == rotation
    assert (info.height, info.width) == upright.shape[:2]
    assert info.codec == "h264"
    frames = list(iter_frames(info))
    assert len(frames) == 6
    for _, _, rgb in frames:
        assert rgb.shape == upright.shape
        assert np.abs(rgb.astype(int) - upright).mean() < 8


def test_rotation_applied_by_hand_when_opencv_does_not(tmp_path, monkeypatch):
    stored = quadrants_rgb(96, 64)
    path = write_pyav(tmp_path / "phone.mp4", [stored] * 4, rotation_cw=90)

    def opencv_without_auto_rotation(cap):
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
        return False

    monkeypatch.setattr(video, "_enable_auto_orientation", opencv_without_auto_rotation)
    info = probe_video(path)

    upright = np.rot90(stored, k=-1)
    assert (info.height, info.width) == (96, 64)
    for _, _, rgb in iter_frames(info):
        assert np.abs(rgb.astype(int) - upright).mean() < 8


@pytest.mark.parametrize(
    ("suffix", "codec", "container_format"),
    [(".mkv", "libx264", "matroska"), (".webm", "libvpx", "webm")],
)
def test_live_matroska_without_duration_is_counted_by_decoding(
    tmp_path, suffix, codec, container_format
):
    frames = [make_frame_bgr(i)[..., ::-1].copy() for i in range(17)]
    path = write_pyav(
        tmp_path / f"browser{suffix}",
        frames,
        codec=codec,
        rate=15,
        container_format=container_format,
        options={"live": "1"},  # streaming mode: no duration, no index
    )
    capture = cv2.VideoCapture(str(path))
    assert not 0 < capture.get(cv2.CAP_PROP_FRAME_COUNT) < 1e8  # OpenCV gives garbage
    capture.release()

    info = probe_video(path)

    assert info.n_frames == 17
    assert info.fps == pytest.approx(15.0)
    assert len(list(iter_frames(info))) == 17


def test_nominal_frame_rate_replaced_by_measured_rate(tmp_path):
    frames = [make_frame_bgr(i)[..., ::-1].copy() for i in range(20)]
    # announces 50 fps, but the time stamps are 2 ticks (40 ms) apart: really 25 fps
    path = write_pyav(tmp_path / "nominal.mkv", frames, rate=50, pts_step=2)
    capture = cv2.VideoCapture(str(path))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(50.0)
    capture.release()

    info = probe_video(path)

    assert info.fps == pytest.approx(25.0, rel=1e-3)
    assert info.n_frames == 20
    assert info.duration_s == pytest.approx(0.8, rel=1e-3)


def test_file_sha256_matches_hashlib_whatever_the_chunk_size(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 10_000, np.uint8).tobytes())
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert file_sha256(path) == expected
    assert file_sha256(path, chunk_bytes=333) == expected


# --- finding videos ----------------------------------------------------------------------


def test_find_videos_lists_videos_directly_in_folder(tmp_path):
    for name in ("b.mp4", "A.MOV", "c.webm", "notes.txt", ".hidden.mp4", "._b.mp4", "d.jpg"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder.mp4").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.mp4").write_bytes(b"x")

    found = find_videos(tmp_path)

    assert found == [tmp_path / "A.MOV", tmp_path / "b.mp4", tmp_path / "c.webm"]


def test_find_videos_bad_folder(tmp_path):
    missing = tmp_path / "no_such_folder"
    with pytest.raises(VideoError) as caught:
        find_videos(missing)
    check_message(str(caught.value), missing, "no such folder")

    a_file = tmp_path / "clip.mp4"
    a_file.write_bytes(b"x")
    with pytest.raises(VideoError) as caught:
        find_videos(a_file)
    check_message(str(caught.value), a_file, "not a folder")


def test_supported_suffixes():
    assert set(VIDEO_SUFFIXES) == {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"}


# --- bad input ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert_video_error(tmp_path / "gone.mp4", "no such file")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "clips.mp4"
    folder.mkdir()
    assert_video_error(folder, "folder")


def test_unsupported_suffix_lists_supported_ones(tmp_path):
    path = write_cv2(tmp_path / "clip.avi", "MJPG", n_frames=3)
    renamed = path.rename(tmp_path / "clip.wmv")
    assert_video_error(renamed, "unsupported file type .wmv", *VIDEO_SUFFIXES)


def test_text_file_renamed_mp4(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("Tummy time on Monday: 5 minutes.\n" * 10, encoding="utf-8")
    assert_video_error(path, "not a video", "text")


def test_jpeg_renamed_mp4(tmp_path):
    ok, jpeg = cv2.imencode(".jpg", make_frame_bgr(0))
    assert ok
    path = tmp_path / "photo.mp4"
    path.write_bytes(jpeg.tobytes())
    assert_video_error(path, "not a video", "JPEG image")


def test_random_bytes_renamed_mp4(tmp_path):
    path = tmp_path / "noise.mp4"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, np.uint8).tobytes())
    assert_video_error(path, "not a video")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mov"
    path.write_bytes(b"")
    assert_video_error(path, "empty", "again")


def test_avi_with_zero_frames(tmp_path):
    path = write_cv2(tmp_path / "nothing.avi", "MJPG", n_frames=0)
    assert_video_error(path, "no frames")


def test_mp4_with_zero_frames(tmp_path):
    path = write_cv2(tmp_path / "nothing.mp4", "mp4v", n_frames=0)
    assert_video_error(path, "no video track")


def test_codec_that_does_not_decode(tmp_path):
    """An AVI whose FourCC says VP9 but whose frames are JPEGs: it opens, nothing decodes."""
    source = write_cv2(tmp_path / "mjpeg.avi", "MJPG", n_frames=10)
    path = tmp_path / "wrong_codec.avi"
    path.write_bytes(source.read_bytes().replace(b"MJPG", b"VP90"))
    assert_video_error(path, "could be decoded", "VP90", ".mp4")


@pytest.mark.parametrize(("rate", "scale"), [(5000, 1), (1, 1000)])
def test_absurd_frame_rate(tmp_path, rate, scale):
    data = bytearray(write_cv2(tmp_path / "ok.avi", "MJPG", n_frames=5).read_bytes())
    stream_header = data.index(b"strh") + 8
    struct.pack_into("<II", data, stream_header + 20, scale, rate)  # dwScale, dwRate
    path = tmp_path / "absurd_fps.avi"
    path.write_bytes(bytes(data))
    assert_video_error(path, "frame rate", "outside")


@pytest.mark.parametrize("suffix", [".mp4", ".mov"])
def test_truncated_mp4_without_index(tmp_path, suffix):
    """OpenCV writes the index ('moov') at the end: cutting the file loses it."""
    source = write_cv2(tmp_path / f"full{suffix}", "mp4v", n_frames=30)
    path = cut_file(source, tmp_path / f"cut{suffix}", 0.6)
    assert_video_error(path, "truncated", "again")


def test_truncated_mp4_with_index_at_front(tmp_path):
    """Index first (as after 'faststart'), media data cut: FFmpeg opens it and decodes the
    first frames, so only the box structure shows that the end is missing."""
    rng = np.random.default_rng(2)
    frames = [rng.integers(0, 256, (HEIGHT, WIDTH, 3), np.uint8) for _ in range(30)]
    source = write_pyav(tmp_path / "full.mp4", frames, options={"movflags": "faststart"})
    assert probe_video(source).n_frames == 30
    path = cut_file(source, tmp_path / "cut.mp4", 0.6)
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened() and capture.read()[0]
    capture.release()

    assert_video_error(path, "truncated", "ends before", "again")


def test_truncated_avi_detected_while_reading(tmp_path):
    source = write_cv2(tmp_path / "full.avi", "MJPG", n_frames=30, fps=10.0)
    path = cut_file(source, tmp_path / "cut.avi", 0.6)
    info = probe_video(path)
    assert info.n_frames == 30  # the header still announces every frame

    decoded = []
    with pytest.raises(VideoError) as caught:
        for index, _, _ in iter_frames(info):
            decoded.append(index)

    assert 10 <= len(decoded) < 20
    check_message(str(caught.value), path, f"stopped at frame {len(decoded)} of 30", "again")


@pytest.mark.parametrize(("suffix", "fourcc"), [(".mkv", "MJPG"), (".webm", "VP80")])
def test_truncated_matroska_detected_by_probe(tmp_path, suffix, fourcc):
    source = write_cv2(tmp_path / f"full{suffix}", fourcc, n_frames=30, fps=10.0)
    path = cut_file(source, tmp_path / f"cut{suffix}", 0.6)
    assert_video_error(path, "truncated", "again")
