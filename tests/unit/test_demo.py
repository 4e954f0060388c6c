"""The synthetic demo dataset: determinism, canonical columns, and the published figures.

Every figure is recomputed from the written CSV files with plain polars, following the
report-year rules of docs/architecture.md, not with the generator's internals.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import config
from ruwaard_analysis.demo import SOURCE_KEYS, generate_demo, write_demo_dataset
from ruwaard_analysis.errors import RuwaardError

SCHEMAS = {
    "cases": {
        "case_id": pl.String, "mdo_date": pl.Date, "mdo_year": pl.Int64,
        "solution_start_date": pl.Date, "precondition_wonen": pl.Boolean,
        "precondition_financien": pl.Boolean, "precondition_relaties": pl.Boolean,
        "precondition_dagbesteding": pl.Boolean, "in_random_sample": pl.Boolean,
        "cost_analysis_date": pl.Date,
    },
    "wellbeing": {"case_id": pl.String, "moment": pl.String, "measured_on": pl.Date,
                  "score": pl.Float64},
    "cost_lines": {"case_id": pl.String, "scenario": pl.String, "item_code": pl.String,
                   "quantity": pl.Float64},
    "positive_health": {"respondent_id": pl.String, "wave_date": pl.Date, "domain": pl.String,
                        "item": pl.String, "score": pl.Float64},
    "ggd_indicators": {
        "area_code": pl.String, "area_level": pl.String, "year": pl.Int64,
        "age_group": pl.String, "indicator_code": pl.String, "indicator_label": pl.String,
        "estimate_pct": pl.Float64, "ci_lower": pl.Float64, "ci_upper": pl.Float64,
    },
    "wijkbudget": {"year": pl.Int64, "budget_line": pl.String, "allocated_eur": pl.Float64,
                   "spent_eur": pl.Float64},
    "inhabitants": {"area_code": pl.String, "year": pl.Int64, "inhabitants": pl.Int64,
                    "dwellings": pl.Int64, "area_ha": pl.Float64},
    "visitors": {"week_start": pl.Date, "unique_visitors": pl.Int64},
}
SEEDS = [config.DEFAULT_SEED, 1, 2024]
FIELDS_50120NED = (Path("/work/shared/reference/rivm-gezondheid-wijkbuurt-meta")
                   / "fields_50120NED.csv")


def read(folder: Path, key: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{key}.synthetic.csv", schema=SCHEMAS[key])


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def demo(request, tmp_path_factory) -> dict[str, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    write_demo_dataset(folder, seed=request.param)
    return {key: read(folder, key) for key in SOURCE_KEYS}


@pytest.fixture(scope="module")
def default_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("default") / "demo"
    write_demo_dataset(folder)
    return folder


# --------------------------------------------------------------------------- helpers


def micro(d: dict[str, pl.DataFrame], year: int):
    """Sampled cases, their measurements and their cost analyses as seen in report year Y."""
    sampled = d["cases"].filter(pl.col("mdo_year") <= year, pl.col("in_random_sample"))
    wellbeing = d["wellbeing"].join(sampled.select("case_id"), on="case_id", how="semi").filter(
        pl.col("measured_on") <= date(year + 1, 2, 28))
    costed = sampled.filter(pl.col("cost_analysis_date") <= date(year, 12, 31))
    return sampled, wellbeing, costed


def paired(wellbeing: pl.DataFrame) -> pl.DataFrame:
    return wellbeing.pivot("moment", index="case_id", values="score").drop_nulls(
        ["voormeting", "nameting"])


def yearly_costs(d: dict[str, pl.DataFrame], to_year: int | None) -> pl.DataFrame:
    """Euros per case and scenario: at the price list's own level, or indexed to ``to_year``."""
    prices = pl.read_csv(config.REFERENCE_DIR / "price_list.csv")
    cpi = pl.read_csv(config.REFERENCE_DIR / "cpi.csv")
    lines = d["cost_lines"].join(prices, on="item_code", how="left").join(
        cpi.rename({"year": "price_year", "cpi": "cpi_price"}), on="price_year", how="left")
    factor = pl.lit(1.0)
    if to_year is not None:
        target = cpi.filter(pl.col("year") == to_year)["cpi"].item()
        factor = target / pl.col("cpi_price")
    return (lines.with_columns(eur=pl.col("quantity") * pl.col("unit_price_eur") * factor)
            .group_by("case_id", "scenario").agg(pl.col("eur").sum())
            .pivot("scenario", index="case_id", values="eur").fill_null(0.0))


def handled_by(cases: pl.DataFrame, day: date) -> int:
    return cases.filter(pl.col("mdo_date") <= day).height


# --------------------------------------------------------------------------- files


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    first = write_demo_dataset(tmp_path / "a", seed=7)
    second = write_demo_dataset(tmp_path / "b", seed=7)
    other = write_demo_dataset(tmp_path / "c", seed=8)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    differ = {p.name for p, q in zip(first, other, strict=True)
              if p.read_bytes() != q.read_bytes()}
    assert {"cases.synthetic.csv", "wellbeing.synthetic.csv", "cost_lines.synthetic.csv",
            "visitors.synthetic.csv", "metadata.json"} <= differ


def test_files_readme_and_metadata(default_folder):
    names = sorted(p.name for p in default_folder.iterdir())
    expected = sorted([f"{k}.synthetic.csv" for k in SOURCE_KEYS] + ["README.md", "metadata.json"])
    assert names == expected
    meta = json.loads((default_folder / "metadata.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert meta["seed"] == config.DEFAULT_SEED
    assert meta["generator_version"]
    readme = (default_folder / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetische data" in readme and "geen echte personen" in readme
    assert str(config.DEFAULT_SEED) in readme
    assert not (default_folder / "price_list.synthetic.csv").exists()


def test_rerun_replaces_folder_and_leaves_no_temporary_folder(tmp_path):
    out = tmp_path / "demo"
    write_demo_dataset(out, seed=3)
    (out / "stray.csv").write_text("x\n1\n", encoding="utf-8")
    write_demo_dataset(out, seed=3)
    assert not (out / "stray.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_refuses_to_replace_a_folder_that_is_not_a_demo_folder(tmp_path):
    out = tmp_path / "raw"
    out.mkdir()
    (out / "cases.csv").write_text("case_id\nA\n", encoding="utf-8")
    with pytest.raises(RuwaardError, match="geen map met synthetische demodata"):
        write_demo_dataset(out)
    assert (out / "cases.csv").read_text(encoding="utf-8") == "case_id\nA\n"


def test_csv_format_is_plain(default_folder):
    text = (default_folder / "wellbeing.synthetic.csv").read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    header, first = text.splitlines()[:2]
    assert header == "case_id,moment,measured_on,score"
    assert first.split(",")[2].count("-") == 2  # ISO date
    assert ";" not in text


def test_canonical_columns_and_dtypes(default_folder):
    for key, schema in SCHEMAS.items():
        header = pl.read_csv(default_folder / f"{key}.synthetic.csv", n_rows=0).columns
        assert header == list(schema), key
        df = read(default_folder, key)  # parses with the canonical dtypes
        assert df.height > 0, key


def test_generate_demo_matches_canonical_schema():
    frames = generate_demo()
    assert set(frames) == set(SOURCE_KEYS)
    for key, schema in SCHEMAS.items():
        assert dict(frames[key].schema) == schema, key


def test_passes_the_data_contracts(default_folder):
    from ruwaard_analysis.loaders import validate_folder

    assert [str(p) for p in validate_folder(default_folder)] == []


def test_generation_is_fast():
    start = time.perf_counter()
    generate_demo(seed=11)
    assert time.perf_counter() - start < 1.0


# --------------------------------------------------------------------------- report year 2016


def test_2016_wellbeing_of_13_cases_rose_from_2_9_to_7_6(demo):
    sampled, wellbeing, _ = micro(demo, 2016)
    assert sampled.height == 13
    pairs = paired(wellbeing)
    assert pairs.height == 13
    assert round(pairs["voormeting"].mean(), 1) == 2.9
    assert round(pairs["nameting"].mean(), 1) == 7.6
    assert (pairs["nameting"] > pairs["voormeting"]).all()
    assert "herhaalmeting" not in wellbeing["moment"].to_list()


@pytest.mark.parametrize("to_year", [None, 2016, 2024])
def test_2016_nine_cost_analyses_all_save_0_to_10000(demo, to_year):
    _, _, costed = micro(demo, 2016)
    assert costed.height == 9
    costs = yearly_costs(demo, to_year).join(costed.select("case_id"), on="case_id", how="semi")
    assert costs.height == 9
    saving = costs["huidig"] - costs["na_oplossing"]
    assert (costs["na_oplossing"] < costs["huidig"]).all()
    assert ((saving > 0) & (saving < 10_000)).all()


def test_housing_was_the_start_in_about_30_percent(demo):
    sampled, _, _ = micro(demo, 2016)
    assert sampled["precondition_wonen"].sum() == 4  # 4 of 13 = 31%
    share = demo["cases"]["precondition_wonen"].mean()
    assert 0.25 <= share <= 0.35
    preconditions = demo["cases"].select(pl.col("^precondition_.*$"))
    assert preconditions.select(pl.any_horizontal(pl.all())).to_series().all()


# --------------------------------------------------------------------------- cases and 2017


def test_number_of_cases_handled(demo):
    cases = demo["cases"]
    assert 25 <= handled_by(cases, date(2016, 12, 31)) <= 35
    assert 45 <= handled_by(cases, date(2017, 3, 31)) <= 55
    assert 185 <= handled_by(cases, date(2017, 12, 31)) <= 215
    assert 350 <= handled_by(cases, date(2018, 12, 31)) <= 400
    assert cases["case_id"].is_unique().all()
    assert (cases["mdo_year"] == cases["mdo_date"].dt.year()).all()
    assert (cases["solution_start_date"] >= cases["mdo_date"]).all()


def test_2017_25_micro_analyses_all_rose_by_more_than_5_on_average(demo):
    sampled, wellbeing, costed = micro(demo, 2017)
    assert sampled.height == 25
    assert sampled.group_by("mdo_year").len().sort("mdo_year")["len"].to_list() == [13, 12]
    pairs = paired(wellbeing)
    assert pairs.height == 25
    gain = pairs["nameting"] - pairs["voormeting"]
    assert (gain > 0).all()
    assert gain.mean() > 5
    assert costed.height == 25
    costs = yearly_costs(demo, 2024).join(costed.select("case_id"), on="case_id", how="semi")
    assert (costs["na_oplossing"] < costs["huidig"]).all()


def test_follow_up_in_2018_shows_a_lasting_effect(demo):
    sampled, _, _ = micro(demo, 2017)
    w = demo["wellbeing"].join(sampled.select("case_id"), on="case_id", how="semi")
    wide = w.pivot("moment", index="case_id", values=["score", "measured_on"])
    follow = wide.drop_nulls("score_herhaalmeting")
    assert 2 <= wide.height - follow.height <= 3  # follow-up is incomplete
    assert (follow["measured_on_herhaalmeting"].dt.year() == 2018).all()
    months = (follow["measured_on_herhaalmeting"] - follow["measured_on_nameting"]).dt.total_days()
    assert (months >= 150).all()
    assert abs(follow["score_herhaalmeting"].mean() - follow["score_nameting"].mean()) < 0.5
    assert follow["score_herhaalmeting"].mean() > follow["score_voormeting"].mean() + 4


def test_new_micro_analyses_in_2018(demo):
    sampled_2018 = demo["cases"].filter(pl.col("mdo_year") == 2018, pl.col("in_random_sample"))
    assert 3 <= sampled_2018.height <= 8
    _, wellbeing, costed = micro(demo, 2018)
    assert paired(wellbeing).height == 25 + sampled_2018.height
    assert costed.height == 25 + sampled_2018.height


def test_wellbeing_scores_are_report_marks_and_start_low(demo):
    w = demo["wellbeing"]
    assert w["score"].is_between(1, 10).all()
    assert ((w["score"] * 10).round(6) % 1 == 0).all()  # at most one decimal
    before = w.filter(pl.col("moment") == "voormeting")["score"]
    assert (before <= 5).mean() >= 0.8
    assert w.select("case_id", "moment").is_unique().all()
    only_sampled = demo["cases"].filter(pl.col("in_random_sample"))["case_id"]
    assert w["case_id"].is_in(only_sampled.implode()).all()
    order = w.pivot("moment", index="case_id", values="measured_on")
    assert (order["nameting"] > order["voormeting"]).all()


def test_cost_lines_cover_four_scenarios_with_known_items(demo):
    lines = demo["cost_lines"]
    prices = pl.read_csv(config.REFERENCE_DIR / "price_list.csv")
    assert lines["item_code"].is_in(prices["item_code"].implode()).all()
    assert (lines["quantity"] >= 0).all()
    per_case = lines.group_by("case_id").agg(pl.col("scenario").n_unique())
    assert (per_case["scenario"] == 4).all()
    costed = demo["cases"].filter(pl.col("cost_analysis_date").is_not_null())
    assert sorted(per_case["case_id"]) == sorted(costed["case_id"])
    costs = yearly_costs(demo, None)
    assert (costs["zonder_oplossing"] > costs["huidig"]).all()
    assert (costs["oplossing_eenmalig"] > 0).all()
    once = lines.filter(pl.col("scenario") == "oplossing_eenmalig")
    assert once.filter(pl.col("item_code") == "mdo_overleg").height == costed.height


# --------------------------------------------------------------------------- other sources


def test_positive_health_waves_with_drop_out(demo):
    ph = demo["positive_health"]
    assert ph["score"].is_between(0, 10).all()
    items = ph.select("domain", "item").unique()
    assert items.height == 42
    assert (items.group_by("domain").len()["len"] == 7).all()
    waves = ph.group_by("wave_date").agg(pl.col("respondent_id").unique()).sort("wave_date")
    dates = waves["wave_date"].to_list()
    assert dates[0] == date(2017, 10, 16)
    assert dates[1].year == 2018 and dates[1].month == 4
    assert dates[2].year == 2018 and dates[2].month >= 11
    people = [set(x) for x in waves["respondent_id"].to_list()]
    assert len(people[0]) == 13
    assert people[0] > people[1] > people[2]  # drop-out, nobody new
    answered = ph.group_by("respondent_id", "wave_date").len()["len"]
    assert (answered == 42).all()


def test_ggd_indicators_for_wijk_gemeente_nederland_and_comparison_wijken(demo):
    ggd = demo["ggd_indicators"]
    areas = set(ggd["area_code"])
    assert {config.WIJK_CODE, config.GEMEENTE_CODE, config.NEDERLAND_CODE} <= areas
    assert len({a for a in areas if a.startswith("WK0828")}) >= 5
    assert set(ggd["year"]) == {2012, 2016, 2020}
    assert set(ggd["age_group"]) == {"18+"}
    assert ((ggd["ci_lower"] <= ggd["estimate_pct"]) & (ggd["estimate_pct"] <= ggd["ci_upper"])
            ).all()
    assert ggd.select("area_code", "year", "age_group", "indicator_code").is_unique().all()
    level = {"WK": "wijk", "GM": "gemeente", "NL": "nederland"}
    assert (ggd["area_code"].str.slice(0, 2).replace_strict(level) == ggd["area_level"]).all()
    width = ggd.group_by("area_level").agg((pl.col("ci_upper") - pl.col("ci_lower")).mean())
    w = dict(width.iter_rows())
    assert w["wijk"] > w["gemeente"] > w["nederland"]
    if FIELDS_50120NED.exists():
        fields = pl.read_csv(FIELDS_50120NED)
        assert set(ggd["indicator_code"]) <= set(fields["key"])


def test_visitors_weekly_from_opening_over_300_in_early_2018(demo):
    v = demo["visitors"].sort("week_start")
    assert (v["week_start"].dt.weekday() == 1).all()
    first = v["week_start"][0]
    assert first.year == 2016 and first.month == 12
    assert (v["week_start"].diff().drop_nulls().dt.total_days() == 7).all()
    early_2018 = v.filter(pl.col("week_start").is_between(date(2018, 1, 1), date(2018, 3, 31)))
    assert early_2018.height == 13
    assert (early_2018["unique_visitors"] > 300).all()


def test_inhabitants_ruwaard_about_13000(demo):
    inh = demo["inhabitants"]
    ruwaard = inh.filter(pl.col("area_code") == config.WIJK_CODE).sort("year")
    assert ruwaard["year"].to_list() == [2016, 2017, 2018]
    assert ruwaard["inhabitants"].is_between(12_500, 13_500).all()
    for code in (config.GEMEENTE_CODE, config.NEDERLAND_CODE):
        assert inh.filter(pl.col("area_code") == code).height == 3
    nl = inh.filter(pl.col("area_code") == config.NEDERLAND_CODE)["inhabitants"]
    assert nl.is_between(16_500_000, 17_500_000).all()


def test_wijkbudget_lines_and_the_2018_budget_set_on_2016_spending(demo):
    wb = demo["wijkbudget"]
    assert set(wb["budget_line"]) == {"Wmo", "welzijn"}
    assert sorted(set(wb["year"])) == [2016, 2017, 2018]
    spent_2016 = wb.filter(pl.col("year") == 2016).select("budget_line", "spent_eur")
    alloc_2018 = wb.filter(pl.col("year") == 2018).select("budget_line", "allocated_eur")
    both = spent_2016.join(alloc_2018, on="budget_line")
    assert (both["spent_eur"] == both["allocated_eur"]).all()
    assert 2_000_000 <= both["allocated_eur"].sum() <= 2_200_000
    assert wb.filter(pl.col("year") <= 2017)["spent_eur"].is_not_null().all()


def test_cli_demo_data_writes_the_folder(tmp_path, capsys):
    from ruwaard_analysis.cli import main

    out = tmp_path / "demo"
    assert main(["demo-data", "--out", str(out), "--seed", "5"]) == 0
    assert "10 synthetische bestanden" in capsys.readouterr().out
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8"))["seed"] == 5


def test_solution_starts_spread_some_late_some_not_started(demo):
    cases = demo["cases"]
    days = (cases["solution_start_date"] - cases["mdo_date"]).dt.total_days()
    late = (days > 42).sum()
    assert 0.1 * cases.height <= late <= 0.35 * cases.height  # some later than six weeks
    not_started = cases["solution_start_date"].null_count()
    assert 5 <= not_started <= 0.1 * cases.height  # some have not started at all
    sampled = cases.filter(pl.col("in_random_sample"))
    sampled_days = (sampled["solution_start_date"] - sampled["mdo_date"]).dt.total_days()
    assert sampled_days.null_count() == 0 and sampled_days.max() <= 42  # nameting in time
