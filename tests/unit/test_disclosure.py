"""Small-cell suppression: a group of 3 never shows its value in a table, a chart, its HTML or a
key figure; "<5" does."""

from __future__ import annotations

import html
import json

import polars as pl
import pytest

from ruwaard_analysis import config, disclosure
from ruwaard_analysis.errors import PrivacyError
from ruwaard_analysis.present import charts, tables, theme

SMALL_MEAN = 6.78912  # mean of the small group: digits unlikely anywhere else
SMALL_TEXT = ("6.789", "6,789", "6,8")


def groups() -> pl.DataFrame:
    return pl.DataFrame({
        "moment": ["voormeting", "nameting", "herhaalmeting"],
        "n": [13, 12, 3],
        "mean": [2.9, 7.6, SMALL_MEAN],
        "ci_low": [2.4, 7.1, SMALL_MEAN - 0.5],
        "ci_high": [3.4, 8.1, SMALL_MEAN + 0.5],
    })


def test_default_minimum_cell_size_is_five():
    assert config.MIN_CELL_SIZE == 5


def test_suppress_frame_nulls_values_and_flags_rows():
    out = disclosure.suppress_frame(groups(), value_cols=["mean", "ci_low", "ci_high"],
                                    min_cell_size=5)
    assert out["suppressed"].to_list() == [False, False, True]
    assert out.row(2, named=True) | {} == {"moment": "herhaalmeting", "n": 3, "mean": None,
                                          "ci_low": None, "ci_high": None, "suppressed": True}
    assert out["mean"].to_list()[:2] == [2.9, 7.6]


def test_suppress_frame_treats_missing_n_as_small_and_keeps_earlier_flags():
    frame = pl.DataFrame({"n": [None, 20, 20], "v": [1.0, 2.0, 3.0],
                          "suppressed": [False, True, False]})
    out = disclosure.suppress_frame(frame, value_cols=["v"], min_cell_size=5)
    assert out["v"].to_list() == [None, None, 3.0]
    assert out["suppressed"].to_list() == [True, True, False]


def test_suppress_frame_names_missing_columns():
    with pytest.raises(KeyError, match="gemiddelde"):
        disclosure.suppress_frame(groups(), value_cols=["gemiddelde"], min_cell_size=5)


def test_boundary_n_equal_to_minimum_is_published():
    frame = pl.DataFrame({"n": [4, 5], "v": [1.0, 2.0]})
    out = disclosure.suppress_frame(frame, value_cols=["v"], min_cell_size=5)
    assert out["v"].to_list() == [None, 2.0]


def test_suppress_key_figure():
    record = {"value": SMALL_MEAN, "n": 3, "unit": "score", "label": "Herhaalmeting",
              "ci_low": 6.2, "ci_high": 7.3, "sd": 1.1, "suppressed": False}
    out = disclosure.suppress_key_figure(record, min_cell_size=5)
    assert out == {"value": None, "n": 3, "unit": "score", "label": "Herhaalmeting",
                   "ci_low": None, "ci_high": None, "sd": None, "suppressed": True}
    assert record["value"] == SMALL_MEAN  # input left alone
    big = disclosure.suppress_key_figure(record | {"n": 30}, min_cell_size=5)
    assert big["value"] == SMALL_MEAN and big["suppressed"] is False


def test_assert_no_small_cells_raises_on_a_leak_and_passes_after_suppression():
    with pytest.raises(PrivacyError, match="rij 3 heeft n = 3"):
        disclosure.assert_no_small_cells(groups(), value_cols=["mean"], min_cell_size=5,
                                         name="welzijn")
    safe = disclosure.suppress_frame(groups(), value_cols=["mean"], min_cell_size=5)
    disclosure.assert_no_small_cells(safe, value_cols=["mean"], min_cell_size=5)


def test_assert_key_figures_safe():
    figures = {"a": {"value": 1.0, "n": 3}, "b": {"value": 2.0, "n": 30}}
    with pytest.raises(PrivacyError) as err:
        disclosure.assert_key_figures_safe(figures, min_cell_size=5)
    assert "1.0" not in str(err.value)  # the message does not leak the value either
    safe = {k: disclosure.suppress_key_figure(v, 5) for k, v in figures.items()}
    disclosure.assert_key_figures_safe(safe, min_cell_size=5)


# --- the same small group through every published output ------------------------------------


def _absent(text: str) -> None:
    for secret in SMALL_TEXT:
        assert secret not in text, secret


def test_small_group_through_a_table():
    frame = groups().select(
        label=pl.col("moment"), value="mean", unit=pl.lit("score"), n="n", ci_low="ci_low",
        ci_high="ci_high",
    )
    raw = html.unescape(tables.key_figures_table(frame).as_raw_html())
    _absent(raw)
    assert ">7,6<" in raw  # the large groups are there
    assert ">&lt;5<" in tables.key_figures_table(frame).as_raw_html()


def test_small_group_through_a_chart_spec_and_its_html():
    chart = charts.wellbeing_trajectory_chart(groups())
    spec = json.dumps(theme.chart_spec(chart))
    _absent(spec)
    assert "<5" in spec
    page = theme.chart_html(chart)
    # the page = the Vega bundle (minified JS; "6,8" occurs in it by chance) + the chart's script
    chart_script = page.rsplit("<script", 1)[1]
    assert "const spec" in chart_script
    _absent(chart_script)
    for secret in SMALL_TEXT[:2]:
        assert secret not in page
    assert "<5" in chart_script


def test_chart_check_would_catch_a_leak():
    """Negative control: with a minimum of 1 the small group's value is in the spec."""
    chart = charts.wellbeing_trajectory_chart(groups(), min_cell_size=1)
    assert "6.789" in json.dumps(theme.chart_spec(chart))


def test_small_group_through_a_key_figure():
    record = {"value": SMALL_MEAN, "n": 3, "unit": "score", "label": "Herhaalmeting",
              "ci_low": SMALL_MEAN - 0.5, "ci_high": SMALL_MEAN + 0.5}
    published = json.dumps(disclosure.suppress_key_figure(record, config.MIN_CELL_SIZE))
    _absent(published)
    assert '"suppressed": true' in published
