"""Accuracy maths of ``motorobs eval-pose`` on constructed annotations with exact answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.pose.evaluation import (
    MEDIAPIPE_TO_COCO,
    accuracy_report,
    coco_prediction,
    normalised_errors,
    summarise,
    torso_size,
)
from motorobs.schema import POSE_LANDMARKS

from ..conftest import REALDATA

K = {n: i for i, n in enumerate(COCO_KEYPOINTS)}


def annotation(visible: float = 2.0) -> np.ndarray:
    """A 3-4-5 torso: shoulders 30 px apart, hips 40 px below, so both diagonals are 50 px."""
    kps = np.zeros((17, 3))
    kps[:, 0] = np.arange(17) * 10.0 + 100
    kps[:, 1] = 200.0
    kps[K["left_shoulder"]] = (130, 100, visible)
    kps[K["right_shoulder"]] = (100, 100, visible)
    kps[K["left_hip"]] = (130, 140, visible)
    kps[K["right_hip"]] = (100, 140, visible)
    kps[:, 2] = visible
    return kps


def test_torso_size_is_the_mean_diagonal_and_uses_one_when_the_other_is_missing():
    kps = annotation()
    assert torso_size(kps) == 50.0
    kps[K["left_hip"], 0] = 160  # right_shoulder-left_hip diagonal becomes hypot(60, 40)
    assert torso_size(kps) == pytest.approx((50.0 + math.hypot(60, 40)) / 2)
    kps[K["left_hip"], 2] = 0
    assert torso_size(kps) == 50.0
    kps[K["right_hip"], 2] = 0
    assert math.isnan(torso_size(kps))


def test_offset_of_015_torso_is_correct_at_02_and_wrong_at_01():
    kps = annotation()
    prediction = kps[:, :2] + np.array([0.15 * 50.0 * 0.6, 0.15 * 50.0 * 0.8])  # 7.5 px
    errors = normalised_errors(prediction, kps)
    np.testing.assert_allclose(errors, 0.15)
    figures = summarise(errors[None], [True])
    assert figures["pck_0.2"] == 1.0
    assert figures["pck_0.1"] == 0.0
    assert figures["mean_error"] == pytest.approx(0.15)
    assert figures["n_keypoints"] == 17


def test_undetected_image_counts_as_misses_for_all_its_annotated_keypoints():
    good = annotation()
    missed = annotation()
    missed[:5, 2] = 0  # five keypoints not annotated: 12 scored
    errors = np.stack([normalised_errors(good[:, :2], good), normalised_errors(None, missed)])
    figures = summarise(errors, [True, False])
    assert figures["n_images"] == 2 and figures["detected"] == 1
    assert figures["n_keypoints"] == 17 + 12
    assert figures["pck_0.2"] == pytest.approx(17 / 29)
    assert figures["mean_error"] == 0.0  # only predicted keypoints have a distance


def test_visibility_zero_keypoints_are_ignored_and_missing_predictions_are_misses():
    kps = annotation()
    kps[K["nose"], 2] = 0
    prediction = kps[:, :2].copy()
    prediction[K["nose"]] += 1000.0  # far off, but not annotated: ignored
    prediction[K["left_ankle"]] = np.nan  # annotated, not predicted: a miss
    errors = normalised_errors(prediction, kps)
    assert np.isnan(errors[K["nose"]])
    assert np.isinf(errors[K["left_ankle"]])
    figures = summarise(errors[None], [True])
    assert figures["n_keypoints"] == 16
    assert figures["pck_0.1"] == pytest.approx(15 / 16)


def test_report_splits_by_posture_and_keypoint():
    kps = annotation()
    near = normalised_errors(kps[:, :2] + [0.0, 2.5], kps)  # 0.05 torso
    far = normalised_errors(kps[:, :2] + [0.0, 7.5], kps)  # 0.15 torso
    far[K["nose"]] = np.inf
    report = accuracy_report(np.stack([near, far, near]), [True, True, True],
                             ["prone", "supine", "prone"])
    assert report["by_posture"]["prone"]["pck_0.1"] == 1.0
    assert report["by_posture"]["supine"]["pck_0.1"] == 0.0
    assert report["by_posture"]["supine"]["pck_0.2"] == pytest.approx(16 / 17)
    assert report["by_keypoint"]["nose"]["pck_0.2"] == pytest.approx(2 / 3)
    assert report["by_keypoint"]["nose"]["n_keypoints"] == 3
    assert report["by_keypoint"]["left_hip"]["pck_0.1"] == pytest.approx(2 / 3)
    assert report["pck_0.2"] == pytest.approx(50 / 51)


def test_mediapipe_landmarks_map_to_coco_by_name():
    position = np.arange(33 * 2, dtype=float).reshape(33, 2)
    coco = coco_prediction(position)
    for k, name in enumerate(COCO_KEYPOINTS):
        assert tuple(coco[k]) == tuple(position[POSE_LANDMARKS.index(name)])
    assert MEDIAPIPE_TO_COCO[K["left_eye"]] == POSE_LANDMARKS.index("left_eye") == 2


SYRIP = REALDATA / "ostadabbas_SyRIP_real"
NYCU = REALDATA / "NYCUciflab_infant_pose" / "sample_data"


@pytest.mark.mediapipe
@pytest.mark.realdata
def test_infant_estimator_is_at_least_as_good_as_plain_mediapipe_on_real_images(model_dir):
    if not (SYRIP / "annotations").is_dir() or not NYCU.is_dir():
        pytest.skip(f"annotated infant images not found under {REALDATA}")
    from motorobs.pose.evaluation import run_pose_evaluation

    result = run_pose_evaluation(SYRIP / "annotations", SYRIP / "images", NYCU, model_dir)
    base = result["baseline"]
    for figures in (result, base):
        assert 0 < figures["detected"] <= figures["n_images"] == 69
        for key in ("pck_0.1", "pck_0.2"):
            assert 0.0 <= figures[key] <= 1.0
        assert figures["pck_0.1"] <= figures["pck_0.2"]
        assert set(figures["by_keypoint"]) == set(COCO_KEYPOINTS)
        assert sum(p["n_images"] for p in figures["by_posture"].values()) == 69
    assert result["estimator"] == "infant"
    assert result["pck_0.2"] >= base["pck_0.2"]


def test_eval_command_without_annotations_explains_and_fails(capsys, tmp_path):
    from motorobs.pose.evaluation import eval_pose_command

    assert eval_pose_command(None, None, None, None, None) == 2
    assert "--coco FILE --images DIR" in capsys.readouterr().err
    assert eval_pose_command(tmp_path / "a.json", None, None, None, None) == 2
    assert "--images" in capsys.readouterr().err
