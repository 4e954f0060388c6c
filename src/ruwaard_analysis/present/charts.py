"""The report's charts: one function per chart, polars frame in, ``alt.Chart`` out.

Every chart has a Dutch title (``labels.TITLES``) and an alt text as its ``description``
(``labels.ALT_TEXTS``). Rows with ``n`` below ``min_cell_size`` are dropped from the chart's
data *before* it is built, so their values never reach the Vega-Lite spec; the subtitle then
names the groups not shown ("Niet getoond (n <5): ...").

Style (colours, fonts, Dutch number format on axes) comes from ``present.theme``; export with
``theme.save_chart``. To change a chart: change its function here, run
``tests/unit/test_charts.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import altair as alt
import polars as pl

from ruwaard_analysis import config
from ruwaard_analysis.disclosure import suppress_frame
from ruwaard_analysis.present import fmt, labels
from ruwaard_analysis.present.theme import INDIVIDUAL_COLOUR, OKABE_ITO, TEXT_COLOUR, WIDTH

EUR_AXIS_FORMAT = ",.0f"  # Dutch thousands dot via the theme's locale: 10.000

# --- helpers ---------------------------------------------------------------------------------


def _require(df: pl.DataFrame, columns: Sequence[str], chart: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{chart}: kolommen ontbreken: {missing}; aanwezig: {df.columns}")


def _with_labels(df: pl.DataFrame, col: str, group: str, out: str = "label") -> pl.DataFrame:
    """Add ``out`` with the Dutch label of ``col`` (KeyError for a value without label)."""
    mapping = {v: labels.label(f"{group}.{v}") for v in df[col].unique().to_list()}
    return df.with_columns(pl.col(col).replace_strict(mapping, return_dtype=pl.String).alias(out))


def _order(group: str, present: Sequence[str]) -> list[str]:
    """Labels of ``group`` in the group's fixed order, only those in ``present``."""
    return [lab for lab in labels.labels_of(group).values() if lab in set(present)]


def _in_order(df: pl.DataFrame, col: str, order: Sequence[str]) -> pl.DataFrame:
    """``df`` sorted by ``col`` following ``order`` (e.g. from ``_order``)."""
    rank = {value: i for i, value in enumerate(order)}
    return df.sort(pl.col(col).replace_strict(rank, return_dtype=pl.Int64))


def _split_small(
    df: pl.DataFrame, n_col: str, value_cols: Sequence[str], min_cell_size: int, name_col: str
) -> tuple[pl.DataFrame, list[str]]:
    """(rows safe to publish, names of suppressed rows)."""
    flagged = suppress_frame(df, n_col=n_col, value_cols=value_cols, min_cell_size=min_cell_size)
    hidden = flagged.filter(pl.col("suppressed"))[name_col].cast(pl.String).to_list()
    return flagged.filter(~pl.col("suppressed")).drop("suppressed"), hidden


def _title(key: str, hidden: Sequence[str], min_cell_size: int) -> alt.Title:
    subtitle = []
    if hidden:
        subtitle.append(
            labels.CAVEATS["suppressed_in_chart"].format(
                min_cell_size=min_cell_size, groups=", ".join(dict.fromkeys(hidden))
            )
        )
    return alt.Title(labels.TITLES[key], subtitle=subtitle or alt.Undefined)


def _alt_text(key: str, **values: object) -> str:
    return labels.ALT_TEXTS[key].format(**values)


def _joined(items: Sequence[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items) or labels.MISSING
    return labels.LIST_LAST.format(rest=", ".join(items[:-1]), last=items[-1])


def _wave_label(value: object) -> str:
    return fmt.fmt_month(value) if isinstance(value, date) else str(value)


# --- 1. wellbeing ----------------------------------------------------------------------------


def wellbeing_distribution_chart(
    distribution: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> alt.LayerChart:
    """Before/after: per moment the middle half of the cases (P25 to P75) and the median, with
    the mean and its 95% CI in bold. No single case is drawn (docs/disclosure.md).

    ``distribution``: ``moment, n, mean, ci_low, ci_high, p25, median, p75`` as
    ``stats.summary.distribution_by`` returns and the published table
    ``welbevinden_verdeling`` holds; a moment with n < ``min_cell_size`` is left out.
    """
    value_cols = ["mean", "ci_low", "ci_high", "p25", "median", "p75"]
    _require(distribution, ["moment", "n", *value_cols], "wellbeing_distribution_chart")
    data = _with_labels(distribution, "moment", "moment")
    data, hidden = _split_small(data, "n", value_cols, min_cell_size, "label")
    data = data.select("label", "n", *value_cols)
    order = _order("moment", data["label"].to_list())
    x = alt.X("label:N", title=labels.AXES["moment"], sort=order, axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[1, 10])
    base = alt.Chart(data)
    middle = base.mark_bar(color=INDIVIDUAL_COLOUR, opacity=0.55, size=46).encode(
        x=x, y=alt.Y("p25:Q", title=labels.AXES["wellbeing_score"], scale=y_scale), y2="p75:Q")
    median = base.mark_tick(color=TEXT_COLOUR, thickness=1.5, size=46).encode(
        x=x, y=alt.Y("median:Q", scale=y_scale))
    mean_line = base.mark_line(
        color=OKABE_ITO[0], strokeWidth=3, point=alt.OverlayMarkDef(color=OKABE_ITO[0], size=60)
    ).encode(x=x, y=alt.Y("mean:Q", scale=y_scale))
    ci = base.mark_rule(color=OKABE_ITO[0], strokeWidth=2).encode(
        x=x, y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q")
    summary = "; ".join(
        labels.ALT_TEXTS["wellbeing_distribution_moment"].format(
            moment=lab, mean=fmt.fmt_number(m), low=fmt.fmt_number(p25),
            high=fmt.fmt_number(p75))
        for lab, m, p25, p75 in _in_order(data, "label", order).select(
            "label", "mean", "p25", "p75").iter_rows()
    )
    return alt.layer(middle, median, ci, mean_line).properties(
        width=WIDTH,
        title=_title("wellbeing_distribution", hidden, min_cell_size),
        description=_alt_text("wellbeing_distribution", summary=summary or labels.MISSING),
    )


def wellbeing_trajectory_chart(
    means: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> alt.LayerChart:
    """Mean wellbeing with its 95% CI over the moments (e.g. from the mixed model).

    ``means``: ``moment, mean, ci_low, ci_high, n``; rows with n < ``min_cell_size`` are left out.
    """
    _require(means, ["moment", "mean", "ci_low", "ci_high", "n"], "wellbeing_trajectory_chart")
    data = _with_labels(means, "moment", "moment")
    data, hidden = _split_small(data, "n", ["mean", "ci_low", "ci_high"], min_cell_size, "label")
    data = data.select("label", "n", "mean", "ci_low", "ci_high")
    order = _order("moment", data["label"].to_list())
    x = alt.X("label:N", title=labels.AXES["moment"], sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("mean:Q", title=labels.AXES["wellbeing_score"], scale=alt.Scale(domain=[1, 10]))
    base = alt.Chart(data)
    line = base.mark_line(color=OKABE_ITO[0], strokeWidth=2.5, point=True).encode(x=x, y=y)
    ci = base.mark_rule(color=OKABE_ITO[0], strokeWidth=2).encode(
        x=x, y=alt.Y("ci_low:Q", scale=alt.Scale(domain=[1, 10])), y2="ci_high:Q"
    )
    summary = "; ".join(
        f"{lab} {fmt.fmt_number(m)} ({fmt.fmt_ci(lo, hi)})"
        for lab, m, lo, hi in _in_order(data, "label", order).select(
            "label", "mean", "ci_low", "ci_high").iter_rows()
    )
    return alt.layer(ci, line).properties(
        width=WIDTH,
        title=_title("wellbeing_trajectory", hidden, min_cell_size),
        description=_alt_text(
            "wellbeing_trajectory", n_moments=fmt.fmt_int(data.height), summary=summary
        ),
    )


# --- 3. costs --------------------------------------------------------------------------------


def costs_per_scenario_chart(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> alt.LayerChart:
    """Mean costs per case in euros per scenario (and saving), with CI bars when known.

    ``frame``: ``measure, mean, n`` as ``costs.costs_per_scenario`` returns (``scenario`` and
    ``mean_eur`` are accepted as names too), optional ``ci_low, ci_high``. ``measure`` values:
    the scenarios and savings of ``labels.COST_MEASURES``.
    """
    renames = {"scenario": "measure", "mean_eur": "mean", "ci_low_eur": "ci_low",
               "ci_high_eur": "ci_high"}
    frame = frame.rename({k: v for k, v in renames.items()
                          if k in frame.columns and v not in frame.columns})
    _require(frame, ["measure", "mean", "n"], "costs_per_scenario_chart")
    has_ci = "ci_low" in frame.columns and "ci_high" in frame.columns
    value_cols = ["mean", "ci_low", "ci_high"] if has_ci else ["mean"]
    data = _with_labels(frame, "measure", "cost_measure")
    data, hidden = _split_small(data, "n", value_cols, min_cell_size, "label")
    kind = pl.when(pl.col("measure").is_in(list(labels.SCENARIOS)))
    data = data.select(
        "label", "n", *value_cols,
        kind.then(pl.lit(labels.COST_KINDS["cost"]))
        .otherwise(pl.lit(labels.COST_KINDS["saving"])).alias("kind"),
    )
    order = _order("cost_measure", data["label"].to_list())
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    x = alt.X("mean:Q", title=labels.AXES["costs_eur"], axis=alt.Axis(format=EUR_AXIS_FORMAT))
    kinds = list(labels.COST_KINDS.values())
    colour = alt.Color("kind:N", title=None, sort=kinds,
                       scale=alt.Scale(domain=kinds, range=[OKABE_ITO[0], OKABE_ITO[2]]))
    layers = [alt.Chart(data).mark_bar().encode(x=x, y=y, color=colour)]
    if has_ci:
        layers.append(
            alt.Chart(data).mark_rule(color=TEXT_COLOUR, strokeWidth=1.5).encode(
                x="ci_low:Q", x2="ci_high:Q", y=y
            )
        )
    summary = "; ".join(f"{lab} {fmt.fmt_eur(m)}"
                        for lab, m in _in_order(data, "label", order).select("label", "mean")
                        .iter_rows())
    return alt.layer(*layers).properties(
        title=_title("costs_per_scenario", hidden, min_cell_size),
        description=_alt_text("costs_per_scenario", summary=summary,
                              with_ci=labels.ALT_TEXTS["with_ci"] if has_ci else ""),
    )


def payer_balance(frame: pl.DataFrame) -> pl.DataFrame:
    """Per payer the one-off investment and the yearly gain from the published table
    ``kosten_betaler`` (``payer, scenario, n, total_eur``; a suppressed row has no total):
    ``payer, n, investment, yearly_gain_vs_current`` (null when a total it needs is hidden)."""
    _require(frame, ["payer", "scenario", "n", "total_eur"], "payer_balance")
    wide = frame.pivot(on="scenario", index="payer", values="total_eur", aggregate_function="first")
    n = frame.group_by("payer").agg(pl.col("n").min())
    for scenario in ("huidig", "oplossing_eenmalig", "na_oplossing"):
        if scenario not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(scenario))
    return wide.join(n, on="payer").select(
        "payer", "n", pl.col("oplossing_eenmalig").alias("investment"),
        (pl.col("huidig") - pl.col("na_oplossing")).alias("yearly_gain_vs_current"),
    ).sort("payer")


def costs_per_payer_chart(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> alt.LayerChart:
    """Diverging bars per payer: the one-off investment to the left, the yearly gain to the right.

    ``frame``: the published table ``kosten_betaler`` (``payer, scenario, n, total_eur``, after
    the gate: a payer about fewer than ``min_cell_size`` cases, or hidden so that the scenario
    total gives it not back, has no totals). Such a payer is left out and named in the title.
    """
    data = _with_labels(payer_balance(frame), "payer", "payer")
    hidden_rows = data.filter(
        (pl.col("n") < min_cell_size) | pl.col("investment").is_null()
        | pl.col("yearly_gain_vs_current").is_null())
    hidden = hidden_rows["label"].to_list()
    data = data.join(hidden_rows.select("payer"), on="payer", how="anti")
    long = pl.concat([
        data.select("label", "n", (-pl.col("investment")).alias("amount"),
                    pl.lit(labels.FLOWS["investment"]).alias("flow")),
        data.select("label", "n", pl.col("yearly_gain_vs_current").alias("amount"),
                    pl.lit(labels.FLOWS["gain"]).alias("flow")),
    ])
    order = _order("payer", data["label"].to_list())
    y = alt.Y("label:N", title=None, sort=order)
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("amount:Q", title=labels.AXES["balance_eur"],
                axis=alt.Axis(format=EUR_AXIS_FORMAT)),
        y=y,
        color=alt.Color("flow:N", title=labels.AXES["flow"],
                        sort=list(labels.FLOWS.values()),
                        scale=alt.Scale(domain=list(labels.FLOWS.values()),
                                        range=[OKABE_ITO[5], OKABE_ITO[2]])),
    )
    zero = alt.Chart(pl.DataFrame({"zero": [0]})).mark_rule(color=TEXT_COLOUR).encode(x="zero:Q")
    return alt.layer(bars, zero).properties(
        title=_title("costs_per_payer", hidden, min_cell_size),
        description=_alt_text("costs_per_payer", payers=_joined(order)),
    )


# --- 4. Positive Health ----------------------------------------------------------------------

RADAR_MAX = 10
RADAR_RINGS = (2, 4, 6, 8, 10)
RADAR_LABEL_RADIUS = 11.2
RADAR_SIZE = 440
# One panel of a small-multiples chart (GGD trend).
PANEL_WIDTH = 190
PANEL_HEIGHT = 120


def _angles() -> pl.DataFrame:
    """``domain, label, i, angle``: the six domains clockwise from the top."""
    domains = list(labels.HEALTH_DOMAINS)
    k = len(domains)
    return pl.DataFrame({
        "domain": domains,
        "label": list(labels.HEALTH_DOMAINS.values()),
        "i": list(range(k)),
        "angle": [math.pi / 2 - 2 * math.pi * i / k for i in range(k)],
    })


def _xy(radius: str) -> dict[str, str]:
    return {"x": f"datum.{radius} * cos(datum.angle)", "y": f"datum.{radius} * sin(datum.angle)"}


def positive_health_radar_chart(
    profile: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> alt.LayerChart:
    """Spinnenweb: mean score (0-10) on the six Positive Health domains, one polygon per wave.

    ``profile``: ``wave_date, domain, mean, n`` as ``positive_health.profile_per_wave`` and the
    published table ``positieve_gezondheid_domeinen`` have (dates show as "oktober 2017");
    without ``wave_date`` a column ``wave`` (text or number) names the waves.
    Domains go clockwise from the top in the questionnaire's order. A wave/domain cell with
    n < ``min_cell_size`` is left out.
    """
    if "wave_date" in profile.columns:
        profile = profile.drop("wave", strict=False).rename({"wave_date": "wave"})
    _require(profile, ["wave", "domain", "mean", "n"], "positive_health_radar_chart")
    waves = [_wave_label(w) for w in profile["wave"].unique(maintain_order=True).sort().to_list()]
    data = profile.with_columns(
        pl.col("wave").map_elements(_wave_label, return_dtype=pl.String).alias("wave_label")
    ).join(_angles(), on="domain", how="left")
    unknown = data.filter(pl.col("angle").is_null())["domain"].unique().to_list()
    if unknown:
        raise KeyError(f"positive_health_radar_chart: onbekende domeinen {unknown}")
    data = data.with_columns((pl.col("wave_label") + ": " + pl.col("label")).alias("_cell"))
    data, hidden = _split_small(data, "n", ["mean"], min_cell_size, "_cell")
    data = data.select("wave_label", "i", "angle", "n", "mean")

    scale = alt.Scale(domain=[-RADAR_MAX * 1.45, RADAR_MAX * 1.45])
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)
    angles = _angles()
    rings = pl.concat([angles.with_columns(pl.lit(r).alias("r")) for r in RADAR_RINGS])
    grid = alt.Chart(rings).transform_calculate(**_xy("r")).mark_line(
        interpolate="linear-closed", color="#cccccc", strokeWidth=0.8
    ).encode(x=x, y=y, detail="r:O", order="i:O")
    spokes = alt.Chart(angles.with_columns(pl.lit(RADAR_MAX).alias("r"))).transform_calculate(
        **_xy("r"), x0="0", y0="0"
    ).mark_rule(color="#cccccc", strokeWidth=0.8).encode(x=x, y=y, x2="x0:Q", y2="y0:Q")
    ring_text = alt.Chart(
        pl.DataFrame({"r": list(RADAR_RINGS), "text": [fmt.fmt_int(r) for r in RADAR_RINGS],
                      "angle": [math.pi / 2] * len(RADAR_RINGS)})
    ).transform_calculate(**_xy("r")).mark_text(
        align="right", dx=-4, dy=-3, fontSize=9, color="#666666"
    ).encode(x=x, y=y, text="text:N")
    names = alt.Chart(angles.with_columns(pl.lit(RADAR_LABEL_RADIUS).alias("r")))
    names = names.transform_calculate(**_xy("r"))
    label_layers = [
        names.transform_filter(cond).mark_text(align=align, fontSize=12).encode(
            x=x, y=y, text="label:N"
        )
        for cond, align in (("datum.x > 0.5", "left"), ("datum.x < -0.5", "right"),
                            ("abs(datum.x) <= 0.5", "center"))
    ]
    polygons = alt.Chart(data).transform_calculate(**_xy("mean"))
    colour = alt.Color("wave_label:N", title=labels.AXES["wave"], sort=waves)
    shape = polygons.mark_line(interpolate="linear-closed", strokeWidth=2.5).encode(
        x=x, y=y, color=colour, order="i:O"
    )
    points = polygons.mark_point(filled=True, size=40).encode(x=x, y=y, color=colour)
    return alt.layer(grid, spokes, *label_layers, shape, points, ring_text).properties(
        width=RADAR_SIZE,
        height=RADAR_SIZE,
        title=_title("positive_health_radar", hidden, min_cell_size),
        description=_alt_text(
            "positive_health_radar",
            domains=_joined(list(labels.HEALTH_DOMAINS.values())),
            waves=_joined(data["wave_label"].unique(maintain_order=True).to_list()),
        ),
    )


# --- 5. GGD health monitor -------------------------------------------------------------------

GGD_AREA_ORDER = ("wijk", "gemeente", "nederland", "buurt")


def _area_order(present_labels: Sequence[str]) -> list[str]:
    return [labels.AREA_LEVELS[a] for a in GGD_AREA_ORDER
            if labels.AREA_LEVELS[a] in set(present_labels)]


def _area_colour(order: list[str]) -> alt.Color:
    return alt.Color("area:N", title=labels.AXES["area"], sort=order,
                     scale=alt.Scale(domain=order, range=OKABE_ITO[: len(order)]))


def ggd_comparison_chart(frame: pl.DataFrame) -> alt.LayerChart:
    """Indicator estimates (%) with intervals for wijk, Oss and Nederland side by side.

    ``frame``: ``indicator_label, area_level, estimate_pct, ci_lower, ci_upper``, one survey
    year and age group. The GGD publishes no cell counts; its own disclosure rules apply.
    """
    cols = ["indicator_label", "area_level", "estimate_pct", "ci_lower", "ci_upper"]
    _require(frame, cols, "ggd_comparison_chart")
    data = _with_labels(frame, "area_level", "area_level", out="area").select(
        "indicator_label", "area", "estimate_pct", "ci_lower", "ci_upper"
    )
    order = _area_order(data["area"].to_list())
    colour = _area_colour(order)
    y = alt.Y("indicator_label:N", title=None, axis=alt.Axis(labelLimit=300))
    y_off = alt.YOffset("area:N", sort=order)
    base = alt.Chart(data)
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X("estimate_pct:Q", title=labels.AXES["percentage"], scale=alt.Scale(zero=True)),
        y=y, yOffset=y_off, color=colour,
    )
    bars = base.mark_rule(strokeWidth=1.5).encode(
        x="ci_lower:Q", x2="ci_upper:Q", y=y, yOffset=y_off, color=colour
    )
    return alt.layer(bars, points).properties(
        title=_title("ggd_comparison", [], 0),
        description=_alt_text(
            "ggd_comparison",
            n_indicators=fmt.fmt_int(data["indicator_label"].n_unique()),
            areas=_joined(order),
        ),
    )


def _wrapped(text: str, width: int = 28) -> str:
    """``text`` with "|" between lines of at most about ``width`` characters (chart headers)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "|".join(lines)


def ggd_trend_chart(frame: pl.DataFrame, *, columns: int = 3) -> alt.FacetChart:
    """Indicator estimates (%) per survey year, one panel per indicator, a line per area.

    ``frame``: ``indicator_label, year, estimate_pct, ci_lower, ci_upper`` and optionally
    ``area_level`` (without it: one area, e.g. ``neighbourhood.indicator_trend``).
    """
    _require(frame, ["indicator_label", "year", "estimate_pct", "ci_lower", "ci_upper"],
             "ggd_trend_chart")
    if "area_level" not in frame.columns:
        frame = frame.with_columns(pl.lit("wijk").alias("area_level"))
    data = _with_labels(frame, "area_level", "area_level", out="area").select(
        "indicator_label", "area", "year", "estimate_pct", "ci_lower", "ci_upper"
    )
    data = data.with_columns(pl.col("indicator_label").map_elements(
        _wrapped, return_dtype=pl.String).alias("panel"))
    order = _area_order(data["area"].to_list())
    colour = _area_colour(order)
    x = alt.X("year:O", title=labels.AXES["year"], axis=alt.Axis(labelAngle=0))
    y = alt.Y("estimate_pct:Q", title=labels.AXES["percentage"], scale=alt.Scale(zero=True))
    base = alt.Chart()
    line = base.mark_line(point=True).encode(x=x, y=y, color=colour)
    bars = base.mark_rule().encode(x=x, y="ci_lower:Q", y2="ci_upper:Q", color=colour)
    years = sorted(data["year"].unique().to_list())
    sort_panels = sorted(data["panel"].unique().to_list(), key=lambda p: p.replace("|", " "))
    # Small panels, three abreast: the whole chart stays about as high as it is wide, so it
    # fits on an A4 page at full text width (a taller PNG would run off the PDF page).
    # Long indicator names wrap over two lines (the "|" of _wrapped) instead of being cut.
    header = alt.Header(labelFontSize=11, labelLimit=0, labelExpr="split(datum.value, '|')")
    return alt.layer(bars, line, data=data).properties(
        width=PANEL_WIDTH, height=PANEL_HEIGHT
    ).facet(
        facet=alt.Facet("panel:N", title=None, header=header, sort=sort_panels),
        columns=columns
    ).properties(
        title=_title("ggd_trend", [], 0),
        description=_alt_text(
            "ggd_trend",
            n_indicators=fmt.fmt_int(data["indicator_label"].n_unique()),
            years=_joined([str(y) for y in years]),
            areas=_joined(order),
        ),
    )


# --- 6. visitors and budget ------------------------------------------------------------------


def visitors_chart(frame: pl.DataFrame) -> alt.Chart:
    """Unique visitors per week as a line.

    ``frame``: ``week_start`` (date), ``unique_visitors`` (int). Counts of visits are not
    suppressed: a weekly visitor count says nothing about a person.
    """
    _require(frame, ["week_start", "unique_visitors"], "visitors_chart")
    data = frame.select("week_start", "unique_visitors").sort("week_start")
    first, last = (data["week_start"].min(), data["week_start"].max())
    # Months on the axis; a span of a few months would repeat the month, so then the first
    # day of each week of the data (Monday, as Dutch weeks start).
    short = first is not None and (last - first).days < 92
    axis = (alt.Axis(format="%-d %b", values=[
        alt.DateTime(year=d.year, month=d.month, date=d.day)
        for d in data["week_start"].unique().sort().to_list()])
        if short else alt.Axis(format="%b %Y"))
    return alt.Chart(data).mark_line(color=OKABE_ITO[0], strokeWidth=2).encode(
        x=alt.X("week_start:T", title=labels.AXES["week"], axis=axis),
        y=alt.Y("unique_visitors:Q", title=labels.AXES["visitors"]),
    ).properties(
        title=_title("visitors", [], 0),
        description=_alt_text("visitors", first_week=fmt.fmt_date(first),
                              last_week=fmt.fmt_date(last)),
    )


def budget_chart(
    frame: pl.DataFrame,
    *,
    value_cols: Sequence[str] = ("allocated_per_inhabitant", "spent_per_inhabitant"),
) -> alt.Chart:
    """Wijkbudget in euros per inhabitant per year, allocated and spent side by side.

    ``frame``: ``year, allocated_per_inhabitant, spent_per_inhabitant`` as
    ``neighbourhood.budget_per_inhabitant`` returns; ``value_cols`` must have labels in
    ``labels.BUDGET_MEASURES``. Null values (spending not yet known) are left out.
    """
    _require(frame, ["year", *value_cols], "budget_chart")
    long = frame.unpivot(index="year", on=list(value_cols), variable_name="measure",
                         value_name="eur").filter(pl.col("eur").is_not_null())
    long = _with_labels(long, "measure", "budget_measure", out="measure_label").select(
        "year", "measure_label", "eur"
    )
    order = [labels.label(f"budget_measure.{c}") for c in value_cols]
    years = sorted(long["year"].unique().to_list())
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title=labels.AXES["year"], axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("measure_label:N", sort=order),
        y=alt.Y("eur:Q", title=labels.AXES["budget_per_inhabitant"],
                axis=alt.Axis(format=EUR_AXIS_FORMAT)),
        color=alt.Color("measure_label:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=OKABE_ITO[: len(order)])),
    ).properties(
        width=WIDTH,
        title=_title("budget", [], 0),
        description=_alt_text("budget", years=_joined([str(y) for y in years])),
    )


def key_figures_over_years_chart(frame: pl.DataFrame, *, columns: int = 4) -> alt.FacetChart:
    """Key figures per report year: a small panel per figure (own scale), a point per year.

    ``frame``: ``name, label, unit, year, value`` as ``years.trend_frame`` returns: only
    values that may be shown (suppressed ones are already left out). Panels follow the
    frame's order of ``name``.
    """
    _require(frame, ["name", "label", "unit", "year", "value"], "key_figures_over_years_chart")
    # Amounts in euros: "(€)" in the panel's name, the points carry the number only (three
    # "EUR 4.228" side by side would run into each other).
    euros = pl.col("unit").is_in(sorted(fmt.EUR_UNITS))
    frame = frame.with_columns(
        pl.when(euros).then(pl.col("label") + " (€)").otherwise(pl.col("label")).alias("label"))
    order = frame["label"].unique(maintain_order=True).to_list()
    data = frame.with_columns(
        pl.col("label").map_elements(_wrapped, return_dtype=pl.String).alias("panel"),
        pl.struct("value", "unit").map_elements(
            lambda r: (fmt.fmt_int(r["value"]) if r["unit"] in fmt.EUR_UNITS
                       else fmt.fmt_value(r["value"], r["unit"])), return_dtype=pl.String
        ).alias("shown"),
    )
    panels = [_wrapped(label) for label in order]
    years = sorted(data["year"].unique().to_list())
    base = alt.Chart().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        # from zero: a small change must not look like a large one
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True, nice=True),
                axis=alt.Axis(format=",.4~f", tickCount=3)),
    )
    layers = alt.layer(
        base.mark_line(color=OKABE_ITO[0], strokeWidth=2),
        base.mark_point(color=OKABE_ITO[0], filled=True, size=50),
        base.mark_text(dy=-10, fontSize=10, color=TEXT_COLOUR).encode(text="shown:N"),
        data=data,
    ).properties(width=130, height=90)
    return layers.facet(
        facet=alt.Facet("panel:N", sort=panels, title=None,
                        header=alt.Header(labelFontSize=11, labelLimit=0,
                                          labelExpr="split(datum.value, '|')")),
        columns=columns,
    ).resolve_scale(y="independent").properties(
        title=labels.TITLES["over_years"],
        description=_alt_text("over_years", n_figures=fmt.fmt_int(len(panels)),
                              years=_joined([str(y) for y in years])),
    )


# --- 7. werkende principes -------------------------------------------------------------------


def six_weeks_chart(
    curve: pl.DataFrame, *, share: float | None, ci_low: float | None, ci_high: float | None,
    n: int, horizon: int = 42, min_cell_size: int = config.MIN_CELL_SIZE,
) -> alt.LayerChart:
    """Kaplan-Meier curve of the share of cases whose solution started, by days after the
    MDO, with its 95% band and a vertical line at ``horizon`` days (six weeks).

    ``curve``: ``principles.curve_on_grid`` (``days, n, started_share, ci_low, ci_high``);
    points with fewer than ``min_cell_size`` cases still at risk are left out. ``share`` and
    its interval (1 - S(horizon)) go into the alt text; None when suppressed.
    """
    _require(curve, ["days", "n", "started_share", "ci_low", "ci_high"], "six_weeks_chart")
    data = curve.filter(pl.col("n") >= min_cell_size).select(
        "days", "n", "started_share", "ci_low", "ci_high").sort("days")
    x = alt.X("days:Q", title=labels.AXES["days_after_mdo"])
    y = alt.Y("started_share:Q", title=labels.AXES["started_share"],
              axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1]))
    base = alt.Chart(data)
    band = base.mark_area(opacity=0.2, color=OKABE_ITO[0], interpolate="step-after").encode(
        x=x, y=alt.Y("ci_low:Q", scale=alt.Scale(domain=[0, 1])), y2="ci_high:Q")
    line = base.mark_line(color=OKABE_ITO[0], strokeWidth=2.5,
                          interpolate="step-after").encode(x=x, y=y)
    rule = alt.Chart(pl.DataFrame({"days": [horizon]})).mark_rule(
        color=TEXT_COLOUR, strokeDash=[4, 4]).encode(x="days:Q")
    shown = labels.MISSING if share is None else fmt.fmt_pct(share)
    ci = labels.MISSING if ci_low is None or ci_high is None else fmt.fmt_value_ci(
        ci_low, ci_high, "share")
    return alt.layer(band, line, rule).properties(
        width=WIDTH,
        title=_title("six_weeks", [], min_cell_size),
        description=_alt_text("six_weeks", horizon=fmt.fmt_int(horizon), share=shown, ci=ci,
                              n=fmt.fmt_count(n, min_cell_size)),
    )


def growth_chart(periods: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
                 ) -> alt.LayerChart:
    """Cases discussed per period (bars from the first to the last month of the period) and
    the cumulative number since the start (line, right axis).

    ``periods``: ``publish``'s ``casussen_per_maand`` (``period_start, period_end, months,
    n, cumulative``): already pooled so every period holds at least ``min_cell_size``.
    """
    _require(periods, ["period_start", "period_end", "n", "cumulative"], "growth_chart")
    data = periods.filter(pl.col("n") >= min_cell_size).with_columns(
        pl.col("period_end").dt.offset_by("1mo").alias("period_stop"),
        (pl.col("n") / pl.col("months")).alias("per_month"),
    ).select("period_start", "period_stop", "n", "per_month", "cumulative")
    x = alt.X("period_start:T", title=labels.AXES["month"], axis=alt.Axis(format="%b %Y"))
    bars = alt.Chart(data).transform_calculate(zero="0").mark_rect(
        color=OKABE_ITO[1], opacity=0.85, stroke="white", strokeWidth=1).encode(
        x=x, x2="period_stop:T",
        y=alt.Y("n:Q", title=labels.AXES["cases_per_period"], scale=alt.Scale(zero=True)),
        y2="zero:Q")
    line = alt.Chart(data).mark_line(color=OKABE_ITO[0], strokeWidth=2.5, point=True).encode(
        x=alt.X("period_stop:T"),
        y=alt.Y("cumulative:Q", title=labels.AXES["cases_cumulative"],
                axis=alt.Axis(orient="right")))
    first = data["period_start"].min() if data.height else None
    last = data["period_stop"].max() if data.height else None
    last_month = last - timedelta(days=1) if last else None
    total = data["cumulative"].max() if data.height else None
    return alt.layer(bars, line).resolve_scale(y="independent").properties(
        width=WIDTH,
        title=_title("growth", [], min_cell_size),
        description=_alt_text("growth", first=fmt.fmt_month(first),
                              last=fmt.fmt_month(last_month), total=fmt.fmt_int(total)),
    )


def preconditions_chart(shares: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
                        ) -> alt.LayerChart:
    """Share of cases per precondition with its 95% interval (bars with error rules).

    ``shares``: rows of ``publish``'s ``randvoorwaarden`` for one period and scope
    (``precondition, n, share, ci_low, ci_high, suppressed``); suppressed rows are left out
    and named in the subtitle.
    """
    _require(shares, ["precondition", "share", "ci_low", "ci_high"], "preconditions_chart")
    data = _with_labels(shares, "precondition", "precondition_name")
    flagged = data["suppressed"] if "suppressed" in data.columns else pl.Series(
        [False] * data.height)
    hidden = data.filter(flagged | pl.col("share").is_null())["label"].to_list()
    data = data.filter(~flagged & pl.col("share").is_not_null()).select(
        "label", "n", "share", "ci_low", "ci_high")
    order = _order("precondition_name", data["label"].to_list())
    x = alt.X("label:N", title=labels.HEADERS["precondition"], sort=order,
              axis=alt.Axis(labelAngle=0))
    scale = alt.Scale(domain=[0, 1])
    base = alt.Chart(data)
    bars = base.mark_bar(color=OKABE_ITO[2]).encode(
        x=x, y=alt.Y("share:Q", title=labels.AXES["precondition_share"],
                     axis=alt.Axis(format=".0%"), scale=scale))
    rules = base.mark_rule(color=TEXT_COLOUR, strokeWidth=1.5).encode(
        x=x, y=alt.Y("ci_low:Q", scale=scale), y2="ci_high:Q")
    summary = "; ".join(
        f"{lab} {fmt.fmt_pct(s)} ({fmt.fmt_value_ci(lo, hi, 'share')})"
        for lab, s, lo, hi in _in_order(data, "label", order).select(
            "label", "share", "ci_low", "ci_high").iter_rows())
    return alt.layer(bars, rules).properties(
        width=WIDTH,
        title=_title("preconditions", hidden, min_cell_size),
        description=_alt_text("preconditions", summary=summary or labels.MISSING),
    )
