"""loaders.validated: a run's check of a folder reused by load_folder only for the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from ruwaard_analysis import config, loaders
from ruwaard_analysis.errors import DataValidationError
from ruwaard_analysis.loaders import folder as loader_folder
from ruwaard_analysis.loaders import validated

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "io" / "valid"


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    return data


def _save_check(folder: Path, saved: Path) -> None:
    """What the run's input check does (run.kernel_template._check_early)."""
    key = validated.folder_key(folder)
    frames, problems = loader_folder.check_folder(folder)
    assert not problems
    validated.save(saved, key, loader_folder.checked_frames(frames, []))


def _same(a: dict, b: dict) -> None:
    assert list(a) == list(b)  # the sources in the same order
    for name in a:
        assert_frame_equal(a[name], b[name])


def test_without_the_run_variable_load_folder_validates(folder, tmp_path, monkeypatch):
    monkeypatch.delenv(config.VALIDATED_FRAMES_ENV, raising=False)
    _save_check(folder, tmp_path / "saved")
    assert validated.lookup(folder, None) is None


def test_the_saved_frames_are_what_load_folder_gives(folder, tmp_path, monkeypatch):
    monkeypatch.delenv(config.VALIDATED_FRAMES_ENV, raising=False)
    fresh_all = loaders.load_folder(folder)
    fresh_some = loaders.load_folder(folder, sources=["wellbeing", "cases"])
    _save_check(folder, tmp_path / "saved")
    monkeypatch.setenv(config.VALIDATED_FRAMES_ENV, str(tmp_path / "saved"))
    _same(validated.lookup(folder, None), fresh_all)
    _same(loaders.load_folder(folder), fresh_all)
    _same(loaders.load_folder(folder, sources=["wellbeing", "cases"]), fresh_some)
    assert validated.lookup(folder, ["cases", "no_such_source"]) is None  # validates: its error


def test_a_changed_file_or_library_is_validated_again(folder, tmp_path, monkeypatch):
    saved = tmp_path / "saved"
    _save_check(folder, saved)
    monkeypatch.setenv(config.VALIDATED_FRAMES_ENV, str(saved))
    assert validated.lookup(folder, None) is not None
    cases = next(folder.glob("cases*"))
    original = cases.read_bytes()
    cases.write_bytes(original.replace(b"\n", b"\r\n", 1))
    assert validated.lookup(folder, None) is None
    cases.write_bytes(original)
    (folder / "extra.txt").write_text("x")  # any file of the folder counts
    assert validated.lookup(folder, None) is None
    (folder / "extra.txt").unlink()
    assert validated.lookup(folder, None) is not None
    monkeypatch.setattr(validated, "library_fingerprint", lambda: "other code")
    assert validated.lookup(folder, None) is None


def test_a_check_with_problems_saves_nothing_and_load_folder_raises_its_error(
        folder, tmp_path, monkeypatch):  # fmt: skip
    saved = tmp_path / "saved"
    validated.save(saved, {}, None)
    monkeypatch.setenv(config.VALIDATED_FRAMES_ENV, str(saved))
    assert validated.lookup(folder, None) is None
    next(folder.glob("wellbeing*")).write_text("case_id,moment,measured_on,score\nC1,x,y,z\n")
    with pytest.raises(DataValidationError) as info:
        loaders.load_folder(folder)
    assert any(p.file.startswith("wellbeing") and p.row for p in info.value.problems)


def test_a_missing_folder_of_saved_frames_is_no_wait(folder, tmp_path, monkeypatch):
    monkeypatch.setenv(config.VALIDATED_FRAMES_ENV, str(tmp_path / "gone"))
    assert validated.lookup(folder, None) is None
