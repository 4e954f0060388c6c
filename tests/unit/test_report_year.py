"""Report-year selection, key-figure records and the data-quality overview."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ruwaard_analysis.data_quality import measurement_completeness, source_overview
from ruwaard_analysis.key_figures import key_figure
from ruwaard_analysis.report_year import cases_handled_by, select_micro, up_to_year


def _cases():
    return pl.DataFrame(
        {
            "case_id": ["A", "B", "C", "D"],
            "mdo_date": [date(2016, 5, 1), date(2016, 11, 1), date(2017, 3, 1), date(2018, 1, 5)],
            "mdo_year": [2016, 2016, 2017, 2018],
            "in_random_sample": [True, True, True, False],
            "cost_analysis_date": [date(2016, 12, 1), date(2017, 1, 10), None, None],
        }
    )


def _wellbeing():
    return pl.DataFrame(
        {
            "case_id": ["A", "A", "A", "B", "B", "C"],
            "moment": ["voormeting", "nameting", "herhaalmeting", "voormeting", "nameting",
                       "voormeting"],
            "measured_on": [date(2016, 5, 1), date(2016, 6, 20), date(2017, 3, 1),
                            date(2016, 11, 1), date(2017, 2, 28), date(2017, 3, 1)],
            "score": [3.0, 7.0, 8.0, 2.0, 8.0, 4.0],
        }
    )


def _cost_lines():
    return pl.DataFrame(
        {"case_id": ["A", "B", "C"], "scenario": ["huidig"] * 3, "item_code": ["x"] * 3,
         "quantity": [1.0, 2.0, 3.0]}
    )


def test_select_micro_2016_counts_cut_off_and_cost_analyses():
    sel = select_micro(_cases(), _wellbeing(), _cost_lines(), year=2016)
    assert sel.cutoff == date(2017, 2, 28)
    assert sel.sampled["case_id"].to_list() == ["A", "B"]
    # A's herhaalmeting (March 2017) falls after the cut-off; B's nameting on the cut-off counts
    assert sel.wellbeing.height == 4
    assert sel.cost_cases["case_id"].to_list() == ["A"]  # B's analysis was in January 2017
    assert sel.cost_lines["case_id"].to_list() == ["A"]


def test_select_micro_is_cumulative():
    sel = select_micro(_cases(), _wellbeing(), _cost_lines(), year=2017)
    assert sel.sampled["case_id"].to_list() == ["A", "B", "C"]
    assert sel.cases.height == 3 and sel.wellbeing.height == 6
    assert sorted(sel.cost_cases["case_id"].to_list()) == ["A", "B"]


def test_up_to_year_handles_int_and_date_columns():
    f = pl.DataFrame({"year": [2016, 2017, 2018]})
    assert up_to_year(f, year=2017)["year"].to_list() == [2016, 2017]
    d = pl.DataFrame({"week_start": [date(2017, 12, 25), date(2018, 1, 1)]})
    assert up_to_year(d, year=2017, column="week_start").height == 1


def test_cases_handled_by():
    out = cases_handled_by(_cases(), [date(2016, 12, 31), date(2017, 3, 31)])
    assert out["cases_handled"].to_list() == [2, 3]


def test_key_figure_refuses_nan_and_unknown_unit():
    with pytest.raises(ValueError, match="nan"):
        key_figure(float("nan"), n=3, unit="score", label="x")
    with pytest.raises(ValueError, match="unit"):
        key_figure(1.0, n=3, unit="furlongs", label="x")
    with pytest.raises(ValueError, match="both"):
        key_figure(1.0, n=3, unit="score", label="x", ci_low=0.5)
    fig = key_figure(2.9, n=13, unit="score", label="wb_before", ci_low=2.1, ci_high=3.7)
    assert fig == {"value": 2.9, "n": 13, "unit": "score", "label": "wb_before",
                   "ci_low": 2.1, "ci_high": 3.7, "suppressed": False}


def test_measurement_completeness_counts_moments_per_mdo_year():
    out = measurement_completeness(_cases(), _wellbeing())
    row16 = out.filter(pl.col("mdo_year") == 2016).to_dicts()[0]
    assert row16 == {"mdo_year": 2016, "cases_handled": 2, "sampled": 2, "with_voormeting": 2,
                     "with_nameting": 2, "with_herhaalmeting": 1, "with_cost_analysis": 2}
    row18 = out.filter(pl.col("mdo_year") == 2018).to_dicts()[0]
    assert row18["cases_handled"] == 1 and row18["sampled"] == 0


def test_source_overview():
    out = source_overview({"cases": _cases(), "wellbeing": _wellbeing()})
    assert out["source"].to_list() == ["cases", "wellbeing"]
    assert out.filter(pl.col("source") == "cases").row(0, named=True)["missing_cells"] == 2
    assert out.filter(pl.col("source") == "wellbeing")["last_year"].item() == 2017


def test_select_micro_without_costs_or_wellbeing():
    sel = select_micro(_cases(), year=2017)
    assert sel.wellbeing.height == 0 and sel.cost_lines.height == 0
    assert sel.sampled.height == 3


def test_n_per_analysis_counts_complete_pairs_only():
    from ruwaard_analysis.data_quality import n_per_analysis

    frames = {"cases": _cases(), "wellbeing": _wellbeing(), "cost_lines": _cost_lines()}
    n16 = n_per_analysis(frames, year=2016)
    assert n16["welbevinden_voormeting_nameting"] == 2
    assert n16["welbevinden_nameting_herhaalmeting"] == 0  # A's repeat falls after the cut-off
    assert n16["kostenanalyses"] == 1
    n17 = n_per_analysis(frames, year=2017)
    assert n17["welbevinden_voormeting_nameting"] == 2  # C has no nameting
    assert n17["welbevinden_nameting_herhaalmeting"] == 1
