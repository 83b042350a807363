"""Face location and blurring: the infant's from its landmarks, others' from the pose model."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from motorobs.report.faces import (
    AdultFaceDetector,
    FaceNotLocatedError,
    FaceRegion,
    blur_regions,
    close_shared_face_detectors,
    face_radius,
    face_region_from_landmarks,
    infant_face_region,
    is_the_infant_again,
    search_windows,
    shared_face_detector,
)
from motorobs.report.overlay import render_key_frame
from tests.report.synthetic_clip import (
    FACE_CENTRE,
    FACE_RADIUS,
    HEIGHT,
    NO_FACE_FRAMES,
    WIDTH,
    frame_image,
)


def _checkerboard(height=120, width=160, square=4) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    grey = ((yy // square + xx // square) % 2 * 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def test_radius_follows_ear_distance_eye_distance_and_shoulders():
    frame = (640, 480)
    ears = {"left_ear": np.array([120.0, 50]), "right_ear": np.array([80.0, 50])}
    assert face_radius(ears, None, frame) == pytest.approx(60.0)  # 1.5 x span 40 > 1.0 x 40
    eyes = {"left_eye": np.array([105.0, 50]), "right_eye": np.array([95.0, 50])}
    assert face_radius(eyes, None, frame) == pytest.approx(2.4 * 10)
    nose_mouth = {"nose": np.array([100.0, 50]), "mouth_left": np.array([103.0, 54])}
    assert face_radius(nose_mouth, None, frame) == pytest.approx(0.08 * 640)  # no scale
    assert face_radius(eyes, 200.0, frame) == pytest.approx(0.6 * 200)  # shoulders dominate
    assert face_radius(eyes, 10.0, frame) == pytest.approx(2.4 * 10)  # eyes dominate
    nose_only = {"nose": np.array([100.0, 50])}
    assert face_radius(nose_only, 90.0, frame) == pytest.approx(54.0)
    assert face_radius(nose_only, None, frame) == pytest.approx(0.08 * 640)


def test_region_is_none_without_face_points_and_centred_on_them():
    assert face_region_from_landmarks({"nose": np.array([np.nan, np.nan])}, 50.0,
                                      (100, 100), "x") is None
    region = face_region_from_landmarks(
        {"left_ear": np.array([120.0, 50]), "right_ear": np.array([80.0, 60]),
         "nose": np.array([np.nan, 3.0])}, None, (640, 480), "infant_landmarks")
    assert (region.x, region.y) == (100.0, 55.0)


def test_blur_changes_the_face_strongly_and_nothing_else():
    image = _checkerboard()
    region = FaceRegion(60.0, 50.0, 20.0, "test")
    out = blur_regions(image, [region])
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    distance = np.hypot(xx - 60, yy - 50)
    inside = distance <= 18
    diff = np.abs(out.astype(int) - image.astype(int)).max(axis=2)
    assert diff[inside].mean() > 80  # 0/255 squares become mid-grey
    # the blurred face keeps no fine detail: its local contrast collapses
    laplacian = np.abs(cv2.Laplacian(out[:, :, 0], cv2.CV_64F))
    assert laplacian[inside].mean() < 0.1 * np.abs(cv2.Laplacian(image[:, :, 0], cv2.CV_64F))[
        inside].mean()
    assert np.array_equal(out[distance > 22], image[distance > 22])
    assert np.array_equal(image, _checkerboard())  # input untouched


def test_blur_ignores_regions_outside_the_frame():
    image = _checkerboard()
    out = blur_regions(image, [FaceRegion(-100.0, -100.0, 20.0, "test")])
    assert np.array_equal(out, image)


def test_infant_face_region_from_landmarks(landmarks):
    region = infant_face_region(landmarks, 0)
    assert region is not None
    assert abs(region.x - FACE_CENTRE[0]) < 3 and abs(region.y - FACE_CENTRE[1]) < 4
    assert region.radius >= FACE_RADIUS  # covers the drawn face
    assert infant_face_region(landmarks, NO_FACE_FRAMES[0]) is None


def test_key_frame_blurs_the_infant_face_and_leaves_far_pixels(landmarks):
    image = frame_image(0)
    out = render_key_frame(image, landmarks, 0, blur_faces=True)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    face = np.hypot(xx - FACE_CENTRE[0], yy - FACE_CENTRE[1]) <= FACE_RADIUS
    diff = np.abs(out.astype(int) - image.astype(int)).max(axis=2)
    assert diff[face].mean() > 80
    # bottom-left corner: no skeleton, no face
    assert np.array_equal(out[190:, :80], image[190:, :80])
    unblurred = render_key_frame(image, landmarks, 0, blur_faces=False)
    assert np.abs(unblurred.astype(int) - image.astype(int)).max(axis=2)[face].mean() < 40


def test_key_frame_draws_the_skeleton(landmarks):
    image = frame_image(0)
    out = render_key_frame(image, landmarks, 0, blur_faces=False)
    # the left forearm (elbow (205, 130) -> wrist (210, 160)) is drawn in orange
    assert tuple(out[145, 207]) != tuple(image[145, 207])
    assert out[145, 207, 0] > 200 and out[145, 207, 2] < 60


def test_key_frame_refuses_a_frame_without_infant_face(landmarks):
    with pytest.raises(FaceNotLocatedError):
        render_key_frame(frame_image(NO_FACE_FRAMES[0]), landmarks, NO_FACE_FRAMES[0])
    render_key_frame(frame_image(NO_FACE_FRAMES[0]), landmarks, NO_FACE_FRAMES[0],
                     blur_faces=False)  # allowed when blurring is off


def test_key_frame_rejects_non_images(landmarks):
    with pytest.raises(ValueError, match="uint8"):
        render_key_frame(np.zeros((HEIGHT, WIDTH)), landmarks, 0)


def test_detector_without_models_finds_nothing_and_says_so(tmp_path):
    with AdultFaceDetector(tmp_path / "missing.task") as detector:
        assert detector.methods == []
        assert detector.detect(frame_image(0)) == []


def test_search_windows_cover_both_ends_of_the_longer_side():
    assert search_windows(640, 360, None) == [(0, 0, 640, 360)]
    assert search_windows(640, 360, 0.6) == [(0, 0, 640, 360), (0, 0, 384, 360),
                                            (256, 0, 640, 360)]
    assert search_windows(360, 640, 0.6)[1:] == [(0, 0, 360, 384), (0, 256, 360, 640)]


def test_a_person_on_the_infants_body_is_the_infant_again():
    infant = np.array([[100, 100], [200, 100], [100, 300], [200, 300], [np.nan, np.nan]])
    # box 100..200 x 100..300, padded by 10 and 20 px
    on_the_body = np.array([[150, 150], [160, 200], [190, 310], [400, 400]])
    assert is_the_infant_again(on_the_body, infant)
    beside = np.array([[150, 150], [400, 200], [420, 310], [400, 400]])
    assert not is_the_infant_again(beside, infant)
    assert not is_the_infant_again(on_the_body, np.full((5, 2), np.nan))


@pytest.mark.mediapipe
def test_pose_landmarker_finds_the_head_of_a_person(model_dir, sample_videos):
    """The MediaPipe path on a real rendered frame: the found face covers the true nose."""
    clip = sample_videos / "a_midline_reach__top"
    if not clip.with_suffix(".mp4").is_file():
        pytest.skip("sample video missing")
    truth = json.loads(clip.with_suffix(".gt.json").read_text())
    capture = cv2.VideoCapture(str(clip.with_suffix(".mp4")))
    ok, bgr = capture.read()
    capture.release()
    assert ok
    nose = np.array(truth["keypoints_2d"][0][truth["keypoint_names"].index("nose")][:2])
    with AdultFaceDetector(model_dir / "pose_landmarker_full.task") as detector:
        assert detector.methods == ["mediapipe_pose"]
        regions = detector.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    assert regions
    assert any(np.hypot(r.x - nose[0], r.y - nose[1]) < r.radius for r in regions)


def test_no_shared_detector_is_kept_without_a_model(tmp_path):
    first = shared_face_detector(tmp_path / "missing.task")
    assert first.methods == [] and shared_face_detector(None).methods == []
    assert shared_face_detector(tmp_path / "missing.task") is not first
    assert close_shared_face_detectors() == 0


@pytest.mark.mediapipe
def test_one_shared_detector_per_model_until_closed(model_dir):
    model = model_dir / "pose_landmarker_full.task"
    detector = shared_face_detector(model)
    assert detector.methods == ["mediapipe_pose"]
    assert shared_face_detector(str(model)) is detector  # same file, same detector
    assert close_shared_face_detectors() == 1 and detector.methods == []
    again = shared_face_detector(model)
    assert again is not detector and again.methods == ["mediapipe_pose"]
    again.close()  # closed by mistake: replaced, never handed out closed
    assert shared_face_detector(model).methods == ["mediapipe_pose"]


@pytest.mark.mediapipe
def test_threaded_search_finds_the_same_heads_as_one_thread(model_dir, sample_videos):
    """The six window-and-turn searches on two graphs give what one graph gives, in order."""
    clip = sample_videos / "a_midline_reach__top.mp4"
    if not clip.is_file():
        pytest.skip("sample video missing")
    capture = cv2.VideoCapture(str(clip))
    ok, bgr = capture.read()
    capture.release()
    assert ok
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    rgb = np.ascontiguousarray(np.concatenate([rgb, rgb[:, ::-1]], axis=1))  # two people
    model = model_dir / "pose_landmarker_full.task"
    with AdultFaceDetector(model, threads=1) as one, AdultFaceDetector(model, threads=2) as two:
        assert two.threads == 2
        alone, shared = one.people(rgb), two.people(rgb)
    assert len(alone) >= 2
    assert [(p.region.x, p.region.y, p.region.radius, p.evidence) for p in alone] == \
        [(p.region.x, p.region.y, p.region.radius, p.evidence) for p in shared]
    assert two.methods == [] and two.people(rgb) == []  # closed: finds nothing
    two.close()  # twice is safe
