"""Werkende principes: shares with exact intervals, Kaplan-Meier with censoring, growth, and
their disclosure control. Oracles: scipy / statsmodels on known counts, textbook and
hand-computed Kaplan-Meier values."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from ruwaard_analysis import config, demo, principles, publish
from ruwaard_analysis.report_year import select_micro
from ruwaard_analysis.stats.proportion import share_ci
from ruwaard_analysis.stats.survival import kaplan_meier

# --------------------------------------------------------------------------- shares


@pytest.mark.parametrize(("k", "n"), [(9, 30), (4, 13), (0, 10), (60, 200), (13, 13)])
def test_clopper_pearson_matches_scipy_exact_interval(k, n):
    ours = share_ci(k, n, method="beta")
    oracle = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert ours.share == pytest.approx(k / n)
    assert ours.ci_low == pytest.approx(oracle.low, abs=1e-9)
    assert ours.ci_high == pytest.approx(oracle.high, abs=1e-9)


@pytest.mark.parametrize(("k", "n"), [(9, 30), (4, 13), (1, 50)])
def test_wilson_matches_scipy(k, n):
    ours = share_ci(k, n, method="wilson", confidence=0.9)
    oracle = sps.binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
    assert (ours.ci_low, ours.ci_high) == pytest.approx((oracle.low, oracle.high), abs=1e-9)


def test_clopper_pearson_textbook_zero_successes():
    # 0 of 10: the exact upper bound solves (1 - p)^10 = 0.025
    assert share_ci(0, 10).ci_high == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-9)
    assert share_ci(0, 10).ci_low == 0.0


def test_share_refuses_impossible_counts():
    with pytest.raises(ValueError):
        share_ci(5, 3)
    with pytest.raises(ValueError):
        share_ci(1, 3, method="wald")
    assert share_ci(0, 0).share is None


# --------------------------------------------------------------------------- Kaplan-Meier

# times 2, 3, 3+, 5, 6+, 8 (+ = censored); by hand:
# t=2: 6 at risk, 1 event -> S = 5/6; t=3: 5 at risk, 1 event -> S = 4/6 (the case censored
# at 3 still counts as at risk at 3); t=5: 3 at risk -> S = 4/6 * 2/3 = 8/18; t=8: 1 at risk,
# 1 event -> S = 0.
SMALL_T = [2, 3, 3, 5, 6, 8]
SMALL_E = [True, True, False, True, False, True]


def test_kaplan_meier_hand_computed_small_example_with_censoring():
    km = kaplan_meier(SMALL_T, SMALL_E, horizon=4)
    curve = km.curve
    assert curve["time"].to_list() == [2.0, 3.0, 5.0, 8.0]
    assert curve["n_risk"].to_list() == [6, 5, 3, 1]
    assert curve["surv"].to_list() == pytest.approx([5 / 6, 4 / 6, 8 / 18, 0.0])
    # Greenwood: S(5)^2 * (1/(6*5) + 1/(5*4) + 1/(3*2)) = (8/18)^2 * 0.25
    assert curve["se"][2] == pytest.approx(math.sqrt((8 / 18) ** 2 * 0.25))
    assert (km.n, km.n_events, km.n_censored) == (6, 4, 2)
    assert km.share_by_horizon == pytest.approx(1 - 4 / 6)  # started by day 4
    assert km.events_by_horizon == 2
    assert km.median == 5.0  # first time S <= 0.5


def test_kaplan_meier_log_log_interval_by_hand():
    km = kaplan_meier(SMALL_T, SMALL_E, horizon=3)
    s = 4 / 6
    se = math.sqrt(s**2 * (1 / 30 + 1 / 20))
    half = 1.959963984540054 * se / (s * abs(math.log(s)))
    low, high = s ** math.exp(half), s ** math.exp(-half)
    assert (low, high) == pytest.approx((0.19463, 0.90443), abs=1e-4)  # worked out on paper
    assert km.share_ci_low == pytest.approx(1 - high)
    assert km.share_ci_high == pytest.approx(1 - low)


def test_kaplan_meier_textbook_6mp_leukaemia():
    # Freireich et al. 6-MP arm, as in Kleinbaum & Klein, Survival Analysis, ch. 2
    t = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    e = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    km = kaplan_meier(t, np.array(e, dtype=bool), horizon=13)
    assert km.curve["surv"].to_list() == pytest.approx(
        [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448], abs=5e-4)
    assert km.curve["se"][3] == pytest.approx(0.107, abs=5e-4)
    assert km.median == 23.0
    assert km.share_by_horizon == pytest.approx(1 - 0.690, abs=5e-4)
    assert km.median_ci_high is None  # the upper bound is not reached


def test_kaplan_meier_without_censoring_is_the_empirical_share():
    rng = np.random.default_rng(4)
    t = rng.integers(1, 90, 40)
    km = kaplan_meier(t, np.ones(40, dtype=bool), horizon=42)
    assert km.share_by_horizon == pytest.approx(float((t <= 42).mean()))


def test_kaplan_meier_refuses_bad_input():
    with pytest.raises(ValueError):
        kaplan_meier([1, -2], [True, True], horizon=42)
    with pytest.raises(ValueError):
        kaplan_meier([], [], horizon=42)


# --------------------------------------------------------------------------- time to solution


def _cases(rows):
    return pl.DataFrame(rows, schema={"case_id": pl.String, "mdo_date": pl.Date,
                                      "solution_start_date": pl.Date}, orient="row")


def test_time_to_solution_censors_at_the_cutoff_instead_of_dropping():
    cutoff = date(2018, 2, 28)
    cases = _cases([
        ("A", date(2017, 1, 2), date(2017, 1, 30)),   # started after 28 days
        ("B", date(2017, 12, 1), None),               # not started: censored at the cutoff
        ("C", date(2017, 12, 20), date(2018, 3, 15)),  # started after the cutoff: censored
    ])
    out = principles.time_to_solution(cases, cutoff=cutoff)
    assert out["case_id"].to_list() == ["A", "B", "C"]
    assert out["days"].to_list() == [28, 89, 70]
    assert out["started"].to_list() == [True, False, False]
    with pytest.raises(ValueError, match="na de peildatum"):
        principles.time_to_solution(cases, cutoff=date(2017, 6, 1))


def test_dropping_censored_cases_would_overstate_the_promise():
    durations = pl.DataFrame({"days": [10, 20, 30, 50, 60, 15, 20],
                              "started": [True, True, True, True, True, False, False]})
    km = principles.six_week_promise(durations)
    naive = 4 / 5  # started cases only
    assert km.share_by_horizon < naive


# --------------------------------------------------------------------------- differences


def test_difference_by_housing_matches_statsmodels_welch():
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(2)
    ids = [f"C{i}" for i in range(20)]
    housing = [i % 3 == 0 for i in range(20)]
    values = rng.normal(5, 1.5, 20)
    frame = pl.DataFrame({"case_id": ids, "change": values})
    cases = pl.DataFrame({"case_id": ids, "precondition_wonen": housing})
    rec = principles.difference_by_housing(frame, cases, value="change", measure="m")
    a = values[np.array(housing)]
    b = values[~np.array(housing)]
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="unequal")
    assert rec["difference"] == pytest.approx(a.mean() - b.mean())
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((low, high))
    assert (rec["n_with"], rec["n_without"], rec["n"]) == (7, 13, 7)


# --------------------------------------------------------------------------- growth


def test_cases_per_month_counts_empty_months_and_cumulates():
    cases = pl.DataFrame({"mdo_date": [date(2016, 6, 3), date(2016, 6, 20), date(2016, 8, 1)]})
    out = principles.cases_per_month(cases, end=date(2016, 9, 30))
    assert out["month"].to_list() == [date(2016, m, 1) for m in (5, 6, 7, 8, 9)]
    assert out["n"].to_list() == [0, 2, 0, 1, 0]
    assert out["cumulative"].to_list() == [0, 2, 2, 3, 3]


# --------------------------------------------------------------------------- disclosure


def test_pooled_months_never_publish_a_small_count_or_difference():
    growth = pl.DataFrame({"month": [date(2016, m, 1) for m in range(5, 13)],
                           "n": [0, 3, 7, 1, 1, 2, 9, 2]})
    growth = growth.with_columns(cumulative=pl.col("n").cum_sum())
    out = publish._pool_months(growth, 5)
    assert (out["n"] >= 5).all()
    assert out["n"].sum() == growth["n"].sum()
    assert out["cumulative"].diff().drop_nulls().min() >= 5
    assert out["cumulative"][-1] == 25


def test_pooled_combinations_leave_nothing_small_and_nothing_recoverable():
    combos = pl.DataFrame({"combination": ["financien", "wonen", "relaties", "wonen+relaties"],
                           "n_preconditions": [1, 1, 1, 2], "n": [20, 9, 4, 0]})
    combos = combos.filter(pl.col("n") > 0)
    out = publish._pool_combinations(combos, 5)
    assert (out["n"] >= 5).all()
    assert out["n"].sum() == 33
    assert "relaties" not in out["combination"].to_list()


@pytest.fixture(scope="module")
def frames():
    return demo.generate_demo()


def _publish(frames, year, min_cell_size=5):
    sel = select_micro(frames["cases"], frames["wellbeing"], frames["cost_lines"], year=year)
    durations = principles.time_to_solution(sel.cases, cutoff=sel.cutoff)
    km = principles.six_week_promise(durations)
    change = principles.wellbeing_change_per_case(sel.wellbeing)
    differences = pl.DataFrame([principles.difference_by_housing(
        change, sel.sampled, value="change", measure="welbevinden_verandering")],
        schema=principles.DIFFERENCE_SCHEMA)
    return sel, km, publish.principles(
        year=year, shares=principles.precondition_shares(frames["cases"], year=year),
        combinations=principles.precondition_combinations(sel.cases),
        differences=differences, six_weeks=km, curve=principles.curve_on_grid(km),
        growth=principles.cases_per_month(sel.cases, end=date(year, 12, 31)),
        min_cell_size=min_cell_size)


def test_demo_2016_about_30_percent_housing_with_exact_interval(frames):
    _, _, pub = _publish(frames, 2016)
    kf = pub.key_figures["randvoorwaarde_wonen_aandeel"]
    assert kf["n"] == 30 and kf["value"] == pytest.approx(0.30)
    oracle = sps.binomtest(9, 30).proportion_ci(method="exact")
    assert (kf["ci_low"], kf["ci_high"]) == pytest.approx((oracle.low, oracle.high))
    sample = pub.tables["randvoorwaarden"].filter(
        (pl.col("scope") == "steekproef") & (pl.col("precondition") == "wonen"))
    # 4 of the 13 sampled cases: a group below the minimum, so no share is published
    assert sample["share"].is_null().all() and sample["n_yes"].is_null().all()
    # the difference with and without a housing start needs 5 in both groups: not in 2016
    assert pub.tables["randvoorwaarden_wonen_verschil"]["difference"].is_null().all()


def test_demo_2017_share_within_six_weeks_with_censoring(frames):
    sel, km, pub = _publish(frames, 2017)
    assert sel.cutoff == config.measurement_cutoff(2017)
    assert km.n == 200 and km.n_censored > 0
    kf = pub.key_figures["binnen_zes_weken_aandeel"]
    assert 0.6 < kf["value"] < 0.9
    assert kf["ci_low"] < kf["value"] < kf["ci_high"]
    curve = pub.tables["zes_weken_curve"]
    assert (curve["n"] >= 5).all()
    assert curve["started_share"].is_sorted()
    growth = pub.tables["casussen_per_maand"]
    assert growth["cumulative"][-1] == 200 and (growth["n"] >= 5).all()
    assert pub.key_figures["casussen_in_jaar"]["value"] == 170


def test_share_is_suppressed_when_either_group_is_small(frames):
    _, _, pub = _publish(frames, 2016, min_cell_size=10)
    kf = pub.key_figures["randvoorwaarde_wonen_aandeel"]  # 9 of 30
    assert kf["suppressed"] and kf["value"] is None and kf["ci_low"] is None


def test_preconditions_table_names_one_year_once(frames):
    from ruwaard_analysis.present import tables

    _, _, pub = _publish(frames, 2016)
    display, hidden = tables.preconditions_display(pub.tables["randvoorwaarden"], year=2016)
    assert display.columns[1:] == ["2016", "Steekproef (micro-analyses) 2016"]
    assert hidden  # wonen in the sample: 4 of 13
    assert display.row(0)[1] == "30% (15% tot 49%)"
