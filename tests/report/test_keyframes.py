"""Choosing and reading key frames: never a frame whose infant face cannot be blurred."""

from __future__ import annotations

import cv2
import numpy as np

from motorobs.metrics.base import Event
from motorobs.report.keyframes import (
    choose_key_frames,
    extract_key_frames,
    face_located,
    infant_box,
    read_frames,
    shrink,
    upright,
)
from tests.report.synthetic_clip import (
    FACE_CENTRE,
    FACE_RADIUS,
    HEIGHT,
    N_FRAMES,
    NO_FACE_FRAMES,
    WIDTH,
    frame_image,
    landmark_dataset,
    make_events,
    marker_x,
)


def test_face_located_marks_frames_with_face_landmarks(landmarks):
    expected = np.array([i not in NO_FACE_FRAMES for i in range(N_FRAMES)])
    assert np.array_equal(face_located(landmarks), expected)


def test_event_middles_first_types_interleaved():
    ds = landmark_dataset(no_face_frames=())
    events = [
        Event("midline_crossing", "right", 0.2, 0.4),
        Event("midline_crossing", "right", 1.0, 1.2),
        Event("reach", "left", 1.5, 1.9),
    ]
    choices = choose_key_frames(ds, events, n_frames=3)
    # one event of each type before the second crossing: frames 3, 17, 11
    assert [c.time_index for c in choices[:3]] == [3, 17, 11]
    assert "Midline crossing (infant's right hand), 0.2–0.4 s" in choices[0].caption
    assert "Reach (infant's left hand)" in choices[1].caption


def test_key_frames_of_overlapping_events_are_kept_apart():
    ds = landmark_dataset(no_face_frames=())
    events = [Event("reach", "right", 0.2, 1.4), Event("midline_crossing", "right", 0.3, 0.9)]
    choices = choose_key_frames(ds, events, n_frames=2)  # gap: min(0.5, 1.9 / 4) = 0.475 s
    # the crossing's middle (0.6 s) is too near the reach's (0.8 s): the crossing is shown
    # at the frame of its interval nearest its middle that is far enough away: 0.3 s
    assert [c.time_index for c in choices[:2]] == [8, 3]
    assert "Midline crossing" in choices[1].caption
    # evenly spaced frames keep the gap too, and never repeat a frame
    indices = [c.time_index for c in choices]
    assert indices == [8, 3, 13, 18]
    assert choose_key_frames(ds, [Event("reach", "right", 0.75, 0.85)] * 2, 2)[1].caption == (
        "Evenly spaced frame")  # a second event with no frame far enough away is left out


def test_frames_without_face_are_never_chosen(landmarks):
    hidden = Event("reach", "left", 0.8, 1.2)  # entirely in the face-less frames 8..12
    choices = choose_key_frames(landmarks, [hidden], n_frames=N_FRAMES)
    indices = [c.time_index for c in choices]
    assert not set(indices) & set(NO_FACE_FRAMES)
    assert all("Reach" not in c.caption for c in choices)
    assert len(indices) == len(set(indices)) == N_FRAMES - len(NO_FACE_FRAMES)


def test_evenly_spaced_without_events():
    ds = landmark_dataset(no_face_frames=())
    choices = choose_key_frames(ds, [], n_frames=4)
    # targets at 0.2375, 0.7125, 1.1875, 1.6625 s on a 0.1 s grid
    assert [c.time_index for c in choices] == [2, 7, 12, 17]


def test_evenly_spaced_moves_to_the_nearest_frame_with_a_face(landmarks):
    choices = choose_key_frames(landmarks, [], n_frames=1)  # target 0.95 s: no face there
    assert [c.time_index for c in choices] == [7]  # 0.7 s is nearer than 1.3 s


def test_read_frames_seeks_the_requested_frames(synthetic_video):
    frames = read_frames(synthetic_video, [15, 3], WIDTH, HEIGHT)
    assert sorted(frames) == [3, 15]
    for index, image in frames.items():
        assert image.shape == (HEIGHT, WIDTH, 3)
        band = image[6:12, :, :].mean(axis=(0, 2))
        bright = np.flatnonzero(band > 200)
        assert bright.min() >= marker_x(index) - 2 and bright.max() <= marker_x(index) + 12


def test_read_frames_seeks_across_long_gaps_and_back(synthetic_video, monkeypatch):
    import motorobs.report.keyframes as keyframes

    monkeypatch.setattr(keyframes, "SEEK_AFTER_FRAMES", 2)  # every gap here is "long"
    frames = read_frames(synthetic_video, [15, 3, 4, 9], WIDTH, HEIGHT)
    assert sorted(frames) == [3, 4, 9, 15]
    for index, image in frames.items():
        band = image[6:12, :, :].mean(axis=(0, 2))
        bright = np.flatnonzero(band > 200)
        assert bright.min() >= marker_x(index) - 2 and bright.max() <= marker_x(index) + 12


def test_read_frames_skips_missing_frames_and_files(synthetic_video, tmp_path):
    assert list(read_frames(synthetic_video, [N_FRAMES + 50])) == []
    assert read_frames(tmp_path / "none.mp4", [0]) == {}


def test_shrink_limits_the_longer_side():
    big = np.zeros((1080, 1920, 3), np.uint8)
    assert shrink(big, 800).shape == (450, 800, 3)
    small = np.zeros((240, 320, 3), np.uint8)
    assert shrink(small, 800) is small


def test_upright_rotates_swapped_frames():
    portrait = np.zeros((40, 20, 3), np.uint8)
    portrait[0, 0] = 255
    turned = upright(portrait, width=40, height=20, rotation_deg=90)
    assert turned.shape == (20, 40, 3)
    assert np.array_equal(turned, cv2.rotate(portrait, cv2.ROTATE_90_CLOCKWISE))
    assert upright(portrait, width=30, height=30, rotation_deg=0) is None
    assert upright(portrait, width=20, height=40, rotation_deg=0) is portrait


def test_extracted_key_frames_have_faces_blurred(landmarks, synthetic_video):
    key_frames, notes = extract_key_frames(landmarks, make_events(), synthetic_video, 4,
                                           width=WIDTH, height=HEIGHT)
    assert len(key_frames) == 4
    assert all(k.frame_index not in NO_FACE_FRAMES for k in key_frames)
    assert [k.time_index for k in key_frames] == sorted(k.time_index for k in key_frames)
    # no pose model here: other faces cannot be searched for, so only the infant's part of
    # the frame is shown
    x0, y0, x1, y1 = infant_box(landmarks, 0, WIDTH, HEIGHT)
    assert any("only the part of the picture around the baby" in n for n in notes)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    face = np.hypot(xx - FACE_CENTRE[0], yy - FACE_CENTRE[1]) <= FACE_RADIUS - 4
    for k in key_frames:
        assert k.image.shape == (y1 - y0, x1 - x0, 3)
        original = frame_image(k.frame_index)[y0:y1, x0:x1]
        assert np.abs(k.image.astype(int) - original.astype(int)).max(axis=2)[face].mean() > 60
        # the checkerboard's contrast is gone
        assert k.image[face].std() < 0.25 * original[face].std()


def test_infant_box_pads_the_landmarks_and_stays_in_the_frame(landmarks):
    # the synthetic infant spans x 102..210 (its right hand reaches 102), y 54..232 (px);
    # padding 0.15 of the larger side, 178 px: 26.7 px
    x0, y0, x1, y1 = infant_box(landmarks, 0, WIDTH, HEIGHT, padding=0.15)
    assert (x0, y0) == (75, 27)
    assert x1 == 238 and y1 == HEIGHT  # 210 + 26.7 rounded up, exclusive; 232 + 26.7 clipped


def test_cropped_key_frame_shows_no_pixel_far_from_the_infant(landmarks, synthetic_video):
    """The marker in the top band (far from the infant) must not reach the report."""
    key_frames, _ = extract_key_frames(landmarks, [], synthetic_video, 2,
                                       width=WIDTH, height=HEIGHT)
    assert key_frames
    _, y0, _, _ = infant_box(landmarks, 0, WIDTH, HEIGHT)
    assert y0 > 14  # the marker band, y 4..13, lies outside the crop
    for k in key_frames:
        assert k.image.shape[0] == HEIGHT - y0


def test_no_key_frames_without_video(landmarks, tmp_path):
    key_frames, notes = extract_key_frames(landmarks, [], tmp_path / "gone.mp4", 4)
    assert key_frames == []
    assert "not available" in notes[0]
