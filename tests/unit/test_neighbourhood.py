"""Tests of ruwaard_analysis.neighbourhood against independent oracles (hand z tests,
statsmodels OLS with fixed effects, brute-force placebo ranks, hand sums)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from ruwaard_analysis import neighbourhood as nb
from ruwaard_analysis.errors import InsufficientDataError

WIJK, GEM, NL = "WK082806", "GM0828", "NL01"
CONTROLS = ["WK082801", "WK082802", "WK082803", "WK082804", "WK082805"]
YEARS = (2012, 2016, 2020, 2022)
INDICATORS = {"ErvarenGezondheidGoedZeerGoed_4": 0.0, "Eenzaamheid_27": -20.0,
              "MoeiteMetRondkomen_29": -30.0}


def _ggd(seed: int = 5) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    areas = [(WIJK, "wijk", 1.5), (GEM, "gemeente", 0.6), (NL, "nederland", 0.2)]
    areas += [(c, "wijk", rng.uniform(1.2, 2.0)) for c in CONTROLS]
    for (code, level, half), (ind, off) in itertools.product(areas, INDICATORS.items()):
        base = 70 + off + rng.normal(0, 3)
        for y in YEARS:
            est = base + 0.3 * (y - 2012) + rng.normal(0, 0.8)
            rows.append({"area_code": code, "area_level": level, "year": y, "age_group": "18+",
                         "indicator_code": ind, "indicator_label": ind.split("_")[0],
                         "estimate_pct": round(est, 1), "ci_lower": round(est - half * 1.1, 1),
                         "ci_upper": round(est + half * 0.9, 1)})
    return pl.DataFrame(rows)


def _se(lo: float, hi: float) -> float:
    return (hi - lo) / (2 * 1.959963984540054)


def test_compare_areas_against_hand_z_test():
    ggd = _ggd()
    out = nb.compare_areas(ggd, year=2020)
    assert out.height == 3 and out["model_based"].all()
    ind = "Eenzaamheid_27"
    row = out.filter(pl.col("indicator_code") == ind).row(0, named=True)
    sel = ggd.filter((pl.col("year") == 2020) & (pl.col("indicator_code") == ind))
    w = sel.filter(pl.col("area_code") == WIJK).row(0, named=True)
    g = sel.filter(pl.col("area_code") == GEM).row(0, named=True)
    se = math.hypot(_se(w["ci_lower"], w["ci_upper"]), _se(g["ci_lower"], g["ci_upper"]))
    z = (w["estimate_pct"] - g["estimate_pct"]) / se
    assert row["diff_vs_gemeente"] == pytest.approx(w["estimate_pct"] - g["estimate_pct"])
    assert row["z_vs_gemeente"] == pytest.approx(z)
    assert row["p_vs_gemeente"] == pytest.approx(2 * (1 - sps.norm.cdf(abs(z))))
    assert row["diff_vs_gemeente_ci_lower"] == pytest.approx(
        w["estimate_pct"] - g["estimate_pct"] - 1.959963984540054 * se)
    # Holm over the three indicators, by hand
    p = out["p_vs_nederland"].to_numpy()
    order = np.argsort(p)
    adj = np.empty(3)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (3 - k) * p[i]))
        adj[i] = running
    np.testing.assert_allclose(out["p_vs_nederland_holm"].to_numpy(), adj)


def test_compare_areas_missing_area_gives_nulls():
    ggd = _ggd().filter(~((pl.col("area_code") == GEM)
                          & (pl.col("indicator_code") == "Eenzaamheid_27")))
    out = nb.compare_areas(ggd, year=2020)
    row = out.filter(pl.col("indicator_code") == "Eenzaamheid_27").row(0, named=True)
    assert row["gemeente_estimate"] is None and row["p_vs_gemeente"] is None
    assert row["p_vs_nederland"] is not None
    with pytest.raises(InsufficientDataError):
        nb.compare_areas(ggd, year=2021)


@pytest.mark.parametrize("change", [{"ci_lower": 99.0}, {"estimate_pct": float("nan")},
                                    {"ci_upper": 101.0}])
def test_bad_ggd_rows_refused(change):
    ggd = _ggd()
    col, val = next(iter(change.items()))
    ggd = ggd.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(val)
                           .otherwise(pl.col(col)).alias(col))
    with pytest.raises(ValueError):
        nb.compare_areas(ggd, year=2020)


def test_indicator_trend_changes():
    ggd = _ggd()
    tr = nb.indicator_trend(ggd, area_code=WIJK)
    ind = tr.filter(pl.col("indicator_code") == "MoeiteMetRondkomen_29")
    assert ind["year"].to_list() == list(YEARS)
    assert ind["change_pct_points"][0] is None
    src = ggd.filter((pl.col("area_code") == WIJK)
                     & (pl.col("indicator_code") == "MoeiteMetRondkomen_29")).sort("year")
    e, lo, hi = (src[c].to_numpy() for c in ("estimate_pct", "ci_lower", "ci_upper"))
    se = math.hypot(_se(lo[2], hi[2]), _se(lo[1], hi[1]))
    assert ind["previous_year"][2] == 2016
    assert ind["change_pct_points"][2] == pytest.approx(e[2] - e[1])
    assert ind["p_change"][2] == pytest.approx(2 * (1 - sps.norm.cdf(abs((e[2] - e[1]) / se))))
    assert ind["change_ci_upper"][2] == pytest.approx(e[2] - e[1] + 1.959963984540054 * se)


def _did_oracle_ols(ggd, treated, controls, ind, pre, post):
    df = ggd.filter((pl.col("indicator_code") == ind) & pl.col("year").is_in([pre, post])
                    & pl.col("area_code").is_in([treated, *controls])).to_pandas()
    df["post"] = (df["year"] == post).astype(int)
    df["treat_post"] = ((df["area_code"] == treated) & (df["year"] == post)).astype(int)
    fit = smf.ols("estimate_pct ~ C(area_code) + post + treat_post", data=df).fit()
    return fit.params["treat_post"]


def test_diff_in_diff_equals_two_way_fixed_effects_ols():
    ggd = _ggd()
    ind = "ErvarenGezondheidGoedZeerGoed_4"
    res = nb.diff_in_diff(ggd, treated=WIJK, controls=CONTROLS, indicator_code=ind,
                          pre_year=2016, post_year=2022)
    assert res.estimate == pytest.approx(_did_oracle_ols(ggd, WIJK, CONTROLS, ind, 2016, 2022))
    # each placebo is the same OLS with that control as the treated wijk
    for area, eff in zip(res.placebo_areas, res.placebo_effects, strict=True):
        rest = [c for c in CONTROLS if c != area]
        assert eff == pytest.approx(_did_oracle_ols(ggd, area, rest, ind, 2016, 2022))
    # brute-force permutation p: share of |effects| >= |treated effect|
    effects = np.abs([res.estimate, *res.placebo_effects])
    assert res.p_value == pytest.approx(np.mean(effects >= abs(res.estimate)))
    assert res.n_controls == 5 and res.min_p_value == pytest.approx(1 / 6)
    assert res.model_based
    frame = res.placebo_frame()
    assert frame.height == 6 and frame["is_treated"].sum() == 1


def test_diff_in_diff_detects_a_large_effect():
    ggd = _ggd().with_columns(
        pl.when((pl.col("area_code") == WIJK) & (pl.col("year") == 2022))
        .then(pl.col("estimate_pct") + 15).otherwise(pl.col("estimate_pct")).alias("estimate_pct"),
    ).with_columns(pl.min_horizontal("ci_lower", "estimate_pct").alias("ci_lower"),
                   pl.max_horizontal("ci_upper", "estimate_pct").clip(0, 100).alias("ci_upper"))
    res = nb.diff_in_diff(ggd, treated=WIJK, controls=CONTROLS, indicator_code="Eenzaamheid_27",
                          pre_year=2016, post_year=2022)
    assert res.rank == 1 and res.p_value == pytest.approx(1 / 6)


@settings(max_examples=25, deadline=None)
@given(shock=st.floats(-5, 5), area_shifts=st.lists(st.floats(-5, 5), min_size=6, max_size=6))
def test_property_did_invariant_to_common_shock_and_area_levels(shock, area_shifts):
    """A shock common to all areas in the post year, or a fixed level per area, must not
    change the estimate, the placebos or the p value."""
    ggd = _ggd().filter(pl.col("area_code").is_in([WIJK, *CONTROLS])
                        & (pl.col("indicator_code") == "Eenzaamheid_27"))
    ref = nb.diff_in_diff(ggd, treated=WIJK, controls=CONTROLS, indicator_code="Eenzaamheid_27",
                          pre_year=2012, post_year=2020)
    shift = dict(zip([WIJK, *CONTROLS], area_shifts, strict=True))
    moved = ggd.with_columns(
        (pl.col("area_code").replace_strict(shift, return_dtype=pl.Float64)
         + pl.when(pl.col("year") == 2020).then(shock).otherwise(0.0)).alias("_d")
    ).with_columns(*(pl.col(c) + pl.col("_d") for c in ("estimate_pct", "ci_lower", "ci_upper"))
                   ).drop("_d")
    res = nb.diff_in_diff(moved, treated=WIJK, controls=CONTROLS,
                          indicator_code="Eenzaamheid_27", pre_year=2012, post_year=2020)
    assert res.estimate == pytest.approx(ref.estimate, abs=1e-9)
    np.testing.assert_allclose(res.placebo_effects, ref.placebo_effects, atol=1e-9)
    assert res.p_value == ref.p_value
    assert 1 / 6 <= res.p_value <= 1


def test_diff_in_diff_refusals():
    ggd = _ggd()
    kw = {"indicator_code": "Eenzaamheid_27", "pre_year": 2016, "post_year": 2022}
    with pytest.raises(InsufficientDataError):
        nb.diff_in_diff(ggd, treated=WIJK, controls=CONTROLS[:1], **kw)
    with pytest.raises(ValueError, match="WK099999"):
        nb.diff_in_diff(ggd, treated=WIJK, controls=[*CONTROLS, "WK099999"], **kw)
    with pytest.raises(ValueError):
        nb.diff_in_diff(ggd, treated=WIJK, controls=[WIJK, *CONTROLS], **kw)
    with pytest.raises(ValueError):
        nb.diff_in_diff(ggd, treated=WIJK, controls=CONTROLS, indicator_code="Eenzaamheid_27",
                        pre_year=2022, post_year=2016)


def test_budget_per_inhabitant():
    wb = pl.DataFrame({"year": [2018, 2018, 2019, 2020],
                       "budget_line": ["Wmo", "welzijn", "Wmo", "Wmo"],
                       "allocated_eur": [1_500_000.0, 600_000.0, 2_100_000.0, 2_100_000.0],
                       "spent_eur": [1_400_000.0, 550_000.0, None, 2_000_000.0]})
    inh = pl.DataFrame({"area_code": [WIJK, WIJK, "WK082801"], "year": [2018, 2024, 2018],
                        "inhabitants": [13_100, 13_595, 9_000]})
    out = nb.budget_per_inhabitant(wb, inh, area_code=WIJK)
    r18 = out.filter(pl.col("year") == 2018).row(0, named=True)
    assert r18["allocated_per_inhabitant"] == pytest.approx(2_100_000 / 13_100)
    assert r18["spent_per_inhabitant"] == pytest.approx(1_950_000 / 13_100)
    assert r18["n_budget_lines"] == 2
    r19 = out.filter(pl.col("year") == 2019).row(0, named=True)
    assert r19["spent_eur"] is None and r19["inhabitants_year"] == 2018
    strict = nb.budget_per_inhabitant(wb, inh, area_code=WIJK, nearest_year=False)
    assert strict.filter(pl.col("year") == 2019)["allocated_per_inhabitant"][0] is None
    with pytest.raises(ValueError):
        nb.budget_per_inhabitant(wb.with_columns(allocated_eur=pl.lit(-1.0)), inh)


def test_vitality_overview_joins_on_year():
    ggd = _ggd()
    wb = pl.DataFrame({"year": [2020, 2021], "budget_line": ["Wmo", "Wmo"],
                       "allocated_eur": [2_100_000.0, 2_100_000.0],
                       "spent_eur": [2_000_000.0, None]})
    inh = pl.DataFrame({"area_code": [WIJK], "year": [2020], "inhabitants": [13_500]})
    out = nb.vitality_overview(ggd, wb, inh, indicator_codes=["Eenzaamheid_27"])
    assert out["year"].to_list() == [*YEARS[:3], 2021, 2022]
    r20 = out.filter(pl.col("year") == 2020).row(0, named=True)
    assert r20["allocated_per_inhabitant"] == pytest.approx(2_100_000 / 13_500)
    assert r20["indicator_code"] == "Eenzaamheid_27"
    r21 = out.filter(pl.col("year") == 2021).row(0, named=True)
    assert r21["indicator_code"] is None and r21["spent_per_inhabitant"] is None
    assert out.filter(pl.col("year") == 2012)["allocated_eur"][0] is None
    with pytest.raises(ValueError, match="Onbekend"):
        nb.vitality_overview(ggd, wb, inh, indicator_codes=["Onbekend_1"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 10), st.floats(0, 10)),
                min_size=2, max_size=2))
def test_property_z_test_symmetry(pairs):
    rows = []
    for code, (est, dlo, dhi) in zip([WIJK, GEM], pairs, strict=True):
        rows.append({"area_code": code, "area_level": "wijk", "year": 2020, "age_group": "18+",
                     "indicator_code": "X_1", "indicator_label": "X", "estimate_pct": est,
                     "ci_lower": max(0.0, est - dlo), "ci_upper": min(100.0, est + dhi)})
    row = nb.compare_areas(pl.DataFrame(rows), year=2020).row(0, named=True)
    if row["se_diff_vs_gemeente"] is None:  # both intervals of zero width: no test
        assert row["p_vs_gemeente"] is None
        return
    assert 0.0 <= row["p_vs_gemeente"] <= 1.0
    assert row["diff_vs_gemeente_ci_lower"] <= row["diff_vs_gemeente"] <= \
        row["diff_vs_gemeente_ci_upper"]
    assert math.copysign(1, row["z_vs_gemeente"]) == math.copysign(1, row["diff_vs_gemeente"]) \
        or row["diff_vs_gemeente"] == 0
    assert row["nederland_estimate"] is None and row["p_vs_nederland"] is None


def test_did_summary_is_flat_and_matches_the_record():
    import polars as pl

    from ruwaard_analysis.neighbourhood import diff_in_diff

    rows = []
    for code, pre, post in (("WK1", 40.0, 50.0), ("WK2", 40.0, 42.0), ("WK3", 41.0, 44.0),
                            ("WK4", 39.0, 40.0)):
        for year, est in ((2012, pre), (2016, post)):
            rows.append({"area_code": code, "area_level": "wijk", "year": year, "age_group": "18+",
                         "indicator_code": "X_1", "indicator_label": "x", "estimate_pct": est,
                         "ci_lower": est - 2, "ci_upper": est + 2})
    did = diff_in_diff(pl.DataFrame(rows), treated="WK1", controls=["WK2", "WK3", "WK4"],
                       indicator_code="X_1", pre_year=2012, post_year=2016)
    s = did.summary()
    assert s["estimate"] == pytest.approx(10.0 - (2 + 3 + 1) / 3)
    assert s["n_controls"] == 3 and s["p_value"] == did.p_value
    assert all(not isinstance(v, tuple | list) for v in s.values())
    pl.DataFrame([s])  # one row of a results table


def test_did_table_skips_indicators_and_controls_without_both_waves():
    import polars as pl

    from ruwaard_analysis.neighbourhood import diff_in_diff, diff_in_diff_table

    def row(area, year, code, est):
        return {"area_code": area, "area_level": "wijk", "year": year, "age_group": "18+",
                "indicator_code": code, "indicator_label": code, "estimate_pct": est,
                "ci_lower": est - 2, "ci_upper": est + 2}

    rows = []
    for area, pre, post in (("WK1", 40, 50), ("WK2", 40, 42), ("WK3", 41, 44), ("WK4", 39, 40)):
        rows += [row(area, 2012, "A_1", pre), row(area, 2016, "A_1", post)]
    rows += [row("WK1", 2016, "B_2", 30.0), row("WK2", 2016, "B_2", 31.0)]  # only from 2016
    rows += [row("WK5", 2016, "A_1", 45.0)]  # a control without the 2012 wave
    ggd = pl.DataFrame(rows)
    table = diff_in_diff_table(ggd, treated="WK1", pre_year=2012, post_year=2016)
    assert table["indicator_code"].to_list() == ["A_1"]
    direct = diff_in_diff(ggd, treated="WK1", controls=["WK2", "WK3", "WK4"],
                          indicator_code="A_1", pre_year=2012, post_year=2016)
    assert table["estimate"].item() == pytest.approx(direct.estimate)
    assert table["n_controls"].item() == 3
    assert diff_in_diff_table(ggd, treated="WK1", pre_year=2016, post_year=2020).height == 0
