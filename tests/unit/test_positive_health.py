"""Tests of ruwaard_analysis.positive_health against independent oracles (numpy means,
statsmodels t intervals, scipy paired t test)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.weightstats import DescrStatsW

from ruwaard_analysis import positive_health as ph
from ruwaard_analysis.errors import InsufficientDataError

W0, W1 = date(2017, 10, 15), date(2018, 4, 15)


def _responses(n_resp: int = 12, seed: int = 3, gain: float = 1.0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n_resp):
        level = rng.uniform(3, 7)
        for w, wave in enumerate((W0, W1)):
            for d in ph.DOMAINS:
                for i in range(ph.ITEMS_PER_DOMAIN):
                    s = float(np.clip(np.round(level + w * gain + rng.normal(0, 1.5)), 0, 10))
                    rows.append({"respondent_id": f"R{r:02d}", "wave_date": wave, "domain": d,
                                 "item": f"{d}_{i + 1}", "score": s})
    return pl.DataFrame(rows)


def test_domain_score_is_mean_of_items():
    resp = _responses()
    scores = ph.domain_scores(resp)
    assert scores.height == 12 * 2 * 6
    one = resp.filter((pl.col("respondent_id") == "R03") & (pl.col("wave_date") == W1)
                      & (pl.col("domain") == "zingeving"))
    got = scores.filter((pl.col("respondent_id") == "R03") & (pl.col("wave_date") == W1)
                        & (pl.col("domain") == "zingeving")).row(0, named=True)
    assert got["score"] == pytest.approx(np.mean(one["score"].to_numpy()))
    assert got["n_items"] == 7
    # the six domains in the fixed spider-web order within each respondent and wave
    first = scores.head(6)["domain"].to_list()
    assert first == list(ph.DOMAINS)


def test_missing_items_rule():
    resp = _responses(n_resp=2)
    # R00, wave 0: 3 of 7 answered in meedoen (too few), 4 of 7 in zingeving (enough)
    blank = (
        (pl.col("respondent_id") == "R00") & (pl.col("wave_date") == W0)
        & (((pl.col("domain") == "meedoen") & pl.col("item").str.slice(-1).is_in(["1", "2",
                                                                                   "3", "4"]))
           | ((pl.col("domain") == "zingeving") & pl.col("item").str.slice(-1).is_in(["1", "2",
                                                                                     "3"])))
    )
    resp = resp.with_columns(pl.when(blank).then(None).otherwise(pl.col("score")).alias("score"))
    scores = ph.domain_scores(resp)
    r0 = scores.filter((pl.col("respondent_id") == "R00") & (pl.col("wave_date") == W0))
    assert "meedoen" not in r0["domain"].to_list()
    z = r0.filter(pl.col("domain") == "zingeving").row(0, named=True)
    assert z["n_items"] == 4
    answered = resp.filter((pl.col("respondent_id") == "R00") & (pl.col("wave_date") == W0)
                           & (pl.col("domain") == "zingeving") & pl.col("score").is_not_null())
    assert z["score"] == pytest.approx(answered["score"].mean())
    # a lower explicit minimum keeps meedoen
    assert "meedoen" in ph.domain_scores(resp, min_items=3).filter(
        (pl.col("respondent_id") == "R00") & (pl.col("wave_date") == W0))["domain"].to_list()


def test_domain_level_input_passes_through():
    dl = pl.DataFrame({"respondent_id": ["a", "a"], "wave_date": [W0, W0],
                       "domain": ["meedoen", "zingeving"], "item": [None, None],
                       "score": [6.5, 7.0]}, schema_overrides={"item": pl.String})
    out = ph.domain_scores(dl)
    assert out["domain"].to_list() == ["zingeving", "meedoen"]  # fixed order
    assert out["score"].to_list() == [7.0, 6.5]
    assert out["n_items"].null_count() == 2


@pytest.mark.parametrize("bad", [11.0, -0.5, float("nan")])
def test_out_of_range_scores_refused(bad):
    resp = _responses(n_resp=1).with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(bad).otherwise(pl.col("score")).alias("score"))
    with pytest.raises(ValueError):
        ph.domain_scores(resp)


def test_unknown_domain_and_duplicates_refused():
    resp = _responses(n_resp=1)
    with pytest.raises(ValueError, match="lichamelijk"):
        ph.domain_scores(resp.with_columns(pl.lit("lichamelijk").alias("domain")))
    with pytest.raises(ValueError, match="twice"):
        ph.domain_scores(pl.concat([resp, resp.head(1)]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=7, max_size=7),
                min_size=1, max_size=8))
def test_property_domain_score_bounds(item_rows):
    rows = []
    for r, items in enumerate(item_rows):
        for i, s in enumerate(items):
            rows.append({"respondent_id": f"r{r}", "wave_date": W0, "domain": "meedoen",
                         "item": f"m{i}", "score": None if s is None else float(s)})
    out = ph.domain_scores(pl.DataFrame(rows, schema_overrides={"score": pl.Float64}))
    for r, items in enumerate(item_rows):
        answered = [s for s in items if s is not None]
        got = out.filter(pl.col("respondent_id") == f"r{r}")
        if len(answered) >= 4:
            assert got["score"][0] == pytest.approx(np.mean(answered))
            assert min(answered) <= got["score"][0] <= max(answered)
        else:
            assert got.height == 0


def test_profile_per_wave_against_statsmodels():
    scores = ph.domain_scores(_responses())
    prof = ph.profile_per_wave(scores, confidence=0.9)
    assert prof.height == 12
    assert prof.filter(pl.col("wave_date") == W0)["domain"].to_list() == list(ph.DOMAINS)
    row = prof.filter((pl.col("wave_date") == W1) & (pl.col("domain") == "meedoen")).row(
        0, named=True)
    v = scores.filter((pl.col("wave_date") == W1) & (pl.col("domain") == "meedoen"))[
        "score"].to_numpy()
    d = DescrStatsW(v)
    lo, hi = d.tconfint_mean(alpha=0.1)
    assert row["n"] == len(v) == 12
    assert row["mean"] == pytest.approx(v.mean())
    assert row["sd"] == pytest.approx(d.std * np.sqrt(len(v) / (len(v) - 1)))
    assert row["ci_low"] == pytest.approx(lo)
    assert row["ci_high"] == pytest.approx(hi)


def test_profile_small_cells_keep_n():
    scores = ph.domain_scores(_responses(n_resp=1))
    prof = ph.profile_per_wave(scores.filter(pl.col("domain") != "meedoen"))
    mee = prof.filter(pl.col("domain") == "meedoen")
    assert mee["n"].to_list() == [0, 0]
    one = prof.filter(pl.col("domain") == "zingeving")
    assert one["n"].to_list() == [1, 1] and one["ci_low"].null_count() == 2
    with pytest.raises(InsufficientDataError):
        ph.profile_per_wave(scores.head(0))


def test_change_per_domain_against_scipy():
    pytest.importorskip("ruwaard_analysis.stats.paired")
    scores = ph.domain_scores(_responses(gain=1.5))
    # one respondent only in the first wave: excluded from the pairs
    scores = scores.filter(~((pl.col("respondent_id") == "R11") & (pl.col("wave_date") == W1)))
    ch = ph.change_per_domain(scores, W0, W1, seed=11, n_resamples=2000)
    assert ch["domain"].to_list() == list(ph.DOMAINS)
    row = ch.filter(pl.col("domain") == "kwaliteit_van_leven").row(0, named=True)
    wide = (scores.filter(pl.col("domain") == "kwaliteit_van_leven")
            .pivot(on="wave_date", index="respondent_id", values="score").drop_nulls())
    b, a = wide[str(W0)].to_numpy(), wide[str(W1)].to_numpy()
    ref = sps.ttest_rel(a, b)
    assert row["n"] == 11 and row["n_excluded"] == 1
    assert row["mean_diff"] == pytest.approx(np.mean(a - b))
    assert row["p_t"] == pytest.approx(ref.pvalue, rel=1e-6)
    ci = ref.confidence_interval(0.95)
    assert row["ci_low"] == pytest.approx(ci.low) and row["ci_high"] == pytest.approx(ci.high)


def test_change_per_domain_insufficient():
    pytest.importorskip("ruwaard_analysis.stats.paired")
    scores = ph.domain_scores(_responses(n_resp=1))
    with pytest.raises(InsufficientDataError):
        ph.change_per_domain(scores, W0, W1, seed=1)
    with pytest.raises(ValueError):
        ph.change_per_domain(scores, W0, date(2030, 1, 1), seed=1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=30))
def test_property_profile_bounds(values):
    scores = pl.DataFrame({"respondent_id": [f"r{i}" for i in range(len(values))],
                           "wave_date": [W0] * len(values), "domain": ["meedoen"] * len(values),
                           "score": values})
    row = ph.profile_per_wave(scores).filter(pl.col("domain") == "meedoen").row(0, named=True)
    assert row["n"] == len(values)
    assert min(values) - 1e-9 <= row["mean"] <= max(values) + 1e-9
    if len(values) >= 2:
        assert row["ci_low"] <= row["mean"] + 1e-9 <= row["ci_high"] + 2e-9
        assert row["sd"] == pytest.approx(np.std(values, ddof=1), abs=1e-9)
