"""results.py: deterministic writers and the readers used by the report and `ruwaard numbers`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from ruwaard_analysis import disclosure, results
from ruwaard_analysis.errors import PrivacyError, RuwaardError

# results.py writes only what passed the publication gate (tests/test_gate.py); these tests are
# about the writing itself, so their records are declared not about people
NOT_PEOPLE = disclosure.TableRule(about_people=False, reason="test of the writer")
NOT_PEOPLE_KF = disclosure.KeyFigureRule(about_people=False, reason="test of the writer")


def _t(name, frame):
    return disclosure.gate_table(name, frame, 5, NOT_PEOPLE)


def _kf(notebook, figures):
    return disclosure.gate_key_figures(notebook, figures, 5, default_rule=NOT_PEOPLE_KF)


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "label": ["c1", "c2", "c3"],
            "score": [2.5, None, 7.25],
            "moment": ["voormeting", "nameting", "herhaalmeting"],
        }
    )


def test_write_table_bytes_are_identical_across_writes(tmp_path):
    a = results.write_table(tmp_path / "a", _t("wellbeing", _frame()))
    b = results.write_table(tmp_path / "b", _t("wellbeing", _frame()))
    assert a == tmp_path / "a" / "tables" / "wellbeing.parquet"
    assert a.read_bytes() == b.read_bytes()
    assert results.read_table(tmp_path / "a", "wellbeing").equals(_frame())


def test_write_table_accepts_pandas_and_refuses_other_things(tmp_path):
    path = results.write_table(tmp_path, _t("from_pandas", _frame().to_pandas()))
    assert pl.read_parquet(path)["label"].to_list() == ["c1", "c2", "c3"]
    with pytest.raises(TypeError, match="polars DataFrame"):
        _t("bad", [1, 2, 3])
    with pytest.raises(PrivacyError, match="publicatiepoort"):
        results.write_table(tmp_path, "bad", [1, 2, 3])


@pytest.mark.parametrize("name", ["", "../escape", "a/b", "with space"])
def test_bad_names_are_refused(tmp_path, name):
    with pytest.raises(results.ResultsError, match="ongeldige naam"):
        results.write_table(tmp_path, _t(name, _frame()))


def test_key_figures_json_is_sorted_utf8_rounded_and_complete(tmp_path):
    path = results.write_key_figures(tmp_path, _kf(
        "01_wellbeing",
        {
            "z_last": {"value": 0.1 + 0.2, "n": np.int64(13), "label": "Welbevinden na één jaar"},
            "a_first": {
                "value": np.float64(2.9333333333333336),
                "n": 13,
                "unit": "score",
                "ci_low": float("nan"),
                "ci_high": 3.4,
                "decimals": 1,
            },
        },
    ))
    assert path == tmp_path / "key_figures" / "01_wellbeing.json"
    text = path.read_text(encoding="utf-8")
    assert "één" in text  # ensure_ascii=False
    data = json.loads(text)
    assert list(data) == ["a_first", "z_last"]
    assert list(data["a_first"]) == sorted(data["a_first"])
    assert data["z_last"]["value"] == 0.3  # 0.30000000000000004 rounded
    assert data["a_first"]["value"] == 2.933333333
    assert data["a_first"]["ci_low"] is None  # NaN is not valid JSON
    assert data["a_first"]["decimals"] == 1  # extra fields kept
    assert data["z_last"] == {
        "value": 0.3,
        "n": 13,
        "unit": None,
        "label": "Welbevinden na één jaar",
        "ci_low": None,
        "ci_high": None,
        "suppressed": False,
    }
    again = results.write_key_figures(tmp_path / "again", _kf(
        "01_wellbeing",
        {
            "a_first": {
                "value": 2.9333333333333336 + 1e-15,
                "n": 13,
                "unit": "score",
                "ci_low": None,
                "ci_high": 3.4,
                "decimals": 1,
            },
            "z_last": {"value": 0.3, "n": 13, "label": "Welbevinden na één jaar"},
        },
    ))
    assert again.read_bytes() == path.read_bytes()  # last-bit jitter does not change bytes


@pytest.mark.parametrize(
    "figure, message",
    [
        ({"n": 3}, "value"),
        ({"value": 1.0}, "n"),
        ({"value": 1.0, "n": -1}, "geheel getal"),
        ({"value": 1.0, "n": 2.5}, "geheel getal"),
        ({"value": 1.0, "n": 3, "suppressed": "nee"}, "suppressed"),
        ({"value": object(), "n": 3}, "JSON"),
    ],
)
def test_bad_key_figures_are_refused(tmp_path, figure, message):
    with pytest.raises(results.ResultsError, match=message):
        results.write_key_figures(tmp_path, _kf("nb", {"x": figure}))
    assert not (tmp_path / "key_figures" / "nb.json").exists()


def test_write_figure_delegates_to_theme_save_spec(tmp_path, monkeypatch):
    import altair as alt

    from ruwaard_analysis.present import theme

    calls = []

    def fake_save_spec(spec, path_stem):
        calls.append((spec, Path(path_stem)))
        return {"svg": Path(path_stem).with_suffix(".svg")}

    monkeypatch.setattr(theme, "save_spec", fake_save_spec)
    chart = alt.Chart(pl.DataFrame({"x": [1.0]})).mark_point().encode(x="x:Q")
    gated = disclosure.gate_figure("wellbeing_before_after", chart, 5, disclosure.FigureRule(
        about_people=False, reason="test of the writer"))
    out = results.write_figure(tmp_path, gated)
    assert calls == [(gated.spec, tmp_path / "figures" / "wellbeing_before_after")]
    assert (tmp_path / "figures").is_dir()
    assert out == {"svg": tmp_path / "figures" / "wellbeing_before_after.svg"}


def test_readers_by_year_and_clear_error_for_missing_year(tmp_path):
    year_dir = tmp_path / "2016"
    results.write_table(year_dir, _t("t", _frame()))
    results.write_json(year_dir / "key_figures.json", {"b": {"value": 1}, "a": {"value": 2}})
    results.write_json(year_dir / "manifest.json", {"year": 2016})
    (year_dir / "figures").mkdir()
    (year_dir / "figures" / "chart.svg").write_text("<svg/>")

    assert list(results.read_key_figures(2016, processed_dir=tmp_path)) == ["a", "b"]
    assert results.read_manifest(2016, processed_dir=tmp_path) == {"year": 2016}
    assert results.read_table(2016, "t", processed_dir=tmp_path).height == 3
    assert (
        results.figure_path(2016, "chart", processed_dir=tmp_path)
        == (year_dir / "figures" / "chart.svg").resolve()
    )

    with pytest.raises(results.ResultsNotFoundError, match=r"ruwaard run --year 2017"):
        results.read_key_figures(2017, processed_dir=tmp_path)
    with pytest.raises(results.ResultsNotFoundError, match="bestaat niet"):
        results.read_table(2016, "missing", processed_dir=tmp_path)
    with pytest.raises(results.ResultsNotFoundError):
        results.figure_path(2016, "chart", "png", processed_dir=tmp_path)
    assert issubclass(results.ResultsNotFoundError, RuwaardError)


def test_dumps_json_is_canonical():
    assert results.dumps_json({"b": 1, "a": "é"}) == '{\n  "a": "é",\n  "b": 1\n}\n'
    assert results.round_significant(float("inf")) is None
    assert results.round_significant(123456789.123456) == 123456789.1
