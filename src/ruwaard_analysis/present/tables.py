"""The report's tables: polars frame in, great-tables ``GT`` out.

Every cell is formatted by ``present.fmt`` *before* great-tables sees it (one source of Dutch
number formats for text and tables; "<5" and "–" are text, never "nan" or "None"). Rows with
``n`` below ``min_cell_size`` are suppressed first (``disclosure.suppress_frame``): their n shows
as "<5" and their values as "–", and the source note explains "<5".

Render with ``gt.as_raw_html()`` (HTML report); in the PDF Quarto turns it into a plain table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from great_tables import GT

from ruwaard_analysis import config
from ruwaard_analysis.disclosure import suppress_frame
from ruwaard_analysis.present import fmt, labels

RowFormatter = Callable[[dict[str, Any]], str]


def _require(df: pl.DataFrame, columns: Sequence[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{table}: kolommen ontbreken: {missing}; aanwezig: {df.columns}")


def _display(rows: list[dict[str, Any]], columns: Mapping[str, RowFormatter]) -> pl.DataFrame:
    """A frame of strings: one column per ``columns`` key, each cell ``formatter(row)``."""
    return pl.DataFrame(
        {name: [f(row) for row in rows] for name, f in columns.items()},
        schema={name: pl.String for name in columns},
    )


def _build(
    display: pl.DataFrame,
    headers: Mapping[str, str],
    *,
    title: str | None,
    source: str,
    any_suppressed: bool,
    min_cell_size: int,
) -> GT:
    table = GT(display).cols_label(**headers)
    if title:
        table = table.tab_header(title=title)
    table = table.tab_source_note(source)
    if any_suppressed:
        table = table.tab_source_note(
            labels.CAVEATS["suppression"].format(min_cell_size=min_cell_size)
        )
    return table


def _moment(value: object) -> str:
    """Moment label for a known moment value; other text (already a label) passes through."""
    return labels.MOMENTS.get(str(value), str(value))


def _text(value: str | None) -> str:
    """Dutch text as given, or the label of a ``"group.value"`` key (``labels.label``)."""
    if not value:
        return labels.MISSING
    group, sep, key = value.partition(".")
    if sep and group in labels.GROUPS and key in labels.GROUPS[group]:
        return labels.GROUPS[group][key]
    return value


def key_figures_frame(figures: Mapping[str, Mapping[str, Any]]) -> pl.DataFrame:
    """``key_figures.json`` (``{name: {value, n, unit, label, ci_low, ci_high, ...}}``) as a frame
    with columns ``name, label, value, unit, n, ci_low, ci_high``, sorted by name."""
    rows = [
        {
            "name": name,
            "label": rec.get("label"),
            "value": None if rec.get("value") is None else float(rec["value"]),
            "unit": rec.get("unit"),
            "n": rec.get("n"),
            "ci_low": rec.get("ci_low"),
            "ci_high": rec.get("ci_high"),
        }
        for name, rec in sorted(figures.items())
    ]
    schema = {"name": pl.String, "label": pl.String, "value": pl.Float64, "unit": pl.String,
              "n": pl.Int64, "ci_low": pl.Float64, "ci_high": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def key_figures_table(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["key_figures"],
    source: str = labels.SOURCES["key_figures"],
) -> GT:
    """Key figures: Kerncijfer | Waarde | 95%-BI | n.

    ``frame``: ``label, value, unit, n, ci_low, ci_high`` (see ``key_figures_frame``). ``unit``
    picks the format (``fmt.fmt_value``: "EUR", "%", "fractie", "aantal", else a number).
    """
    _require(frame, ["label", "value", "unit", "n", "ci_low", "ci_high"], "key_figures_table")
    safe = suppress_frame(frame, value_cols=["value", "ci_low", "ci_high"],
                          min_cell_size=min_cell_size)

    columns: dict[str, RowFormatter] = {
        "label": lambda r: _text(r["label"]),
        "value": lambda r: fmt.fmt_value(r["value"], r["unit"]),
        "ci": lambda r: fmt.fmt_value_ci(r["ci_low"], r["ci_high"], r["unit"], confidence=None),
        "n": lambda r: fmt.fmt_count(r["n"], min_cell_size),
    }
    return _build(
        _display(safe.to_dicts(), columns),
        {"label": labels.HEADERS["key_figure"], "value": labels.HEADERS["value"],
         "ci": labels.HEADERS["ci"], "n": labels.HEADERS["n"]},
        title=title, source=source, any_suppressed=bool(safe["suppressed"].any()),
        min_cell_size=min_cell_size,
    )


EFFECT_VALUE_COLS = ["mean_before", "mean_after", "mean_diff", "ci_low", "ci_high", "p_t",
                     "d_z", "g_av"]


def effects_table(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["effects"],
    source: str = labels.SOURCES["wellbeing"],
) -> GT:
    """Paired changes: [Uitkomst] | Van | Naar | n | Gemiddelde ervoor | Gemiddelde erna |
    Verschil (95%-BI) | p | d_z | g_av.

    ``frame``: one row per comparison with the fields of ``stats.paired.PairedChange``
    (``PairedChange.to_frame()``, concatenated): ``label_before, label_after, n, mean_before,
    mean_after, mean_diff, ci_low, ci_high, p_t, d_z, g_av``; optional ``outcome`` (Dutch text).
    Moment values (voormeting, ...) get their labels; other text is shown as given.
    """
    _require(frame, ["label_before", "label_after", "n", *EFFECT_VALUE_COLS], "effects_table")
    safe = suppress_frame(frame, value_cols=EFFECT_VALUE_COLS, min_cell_size=min_cell_size)
    columns: dict[str, RowFormatter] = {}
    if "outcome" in safe.columns:
        columns["outcome"] = lambda r: _text(r["outcome"])
    columns |= {
        "moment_from": lambda r: _moment(r["label_before"]),
        "moment_to": lambda r: _moment(r["label_after"]),
        "n": lambda r: fmt.fmt_count(r["n"], min_cell_size),
        "mean_from": lambda r: fmt.fmt_number(r["mean_before"]),
        "mean_to": lambda r: fmt.fmt_number(r["mean_after"]),
        "difference_ci": lambda r: fmt.fmt_estimate_ci(r["mean_diff"], r["ci_low"], r["ci_high"]),
        "p": lambda r: fmt.fmt_p(r["p_t"], symbol=False),
        "d_z": lambda r: fmt.fmt_number(r["d_z"], 2),
        "g_av": lambda r: fmt.fmt_number(r["g_av"], 2),
    }
    return _build(
        _display(safe.to_dicts(), columns),
        {name: labels.HEADERS[name] for name in columns},
        title=title, source=source, any_suppressed=bool(safe["suppressed"].any()),
        min_cell_size=min_cell_size,
    )


def costs_table(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["costs"],
    source: str = labels.SOURCES["costs"],
) -> GT:
    """Costs per scenario: Scenario | n | Gemiddeld per casus | [95%-BI] | [Totaal].

    ``frame``: ``measure, n, mean`` as ``costs.costs_per_scenario`` returns (``scenario`` /
    ``mean_eur`` accepted too); optional ``ci_low, ci_high`` and ``total``. Amounts in euros.
    """
    frame = frame.rename({k: v for k, v in {"scenario": "measure", "mean_eur": "mean"}.items()
                          if k in frame.columns and v not in frame.columns})
    _require(frame, ["measure", "n", "mean"], "costs_table")
    has_ci = "ci_low" in frame.columns and "ci_high" in frame.columns
    value_cols = [c for c in ["mean", "ci_low", "ci_high", "total", "sd", "median", "min", "max"]
                  if c in frame.columns]
    safe = suppress_frame(frame, value_cols=value_cols, min_cell_size=min_cell_size)
    columns: dict[str, RowFormatter] = {
        "scenario": lambda r: labels.label(f"cost_measure.{r['measure']}"),
        "n": lambda r: fmt.fmt_count(r["n"], min_cell_size),
        "mean_eur": lambda r: fmt.fmt_eur(r["mean"]),
    }
    if has_ci:
        columns["ci"] = lambda r: fmt.fmt_eur_range(r["ci_low"], r["ci_high"])
    if "total" in safe.columns:
        columns["total_eur"] = lambda r: fmt.fmt_eur(r["total"])
    return _build(
        _display(safe.to_dicts(), columns),
        {name: labels.HEADERS[name] for name in columns},
        title=title, source=source, any_suppressed=bool(safe["suppressed"].any()),
        min_cell_size=min_cell_size,
    )
