"""Charts: build, validate against the Vega-Lite schema, render to SVG with Dutch text, and
never carry values of groups below the minimum cell size."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

import polars as pl
import pytest
import vl_convert as vlc

from ruwaard_analysis.present import charts, labels, theme

MIN = 5
SECRET = 7.31415  # value of a group of 3: must never reach a spec; unusual digits on purpose


def wellbeing_scores() -> pl.DataFrame:
    cases = [f"R{i:03d}" for i in range(13)]
    before = [1.5 + 0.25 * i for i in range(13)]
    after = [6.0 + 0.2 * i for i in range(13)]
    return pl.DataFrame({
        "case_id": cases * 2 + ["R001", "R002", "R003"],
        "moment": ["voormeting"] * 13 + ["nameting"] * 13 + ["herhaalmeting"] * 3,
        "score": before + after + [SECRET] * 3,
    })


def trajectory_means() -> pl.DataFrame:
    return pl.DataFrame({
        "moment": ["voormeting", "nameting", "herhaalmeting"],
        "mean": [2.9, 7.6, SECRET], "ci_low": [2.4, 7.1, SECRET - 1],
        "ci_high": [3.4, 8.1, SECRET + 1], "n": [13, 13, 3],
    })


def cost_scenarios() -> pl.DataFrame:
    return pl.DataFrame({
        "measure": ["huidig", "zonder_oplossing", "oplossing_eenmalig", "na_oplossing",
                    "saving_vs_current"],
        "n": [9, 9, 9, 3, 9],
        "mean": [12000.0, 15500.0, 3000.0, SECRET * 1000, 8000.0],
        "ci_low": [9000.0, 11000.0, 2000.0, 1.0, 5000.0],
        "ci_high": [15000.0, 19000.0, 4000.0, 2.0, 11000.0],
    })


def payer_totals() -> pl.DataFrame:
    """The published table kosten_betaler: per payer and scenario n and total (a payer of 3
    cases as it would arrive without the gate, to show the chart leaves it out itself)."""
    rows = {"gemeente": (9, [30000.0, 40000.0, 20000.0, 0.0]),
            "zorgverzekeraar": (8, [15000.0, 20000.0, 5000.0, 3000.0]),
            "woningcorporatie": (3, [SECRET * 10, 0.0, SECRET * 100, 0.0])}
    scenarios = ["huidig", "zonder_oplossing", "oplossing_eenmalig", "na_oplossing"]
    return pl.DataFrame([
        {"payer": p, "scenario": sc, "n": n, "total_eur": t}
        for p, (n, totals) in rows.items() for sc, t in zip(scenarios, totals, strict=True)])


def wellbeing_distribution() -> pl.DataFrame:
    from ruwaard_analysis.stats.summary import distribution_by

    return distribution_by(wellbeing_scores(), by="moment", value="score")


def health_profile() -> pl.DataFrame:
    domains = list(labels.HEALTH_DOMAINS)
    return pl.DataFrame({
        "wave_date": [date(2017, 10, 1)] * 6 + [date(2018, 10, 1)] * 6,
        "domain": domains * 2,
        "mean": [6.1, 5.5, 7.0, 6.4, 5.2, 6.8, 6.5, 6.0, 7.2, 6.9, 5.8, SECRET],
        "n": [20] * 11 + [3],
    })


def ggd_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "indicator_label": ["Ervaren gezondheid (zeer) goed"] * 3 + ["Eenzaam"] * 3,
        "area_level": ["wijk", "gemeente", "nederland"] * 2,
        "estimate_pct": [71.2, 76.0, 75.1, 48.0, 44.2, 46.5],
        "ci_lower": [66.0, 75.0, 74.9, 43.0, 43.0, 46.3],
        "ci_upper": [76.0, 77.0, 75.3, 53.0, 45.4, 46.7],
    })


def ggd_trend_frame() -> pl.DataFrame:
    g = ggd_frame()
    return pl.concat([g.with_columns(year=pl.lit(2016)),
                      g.with_columns(year=pl.lit(2020), estimate_pct=pl.col("estimate_pct") + 1)])


def visitors() -> pl.DataFrame:
    weeks = [date(2017, 1, 2) + timedelta(weeks=i) for i in range(30)]
    counts = [1000 + 25 * i for i in range(30)]
    return pl.DataFrame({"week_start": weeks, "unique_visitors": counts})


def budget() -> pl.DataFrame:
    return pl.DataFrame({"year": [2016, 2017], "allocated_per_inhabitant": [1250.5, 1300.0],
                         "spent_per_inhabitant": [1100.0, None]})


CHARTS = {
    "wellbeing_distribution": lambda: charts.wellbeing_distribution_chart(
        wellbeing_distribution(), min_cell_size=MIN),
    "wellbeing_trajectory": lambda: charts.wellbeing_trajectory_chart(trajectory_means()),
    "costs_per_scenario": lambda: charts.costs_per_scenario_chart(cost_scenarios()),
    "costs_per_payer": lambda: charts.costs_per_payer_chart(payer_totals()),
    "positive_health_radar": lambda: charts.positive_health_radar_chart(health_profile()),
    "ggd_comparison": lambda: charts.ggd_comparison_chart(ggd_frame()),
    "ggd_trend": lambda: charts.ggd_trend_chart(ggd_trend_frame()),
    "visitors": lambda: charts.visitors_chart(visitors()),
    "budget": lambda: charts.budget_chart(budget()),
}
WITH_SMALL_GROUP = ["wellbeing_distribution", "wellbeing_trajectory", "costs_per_scenario",
                    "costs_per_payer", "positive_health_radar"]


def svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


@pytest.mark.parametrize("key", sorted(CHARTS))
def test_chart_validates_renders_and_shows_dutch_title_and_alt_text(key):
    chart = CHARTS[key]()
    spec = theme.chart_spec(chart)  # validates against the Vega-Lite schema
    assert spec["description"].strip()
    assert "{" not in spec["description"]
    texts = svg_texts(theme.chart_svg(chart))
    assert labels.TITLES[key] in texts


@pytest.mark.parametrize("key", WITH_SMALL_GROUP)
def test_values_of_small_groups_never_reach_the_spec(key):
    chart = CHARTS[key]()
    dumped = json.dumps(theme.chart_spec(chart))
    for secret in (SECRET, SECRET * 10, SECRET * 100, SECRET * 1000, SECRET - 1, SECRET + 1):
        assert repr(secret)[:6] not in dumped, secret
    assert "<5" in dumped  # the subtitle names what is not shown


def test_distribution_chart_hides_cases_and_the_small_moment():
    spec = theme.chart_spec(CHARTS["wellbeing_distribution"]())
    dumped = json.dumps(spec, ensure_ascii=False)
    assert "R001" not in dumped
    assert "Herhaalmeting (6-12 maanden)" in spec["title"]["subtitle"][0]
    rows = [r for data in spec["datasets"].values() for r in data]
    assert {r["label"] for r in rows} == {"Voormeting", "Nameting (±6 weken)"}
    # one row per moment, with its n: no single case, no minimum or maximum
    assert len(rows) == 2 and all(r["n"] == 13 for r in rows)
    scores = set(wellbeing_scores()["score"].to_list())
    drawn = {v for r in rows for k, v in r.items() if k in ("p25", "median", "p75")}
    assert {min(scores), max(scores)}.isdisjoint(drawn)


def test_distribution_chart_draws_the_quartiles_numpy_gives():
    import numpy as np

    before = wellbeing_scores().filter(pl.col("moment") == "voormeting")["score"].to_numpy()
    spec = theme.chart_spec(CHARTS["wellbeing_distribution"]())
    row = next(r for data in spec["datasets"].values() for r in data
               if r["label"] == "Voormeting")
    assert (row["p25"], row["median"], row["p75"]) == pytest.approx(
        tuple(np.percentile(before, [25, 50, 75])))
    assert row["mean"] == pytest.approx(before.mean())


def test_alt_text_is_dutch_formatted_and_leaves_out_the_small_group():
    spec = theme.chart_spec(CHARTS["wellbeing_trajectory"]())
    assert spec["description"] == (
        "Gemiddeld ervaren welbevinden (1-10) met 95%-betrouwbaarheidsinterval op 2 meetmomenten: "
        "Voormeting 2,9 (95%-BI 2,4 tot 3,4); Nameting (±6 weken) 7,6 (95%-BI 7,1 tot 8,1)."
    )


def test_theme_is_applied_on_export_without_changing_the_global_theme():
    import altair as alt

    before = alt.theme.active
    spec = theme.chart_spec(CHARTS["budget"]())
    assert alt.theme.active == before
    assert spec["config"]["range"]["category"] == theme.OKABE_ITO
    if before != theme.THEME_NAME:
        assert "locale" not in CHARTS["budget"]().to_dict().get("config", {})


def test_axes_use_dutch_thousands_separator():
    texts = svg_texts(theme.chart_svg(CHARTS["costs_per_scenario"]()))
    assert "10.000" in texts
    assert "10,000" not in texts


def test_time_axis_uses_dutch_month_names():
    texts = svg_texts(theme.chart_svg(CHARTS["visitors"]()))
    assert any(t.startswith(("mrt", "mei", "okt")) for t in texts)


def test_cost_chart_mentions_an_interval_only_when_it_draws_one():
    with_ci = charts.costs_per_scenario_chart(cost_scenarios())
    without = charts.costs_per_scenario_chart(cost_scenarios().drop("ci_low", "ci_high"))
    assert "betrouwbaarheidsinterval" in with_ci.description
    assert len(with_ci.to_dict()["layer"]) == 2
    assert "betrouwbaarheidsinterval" not in without.description
    assert len(without.to_dict()["layer"]) == 1  # bars only, no interval rules


def test_a_few_weeks_of_visitors_are_labelled_by_their_monday_not_one_month_over_and_over():
    texts = svg_texts(theme.chart_svg(charts.visitors_chart(visitors().head(5))))
    assert [t for t in texts if t[:1].isdigit() and t.endswith("jan")] == [
        "2 jan", "9 jan", "16 jan", "23 jan", "30 jan"]
    # a year of weeks keeps month labels
    long = svg_texts(theme.chart_svg(CHARTS["visitors"]()))
    assert not any(t.endswith(" jan") and t[:1].isdigit() for t in long)


def test_ggd_trend_wraps_long_indicator_names_instead_of_cutting_them():
    frame = ggd_trend_frame().with_columns(
        pl.lit("Hoog risico op angststoornis of depressie").alias("indicator_label"))
    svg = theme.chart_svg(charts.ggd_trend_chart(frame))
    lines = [html.unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)]
    assert lines[:2] == ["Hoog risico op angststoornis", "of depressie"]  # two lines
    assert "…" not in svg


def test_radar_has_six_domain_labels_in_order_and_a_closed_polygon_per_wave():
    chart = CHARTS["positive_health_radar"]()
    texts = svg_texts(theme.chart_svg(chart))
    for name in labels.HEALTH_DOMAINS.values():
        assert name in texts
    assert "oktober 2017" in texts
    spec = theme.chart_spec(chart)
    lines = [lay for lay in spec["layer"] if lay["mark"].get("interpolate") == "linear-closed"]
    assert len(lines) == 2  # grid rings and the profiles


def test_radar_prefers_wave_dates_over_wave_numbers():
    profile = health_profile().with_columns(
        wave=pl.col("wave_date").rank("dense").cast(pl.Int64)
    )
    spec = theme.chart_spec(charts.positive_health_radar_chart(profile))
    waves = {r["wave_label"] for data in spec["datasets"].values() for r in data
             if "wave_label" in r}
    assert waves == {"oktober 2017", "oktober 2018"}
    numbered = profile.drop("wave_date")
    spec = theme.chart_spec(charts.positive_health_radar_chart(numbered))
    waves = {r["wave_label"] for data in spec["datasets"].values() for r in data
             if "wave_label" in r}
    assert waves == {"1", "2"}


def test_unknown_category_raises_keyerror():
    frame = trajectory_means().with_columns(moment=pl.lit("tussenmeting"))
    with pytest.raises(KeyError, match="tussenmeting"):
        charts.wellbeing_trajectory_chart(frame)


def test_missing_column_is_named():
    with pytest.raises(KeyError, match="ci_upper"):
        charts.ggd_comparison_chart(ggd_frame().drop("ci_upper"))


def test_save_chart_writes_three_identical_files_twice(tmp_path):
    chart = CHARTS["costs_per_payer"]()
    first = theme.save_chart(chart, tmp_path / "a")
    second = theme.save_chart(chart, tmp_path / "b")
    assert sorted(first) == ["png", "svg", "vl.json"]
    assert first["vl.json"].name == "a.vl.json"
    for kind in first:
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    assert first["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    spec = json.loads(first["vl.json"].read_text(encoding="utf-8"))
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    # the saved spec renders on its own to the same SVG
    assert vlc.vegalite_to_svg(spec) == first["svg"].read_text(encoding="utf-8")


def test_png_has_text(tmp_path):
    """A font list resvg cannot parse drops all text from the PNG; text makes it larger."""
    chart = CHARTS["wellbeing_trajectory"]()
    spec = theme.chart_spec(chart)
    # the same chart with an unquoted "Source Sans 3" everywhere: known to lose all text
    no_text = json.loads(json.dumps(spec).replace(json.dumps(theme.FONT)[1:-1],
                                                  "Source Sans 3, sans-serif"))
    with_text = theme.chart_png(chart, scale=1)
    assert len(with_text) > 1.5 * len(vlc.vegalite_to_png(no_text, scale=1))


def test_chart_html_is_offline():
    page = theme.chart_html(CHARTS["ggd_comparison"]())
    assert not re.search(r"<script[^>]+src=", page)
    assert "cdn.jsdelivr" not in page
    assert "vegaEmbed" in page
    assert '"decimal": ","' in page


def test_distribution_chart_bytes_do_not_depend_on_row_order():
    """group_by order varies between runs; the chart (and so the results' bytes) must not."""
    import json

    import numpy as np

    from ruwaard_analysis.present.charts import wellbeing_distribution_chart
    from ruwaard_analysis.present.theme import chart_spec
    from ruwaard_analysis.stats.summary import distribution_by

    rng = np.random.default_rng(3)
    ids = [f"C{i:03d}" for i in range(12)]
    scores = pl.DataFrame({
        "case_id": ids * 2,
        "moment": ["voormeting"] * 12 + ["nameting"] * 12,
        "score": np.concatenate([rng.integers(1, 5, 12), rng.integers(6, 10, 12)]).astype(float),
    })

    def spec(frame):
        table = distribution_by(frame, by="moment", value="score")
        return json.dumps(chart_spec(wellbeing_distribution_chart(table)), sort_keys=True)

    reference = spec(scores)
    for seed in range(5):
        assert spec(scores.sample(fraction=1.0, shuffle=True, seed=seed)) == reference


def test_notebook_output_is_static_svg_without_cdn():
    import altair as alt

    from ruwaard_analysis.present.theme import enable_notebook_output

    before = alt.renderers.active
    try:
        enable_notebook_output()
        chart = alt.Chart(pl.DataFrame({"x": [1000.5, 20000.0], "y": [1, 2]})).mark_point().encode(
            x="x:Q", y="y:Q")
        bundle = chart._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        assert list(bundle) == ["image/svg+xml"]
        svg = bundle["image/svg+xml"]
        assert "<svg" in svg and "cdn" not in svg and "<script" not in svg
        assert "20.000" in svg  # Dutch thousands separator on the axis
    finally:
        alt.renderers.enable(before)
        alt.theme.enable("default")


@pytest.mark.parametrize("name", ["costs_per_payer", "wellbeing_trajectory", "visitors"])
def test_saved_png_and_svg_are_what_vl_convert_makes_from_the_spec_directly(tmp_path, name):
    """save_spec renders the SVG once and rasterises the PNG from it (vega_export); the bytes
    must be those of vl-convert's own vegalite_to_svg / vegalite_to_png of the spec."""
    spec = theme.chart_spec(CHARTS[name]())
    paths = theme.save_spec(spec, tmp_path / name)
    locale = {"format_locale": "nl-NL", "time_format_locale": "nl-NL"}
    assert paths["svg"].read_text(encoding="utf-8") == vlc.vegalite_to_svg(spec, **locale)
    assert paths["png"].read_bytes() == vlc.vegalite_to_png(spec, scale=theme.PNG_SCALE,
                                                            **locale)


def test_gated_chart_shows_the_svg_altair_would_show_for_it():
    """A gated chart is shown from the spec the gate checked (no second validation or
    conversion); what the notebook shows must equal altair's own output with the renderer on."""
    import altair as alt

    from ruwaard_analysis import disclosure

    before = alt.renderers.active
    try:
        theme.enable_notebook_output()
        chart = CHARTS["wellbeing_trajectory"]()
        gated = disclosure.gate_figure("welbevinden_momenten", chart, MIN)
        data, meta = gated._repr_mimebundle_()
        assert data == chart._repr_mimebundle_()
        assert meta[disclosure.GATED_MARK] == {"kind": "figure", "name": "welbevinden_momenten"}
    finally:
        alt.renderers.enable(before)
        alt.theme.enable("default")


def test_chart_renderer_gives_the_bytes_of_this_process_and_falls_back_without_it(monkeypatch):
    """Through the run's renderer process (one vl-convert per run) or here: the same bytes."""
    from ruwaard_analysis.present import vega_export
    from ruwaard_analysis.run.chart_renderer import ChartRenderer

    spec = theme.chart_spec(CHARTS["costs_per_scenario"]())
    here_svg = vlc.vegalite_to_svg(spec, format_locale="nl-NL", time_format_locale="nl-NL")
    here_png = vlc.svg_to_png(here_svg, scale=2.0)
    renderer = ChartRenderer()
    assert renderer.listening() is not None
    served = []
    original = vega_export._local_svg
    monkeypatch.setattr(vega_export, "_local_svg", lambda s: served.append(s) or original(s))
    try:
        for path in (renderer.socket_path, "/nonexistent/renderer.sock"):
            monkeypatch.setattr(vega_export, "_svgs", {})
            monkeypatch.setattr(vega_export, "_connection", None)
            monkeypatch.setattr(vega_export, "_renderer_failed", False)
            monkeypatch.setenv(vega_export.RENDERER_ENV, path)
            served.clear()
            assert vega_export.to_svg(spec) == here_svg
            assert vega_export.to_svg(spec) == here_svg  # kept: converted once
            assert vega_export.svg_to_png(here_svg, 2.0) == here_png
            # through the renderer nothing is converted here; without it, once here
            assert len(served) == (0 if path == renderer.socket_path else 1)
    finally:
        if vega_export._connection is not None:
            vega_export._connection.close()
        renderer.stop()
