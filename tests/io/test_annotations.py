"""Loading COCO keypoint and labelme annotations of infant images."""

from __future__ import annotations

import base64
import json

import cv2
import numpy as np
import pytest

from motorobs.io.annotations import COCO_KEYPOINTS, load_coco, load_labelme


def write_image(path, width=40, height=30):
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = (0, 0, 255)  # left half red in BGR
    assert cv2.imwrite(str(path), image)
    return path


def coco_file(tmp_path):
    keypoints = []
    for k in range(17):
        keypoints += [float(k), float(2 * k), 2.0 if k != 3 else 0.0]
    data = {
        "images": [
            {"id": 1, "file_name": "a.png", "width": 40, "height": 30, "posture": "Prone"},
            {"id": 2, "file_name": "absent.png", "width": 40, "height": 30, "posture": "Supine"},
            {"id": 3, "file_name": "b.png", "width": 40, "height": 30},
        ],
        "annotations": [
            {"id": 10, "image_id": 1, "keypoints": keypoints},
            {"id": 11, "image_id": 2, "keypoints": keypoints},
            {"id": 12, "image_id": 3, "keypoints": [0.0] * 51},
            {"id": 13, "image_id": 3, "keypoints": keypoints},
        ],
        "categories": [{"id": 1, "name": "person", "keypoints": list(COCO_KEYPOINTS)}],
    }
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(data))
    return path


def test_coco_loader_reads_keypoints_posture_and_reports_missing_images(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    write_image(images / "a.png")
    write_image(images / "b.png")
    found, missing = load_coco(coco_file(tmp_path), images)
    assert [a.name for a in found] == ["images/a.png", "images/b.png"]
    assert missing == ["absent.png"]
    a, b = found
    assert a.posture == "prone" and b.posture == "unspecified"
    assert a.keypoints.shape == (17, 3)
    assert tuple(a.keypoints[5]) == (5.0, 10.0, 2.0)
    assert a.keypoints[3, 2] == 0.0
    # image 3 has two annotations: the one with annotated keypoints is the infant
    assert np.count_nonzero(b.keypoints[:, 2]) == 16
    rgb = a.load_rgb()
    assert rgb.shape == (30, 40, 3) and tuple(rgb[0, 0]) == (255, 0, 0)


def test_coco_loader_rejects_other_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"foo": 1}))
    with pytest.raises(ValueError, match="not COCO keypoint JSON"):
        load_coco(path, tmp_path)


def labelme_shapes():
    return [
        {"label": "Shoulder_L", "points": [[12.5, 8.0]], "shape_type": "point"},
        {"label": "Hip_R", "points": [[3.0, 20.0]], "shape_type": "point"},
        {"label": "MP_joint_L", "points": [[1.0, 1.0]], "shape_type": "point"},
        {"label": "Head", "points": [[2.0, 2.0]], "shape_type": "point"},
    ]


def test_labelme_loader_maps_labels_to_coco_and_finds_the_image(tmp_path):
    (tmp_path / "set" / "img").mkdir(parents=True)
    (tmp_path / "set" / "ann").mkdir()
    write_image(tmp_path / "set" / "img" / "f1.png")
    (tmp_path / "set" / "ann" / "f1.json").write_text(json.dumps(
        {"shapes": labelme_shapes(), "imagePath": "f1.png", "imageData": None,
         "flags": {"prone": True}}
    ))
    (item,) = load_labelme(tmp_path)
    index = {n: i for i, n in enumerate(COCO_KEYPOINTS)}
    assert tuple(item.keypoints[index["left_shoulder"]]) == (12.5, 8.0, 2.0)
    assert tuple(item.keypoints[index["right_hip"]]) == (3.0, 20.0, 2.0)
    assert np.count_nonzero(item.keypoints[:, 2]) == 2  # palm and head have no COCO name
    assert item.posture == "prone"
    assert item.image_path == tmp_path / "set" / "img" / "f1.png"
    assert item.load_rgb().shape == (30, 40, 3)


def test_labelme_loader_uses_the_embedded_image_when_the_file_is_absent(tmp_path):
    png = write_image(tmp_path / "tmp.png", width=20, height=10).read_bytes()
    (tmp_path / "tmp.png").unlink()
    (tmp_path / "g.json").write_text(json.dumps(
        {"shapes": labelme_shapes(), "imagePath": "gone.png",
         "imageData": base64.b64encode(png).decode()}
    ))
    (item,) = load_labelme(tmp_path)
    assert item.image_path is None and item.posture == "unspecified"
    assert item.load_rgb().shape == (10, 20, 3)


def test_labelme_loader_says_when_there_is_nothing(tmp_path):
    with pytest.raises(ValueError, match="no labelme JSON"):
        load_labelme(tmp_path)
