"""The savings of the video estimator change nothing they should not (real MediaPipe)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from motorobs.config import PoseConfig
from motorobs.pose import graphs
from motorobs.pose.mediapipe_backend import MediaPipeBackend

VARIABLES = ("position", "confidence", "visibility", "presence", "depth_z")


def settings(**change) -> dict:
    return MediaPipeBackend(PoseConfig(**change)).settings()


def test_threads_are_not_in_the_cache_key_but_the_savings_are():
    base = settings()
    assert settings(overlap_models=False) == base
    assert settings(model_dir="/elsewhere") == base
    assert "model_dir" not in base
    for change in ({"hands_every_frame": True}, {"hand_finder": "frame"},
                   {"hand_search_retry_s": 0.0},
                   {"hand_detail_max_gap_s": 0.15}, {"hand_search_patience_s": 1.0}):
        assert settings(**change) != base


@pytest.fixture(scope="module")
def short_clip(sample_videos):
    from motorobs.io.video import probe_video

    info = probe_video(sample_videos / "a_midline_reach__top.mp4")
    return dataclasses.replace(info, n_frames=36)  # 2.4 s: a quarter-turn re-check included


def same(a, b) -> bool:
    return all(np.array_equal(a[v].values, b[v].values, equal_nan=True) for v in VARIABLES)


@pytest.mark.mediapipe
def test_threads_give_exactly_the_landmarks_of_one_thread(model_dir, short_clip):
    from motorobs.pose.estimator import estimate_landmarks

    for hands_every_frame in (False, True):
        config = PoseConfig(model_dir=model_dir, hands_every_frame=hands_every_frame)
        threaded = estimate_landmarks(short_clip, config)
        single = estimate_landmarks(short_clip, dataclasses.replace(config, overlap_models=False))
        assert same(threaded, single)
        assert threaded.attrs["pose_turns"] == single.attrs["pose_turns"]
        assert threaded.attrs["notes"] == single.attrs["notes"]


@pytest.mark.mediapipe
def test_a_clip_gives_the_same_landmarks_after_other_clips(model_dir, sample_videos,
                                                           short_clip):
    from motorobs.io.video import probe_video
    from motorobs.pose.estimator import estimate_landmarks

    config = PoseConfig(model_dir=model_dir)
    graphs.close_idle()
    fresh = estimate_landmarks(short_clip, config)
    kept = graphs.idle_count()
    assert kept >= 1  # the quarter-turn pose graph (and the close-up one, if it was used)
    other = dataclasses.replace(probe_video(sample_videos / "c_prone_head_lift__side.mp4"),
                                n_frames=20)
    estimate_landmarks(other, config)
    again = estimate_landmarks(short_clip, config)
    assert graphs.idle_count() == max(kept, graphs.idle_count()) <= 2
    assert same(fresh, again)


@pytest.mark.mediapipe
def test_hands_every_frame_runs_the_hand_model_on_every_frame(model_dir, short_clip):
    from motorobs.pose.estimator import estimate_landmarks

    every = estimate_landmarks(short_clip, PoseConfig(model_dir=model_dir,
                                                      hands_every_frame=True))
    saving = estimate_landmarks(short_clip, PoseConfig(model_dir=model_dir,
                                                       hand_detail_max_gap_s=0.15))
    n = every.sizes["time"]
    assert every.attrs["hand_model_frames"] == n
    assert saving.attrs["hand_model_frames"] < n
    assert saving.attrs["hand_close_ups"] <= every.attrs["hand_close_ups"]
    pose = {"keypoint": slice(0, 33)}
    assert same(every.isel(pose), saving.isel(pose))  # the pose model's landmarks do not change


@pytest.mark.mediapipe
def test_the_close_up_back_off_only_leaves_out_hands(model_dir, sample_videos):
    from motorobs.io.video import probe_video
    from motorobs.pose.estimator import estimate_landmarks

    # side-on tummy time: the far hand is hidden behind the body in every frame
    info = dataclasses.replace(probe_video(sample_videos / "c_prone_head_lift__side.mp4"),
                               n_frames=45)
    every = estimate_landmarks(info, PoseConfig(model_dir=model_dir, hands_every_frame=True))
    saving = estimate_landmarks(info, PoseConfig(model_dir=model_dir, hand_finder="frame"))
    assert saving.attrs["hand_model_frames"] == every.attrs["hand_model_frames"]
    assert saving.attrs["hand_close_ups"] < 0.8 * every.attrs["hand_close_ups"]
    a, b = every["position"].values, saving["position"].values
    both = np.isfinite(a) & np.isfinite(b)
    assert np.array_equal(a[both], b[both])  # every hand kept is the same hand
    assert np.isfinite(b).sum() >= 0.95 * np.isfinite(a).sum()


@pytest.mark.mediapipe
def test_the_region_finder_finds_the_hands_the_full_frame_model_finds(model_dir, short_clip):
    from motorobs.pose.estimator import estimate_landmarks
    from motorobs.schema import all_keypoints, keypoint_name

    frame = estimate_landmarks(short_clip, PoseConfig(model_dir=model_dir, hand_finder="frame",
                                                      hands_every_frame=True))
    region = estimate_landmarks(short_clip, PoseConfig(model_dir=model_dir))
    assert frame.attrs["hand_finder"] == "frame" and region.attrs["hand_finder"] == "pose"
    assert region.attrs["hand_region_calls"] >= 2 * region.attrs["hand_model_frames"] > 0
    index = {keypoint_name(*k): i for i, k in enumerate(all_keypoints())}

    def xy(ds, name):  # (T, 2) pixels
        return ds["position"].values[:, :, index[name]].reshape(ds.sizes["time"], 2)

    shoulders = np.linalg.norm(xy(frame, "left_shoulder") - xy(frame, "right_shoulder"), axis=1)
    for side in ("left", "right"):
        a, b = xy(frame, f"{side}_hand_wrist"), xy(region, f"{side}_hand_wrist")
        found_a, found_b = np.isfinite(a[:, 0]), np.isfinite(b[:, 0])
        assert found_b.sum() >= found_a.sum()
        both = found_a & found_b
        assert both.sum() >= 0.5 * found_a.sum()
        gaps = np.linalg.norm(a[both] - b[both], axis=1) / shoulders[both]
        assert np.median(gaps) < 0.1  # the same hands, a tenth of a shoulder width apart
