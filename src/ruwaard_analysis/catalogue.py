"""The catalogue of published outputs: one record per key figure, table and figure.

Everything that says something about a published output reads it here: ``publish`` (label,
unit, disclosure rule), the report (required or optional, the columns it reads, the order of
the summary), ``ruwaard numbers`` (order, label), the publication gate (disclosure rule) and
``docs/report.md`` (generated from :func:`markdown_tables`; a test keeps them equal).

To add a key figure: add a record to ``KEY_FIGURES`` and publish it in its notebook's
``publish`` function (``pub.figure(NAME, value, n=...)``). See "How to add" in
``docs/architecture.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from .disclosure_rules import (
    NOT_PEOPLE_AREA,
    NOT_PEOPLE_BUDGET,
    NOT_PEOPLE_INPUT,
    NOT_PEOPLE_WEEKS,
    RULE_KINDS,
    FigureRule,
    KeyFigureRule,
    TableRule,
)
from .vocabulary import UNITS

# Disclosure rules (docs/architecture.md, "Disclosure"): how an output is kept safe to publish.
DISCLOSURE_RULES: dict[str, str] = {
    "min_cell_size": "values computed on fewer people than the minimum cell size are not "
                     "published (the n stays, shown as '<5')",
    "not_people": "n counts something other than people (weeks): no cell suppression",
    "public_statistics": "area figures of CBS / GGD (model-based estimates for whole areas): "
                         "no cell suppression",
    "counts_only": "only counts of files, rows or analyses; a count of people below the "
                   "minimum cell size is shown as '<5'",
}

# The gate's reason for an output that is not about people, unless its record names another.
_NOT_PEOPLE_REASONS = {"not_people": NOT_PEOPLE_WEEKS, "public_statistics": NOT_PEOPLE_AREA,
                       "counts_only": NOT_PEOPLE_INPUT}

NOTEBOOKS = ("01_welbevinden", "02_maatschappelijke_kosten", "03_positieve_gezondheid",
             "04_wijkvitaliteit", "05_datakwaliteit", "06_werkende_principes")


@dataclass(frozen=True)
class Output:
    """One published output of ``data/processed/YEAR/``."""

    id: str
    kind: str  # "key_figure", "table" or "figure"
    label: str  # Dutch, as a reader sees it
    notebook: str  # the notebook that writes it
    required: bool  # the report stops without it
    disclosure: str  # a key of DISCLOSURE_RULES
    what: str  # English, for docs/report.md
    unit: str | None = None  # key figures: a unit of vocabulary.UNITS
    columns: dict[str, Any] = field(default_factory=dict)  # tables: columns the report reads
    in_report: bool = True  # tables and figures: the report shows it
    # how the publication gate checks it (disclosure_rules): default from ``disclosure``
    rule: TableRule | KeyFigureRule | FigureRule | None = None

    def __post_init__(self):
        if self.kind not in ("key_figure", "table", "figure"):
            raise ValueError(f"{self.id}: unknown kind {self.kind!r}")
        if self.notebook not in NOTEBOOKS:
            raise ValueError(f"{self.id}: unknown notebook {self.notebook!r}")
        if self.disclosure not in DISCLOSURE_RULES:
            raise ValueError(f"{self.id}: unknown disclosure rule {self.disclosure!r}")
        if self.kind == "key_figure" and self.unit not in UNITS:
            raise ValueError(f"{self.id}: unit {self.unit!r} not one of {UNITS}")
        rule_class = RULE_KINDS[self.kind]
        if self.rule is None:  # the plain rule of its disclosure class
            object.__setattr__(self, "rule", rule_class() if self.disclosure == "min_cell_size"
                               else rule_class(about_people=False,
                                               reason=_NOT_PEOPLE_REASONS[self.disclosure]))
        if not isinstance(self.rule, rule_class):
            raise ValueError(f"{self.id}: rule {self.rule!r} is not a {rule_class.__name__}")
        if self.rule.about_people != (self.disclosure == "min_cell_size"):
            raise ValueError(f"{self.id}: rule about_people={self.rule.about_people} does not "
                             f"fit disclosure {self.disclosure!r}")
        if not self.rule.about_people and not self.rule.reason:
            raise ValueError(f"{self.id}: a rule not about people needs its reason")


def _kf(id, label, unit, notebook, what, *, required=True, disclosure="min_cell_size",
        rule=None):
    return Output(id, "key_figure", label, notebook, required, disclosure, what, unit=unit,
                  rule=rule)


def _table(id, label, notebook, what, columns=None, *, required=False, in_report=True,
           disclosure="min_cell_size", rule=None):
    return Output(id, "table", label, notebook, required, disclosure, what,
                  columns=columns or {}, in_report=in_report, rule=rule)


def _fig(id, label, notebook, what, *, required=False, disclosure="min_cell_size", rule=None):
    return Output(id, "figure", label, notebook, required, disclosure, what, rule=rule)


WB, KO, PG, WV, DQ, WP = NOTEBOOKS

# Key figures in the steering group's reading order (report summary and `ruwaard numbers`).
KEY_FIGURES: tuple[Output, ...] = (
    _kf("casussen_totaal", "Casussen besproken in het multidisciplinair overleg (sinds 2016)",
        "count", WB, "cases discussed since 2016 (`mdo_year <= YEAR`)"),
    _kf("casussen_steekproef", "Casussen in de steekproef", "count", WB,
        "cases in the random sample (micro-analyses)"),
    _kf("welbevinden_voormeting_gemiddeld", "Gemiddeld ervaren welbevinden bij de voormeting",
        "score", WB, "mean wellbeing before, with n and CI"),
    _kf("welbevinden_nameting_gemiddeld", "Gemiddeld ervaren welbevinden bij de nameting",
        "score", WB, "mean wellbeing after, with n and CI"),
    _kf("welbevinden_herhaalmeting_gemiddeld",
        "Gemiddeld ervaren welbevinden bij de herhaalmeting", "score", WB,
        "mean wellbeing at the repeat measurement", required=False),
    _kf("welbevinden_verschil_gemiddeld",
        "Gemiddelde verandering in ervaren welbevinden (nameting min voormeting)", "points", WB,
        "mean paired change, with n and CI"),
    _kf("kostenanalyses_aantal", "Kostenanalyses (micro-analyses)", "count", KO,
        "cost analyses up to 31 December YEAR"),
    _kf("kosten_besparing_per_jaar_gemiddeld", "Gemiddelde besparing per casus per jaar",
        "eur_per_year", KO, "mean of huidig minus na_oplossing per case, with CI"),
    _kf("kosten_extrapolatie_besparing_totaal",
        "Geschatte besparing per jaar voor alle casussen", "eur_per_year", KO,
        "that saving extrapolated to all cases, with CI"),
    _kf("casussen_in_jaar", "Casussen besproken in het verslagjaar", "count", WP,
        "cases discussed in the MDO in YEAR itself"),
    _kf("randvoorwaarde_wonen_aandeel", "Aandeel casussen waarin de oplossing begon bij wonen",
        "share", WP, "share of all cases up to YEAR whose solution started from (new) housing, "
        "Clopper-Pearson CI; suppressed unless both the cases with and without reach the "
        "minimum cell size"),
    _kf("binnen_zes_weken_aandeel", "Aandeel casussen met de oplossing gestart binnen zes weken",
        "share", WP, "Kaplan-Meier share of cases whose solution started within 42 days of the "
        "MDO (1 - S(42), log-log CI), not-started cases censored at the measurement cut-off"),
    _kf("oplossing_start_mediaan_dagen", "Mediane tijd van MDO tot start van de oplossing",
        "days", WP, "Kaplan-Meier median days from MDO to solution start with the "
        "Brookmeyer-Crowley CI; value null when the median is not reached"),
    _kf("positieve_gezondheid_respondenten", "Respondenten Positieve Gezondheid", "count", PG,
        "respondents of the Positive Health waves", required=False),
    _kf("wijkbudget_per_inwoner", "Wijkbudget per inwoner", "eur", WV,
        "wijkbudget of YEAR per inhabitant", required=False, disclosure="public_statistics",
        rule=KeyFigureRule(about_people=False, reason=NOT_PEOPLE_BUDGET)),
    _kf("bezoekers_per_week_gemiddeld", "Gemiddeld aantal unieke bezoekers per week", "count",
        WV, "mean unique visitors per week of Ons Huis van de Wijk (n = weeks, not people: "
        "not suppressed)", required=False, disclosure="not_people"),
    # not in the summary table; in name order
    _kf("inwoners_wijk", "Inwoners van de wijk", "count", WV, "inhabitants of the wijk (CBS)",
        disclosure="public_statistics",
        rule=KeyFigureRule(about_people=False, reason=NOT_PEOPLE_BUDGET)),
    _kf("kosten_extrapolatie_casussen", "Casussen in de doorrekening", "count", KO,
        "the population the sample was drawn from (cases handled up to YEAR)", required=False),
    _kf("kosten_netto_contante_waarde", "Netto contante waarde", "eur", KO,
        "net present value per case of the multi-year projection", required=False),
    _kf("positieve_gezondheid_metingen", "Metingen Positieve Gezondheid", "count", PG,
        "number of Positive Health waves up to YEAR", required=False),
    _kf("randvoorwaarde_dagbesteding_aandeel",
        "Aandeel casussen waarin de oplossing begon bij dagbesteding", "share", WP,
        "the same for dagbesteding"),
    _kf("randvoorwaarde_financien_aandeel",
        "Aandeel casussen waarin de oplossing begon bij financiën", "share", WP,
        "the same for financiën"),
    _kf("randvoorwaarde_relaties_aandeel",
        "Aandeel casussen waarin de oplossing begon bij relaties", "share", WP,
        "the same for relaties"),
    _kf("welbevinden_aandeel_verbeterd",
        "Aandeel casussen met een hoger welbevinden na de oplossing", "share", WB,
        "share of paired cases whose wellbeing rose", required=False),
    _kf("welbevinden_herhaal_vs_nameting", "Verschil tussen herhaalmeting en nameting",
        "points", WB, "mixed-model contrast herhaalmeting minus nameting, with CI: is the "
        "effect lasting?", required=False),
    _kf("welbevinden_rtm_verwacht_verschil",
        "Verwachte verbetering door regressie naar het gemiddelde", "points", WB,
        "change expected from regression to the mean alone", required=False),
    _kf("welbevinden_verschil_boven_rtm", "Verbetering bovenop regressie naar het gemiddelde",
        "points", WB, "the rise beyond regression to the mean, with CI", required=False),
)

# The key figures of the report's summary table and of `ruwaard numbers`' first rows.
SUMMARY_KEY_FIGURES: tuple[str, ...] = tuple(k.id for k in KEY_FIGURES[:16])

S, I64, F64, B, D = pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Date

TABLES: tuple[Output, ...] = (
    _table("wijkprofiel", "Wijkprofiel", WV,
           "`indicator` (str key), `label` (str), `unit` (str, a key-figure unit), `wijk`, "
           "`gemeente`, `nederland` (f64; null where CBS has none); optional `year` (i64: the "
           "CBS year, named in the source note). One row per indicator in display order: "
           "inwoners, woningen, bevolkingsdichtheid, oppervlakte and more where "
           "`reference_data/areas_cbs_2024.csv` has them",
           {"indicator": S, "label": S, "unit": S, "wijk": F64, "gemeente": F64,
            "nederland": F64}, required=True, disclosure="public_statistics"),
    _table("welbevinden_momenten", "Welbevinden per meetmoment", WB,
           "`moment` (voormeting/nameting/herhaalmeting), `n` (i64), `mean`, `ci_low`, "
           "`ci_high` (f64), `suppressed` (bool)",
           {"moment": S, "n": I64, "mean": F64, "ci_low": F64, "ci_high": F64,
            "suppressed": B}, required=True),
    _table("kosten_scenario", "Maatschappelijke kosten per scenario", KO,
           "`scenario` (huidig/zonder_oplossing/oplossing_eenmalig/na_oplossing), `n` (i64), "
           "`mean_eur`, `total_eur` (f64), `suppressed` (bool); optional `ci_low_eur`, "
           "`ci_high_eur` (f64: BCa bootstrap interval of the mean, null where undefined)",
           {"scenario": S, "n": I64, "mean_eur": F64, "total_eur": F64, "suppressed": B},
           required=True),
    _table("kosten_betaler", "Maatschappelijke kosten per betaler", KO,
           "`payer` (price-list payer), `scenario`, `n` (i64), `total_eur` (f64), "
           "`suppressed` (bool)",
           {"payer": S, "scenario": S, "n": I64, "total_eur": F64, "suppressed": B},
           required=True,
           rule=TableRule(additive=("scenario",))),
    _table("n_per_analyse", "Aantallen per analyse", DQ,
           "`analysis` (str key), `label` (str), `n` (i64), `unit` (str, e.g. casussen, "
           "respondenten)",
           {"analysis": S, "label": S, "n": I64, "unit": S}, required=True,
           disclosure="counts_only"),
    _table("positieve_gezondheid_domeinen", "Positieve Gezondheid per domein", PG,
           "`wave` (i64, 1...), `wave_date` (date), `domain` (six domains), `n` (i64), "
           "`mean`, `ci_low`, `ci_high` (f64), `suppressed` (bool)",
           {"wave": I64, "wave_date": D, "domain": S, "n": I64, "mean": F64, "ci_low": F64,
            "ci_high": F64, "suppressed": B},
           rule=TableRule(keys=("wave",))),
    _table("ggd_indicatoren", "GGD-gezondheidsmonitor", WV,
           "`indicator_code`, `indicator_label` (str), `year` (i64), `area_level` "
           "(wijk/gemeente/nederland), `estimate_pct`, `ci_lower`, `ci_upper` (f64); all waves "
           "(the table shows the latest, the figure the trend)",
           {"indicator_code": S, "indicator_label": S, "year": I64, "area_level": S,
            "estimate_pct": F64, "ci_lower": F64, "ci_upper": F64},
           disclosure="public_statistics"),
    _table("wijkbudget", "Wijkbudget", WV,
           "`year` (i64), `allocated_eur`, `spent_eur` (f64), `inhabitants` (i64), "
           "`allocated_per_inhabitant_eur`, `spent_per_inhabitant_eur` (f64)",
           {"year": I64, "allocated_eur": F64, "spent_eur": F64, "inhabitants": I64,
            "allocated_per_inhabitant_eur": F64, "spent_per_inhabitant_eur": F64},
           disclosure="public_statistics",
           rule=TableRule(about_people=False, reason=NOT_PEOPLE_BUDGET)),
    _table("bezoekers", "Bezoekers van Ons Huis van de Wijk", WV,
           "`month` (date, first day), `weeks` (i64), `mean_weekly_visitors` (f64)",
           {"month": D, "weeks": I64, "mean_weekly_visitors": F64}, disclosure="not_people"),
    _table("welbevinden_effecten", "Effecten op welbevinden", WB,
           "one row per comparison (`stats.paired.PairedChange.to_frame()`): `label_before`, "
           "`label_after` (moments), `n` (i64), `mean_before`, `mean_after`, `mean_diff`, "
           "`ci_low`, `ci_high`, `p_t`, `wilcoxon_p`, `d_z`, `d_z_ci_low`, `d_z_ci_high`, "
           "`g_av`, `g_av_ci_low`, `g_av_ci_high`, `share_improved` (f64), `suppressed` "
           "(bool), and the other record fields",
           {"label_before": S, "label_after": S, "n": I64, "mean_before": F64,
            "mean_after": F64, "mean_diff": F64, "ci_low": F64, "ci_high": F64, "p_t": F64,
            "wilcoxon_p": F64, "d_z": F64, "d_z_ci_low": F64, "d_z_ci_high": F64,
            "g_av": F64, "g_av_ci_low": F64, "g_av_ci_high": F64, "share_improved": F64,
            "suppressed": B},
           rule=TableRule(keys=("confidence", "n_resamples", "seed", "n_excluded",
                                "min_change"))),
    _table("randvoorwaarden", "Randvoorwaarden", WP,
           "`period` (an MDO year as text, or `cumulatief`), `scope` (`alle`/`steekproef`), "
           "`precondition` (wonen/financien/relaties/dagbesteding), `n` (i64: cases), `n_yes` "
           "(i64), `share`, `ci_low`, `ci_high` (f64, Clopper-Pearson), `suppressed` (bool: the "
           "cases with or without below the minimum cell size)",
           {"period": S, "scope": S, "precondition": S, "n": I64, "n_yes": I64, "share": F64,
            "ci_low": F64, "ci_high": F64, "suppressed": B}),
    _table("randvoorwaarden_combinaties", "Combinaties van randvoorwaarden", WP,
           "`combination` (`wonen+financien`, ...; `overige` pools the combinations below the "
           "minimum cell size), `n_preconditions`, `n` (i64), `share` (f64, of all cases up to "
           "YEAR), `combinations_pooled` (i64)",
           {"combination": S, "n": I64, "share": F64},
           rule=TableRule(keys=("n_preconditions", "combinations_pooled"))),
    _table("randvoorwaarden_wonen_verschil", "Wonen als randvoorwaarde: verschil", WP,
           "`measure` (`welbevinden_verandering`/`besparing_per_jaar`), `n` (i64: the smaller "
           "group), `n_with`, `n_without` (i64), `mean_with`, `mean_without`, `difference`, "
           "`ci_low`, `ci_high` (f64, Welch t), `confidence`, `suppressed` (bool); descriptive",
           {"measure": S, "n": I64, "n_with": I64, "n_without": I64, "mean_with": F64,
            "mean_without": F64, "difference": F64, "ci_low": F64, "ci_high": F64,
            "suppressed": B}),
    _table("zes_weken", "Start van de oplossing binnen zes weken", WP,
           "one row: `n`, `n_started`, `n_censored`, `horizon_days` (i64), `share_by_horizon`, "
           "`share_ci_low`, `share_ci_high`, `median_days`, `median_ci_low`, `median_ci_high` "
           "(f64; a null upper bound: not reached)",
           {"n": I64, "n_started": I64, "n_censored": I64, "share_by_horizon": F64,
            "share_ci_low": F64, "share_ci_high": F64, "median_days": F64,
            "median_ci_low": F64, "median_ci_high": F64},
           rule=TableRule(keys=("horizon_days",), cells=(
               (("share_by_horizon", "share_ci_low", "share_ci_high"), "n_share_group"),
               (("n_started", "n_censored"), "n_count_group")))),
    _table("zes_weken_curve", "Tijd tot de start van de oplossing", WP,
           "the Kaplan-Meier curve on a weekly grid: `days`, `n` (i64, still waiting; rows below "
           "the minimum cell size left out), `started_share`, `ci_low`, `ci_high` (f64)",
           in_report=False,
           rule=TableRule(keys=("days",))),
    _table("casussen_per_maand", "Casussen per maand", WP,
           "`period_start`, `period_end` (date, first day of the first and last month), "
           "`months`, `n` (i64: cases discussed; months with fewer than the minimum cell size "
           "pooled with the next), `cumulative` (i64, since May 2016)",
           {"period_start": D, "period_end": D, "months": I64, "n": I64, "cumulative": I64},
           rule=TableRule(keys=("months",))),
    # written for the notebooks and later use; the report does not show them (yet)
    _table("welbevinden_model", "Gemengd model welbevinden", WB,
           "mixed-model contrasts between moments (`estimate`, `se`, `t`, `p_value`, CI), `n`",
           in_report=False,
           rule=TableRule(keys=("confidence", "df"))),
    _table("welbevinden_verdeling", "Welbevinden: verdeling per meetmoment", WB,
           "per moment `n` (i64), `mean`, `ci_low`, `ci_high`, `p25`, `median`, `p75` (f64), "
           "`suppressed` (bool): the data of the before/after figure (no single score)",
           {"moment": S, "n": I64, "mean": F64, "ci_low": F64, "ci_high": F64, "p25": F64,
            "median": F64, "p75": F64, "suppressed": B}, in_report=False),
    _table("welbevinden_rtm", "Regressie naar het gemiddelde", WB,
           "observed change, change expected from regression to the mean, and the rest",
           in_report=False,
           rule=TableRule(keys=("confidence",))),
    _table("welbevinden_rtm_gevoeligheid", "Regressie naar het gemiddelde: gevoeligheid", WB,
           "the rest beyond regression to the mean for other assumed reliabilities",
           in_report=False,
           rule=TableRule(keys=("population_mean", "population_sd", "entry_threshold",
                                "reliability"))),
    _table("kosten_besparing", "Besparingen", KO,
           "savings per case against the current situation and against no solution",
           in_report=False),
    _table("kosten_extrapolatie", "Doorrekening naar alle casussen", KO,
           "the mean saving extrapolated to all cases, with the finite-population correction",
           in_report=False,
           rule=TableRule(keys=("population_size", "fpc", "confidence"))),
    _table("kosten_meerjarig", "Meerjarige doorrekening", KO,
           "the multi-year projection with deadweight, attribution, drop-off and discounting",
           in_report=False,
           rule=TableRule(keys=("year",))),
    _table("kosten_gevoeligheid", "Gevoeligheid van de besparing", KO,
           "the saving under other cost assumptions", in_report=False),
    _table("positieve_gezondheid_verandering", "Verandering Positieve Gezondheid", PG,
           "paired change per domain between the first and the latest wave", in_report=False,
           rule=TableRule(keys=("confidence", "n_resamples", "seed"))),
    _table("ggd_vergelijking", "GGD: wijk, gemeente en Nederland", WV,
           "latest GGD wave, the wijk compared with Oss and Nederland",
           in_report=False, disclosure="public_statistics"),
    _table("ggd_verschil_in_verschil", "GGD: verschil in verschil", WV,
           "difference-in-differences of the wijk against Oss per indicator",
           in_report=False, disclosure="public_statistics"),
    _table("invoer_bronnen", "Ingelezen bronnen", DQ,
           "per source: rows, columns, first and last year, missing cells", in_report=False,
           disclosure="counts_only"),
    _table("invoer_volledigheid", "Volledigheid van de invoer", DQ,
           "missing measurements and cost analyses", in_report=False, disclosure="counts_only"),
)

FIGURES: tuple[Output, ...] = (
    _fig("welbevinden_momenten", "Welbevinden per meetmoment", WB,
         "mean wellbeing per moment with CI", required=True),
    _fig("kosten_scenario", "Kosten per scenario", KO, "costs per scenario", required=True),
    _fig("kosten_betaler", "Kosten per betaler", KO,
         "costs per payer (who invests, who saves)", required=True,
         rule=FigureRule(fixed_fields=frozenset({"zero"}))),
    _fig("positieve_gezondheid_domeinen", "Positieve Gezondheid per domein", PG,
         "the six domains per wave (spinnenweb)",
         rule=FigureRule(fixed_fields=frozenset({"i", "angle", "r"}))),
    _fig("ggd_trend", "GGD-indicatoren door de jaren", WV,
         "GGD indicators per year, wijk beside Oss and Nederland",
         disclosure="public_statistics"),
    _fig("wijkbudget_per_inwoner", "Wijkbudget per inwoner", WV,
         "wijkbudget per inhabitant per year", disclosure="public_statistics",
         rule=FigureRule(about_people=False, reason=NOT_PEOPLE_BUDGET)),
    _fig("bezoekers_per_week", "Bezoekers per week", WV, "unique visitors per week",
         disclosure="not_people"),
    _fig("welbevinden_voor_na", "Welbevinden voor en na", WB,
         "before and after: per moment the middle half of the cases (P25-P75) and the median, "
         "with the mean and CI; no single case (docs/disclosure.md)"),
    _fig("ggd_vergelijking", "GGD: wijk, gemeente en Nederland", WV,
         "latest GGD wave: wijk, Oss and Nederland with interval bars",
         disclosure="public_statistics"),
    _fig("randvoorwaarden", "Randvoorwaarden", WP,
         "share of all cases per precondition with CI bars"),
    _fig("zes_weken", "Start binnen zes weken", WP,
         "Kaplan-Meier curve of the share started by days after the MDO, 95% band, line at "
         "42 days",
         rule=FigureRule(fixed_fields=frozenset({"days"}))),
    _fig("casussen_per_maand", "Casussen per maand", WP,
         "cases discussed per period (bars) and the cumulative number since the start (line)"),
)

ALL: tuple[Output, ...] = KEY_FIGURES + TABLES + FIGURES

_BY_KIND = {"key_figure": {o.id: o for o in KEY_FIGURES},
            "table": {o.id: o for o in TABLES},
            "figure": {o.id: o for o in FIGURES}}


def get(kind: str, id: str) -> Output:
    """The record of output ``id`` of ``kind``; KeyError naming the catalogue otherwise."""
    try:
        return _BY_KIND[kind][id]
    except KeyError:
        raise KeyError(f"{kind} {id!r} is not in the output catalogue (catalogue.py)") from None


def key_figure(id: str) -> Output:
    return get("key_figure", id)


def table(id: str) -> Output:
    return get("table", id)


def figure(id: str) -> Output:
    return get("figure", id)


def by_kind(kind: str) -> dict[str, Output]:
    """``{id: record}`` of one kind, in catalogue order."""
    return dict(_BY_KIND[kind])


def in_display_order(names) -> list[str]:
    """Key-figure ``names`` in the catalogue's order; names not in it after them, by name."""
    rank = {o.id: i for i, o in enumerate(KEY_FIGURES)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


# --------------------------------------------------------------------------- docs/report.md


def _yes(required: bool) -> str:
    return "yes" if required else "no"


def markdown_tables() -> str:
    """The contract tables of ``docs/report.md`` (key figures, tables, figures), generated."""
    lines = ["### Key figures (`key_figures.json`)", "",
             'Each `{"value", "n", "unit", "label", "ci_low", "ci_high", "suppressed"}`; `unit` '
             "one of `vocabulary.UNITS`; `label` the Dutch label below.", "",
             "| name | unit | required | notebook | disclosure | what |",
             "|---|---|---|---|---|---|"]
    lines += [f"| `{o.id}` | {o.unit} | {_yes(o.required)} | `{o.notebook}` | {o.disclosure} "
              f"| {o.what} |" for o in KEY_FIGURES]
    lines += ["", "### Tables (`tables/NAME.parquet`)", "",
              "| name | required | notebook | disclosure | columns (type) |",
              "|---|---|---|---|---|"]
    lines += [f"| `{o.id}` | {_yes(o.required)} | `{o.notebook}` | {o.disclosure} | {o.what} |"
              for o in TABLES if o.in_report]
    lines += ["", "Also written, not shown in the report: "
              + ", ".join(f"`{o.id}` ({o.what})" for o in TABLES if not o.in_report) + ".",
              "", "### Figures (`figures/NAME.svg`, `.png`, `.vl.json`)", "",
              "Written with `results.write_figure`; the alt text is the chart's Vega-Lite "
              "`description` (`present.labels.ALT_TEXTS`).", "",
              "| name | required | notebook | disclosure | shows |", "|---|---|---|---|---|"]
    lines += [f"| `{o.id}` | {_yes(o.required)} | `{o.notebook}` | {o.disclosure} | {o.what} |"
              for o in FIGURES]
    lines += ["", "Disclosure rules: "
              + "; ".join(f"**{k}**: {v}" for k, v in DISCLOSURE_RULES.items()) + "."]
    return "\n".join(lines) + "\n"
