"""Tests of ruwaard_analysis.costs against independent oracles (hand formulas, pandas, scipy,
Lohr's textbook example, the annuity formula, simulation)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from ruwaard_analysis import config, costs
from ruwaard_analysis.errors import InsufficientDataError

PRICE_LIST = pl.DataFrame({
    "item_code": ["ggz_consult", "wmo_begeleiding", "huur_achterstand", "politie_inzet"],
    "description": ["a", "b", "c", "d"],
    "unit": ["consult", "uur", "maand", "uur"],
    "unit_price_eur": [120.0, 60.0, 650.0, 85.0],
    "price_year": [2022, 2023, 2024, 2020],
    "domain": ["ggz", "welzijn", "wonen", "veiligheid"],
    "payer": ["zorgverzekeraar", "gemeente", "woningcorporatie", "politie_justitie"],
    "source": ["kostenhandleiding_2024", "schatting", "schatting", "schatting"],
})
CPI = pl.DataFrame({"year": [2020, 2021, 2022, 2023, 2024],
                    "cpi": [105.3, 108.1, 118.9, 123.4, 127.5]})
CPI_D = dict(zip(CPI["year"].to_list(), CPI["cpi"].to_list(), strict=True))


def _lines() -> pl.DataFrame:
    return pl.DataFrame({
        "case_id": ["c1"] * 5 + ["c2"] * 3,
        "scenario": ["huidig", "huidig", "zonder_oplossing", "oplossing_eenmalig",
                     "na_oplossing", "huidig", "oplossing_eenmalig", "na_oplossing"],
        "item_code": ["ggz_consult", "politie_inzet", "huur_achterstand", "wmo_begeleiding",
                      "ggz_consult", "wmo_begeleiding", "wmo_begeleiding", "wmo_begeleiding"],
        "quantity": [10.0, 4.0, 12.0, 20.0, 2.0, 50.0, 10.0, 60.0],
    })


def _oracle_amount(item: str, qty: float, to_year: int = config.PRICE_YEAR) -> float:
    row = PRICE_LIST.filter(pl.col("item_code") == item).row(0, named=True)
    return qty * row["unit_price_eur"] * CPI_D[to_year] / CPI_D[row["price_year"]]


# ---------------------------------------------------------------------------------- pricing


def test_price_cost_lines_matches_hand_computation():
    priced = costs.price_cost_lines(_lines(), PRICE_LIST, CPI, price_year=2024)
    expected = [_oracle_amount(i, q) for i, q in zip(_lines()["item_code"], _lines()["quantity"],
                                                     strict=True)]
    np.testing.assert_allclose(priced["amount_eur"].to_numpy(), expected, rtol=1e-12)
    assert priced["payer"].to_list()[1] == "politie_justitie"
    assert priced.height == _lines().height


def test_index_prices_other_year():
    out = costs.index_prices(PRICE_LIST, CPI, to_year=2022)
    np.testing.assert_allclose(
        out["unit_price_indexed"].to_numpy(),
        [p * CPI_D[2022] / CPI_D[y] for p, y in zip(PRICE_LIST["unit_price_eur"],
                                                    PRICE_LIST["price_year"], strict=True)],
    )


def test_cpi_factor_reproduces_kostenhandleiding_factor():
    """Kostenhandleiding 2024 (tatooheene df_cpi_combined): 2022 -> 2024 factor 1.073."""
    path = config.REFERENCE_DIR / "cpi.csv"
    if not path.exists():
        pytest.skip("reference CPI not shipped yet")
    cpi = pl.read_csv(path)
    assert costs.cpi_factor(cpi, from_year=2022, to_year=2024) == pytest.approx(1.073, abs=0.002)
    assert costs.cpi_factor(cpi, from_year=2015, to_year=2024) == pytest.approx(1.303, abs=0.003)


def test_unknown_item_code_is_named():
    lines = _lines().vstack(pl.DataFrame({"case_id": ["c3"], "scenario": ["huidig"],
                                          "item_code": ["bestaat_niet"], "quantity": [1.0]}))
    with pytest.raises(ValueError, match="bestaat_niet"):
        costs.price_cost_lines(lines, PRICE_LIST, CPI)


def test_missing_cpi_year_is_named():
    with pytest.raises(ValueError, match="2020"):
        costs.price_cost_lines(_lines(), PRICE_LIST, CPI.filter(pl.col("year") != 2020))
    with pytest.raises(ValueError, match="2030"):
        costs.price_cost_lines(_lines(), PRICE_LIST, CPI, price_year=2030)


@pytest.mark.parametrize("bad", [float("nan"), -1.0, float("inf")])
def test_bad_quantity_refused(bad):
    lines = _lines().with_columns(pl.when(pl.int_range(pl.len()) == 2).then(bad)
                                  .otherwise(pl.col("quantity")).alias("quantity"))
    with pytest.raises(ValueError, match="quantity"):
        costs.price_cost_lines(lines, PRICE_LIST, CPI)


def test_unknown_scenario_and_bad_cpi_refused():
    with pytest.raises(ValueError, match="scenario"):
        costs.price_cost_lines(_lines().with_columns(scenario=pl.lit("later")), PRICE_LIST, CPI)
    with pytest.raises(ValueError, match="cpi"):
        costs.price_cost_lines(_lines(), PRICE_LIST, CPI.with_columns(cpi=pl.lit(float("nan"))))
    dup = PRICE_LIST.vstack(PRICE_LIST.head(1))
    with pytest.raises(ValueError, match="ggz_consult"):
        costs.price_cost_lines(_lines(), dup, CPI)


# ---------------------------------------------------------------------------------- per case


def test_costs_per_case_savings_and_payback():
    per_case = costs.costs_per_case(costs.price_cost_lines(_lines(), PRICE_LIST, CPI))
    c1 = per_case.filter(pl.col("case_id") == "c1").row(0, named=True)
    huidig = _oracle_amount("ggz_consult", 10) + _oracle_amount("politie_inzet", 4)
    zonder = _oracle_amount("huur_achterstand", 12)
    eenmalig = _oracle_amount("wmo_begeleiding", 20)
    na = _oracle_amount("ggz_consult", 2)
    assert c1["huidig"] == pytest.approx(huidig)
    assert c1["saving_vs_current"] == pytest.approx(huidig - na)
    assert c1["saving_vs_nothing"] == pytest.approx(zonder - na)
    assert c1["payback_months"] == pytest.approx(eenmalig / ((huidig - na) / 12))
    assert c1["payback_reason"] is None
    c2 = per_case.filter(pl.col("case_id") == "c2").row(0, named=True)
    assert c2["zonder_oplossing"] == 0.0  # no lines = nothing used
    assert c2["saving_vs_current"] < 0
    assert c2["payback_months"] is None
    assert c2["payback_reason"] == costs.PAYBACK_NO_SAVING


def test_payback_against_nothing():
    per_case = costs.costs_per_case(costs.price_cost_lines(_lines(), PRICE_LIST, CPI),
                                    payback_against="nothing")
    c1 = per_case.filter(pl.col("case_id") == "c1").row(0, named=True)
    assert c1["payback_months"] == pytest.approx(
        c1["oplossing_eenmalig"] * 12 / c1["saving_vs_nothing"])


def test_costs_per_scenario_against_numpy():
    per_case = costs.costs_per_case(costs.price_cost_lines(_lines(), PRICE_LIST, CPI))
    summary = costs.costs_per_scenario(per_case)
    assert summary["measure"].to_list() == [*costs.SCENARIOS, *costs.SAVING_MEASURES]
    row = summary.filter(pl.col("measure") == "huidig").row(0, named=True)
    v = per_case["huidig"].to_numpy()
    assert row["n"] == 2
    assert row["mean"] == pytest.approx(np.mean(v))
    assert row["sd"] == pytest.approx(np.std(v, ddof=1))
    assert row["median"] == pytest.approx(np.median(v))
    assert row["total"] == pytest.approx(v.sum())


def _skewed_cases(n: int = 30) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    huidig = rng.lognormal(9, 0.8, n)
    na = huidig * rng.uniform(0.3, 0.9, n)
    nothing = huidig * rng.uniform(1.5, 4.0, n)
    return pl.DataFrame({
        "case_id": [f"c{i}" for i in range(n)], "huidig": huidig, "zonder_oplossing": nothing,
        "oplossing_eenmalig": np.zeros(n), "na_oplossing": na,
        "saving_vs_current": huidig - na, "saving_vs_nothing": nothing - na,
    })


def test_costs_per_scenario_bootstrap_intervals():
    per_case = _skewed_cases()
    summary = costs.costs_per_scenario(per_case, seed=11)
    rows = {r["measure"]: r for r in summary.iter_rows(named=True)}
    for measure in ("huidig", "zonder_oplossing", "na_oplossing", "saving_vs_current"):
        row = rows[measure]
        assert row["ci_low"] < row["mean"] < row["ci_high"], measure
        # independent oracle: scipy's BCa with its own generator and more resamples
        ref = sps.bootstrap((per_case[measure].to_numpy(),), np.mean, method="BCa",
                            n_resamples=20_000, rng=np.random.default_rng(99))
        width = ref.confidence_interval.high - ref.confidence_interval.low
        assert row["ci_low"] == pytest.approx(ref.confidence_interval.low, abs=0.05 * width)
        assert row["ci_high"] == pytest.approx(ref.confidence_interval.high, abs=0.05 * width)
    # the saving's interval is the one of the key figure (same seed, same method)
    saving = costs.mean_saving_ci(per_case, seed=11)
    assert (rows["saving_vs_current"]["ci_low"], rows["saving_vs_current"]["ci_high"]) == (
        saving.ci_low, saving.ci_high)
    # a scenario that costs nothing in every case has no interval, not a zero-width one
    assert rows["oplossing_eenmalig"]["ci_low"] is None
    assert "ci_low" not in costs.costs_per_scenario(per_case).columns  # no seed, no interval
    assert summary.equals(costs.costs_per_scenario(per_case, seed=11))  # reproducible


def test_costs_per_payer_effectenarena():
    priced = costs.price_cost_lines(_lines(), PRICE_LIST, CPI)
    payer = costs.costs_per_payer(priced)
    gem = payer.filter(pl.col("payer") == "gemeente").row(0, named=True)
    # wmo_begeleiding is the gemeente's: one-off 20 + 10 units; yearly c2 50 -> 60 units
    assert gem["investment"] == pytest.approx(_oracle_amount("wmo_begeleiding", 30))
    assert gem["yearly_gain_vs_current"] == pytest.approx(_oracle_amount("wmo_begeleiding", -10))
    assert gem["net_first_year"] == pytest.approx(gem["yearly_gain_vs_current"]
                                                  - gem["investment"])
    assert gem["n_cases"] == 2


_case_ids = st.sampled_from([f"c{i}" for i in range(8)])
_line = st.tuples(_case_ids, st.sampled_from(costs.SCENARIOS),
                  st.sampled_from(PRICE_LIST["item_code"].to_list()),
                  st.floats(0, 1e4, allow_nan=False))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, min_size=1, max_size=60))
def test_property_totals_agree_with_pandas(rows):
    lines = pl.DataFrame(rows, schema=["case_id", "scenario", "item_code", "quantity"],
                         orient="row")
    priced = costs.price_cost_lines(lines, PRICE_LIST, CPI)
    per_case = costs.costs_per_case(priced)
    per_payer = costs.costs_per_payer(priced)
    # pandas oracle: merge + groupby + unstack
    pdl = lines.to_pandas().merge(PRICE_LIST.to_pandas(), on="item_code")
    pdl["amount"] = pdl["quantity"] * pdl["unit_price_eur"] * CPI_D[2024] / pdl["price_year"].map(
        CPI_D)
    wide = pdl.pivot_table(index="case_id", columns="scenario", values="amount", aggfunc="sum",
                           fill_value=0.0).reindex(columns=list(costs.SCENARIOS), fill_value=0.0)
    wide = wide.sort_index()
    assert per_case["case_id"].to_list() == wide.index.to_list()
    for s in costs.SCENARIOS:
        np.testing.assert_allclose(per_case[s].to_numpy(), wide[s].to_numpy(), rtol=1e-9,
                                   atol=1e-6)
        # invariant: the payers split the same totals as the cases
        assert per_payer[s].sum() == pytest.approx(per_case[s].sum(), rel=1e-9, abs=1e-6)
    pos = per_case.filter(pl.col("payback_months").is_not_null())
    np.testing.assert_allclose(
        pos["payback_months"].to_numpy() * pos["saving_vs_current"].to_numpy() / 12,
        pos["oplossing_eenmalig"].to_numpy(), rtol=1e-9, atol=1e-6)
    assert per_case.filter(pl.col("saving_vs_current") <= 0)["payback_months"].null_count() == \
        per_case.filter(pl.col("saving_vs_current") <= 0).height
    # a payback time is either a finite number or null with a reason, never both or neither
    assert (per_case["payback_months"].is_null() == per_case["payback_reason"].is_not_null()).all()
    assert per_case["payback_months"].drop_nulls().is_finite().all()


# ---------------------------------------------------------------------------------- inference


def _skewed_savings(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({"case_id": [f"c{i}" for i in range(n)],
                         "saving_vs_current": rng.lognormal(7.5, 1.0, n)})


def test_mean_saving_ci_against_scipy_bootstrap():
    pytest.importorskip("ruwaard_analysis.stats.bootstrap")
    per_case = _skewed_savings(25, 1)
    est = costs.mean_saving_ci(per_case, seed=7, n_resamples=5000)
    v = per_case["saving_vs_current"].to_numpy()
    ref = sps.bootstrap((v,), np.mean, n_resamples=5000, method="BCa", confidence_level=0.95,
                        rng=np.random.default_rng(123)).confidence_interval
    width = ref.high - ref.low
    assert est.n == 25 and est.mean == pytest.approx(v.mean())
    assert est.ci_low < est.mean < est.ci_high
    assert abs(est.ci_low - ref.low) < 0.1 * width
    assert abs(est.ci_high - ref.high) < 0.1 * width
    # skewed costs: the BCa interval reaches further above the mean than below it
    assert est.ci_high - est.mean > est.mean - est.ci_low
    again = costs.mean_saving_ci(per_case, seed=7, n_resamples=5000)
    assert again == est  # deterministic with a seed


def test_mean_saving_ci_refuses_tiny_or_flat():
    with pytest.raises(InsufficientDataError):
        costs.mean_saving_ci(_skewed_savings(1, 1), seed=1)
    flat = pl.DataFrame({"saving_vs_current": [100.0] * 5})
    with pytest.raises(InsufficientDataError):
        costs.mean_saving_ci(flat, seed=1)
    with pytest.raises(ValueError):
        costs.mean_saving_ci(pl.DataFrame({"saving_vs_current": [1.0, float("nan"), 3.0]}),
                             seed=1)


def test_extrapolation_reproduces_lohr_example_2_5():
    """Lohr, Sampling: Design and Analysis (2nd ed.), Example 2.5: SRS of n = 300 of the
    N = 3078 US counties; ybar = 297,897 acres, s = 344,551.9, SE(ybar) = 18,898."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=300)
    z = (z - z.mean()) / z.std(ddof=1)
    sample = 297_897.05 + 344_551.9 * z
    est = costs.extrapolate_to_population(sample, population_size=3078)
    assert est.se_mean == pytest.approx(18_898, abs=1.0)
    assert est.total == pytest.approx(3078 * 297_897.05)
    assert est.se_total == pytest.approx(3078 * 18_898, rel=1e-4)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e5, 1e5, allow_nan=False), min_size=2, max_size=40),
       st.integers(0, 500))
def test_property_extrapolation_formula(values, extra):
    v = np.asarray(values)
    if v.std(ddof=1) == 0:  # also when the variance underflows
        with pytest.raises(InsufficientDataError):
            costs.extrapolate_to_population(v, population_size=len(v) + extra)
        return
    n, big_n = len(v), len(v) + extra
    est = costs.extrapolate_to_population(v, population_size=big_n, confidence=0.9)
    var_total = big_n**2 * (1 - n / big_n) * v.var(ddof=1) / n  # Cochran (2.x) for the total
    half = sps.t.ppf(0.95, n - 1) * math.sqrt(var_total)
    assert est.total == pytest.approx(big_n * v.mean(), rel=1e-9, abs=1e-6)
    assert est.ci_high - est.total == pytest.approx(half, rel=1e-9, abs=1e-6)
    assert est.n == n and est.population_size == big_n
    if extra == 0:
        assert est.ci_low == pytest.approx(est.ci_high)  # a census has no sampling error


def test_extrapolation_coverage_without_replacement():
    """Simulation: sampling half of a finite skewed population without replacement, the
    FPC interval covers the true total ~95% of the time; without the FPC it over-covers."""
    rng = np.random.default_rng(20160512)
    big_n, n, reps = 200, 100, 2000
    population = rng.gamma(2.0, 1500.0, big_n) - 800.0
    truth = population.sum()
    hit = hit_no_fpc = 0
    tq = sps.t.ppf(0.975, n - 1)
    for _ in range(reps):
        s = rng.choice(population, size=n, replace=False)
        est = costs.extrapolate_to_population(s, population_size=big_n)
        hit += est.ci_low <= truth <= est.ci_high
        half_no_fpc = tq * big_n * s.std(ddof=1) / math.sqrt(n)
        hit_no_fpc += abs(est.total - truth) <= half_no_fpc
    assert 0.93 <= hit / reps <= 0.97
    assert hit_no_fpc / reps > 0.98


def test_extrapolation_refusals():
    with pytest.raises(ValueError):
        costs.extrapolate_to_population([1.0, 2.0, 3.0], population_size=2)
    with pytest.raises(InsufficientDataError):
        costs.extrapolate_to_population([1.0], population_size=200)
    with pytest.raises(ValueError):
        costs.extrapolate_to_population([1.0, float("nan")], population_size=200)


# ---------------------------------------------------------------------------------- projection


@settings(max_examples=50, deadline=None)
@given(saving=st.floats(-1e5, 1e5, allow_nan=False), one_off=st.floats(0, 1e5),
       years=st.integers(1, 30), dw=st.floats(0, 1), attr=st.floats(0, 1),
       r=st.floats(0.0, 0.2))
def test_npv_equals_annuity_formula_without_drop_off(saving, one_off, years, dw, attr, r):
    p = costs.project_multi_year(saving, one_off, years=years, deadweight=dw, attribution=attr,
                                 drop_off=0.0, discount_rate=r)
    net = saving * (1 - dw) * attr
    # numerically stable annuity factor (1 - (1 + r)^-T) / r
    annuity = years if r == 0 else -math.expm1(-years * math.log1p(r)) / r
    assert p.npv == pytest.approx(net * annuity - one_off, rel=1e-9, abs=1e-6)
    assert p.table.height == years + 1


@settings(max_examples=50, deadline=None)
@given(saving=st.floats(0, 1e5), years=st.integers(1, 20), d=st.floats(0, 0.9),
       r=st.floats(0.0, 0.2))
def test_npv_with_drop_off_equals_geometric_series(saving, years, d, r):
    p = costs.project_multi_year(saving, 0.0, years=years, drop_off=d, discount_rate=r)
    # closed form of sum_{t=1..T} q^(t-1) = (q^T - 1) / (q - 1) with q = (1 - d) / (1 + r),
    # written with x = q - 1 = -(d + r) / (1 + r) in a numerically stable way
    x = -(d + r) / (1 + r)
    series = years if x == 0 else math.expm1(years * math.log1p(x)) / x
    assert p.npv == pytest.approx(saving / (1 + r) * series, rel=1e-9, abs=1e-6)
    if d > 1e-6 and years > 1 and saving > 1e-6:
        assert p.table["gross_saving"][2] < p.table["gross_saving"][1]


def test_projection_defaults_and_payback():
    p = costs.project_multi_year(1000.0, 2500.0)
    assert p.discount_rate == config.DISCOUNT_RATE == 0.0225
    # cumulative discounted: -2500, -1522, -566, +370 -> year 3
    assert p.discounted_payback_year == 3
    assert p.benefit_cost_ratio == pytest.approx(p.pv_savings / 2500.0)
    assert costs.project_multi_year(-10.0, 5.0).discounted_payback_year is None


@pytest.mark.parametrize("kw", [{"deadweight": 1.5}, {"attribution": -0.1}, {"drop_off": 2},
                                {"discount_rate": float("nan")}, {"years": 0}])
def test_projection_refuses_out_of_range(kw):
    with pytest.raises(ValueError):
        costs.project_multi_year(100.0, 10.0, **kw)


def test_sensitivity_tornado():
    table = costs.sensitivity(1000.0, 2000.0, base={"deadweight": 0.2})
    swings = table["swing"].to_numpy()
    assert np.all(np.diff(swings) <= 0)  # ordered by swing
    base_npv = costs.project_multi_year(1000.0, 2000.0, deadweight=0.2).npv
    assert np.allclose(table["npv_base"].to_numpy(), base_npv)
    dw = table.filter(pl.col("parameter") == "deadweight").row(0, named=True)
    annuity = (1 - 1.0225**-5) / 0.0225
    # NPV is linear in deadweight: swing = saving * annuity * (high - low)
    assert dw["swing"] == pytest.approx(1000.0 * annuity * 0.5)
    custom = costs.sensitivity(1000.0, 2000.0, ranges={"yearly_saving": (400.0, 1900.0)})
    assert custom.height == 1
    assert custom["swing"][0] == pytest.approx(1500.0 * annuity)
    with pytest.raises(ValueError):
        costs.sensitivity(1000.0, 2000.0, ranges={"weather": (0, 1)})


def test_costs_per_case_adds_the_same_bits_as_a_filtered_sum():
    # The published savings and their BCa intervals are compared exactly between commits
    # (tests/end_to_end baseline): a faster sum must add the same numbers in the same order.
    rng = np.random.default_rng(7)
    n = 5_000
    priced = pl.DataFrame({
        "case_id": rng.integers(0, 300, n).astype(str),
        "scenario": rng.choice(list(costs.SCENARIOS), n),
        "amount_eur": rng.gamma(2.0, 700.0, n) / 3.0,
    })
    per_case = costs.costs_per_case(priced)
    filtered = priced.group_by("case_id").agg(
        *[pl.col("amount_eur").filter(pl.col("scenario") == s).sum().alias(s)
          for s in costs.SCENARIOS]).sort("case_id")
    for s in costs.SCENARIOS:
        assert per_case[s].to_list() == filtered[s].to_list(), s


def test_costs_per_payer_counts_a_case_once_wherever_its_lines_are():
    """#15: cases per payer are counted on the run of a case's lines when each case's lines
    are together; lines of a case spread over the file give the same counts and sums."""
    priced = costs.price_cost_lines(_lines(), PRICE_LIST, CPI)
    together = costs.costs_per_payer(priced)
    spread = costs.costs_per_payer(priced.sample(fraction=1.0, shuffle=True, seed=3)
                                   .with_columns(_case=pl.lit("not the case")))
    assert together["n_cases"].to_list() == spread["n_cases"].to_list()
    assert together["n_cases"].to_list() == [
        priced.filter(pl.col("payer") == p)["case_id"].n_unique() for p in together["payer"]]
    for s in costs.SCENARIOS:
        assert together[s].to_list() == pytest.approx(spread[s].to_list())
    assert "_case" not in together.columns and "_case" not in spread.columns


def test_pricing_gathers_what_the_join_gives():
    """#15: the price list's columns are gathered by the item's position, as the left join
    would give them (and with the join where a line already has such a column)."""
    lines = pl.concat([_lines()] * 3)
    priced = costs.price_cost_lines(lines, PRICE_LIST, CPI)
    prices = costs.index_prices(PRICE_LIST, CPI, to_year=config.PRICE_YEAR).select(
        "item_code", "unit_price_indexed", "payer", "domain")
    joined = lines.with_columns(pl.col("scenario").cast(costs._SCENARIO_DTYPE)).join(
        prices, on="item_code", how="left", maintain_order="left").with_columns(
        amount_eur=pl.col("quantity") * pl.col("unit_price_indexed"))
    assert priced.equals(joined)
    with_payer = costs.price_cost_lines(lines.with_columns(payer=pl.lit("x")), PRICE_LIST, CPI)
    assert with_payer["payer_right"].to_list() == priced["payer"].to_list()
