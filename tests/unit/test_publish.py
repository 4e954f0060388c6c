"""publish: report-contract shapes and disclosure control of what the notebooks write."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from ruwaard_analysis import costs, demo, publish
from ruwaard_analysis.loaders import load_cbs_areas, load_reference
from ruwaard_analysis.report_contract import REQUIRED_KEY_FIGURES, REQUIRED_TABLES
from ruwaard_analysis.report_year import select_micro
from ruwaard_analysis.stats.paired import paired_change_long
from ruwaard_analysis.stats.rtm import effect_beyond_rtm
from ruwaard_analysis.stats.summary import mean_ci_by


@pytest.fixture(scope="module")
def frames():
    return demo.generate_demo()


def _wellbeing_pub(frames, year, min_cell_size=5):
    sel = select_micro(frames["cases"], frames["wellbeing"], year=year)
    change = paired_change_long(sel.wellbeing, seed=1, n_resamples=2000, valid_range=(1, 10))
    return sel, publish.wellbeing(
        cases_handled=sel.cases.height, cases_sampled=sel.sampled.height,
        moments=mean_ci_by(sel.wellbeing, by="moment", value="score"), changes=[change],
        rtm=effect_beyond_rtm(change), min_cell_size=min_cell_size)


def _check_contract(pub):
    for name, frame in pub.tables.items():
        if name in REQUIRED_TABLES:
            for col, dtype in REQUIRED_TABLES[name].columns.items():
                assert col in frame.columns, (name, col)
                assert frame.schema[col] == dtype, (name, col, frame.schema[col], dtype)
    for name, fig in pub.key_figures.items():
        if name in REQUIRED_KEY_FIGURES:
            assert fig["unit"] == REQUIRED_KEY_FIGURES[name].unit, name


def test_wellbeing_2016_published_figures_and_contract(frames):
    _, pub = _wellbeing_pub(frames, 2016)
    kf = pub.key_figures
    assert kf["casussen_steekproef"]["value"] == 13
    assert round(kf["welbevinden_voormeting_gemiddeld"]["value"], 1) == 2.9
    assert round(kf["welbevinden_nameting_gemiddeld"]["value"], 1) == 7.6
    diff = kf["welbevinden_verschil_gemiddeld"]
    assert diff["ci_low"] < diff["value"] < diff["ci_high"]
    assert kf["welbevinden_rtm_verwacht_verschil"]["value"] > 0
    _check_contract(pub)
    moments = pub.tables["welbevinden_momenten"]["moment"].to_list()
    assert moments == ["voormeting", "nameting"]  # no repeat measurement by February 2017


def test_small_group_is_suppressed_everywhere(frames, tmp_path):
    # with a minimum cell size above the 13 cases of 2016 nothing about them may be published
    _, pub = _wellbeing_pub(frames, 2016, min_cell_size=20)
    for name in ("welbevinden_voormeting_gemiddeld", "welbevinden_verschil_gemiddeld",
                 "casussen_steekproef"):
        fig = pub.key_figures[name]
        assert fig["suppressed"] and fig["value"] is None and fig["ci_low"] is None
    # the 30 cases handled form a group above the minimum: that count stays
    assert not pub.key_figures["casussen_totaal"]["suppressed"]
    assert pub.key_figures["casussen_totaal"]["value"] == 30
    pub.write(tmp_path, "01_welbevinden")
    written = json.loads((tmp_path / "key_figures" / "01_welbevinden.json").read_text())
    text = json.dumps(written)
    mean_before = 2.923076923
    assert f"{mean_before:.6f}"[:6] not in text
    moments = pl.read_parquet(tmp_path / "tables" / "welbevinden_momenten.parquet")
    assert moments["suppressed"].all() and moments["mean"].null_count() == moments.height


def test_costs_contract_and_payer_totals_add_up(frames):
    sel = select_micro(frames["cases"], cost_lines=frames["cost_lines"], year=2017)
    priced = costs.price_cost_lines(sel.cost_lines, load_reference("price_list"),
                                    load_reference("cpi"))
    per_case = costs.costs_per_case(priced)
    pub = publish.costs(n_cost_analyses=sel.cost_cases.height,
                        per_scenario=costs.costs_per_scenario(per_case),
                        per_payer=costs.costs_per_payer(priced),
                        saving=costs.mean_saving_ci(per_case, seed=1, n_resamples=2000),
                        population=costs.extrapolate_to_population(
                            per_case["saving_vs_current"], population_size=sel.cases.height))
    _check_contract(pub)
    scen = pub.tables["kosten_scenario"]
    payer = pub.tables["kosten_betaler"]
    for scenario in publish.SCENARIOS:
        by_payer = payer.filter(pl.col("scenario") == scenario)["total_eur"].sum()
        total = scen.filter(pl.col("scenario") == scenario)["total_eur"].item()
        assert by_payer == pytest.approx(total)
    total = pub.key_figures["kosten_extrapolatie_besparing_totaal"]
    mean = pub.key_figures["kosten_besparing_per_jaar_gemiddeld"]
    assert total["value"] == pytest.approx(mean["value"] * sel.cases.height)


def test_neighbourhood_wijkprofiel_and_visitors_are_not_suppressed_by_weeks(frames):
    pub = publish.neighbourhood(year=2016, areas=load_cbs_areas(), inhabitants_wijk=13000,
                                visitors=frames["visitors"].filter(
                                    pl.col("week_start").dt.year() <= 2016))
    _check_contract(pub)
    visitors = pub.key_figures["bezoekers_per_week_gemiddeld"]
    assert visitors["n"] < 5 and not visitors["suppressed"]  # n counts weeks, not people
    assert visitors["n_unit"] == "weken" and visitors["value"] is not None
    profile = pub.tables["wijkprofiel"]
    assert profile["indicator"].to_list()[0] == "inhabitants"
    assert profile.filter(pl.col("indicator") == "inhabitants")["nederland"].item() > 17e6
    assert profile["year"].unique().to_list() == [2024]  # the CBS year, named in the report


def test_published_twice_is_an_error():
    a, b = publish.Published(5), publish.Published(5)
    a.figure("casussen_totaal", 30, n=30)
    b.figure("casussen_totaal", 31, n=31)
    with pytest.raises(ValueError, match="twice"):
        a.merge(b)


def test_positive_health_waves_are_numbered_in_date_order(frames):
    from ruwaard_analysis import positive_health

    scores = positive_health.domain_scores(frames["positive_health"])
    pub = publish.positive_health(profile=positive_health.profile_per_wave(scores),
                                  n_respondents=scores["respondent_id"].n_unique())
    _check_contract(pub)
    table = pub.tables["positieve_gezondheid_domeinen"]
    firsts = table.group_by("wave").agg(pl.col("wave_date").first()).sort("wave")
    assert firsts["wave"].to_list() == [1, 2, 3]
    assert firsts["wave_date"].is_sorted()
    assert np.all(table["n"].to_numpy() >= 0)
