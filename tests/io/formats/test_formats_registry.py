"""Choosing a format: by suffix and content, or by name; clear errors when none fits."""

from __future__ import annotations

import pytest

from motorobs.io import formats
from motorobs.io.formats import FORMATS, FormatError
from tests.fixtures.keypoints import coco17_dataset


def test_every_format_has_read_write_and_sniff():
    assert list(FORMATS) == ["dlc", "sleap", "openpose", "coco", "movement", "parquet"]
    for fmt in FORMATS.values():
        module = fmt.load()
        assert all(callable(getattr(module, f)) for f in ("sniff", "read", "write"))


def test_a_json_is_told_apart_by_its_content(tmp_path):
    ds = coco17_dataset()
    coco = formats.write(ds, tmp_path / "a.json", "coco")
    openpose_file = formats.write(ds, tmp_path / "op", "openpose") / \
        "op_000000000000_keypoints.json"
    assert formats.detect_format(coco) == "coco"
    assert formats.detect_format(openpose_file) == "openpose"


def test_unknown_files_and_names(tmp_path):
    with pytest.raises(FormatError, match="no such file or folder"):
        formats.read(tmp_path / "missing.csv")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(FormatError, match=r"notes.txt: not a keypoint file .*Known formats: "
                                          r"dlc \(DeepLabCut"):
        formats.read(other)
    with pytest.raises(FormatError, match="unknown format 'yolo'; choose one of dlc, sleap"):
        formats.read(other, format="yolo")
    with pytest.raises(FormatError, match="cannot tell the format from the suffix '.json'"):
        formats.write(coco17_dataset(), tmp_path / "x.json")


def test_a_missing_library_says_what_to_install(tmp_path, monkeypatch):
    from motorobs.io.formats import _common

    real = _common.importlib.import_module

    def without_sleap_io(name, *args):
        if name == "sleap_io":
            raise ImportError("No module named 'sleap_io'")
        return real(name, *args)

    monkeypatch.setattr(_common.importlib, "import_module", without_sleap_io)
    with pytest.raises(FormatError, match=r"x.slp: motorobs needs .*'sleap_io' for SLEAP "
                                          r'files.*pip install "motorobs\[formats\]"'):
        formats.write(coco17_dataset(), tmp_path / "x.slp")
