"""Shape computed results into the published tables and key figures of the report.

The notebooks compute (with ``stats``, ``costs``, ``positive_health``, ``neighbourhood``);
the functions here turn those results into the tables and key figures that
``docs/report.md`` specifies, with disclosure control applied: a group smaller than the
minimum cell size keeps its ``n`` but loses its values (``suppressed = True``). Nothing here
computes a statistic of its own, reads a file or draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from . import catalogue, config
from .disclosure import Gated, TableRule, gate_figure, gate_key_figures, gate_table, suppress_frame
from .disclosure import suppress_key_figure as _suppress_kf
from .key_figures import key_figure
from .present import labels
from .vocabulary import MOMENTS, SCENARIOS


@dataclass
class Published:
    """Tables, key figures and charts of one notebook, through the publication gate.

    ``tables`` holds the gated frames (use them for charts), ``key_figures`` the records as
    they will be written; ``write`` gates the key figures and writes everything.
    """

    min_cell_size: int
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    key_figures: dict[str, dict] = field(default_factory=dict)
    rules: dict[str, TableRule] = field(default_factory=dict)
    gated: dict[str, Gated] = field(default_factory=dict, repr=False)

    def table(self, name: str, frame: pl.DataFrame, *, rule: TableRule | None = None,
              value_cols: list[str] | None = None, n_col: str = "n") -> pl.DataFrame:
        """Add a table through the gate (its rule in the catalogue, or ``rule``);
        returns the gated frame: rows about fewer people than the minimum have no values.

        ``n_col`` names the count of people when it is not ``n``. ``value_cols`` is accepted
        for older callers and not needed: the gate treats every numeric column that is not a
        key of the rule as a statistic. A frame put into ``tables`` directly is gated by
        ``write`` all the same.
        """
        if rule is None and n_col != "n":
            rule = TableRule(n_cols=(n_col,))
        if rule is not None:
            self.rules[name] = rule
        gated = gate_table(name, frame, self.min_cell_size, rule)
        self.gated[name] = gated
        self.tables[name] = gated.content
        return gated.content

    def chart(self, name: str, chart) -> Gated:
        """A chart through the gate: write it with ``results.write_figure(output_dir, ...)``;
        shown in a notebook it stays in the executed notebook."""
        return gate_figure(name, chart, self.min_cell_size)

    def figure(self, name: str, value, *, n: int, ci_low=None, ci_high=None,
               n_unit: str | None = None) -> dict:
        """Add key figure ``name`` of the output catalogue: its label, unit and disclosure rule
        come from there (``catalogue.KEY_FIGURES``).

        ``n_unit`` says what ``n`` counts when it is not people (``"weken"`` for weekly visitor
        counts); only a figure whose catalogue rule is ``not_people`` may have one, and the
        minimum cell size, a rule about people, does not apply to it.
        """
        entry = catalogue.key_figure(name)
        if (entry.disclosure == "not_people") != (n_unit is not None):
            raise ValueError(f"key figure {name!r}: n_unit {n_unit!r} does not fit its "
                             f"disclosure rule {entry.disclosure!r} (catalogue.py)")
        record = key_figure(value, n=n, unit=entry.unit, label=entry.label,
                            ci_low=ci_low, ci_high=ci_high, n_unit=n_unit)
        record = gate_key_figures("_", {name: record}, self.min_cell_size).content[name]
        self.key_figures[name] = record
        return record

    def merge(self, other: Published) -> Published:
        clash = (set(self.tables) & set(other.tables)) | (
            set(self.key_figures) & set(other.key_figures))
        if clash:
            raise ValueError(f"published twice: {sorted(clash)}")
        self.tables.update(other.tables)
        self.key_figures.update(other.key_figures)
        self.rules.update(other.rules)
        self.gated.update(other.gated)
        return self

    def write(self, output_dir: str | Path, notebook: str) -> Gated:
        """Write every table and the key figures with ``results`` (deterministic bytes).

        Returns the gated key figures: shown in a notebook, they stay in the executed notebook.
        """
        from .results import write_key_figures, write_table

        for name in sorted(self.tables):  # every table, however it was added, through the gate
            gated = self.gated.get(name)
            if gated is None or gated.content is not self.tables[name]:  # not gated as it is
                gated = gate_table(name, self.tables[name], self.min_cell_size,
                                   self.rules.get(name))
            write_table(output_dir, gated)
        key_figures = gate_key_figures(notebook, self.key_figures, self.min_cell_size)
        write_key_figures(output_dir, key_figures)
        return key_figures


def _moment_order(frame: pl.DataFrame, column: str = "moment") -> pl.DataFrame:
    order = {m: i for i, m in enumerate(MOMENTS)}
    return frame.sort(pl.col(column).replace_strict(order, default=len(order)))


# --------------------------------------------------------------------------- wellbeing


def wellbeing(
    *,
    cases_handled: int,
    cases_sampled: int,
    moments: pl.DataFrame,
    changes: list,
    model=None,
    rtm=None,
    distribution: pl.DataFrame | None = None,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """Wellbeing results: moments table, paired effects, mixed model, regression to the mean.

    ``moments``: ``stats.summary.mean_ci_by(wellbeing, by="moment", value="score")``;
    ``changes``: ``PairedChange`` records (the first is voormeting -> nameting);
    ``model``: ``MixedModelResult`` or None (not fitted / not reportable);
    ``rtm``: ``RtmAdjusted`` for the first change, or None;
    ``distribution``: ``stats.summary.distribution_by(scores, by="moment", value="score")``
    for the before/after figure (quartiles, no single score), or None.
    """
    pub = Published(min_cell_size)
    pub.figure("casussen_totaal", cases_handled, n=cases_handled)
    pub.figure("casussen_steekproef", cases_sampled, n=cases_sampled)
    pub.table(
        "welbevinden_momenten",
        _moment_order(moments.select("moment", "n", "mean", "ci_low", "ci_high")),
    )
    if distribution is not None:
        pub.table("welbevinden_verdeling", _moment_order(distribution))
    if changes:
        first = changes[0]
        # lazy: a notebook without intervals skips scipy's import (stats imports it)
        from .stats.summary import t_interval

        for name, mean, sd in (
            ("welbevinden_voormeting_gemiddeld", first.mean_before, first.sd_before),
            ("welbevinden_nameting_gemiddeld", first.mean_after, first.sd_after),
        ):
            low, high = t_interval(mean, sd, first.n, first.confidence)
            pub.figure(name, mean, n=first.n, ci_low=low, ci_high=high)
        pub.figure("welbevinden_verschil_gemiddeld", first.mean_diff, n=first.n,
                   ci_low=first.ci_low, ci_high=first.ci_high)
        pub.figure("welbevinden_aandeel_verbeterd", first.share_improved, n=first.n)
        effects = pl.concat([c.to_frame() for c in changes], how="diagonal_relaxed")
        pub.table("welbevinden_effecten", effects)
    repeat = moments.filter(pl.col("moment") == "herhaalmeting")
    if repeat.height and repeat["n"].item() >= 2:
        row = repeat.row(0, named=True)
        pub.figure("welbevinden_herhaalmeting_gemiddeld", row["mean"], n=row["n"],
                   ci_low=row["ci_low"], ci_high=row["ci_high"])
    if model is not None:
        # a contrast is about its smallest moment: with the published mean of the other
        # moment it would give that moment's mean back (complementary disclosure)
        contrasts = model.contrasts_frame()
        per_moment = {str(k): int(v) for k, v in model.n_per_moment.items()}
        contrasts = contrasts.with_columns(pl.Series("n", [
            min(per_moment.get(a, 0), per_moment.get(b, 0))
            for a, b in contrasts.select("moment_from", "moment_to").iter_rows()],
            dtype=pl.Int64))
        pub.table("welbevinden_model", contrasts)
        if "herhaalmeting" in model.moments:
            c = model.contrast("nameting", "herhaalmeting")
            pub.figure("welbevinden_herhaal_vs_nameting", c.estimate, n=min(
                per_moment.get("nameting", 0), per_moment.get("herhaalmeting", 0)),
                ci_low=c.ci_low, ci_high=c.ci_high)
    if rtm is not None:
        pub.figure("welbevinden_rtm_verwacht_verschil", rtm.rtm, n=rtm.n)
        pub.figure("welbevinden_verschil_boven_rtm", rtm.beyond, n=rtm.n,
                   ci_low=rtm.beyond_ci_low, ci_high=rtm.beyond_ci_high)
        pub.table("welbevinden_rtm", rtm.to_frame())
        pub.table("welbevinden_rtm_gevoeligheid",
                  rtm.sensitivity.with_columns(pl.lit(rtm.n, dtype=pl.Int64).alias("n")))
    return pub


# --------------------------------------------------------------------------- costs


def costs(
    *,
    n_cost_analyses: int,
    per_scenario: pl.DataFrame,
    per_payer: pl.DataFrame,
    saving=None,
    population=None,
    projection=None,
    sensitivity: pl.DataFrame | None = None,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """Cost results: per scenario, per payer, mean saving, extrapolation, projection.

    ``per_scenario``: ``costs.costs_per_scenario``; ``per_payer``: ``costs.costs_per_payer``;
    ``saving``: ``SavingEstimate``; ``population``: ``PopulationEstimate``;
    ``projection``: ``MultiYearProjection``; ``sensitivity``: ``costs.sensitivity``.
    """
    pub = Published(min_cell_size)
    pub.figure("kostenanalyses_aantal", n_cost_analyses, n=n_cost_analyses)
    has_ci = {"ci_low", "ci_high"} <= set(per_scenario.columns)
    interval = [pl.col("ci_low").alias("ci_low_eur"), pl.col("ci_high").alias("ci_high_eur")]
    scen = per_scenario.filter(pl.col("measure").is_in(SCENARIOS)).select(
        pl.col("measure").alias("scenario"), "n", pl.col("mean").alias("mean_eur"),
        pl.col("median").alias("median_eur"), pl.col("total").alias("total_eur"),
        *(interval if has_ci else []))
    pub.table("kosten_scenario", scen)
    savings = per_scenario.filter(~pl.col("measure").is_in(SCENARIOS))
    pub.table("kosten_besparing", savings)
    # a payer's totals are about the cases with costs for that payer (n_cases), not about the
    # sample; the payers add up to the scenario totals (complementary suppression by the rule)
    payer = per_payer.unpivot(index=["payer", "n_cases"], on=list(SCENARIOS),
                              variable_name="scenario", value_name="total_eur").select(
        "payer", "scenario", pl.col("n_cases").alias("n"), "total_eur")
    pub.table("kosten_betaler", payer)
    if saving is not None:
        pub.figure("kosten_besparing_per_jaar_gemiddeld", saving.mean, n=saving.n,
                   ci_low=saving.ci_low, ci_high=saving.ci_high)
    if population is not None:
        pub.figure("kosten_extrapolatie_besparing_totaal", population.total, n=population.n,
                   ci_low=population.ci_low, ci_high=population.ci_high)
        pub.figure("kosten_extrapolatie_casussen", population.population_size,
                   n=population.population_size)
        pub.table("kosten_extrapolatie", pl.DataFrame([{
            k: getattr(population, k) for k in (
                "n", "population_size", "mean", "mean_ci_low", "mean_ci_high", "total",
                "ci_low", "ci_high", "fpc", "confidence")}]))
    if projection is not None:
        pub.figure("kosten_netto_contante_waarde", projection.npv, n=n_cost_analyses)
        pub.table("kosten_meerjarig", projection.table.with_columns(
            pl.lit(n_cost_analyses, dtype=pl.Int64).alias("n")))
    if sensitivity is not None:
        pub.table("kosten_gevoeligheid", sensitivity.with_columns(
            pl.lit(n_cost_analyses, dtype=pl.Int64).alias("n")))
    return pub


# --------------------------------------------------------------------------- positive health


def positive_health(
    *,
    profile: pl.DataFrame,
    n_respondents: int,
    changes: pl.DataFrame | None = None,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """Positive Health: the six-domain profile per wave and the change per domain.

    ``profile``: ``positive_health.profile_per_wave``; ``changes``: ``change_per_domain``.
    Waves are numbered 1, 2, ... in date order.
    """
    pub = Published(min_cell_size)
    pub.figure("positieve_gezondheid_respondenten", n_respondents, n=n_respondents)
    dates = sorted(profile["wave_date"].unique().to_list())
    numbered = profile.with_columns(
        pl.col("wave_date").replace_strict({d: i + 1 for i, d in enumerate(dates)},
                                           return_dtype=pl.Int64).alias("wave"))
    pub.table("positieve_gezondheid_domeinen",
              numbered.select("wave", "wave_date", "domain", "n", "mean", "ci_low", "ci_high"))
    pub.figure("positieve_gezondheid_metingen", len(dates), n=n_respondents)
    if changes is not None and changes.height:
        keep = [c for c in changes.columns if c not in ("domain_order",)]
        pub.table("positieve_gezondheid_verandering", changes.select(keep))
    return pub


# --------------------------------------------------------------------------- neighbourhood

PROFILE_INDICATORS = {  # reference column -> unit
    "inhabitants": "count",
    "dwellings": "count",
    "population_density_km2": "count",
    "area_total_ha": "count",
    "men": "count",
    "women": "count",
}


def wijkprofiel(areas: pl.DataFrame, *, wijk: str, gemeente: str, nederland: str) -> pl.DataFrame:
    """The wijk's key CBS figures beside the gemeente and Nederland, one row per indicator,
    with the CBS year of the wijk's figures (``year``)."""
    def values(code: str) -> dict:
        rows = areas.filter(pl.col("area_code") == code)
        return rows.row(0, named=True) if rows.height else {}

    w, g, nl = values(wijk), values(gemeente), values(nederland)
    rows = [
        {"indicator": key, "label": labels.label(f"profile.{key}"), "unit": unit,
         "wijk": w.get(key), "gemeente": g.get(key), "nederland": nl.get(key),
         "year": w.get("year")}
        for key, unit in PROFILE_INDICATORS.items() if key in areas.columns
    ]
    return pl.DataFrame(rows, schema={
        "indicator": pl.String, "label": pl.String, "unit": pl.String,
        "wijk": pl.Float64, "gemeente": pl.Float64, "nederland": pl.Float64, "year": pl.Int64})


def neighbourhood(
    *,
    year: int,
    areas: pl.DataFrame,
    inhabitants_wijk: int | None,
    ggd: pl.DataFrame | None = None,
    comparison: pl.DataFrame | None = None,
    did: pl.DataFrame | None = None,
    budget: pl.DataFrame | None = None,
    visitors: pl.DataFrame | None = None,
    wijk: str = config.WIJK_CODE,
    gemeente: str = config.GEMEENTE_CODE,
    nederland: str = config.NEDERLAND_CODE,
    age_group: str = "18+",
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """Wijkprofiel, GGD indicators (wijk, gemeente, Nederland), wijkbudget, visitors.

    ``ggd``: canonical GGD rows up to ``year``; ``comparison``: ``neighbourhood.compare_areas``;
    ``did``: one row per indicator of difference-in-differences results; ``budget``:
    ``neighbourhood.budget_per_inhabitant``; ``visitors``: canonical visitor rows up to ``year``.
    GGD figures are model-based area estimates, not counts of people: no cell suppression.
    """
    pub = Published(min_cell_size)
    pub.table("wijkprofiel", wijkprofiel(areas, wijk=wijk, gemeente=gemeente, nederland=nederland))
    if inhabitants_wijk is not None:
        pub.figure("inwoners_wijk", inhabitants_wijk, n=inhabitants_wijk)
    if ggd is not None and ggd.height:
        levels = {wijk: "wijk", gemeente: "gemeente", nederland: "nederland"}
        rows = ggd.filter(pl.col("area_code").is_in(list(levels))
                          & (pl.col("age_group") == age_group))
        pub.table("ggd_indicatoren", rows.select(
            "indicator_code", "indicator_label", "year",
            pl.col("area_code").replace_strict(levels).alias("area_level"),
            "estimate_pct", "ci_lower", "ci_upper",
        ).sort("indicator_code", "year", "area_level"))
    if comparison is not None and comparison.height:
        pub.table("ggd_vergelijking", comparison)
    if did is not None and did.height:
        pub.table("ggd_verschil_in_verschil", did)
    if budget is not None and budget.height:
        table = budget.select(
            "year", "allocated_eur", "spent_eur", "inhabitants",
            pl.col("allocated_per_inhabitant").alias("allocated_per_inhabitant_eur"),
            pl.col("spent_per_inhabitant").alias("spent_per_inhabitant_eur"),
        ).sort("year")
        pub.table("wijkbudget", table)
        this_year = table.filter(pl.col("year") == year)
        if this_year.height:
            row = this_year.row(0, named=True)
            per = row["spent_per_inhabitant_eur"]
            per = row["allocated_per_inhabitant_eur"] if per is None else per
            if per is not None:
                pub.figure("wijkbudget_per_inwoner", per, n=row["inhabitants"])
    if visitors is not None and visitors.height:
        monthly = (
            visitors.with_columns(pl.col("week_start").dt.truncate("1mo").alias("month"))
            .group_by("month")
            .agg(pl.len().cast(pl.Int64).alias("weeks"),
                 pl.col("unique_visitors").cast(pl.Float64).mean().alias("mean_weekly_visitors"))
            .sort("month")
        )
        pub.table("bezoekers", monthly)
        this_year = visitors.filter(pl.col("week_start").dt.year() == year)
        if this_year.height:
            pub.figure("bezoekers_per_week_gemiddeld",
                       float(this_year["unique_visitors"].mean()), n=this_year.height,
                       n_unit="weken")
    return pub


# --------------------------------------------------------------------------- data quality


def data_quality(
    *,
    sources: pl.DataFrame,
    completeness: pl.DataFrame,
    n_per_analysis: Mapping[str, int],
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """What was loaded, what is missing, and the n of every analysis (for the Verantwoording).

    ``n_per_analysis`` maps an analysis key (group ``analysis`` of ``present.labels``) to its n.
    """
    pub = Published(min_cell_size)
    pub.table("invoer_bronnen", sources)
    pub.table("invoer_volledigheid", completeness)
    pub.table("n_per_analyse", pl.DataFrame(
        [{"analysis": k, "label": labels.label(f"analysis.{k}"), "n": int(v),
          "unit": labels.label(f"analysis_unit.{k}")} for k, v in n_per_analysis.items()],
        schema={"analysis": pl.String, "label": pl.String, "n": pl.Int64, "unit": pl.String}))
    return pub


def wave_dates(frame: pl.DataFrame, column: str = "wave_date") -> list[date]:
    """The distinct wave dates of a Positive Health frame, in order."""
    return sorted(frame[column].unique().to_list())


# --------------------------------------------------------------------------- werkende principes

PRECONDITION_NAMES = ("wonen", "financien", "relaties", "dagbesteding")
OTHER_COMBINATIONS = "overige"  # the pooled combinations that alone are too small


def _binary_small(k: int | None, n: int | None, min_cell_size: int) -> bool:
    """A share k of n is shown only when both groups (with and without) reach the minimum."""
    return k is None or n is None or k < min_cell_size or (n - k) < min_cell_size


def _pool_combinations(frame: pl.DataFrame, min_cell_size: int) -> pl.DataFrame:
    """Combinations below the minimum cell size pooled into ``"overige"``; while that pool is
    itself small, the next smallest combination joins it, so no count below the minimum can
    be read off the table or recovered from the total minus the others."""
    rows = frame.sort(["n", "combination"], descending=[True, False]).to_dicts()
    total = sum(r["n"] for r in rows)
    keep = [r for r in rows if r["n"] >= min_cell_size]
    pooled = [r for r in rows if r["n"] < min_cell_size]
    while pooled and sum(r["n"] for r in pooled) < min_cell_size and keep:
        pooled.append(keep.pop())
    out = [{"combination": r["combination"], "n_preconditions": r["n_preconditions"],
            "n": r["n"]} for r in keep]
    if pooled:
        out.append({"combination": OTHER_COMBINATIONS, "n_preconditions": None,
                    "n": sum(r["n"] for r in pooled)})
    table = pl.DataFrame(out, schema={"combination": pl.String, "n_preconditions": pl.Int64,
                                      "n": pl.Int64})
    return table.with_columns(share=pl.col("n") / total if total else pl.lit(None, pl.Float64),
                              combinations_pooled=pl.when(
                                  pl.col("combination") == OTHER_COMBINATIONS)
                              .then(pl.lit(len(pooled), pl.Int64)).otherwise(None))


def _pool_months(growth: pl.DataFrame, min_cell_size: int) -> pl.DataFrame:
    """Months pooled into periods of at least ``min_cell_size`` cases (a month with fewer
    joins the next one; a short tail joins the last period), so every published count and
    every difference of two cumulative counts reaches the minimum."""
    periods: list[dict] = []
    current: dict | None = None
    for row in growth.sort("month").iter_rows(named=True):
        if current is None:
            current = {"period_start": row["month"], "n": 0, "months": 0}
        current["period_end"] = row["month"]
        current["n"] += row["n"]
        current["months"] += 1
        current["cumulative"] = row["cumulative"]
        if current["n"] >= min_cell_size:
            periods.append(current)
            current = None
    if current is not None:
        if periods:
            last = periods[-1]
            last.update(period_end=current["period_end"], n=last["n"] + current["n"],
                        months=last["months"] + current["months"],
                        cumulative=current["cumulative"])
        else:
            periods.append(current)  # fewer than the minimum in all: suppressed below
    return pl.DataFrame(periods, schema={"period_start": pl.Date, "n": pl.Int64,
                                         "months": pl.Int64, "period_end": pl.Date,
                                         "cumulative": pl.Int64}).select(
        "period_start", "period_end", "months", "n", "cumulative")


def principles(
    *,
    year: int,
    shares: pl.DataFrame,
    combinations: pl.DataFrame,
    differences: pl.DataFrame,
    six_weeks,
    curve: pl.DataFrame,
    growth: pl.DataFrame,
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> Published:
    """Werkende principes: preconditions, the six-week promise, growth (``principles``).

    ``shares``: ``principles.precondition_shares``; ``combinations``:
    ``precondition_combinations`` of the cases up to ``year``; ``differences``: rows of
    ``difference_by_housing``; ``six_weeks``: the ``KaplanMeier`` of ``six_week_promise``;
    ``curve``: ``curve_on_grid``; ``growth``: ``cases_per_month``.

    Disclosure: a share is shown only when both the cases with and without the
    precondition reach the minimum cell size; combinations below it are pooled; the
    difference with and without a housing start only when both groups reach it; the curve
    stops where fewer than the minimum are still waiting; months are pooled into periods of
    at least the minimum.
    """
    pub = Published(min_cell_size)
    smallest = pl.min_horizontal(pl.col("n_yes"), pl.col("n") - pl.col("n_yes"))
    table = shares.with_columns(smallest.alias("_n_cell"))
    table = suppress_frame(table, n_col="_n_cell",
                           value_cols=["n_yes", "share", "ci_low", "ci_high"],
                           min_cell_size=min_cell_size).drop("_n_cell")
    pub.tables["randvoorwaarden"] = table
    cumulative = shares.filter((pl.col("period") == "cumulatief") & (pl.col("scope") == "alle"))
    for row in cumulative.iter_rows(named=True):
        name = f"randvoorwaarde_{row['precondition']}_aandeel"
        pub.figure(name, row["share"], n=row["n"],
                   ci_low=row["ci_low"], ci_high=row["ci_high"])
        if _binary_small(row["n_yes"], row["n"], min_cell_size):
            pub.key_figures[name] = _suppress_kf({**pub.key_figures[name], "suppressed": True},
                                                 min_cell_size)

    pub.tables["randvoorwaarden_combinaties"] = suppress_frame(
        _pool_combinations(combinations, min_cell_size), n_col="n",
        value_cols=["share"], min_cell_size=min_cell_size)

    pub.table("randvoorwaarden_wonen_verschil", differences,
              value_cols=["n_with", "n_without", "mean_with", "mean_without", "difference",
                          "ci_low", "ci_high"])

    from .principles import six_week_summary  # lazy: scipy.stats (notebook 06 has it already)

    km = six_weeks
    summary = six_week_summary(km).drop("n_started_by_horizon", "confidence").with_columns(
        pl.lit(min(km.events_by_horizon, km.n - km.events_by_horizon), pl.Int64)
        .alias("n_share_group"),
        pl.lit(min(km.n_censored, km.n_events) if km.n_censored else km.n, pl.Int64)
        .alias("n_count_group"))
    # the gate (catalogue rule of zes_weken) hides the median with n, the share with the
    # smaller of those started within and after six weeks, the counts with the smaller of
    # started and censored (none censored is safe: it says nobody waits)
    row = pub.table("zes_weken", summary).row(0, named=True)
    pub.figure("binnen_zes_weken_aandeel", km.share_by_horizon, n=km.n,
               ci_low=km.share_ci_low, ci_high=km.share_ci_high)
    if row["share_by_horizon"] is None:
        pub.key_figures["binnen_zes_weken_aandeel"] = _suppress_kf(
            {**pub.key_figures["binnen_zes_weken_aandeel"], "suppressed": True}, min_cell_size)
    # value null when the median is not reached; an interval only with both bounds
    both = km.median_ci_low is not None and km.median_ci_high is not None
    pub.figure("oplossing_start_mediaan_dagen", km.median, n=km.n,
               ci_low=km.median_ci_low if both else None,
               ci_high=km.median_ci_high if both else None)

    shown = curve.filter(pl.col("n") >= min_cell_size)
    pub.tables["zes_weken_curve"] = shown

    pooled = _pool_months(growth, min_cell_size)
    pub.table("casussen_per_maand", pooled, value_cols=["cumulative"])
    this_year = growth.filter(pl.col("month").dt.year() == year)["n"].sum()
    pub.figure("casussen_in_jaar", int(this_year), n=int(this_year))
    return pub
