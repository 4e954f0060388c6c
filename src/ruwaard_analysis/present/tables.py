"""Tables for notebooks and report: polars frame in, a great-tables ``GT`` or Markdown out.

Every cell is formatted by ``present.fmt`` *before* a table is built (one source of Dutch
number formats for text and tables; "<5" and "–" are text, never "nan" or "None"). Rows with
``n`` below ``min_cell_size`` are suppressed first (``disclosure.suppress_frame``): their n shows
as "<5" and their values as "–", and the source note explains "<5".

A *display frame* (all cells strings, already formatted) becomes a table in one place:
:func:`gt_table` (HTML: notebooks and the HTML report) or :func:`markdown_table` (a pipe table:
the Typst/PDF report gets a native table with the same numbers). Both right-align the columns
that hold numbers (:func:`numeric_columns`) and put the notes under the table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from great_tables import GT

from ruwaard_analysis import config, vocabulary
from ruwaard_analysis.catalogue import in_display_order
from ruwaard_analysis.disclosure import suppress_frame
from ruwaard_analysis.present import fmt, labels
from ruwaard_analysis.present.key_figure_text import key_figure_text, label_text

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
    *,
    title: str | None,
    source: str,
    any_suppressed: bool,
    min_cell_size: int,
) -> GT:
    """A notebook table: :func:`gt_table` with a title, the source and, where rows were
    suppressed, the note that explains "<5"."""
    suppression = (labels.CAVEATS["suppression"].format(min_cell_size=min_cell_size)
                   if any_suppressed else "")
    table = gt_table(display, [source, suppression])
    return table.tab_header(title=title) if title else table


# -- display frame -> table -------------------------------------------------------------------

# A shown number: optional sign or "<", optional "€", then a digit ("2,9", "€ 4.309",
# "<5", "< 0,001", "−0,2", "95%-BI 2,4 tot 3,3", "49% (95%-BI 43% tot 55%)").
_NUMBER = re.compile(r"^\s*[<>+\-\u2212]?\s*(?:(?:€|EUR)\s*[+\-\u2212]?)?\d")
# Relative column widths in a pipe table follow the dashes of its rule line (Pandoc).
_MAX_DASHES = 30


def numeric_columns(display: pl.DataFrame) -> list[str]:
    """Columns whose every shown cell is a number (or "–"): right-aligned in tables."""
    out = []
    for name in display.columns:
        shown = [str(v) for v in display[name].to_list() if v not in (None, "", labels.MISSING)]
        if shown and all(_NUMBER.match(v) for v in shown):
            out.append(name)
    return out


def _aligned(table: GT, display: pl.DataFrame) -> GT:
    numeric = numeric_columns(display)
    text = [c for c in display.columns if c not in numeric]
    if text:
        table = table.cols_align(align="left", columns=text)
    if numeric:
        table = table.cols_align(align="right", columns=numeric)
    return table


def table_id(display: pl.DataFrame, notes: Sequence[str] = ()) -> str:
    """An HTML id for a table, from its content: great-tables draws a random one otherwise,
    and the same results would give a different HTML file each render."""
    digest = hashlib.sha256()
    digest.update(display.write_csv().encode("utf-8"))
    for note in notes:
        digest.update(b"\x00" + str(note).encode("utf-8"))
    return f"gt-{digest.hexdigest()[:12]}"


def gt_table(display: pl.DataFrame, notes: Sequence[str] = ()) -> GT:
    """A display frame as a great-tables table, numbers right-aligned, notes under it; its
    HTML id follows from its content (:func:`table_id`), so a render is reproducible."""
    table = _aligned(GT(display, id=table_id(display, notes)), display)
    for note in notes:
        if note:
            table = table.tab_source_note(note)
    return table


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(display: pl.DataFrame, notes: Sequence[str] = ()) -> str:
    """A display frame as a Pandoc pipe table: numbers right-aligned, text left, column
    widths after the longest cell or header word (the rule line's dashes), notes as
    paragraphs under it."""
    numeric = set(numeric_columns(display))
    head = "| " + " | ".join(_md_cell(c) for c in display.columns) + " |"
    rules = []
    for name in display.columns:
        # a header wraps between its words; the cells below decide the width
        longest = max([*(len(word) for word in str(name).split()),
                       *(len(str(v)) for v in display[name].to_list())])
        dashes = "-" * max(3, min(_MAX_DASHES, longest))
        rules.append(f"{dashes}:" if name in numeric else f":{dashes}")
    rule = "|" + "|".join(rules) + "|"
    body = ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in display.rows()]
    text = "\n".join([head, rule, *body])
    for note in notes:
        if note:
            text += f"\n\n{note}"
    return text


def _moment(value: object) -> str:
    """Moment label for a known moment value; other text (already a label) passes through."""
    return labels.MOMENTS.get(str(value), str(value))


def _text(value: str | None) -> str:
    """Dutch text as given, or the label of a ``"group.value"`` key (``labels.label``)."""
    return label_text(value)


def key_figure_cells(record: Mapping[str, Any], *, min_cell_size: int) -> tuple[dict, bool]:
    """One key figure (a ``key_figures.json`` record) as the cells Kerncijfer | Waarde | n |
    95%-BI, and whether it is hidden (``present.key_figure_text``: the one formatter and
    suppression rule). Hidden: value and interval "–", n "<5"."""
    text = key_figure_text(record, min_cell_size)
    cells = {
        labels.HEADERS["key_figure"]: text.label,
        labels.HEADERS["value"]: text.value or labels.MISSING,
        labels.HEADERS["n"]: text.n or labels.MISSING,
        labels.HEADERS["ci"]: text.ci or labels.MISSING,
    }
    return cells, text.hidden


def key_figures_display(
    records: Iterable[Mapping[str, Any]], *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Key figures as a display frame (see :func:`key_figure_cells`), in the order given, and
    whether any was suppressed."""
    rows, hidden_any = [], False
    for record in records:
        cells, hidden = key_figure_cells(record, min_cell_size=min_cell_size)
        rows.append(cells)
        hidden_any |= hidden
    columns = [labels.HEADERS[k] for k in ("key_figure", "value", "n", "ci")]
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}), hidden_any


def key_figures_table(
    figures: pl.DataFrame | Mapping[str, Mapping[str, Any]],
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["key_figures"],
    source: str = labels.SOURCES["key_figures"],
) -> GT:
    """Key figures: Kerncijfer | Waarde | n | 95%-BI, as the report shows them.

    ``figures``: ``{name: record}`` as ``key_figures.json`` holds them (shown in the steering
    group's order, ``catalogue.KEY_FIGURES``), or a frame of records (``label, value,
    unit, n, ci_low, ci_high``; optional ``suppressed, n_unit, decimals``), shown in its order.
    ``unit`` picks the format (``fmt.fmt_value``).
    """
    if isinstance(figures, pl.DataFrame):
        _require(figures, ["label", "value", "unit", "n", "ci_low", "ci_high"],
                 "key_figures_table")
        records = figures.to_dicts()
    else:
        records = [{**figures[name], "name": name} for name in in_display_order(figures)]
    display, any_suppressed = key_figures_display(records, min_cell_size=min_cell_size)
    return _build(display, title=title, source=source,
                  any_suppressed=any_suppressed, min_cell_size=min_cell_size)


EFFECT_VALUE_COLS = ["mean_before", "mean_after", "mean_diff", "ci_low", "ci_high", "p_t",
                     "d_z", "g_av"]
# Further fields of a PairedChange row that are shown when present (all nulled when suppressed).
EFFECT_OPTIONAL_COLS = ["wilcoxon_p", "d_z_ci_low", "d_z_ci_high", "g_av_ci_low", "g_av_ci_high",
                        "share_improved"]


def _comparison(row: Mapping[str, Any]) -> str:
    """Column header of one comparison: 'Voormeting → Nameting (±6 weken)' (outcome first)."""
    name = f"{_moment(row['label_before'])} → {_moment(row['label_after'])}"
    outcome = row.get("outcome")
    return f"{_text(outcome)}: {name}" if outcome else name


def effects_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Paired changes as a display frame: one row per statistic, one column per comparison.

    ``frame``: one row per comparison with the fields of ``stats.paired.PairedChange``
    (``PairedChange.to_frame()``, concatenated, or the published ``welbevinden_effecten``
    table): ``label_before, label_after, n, mean_before, mean_after, mean_diff, ci_low,
    ci_high, p_t, d_z, g_av``; shown too when present: ``wilcoxon_p``, the intervals of ``d_z``
    and ``g_av``, ``share_improved``; optional ``outcome`` (Dutch text). Returns the frame and
    whether a comparison was suppressed (its n "<5", every value "–").
    """
    _require(frame, ["label_before", "label_after", "n", *EFFECT_VALUE_COLS], "effects_table")
    optional = [c for c in EFFECT_OPTIONAL_COLS if c in frame.columns]
    safe = suppress_frame(frame, value_cols=[*EFFECT_VALUE_COLS, *optional],
                          min_cell_size=min_cell_size)
    has = set(safe.columns)
    rows: list[tuple[str, RowFormatter]] = [
        ("n_pairs", lambda r: fmt.fmt_count(r["n"], min_cell_size)),
        ("mean_from", lambda r: fmt.fmt_number(r["mean_before"])),
        ("mean_to", lambda r: fmt.fmt_number(r["mean_after"])),
        ("difference_ci", lambda r: fmt.fmt_estimate_ci(r["mean_diff"], r["ci_low"],
                                                        r["ci_high"])),
        ("p_t", lambda r: fmt.fmt_p(r["p_t"], symbol=False)),
    ]
    if "wilcoxon_p" in has:
        rows.append(("p_wilcoxon", lambda r: fmt.fmt_p(r["wilcoxon_p"], symbol=False)))
    for effect in ("d_z", "g_av"):
        if {f"{effect}_ci_low", f"{effect}_ci_high"} <= has:
            rows.append((f"{effect}_ci", lambda r, e=effect: fmt.fmt_estimate_ci(
                r[e], r[f"{e}_ci_low"], r[f"{e}_ci_high"], decimals=2)))
        else:
            rows.append((effect, lambda r, e=effect: fmt.fmt_number(r[e], 2)))
    if "share_improved" in has:
        rows.append(("share_improved", lambda r: fmt.fmt_pct(r["share_improved"])))

    columns: dict[str, list[str]] = {labels.HEADERS["statistic"]:
                                     [labels.HEADERS[key] for key, _ in rows]}
    for record in safe.to_dicts():
        name, k = _comparison(record), 2
        while name in columns:
            name, k = f"{_comparison(record)} ({k})", k + 1
        hidden = bool(record["suppressed"])
        columns[name] = [f(record) if key == "n_pairs" or not hidden else labels.MISSING
                         for key, f in rows]
    return pl.DataFrame(columns), bool(safe["suppressed"].any())


def effects_table(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["effects"],
    source: str = labels.SOURCES["wellbeing"],
) -> GT:
    """Paired changes (see :func:`effects_display`): a row per statistic, a column per
    comparison, with the method and, where needed, the suppression note."""
    display, any_suppressed = effects_display(frame, min_cell_size=min_cell_size)
    return _build(display, title=title, source=source,
                  any_suppressed=any_suppressed, min_cell_size=min_cell_size)


def costs_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Costs per scenario as a display frame: Scenario | n | Gemiddeld per casus | [95%-BI] |
    [Totaal], rows in the order given, and whether a row was suppressed.

    ``frame``: ``measure, n, mean`` as ``costs.costs_per_scenario`` returns (optional ``ci_low,
    ci_high, total``), or the published ``kosten_scenario`` (``scenario, mean_eur, total_eur``,
    optional ``ci_low_eur, ci_high_eur``); optional ``suppressed``. Amounts in euros.
    """
    renames = {"scenario": "measure", "mean_eur": "mean", "total_eur": "total",
               "ci_low_eur": "ci_low", "ci_high_eur": "ci_high"}
    frame = frame.rename({k: v for k, v in renames.items()
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
    display = _display(safe.to_dicts(), columns).rename(
        {name: labels.HEADERS[name] for name in columns})
    return display, bool(safe["suppressed"].any())


def costs_table(
    frame: pl.DataFrame,
    *,
    min_cell_size: int = config.MIN_CELL_SIZE,
    title: str | None = labels.TITLES["costs"],
    source: str = labels.SOURCES["costs"],
) -> GT:
    """Costs per scenario (see :func:`costs_display`) as a great-tables table."""
    display, any_suppressed = costs_display(frame, min_cell_size=min_cell_size)
    return _build(display, title=title, source=source,
                  any_suppressed=any_suppressed, min_cell_size=min_cell_size)


# -- werkende principes -----------------------------------------------------------------------

PRECONDITION_ORDER = ("wonen", "financien", "relaties", "dagbesteding")


def _period_header(period: str, first_year: int, year: int) -> str:
    if period == "cumulatief":
        if first_year == year:  # one year so far: "2016", not "2016 t/m 2016"
            return str(year)
        return labels.WORDS["alle_jaren"].format(first=first_year, year=year)
    return period


def preconditions_display(
    table: pl.DataFrame, *, year: int, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Preconditions at the start of the solution: a row per precondition and a row with the
    number of cases; a column per MDO year and for all years (all cases), and one for the
    random sample over all years. Cells: share with its interval ("30% (15% tot 49%)").

    ``table``: the published ``randvoorwaarden`` (suppressed cells have a null share).
    """
    _require(table, ["period", "scope", "precondition", "n", "share", "ci_low", "ci_high"],
             "preconditions_display")
    years = sorted(p for p in table["period"].unique().to_list() if p != "cumulatief")
    first = int(years[0]) if years else year
    columns = [(p, "alle") for p in years]
    if len(years) > 1:
        columns.append(("cumulatief", "alle"))
    columns.append(("cumulatief", "steekproef"))

    def header(period: str, scope: str) -> str:
        name = _period_header(period, first, year)
        if scope == "steekproef":
            return f"{labels.CASE_SCOPES['steekproef']} {name}"
        return name

    rows, hidden_any = [], False
    for name in PRECONDITION_ORDER:
        row = {labels.HEADERS["precondition"]: labels.PRECONDITION_NAMES[name]}
        for period, scope in columns:
            cell = table.filter((pl.col("period") == period) & (pl.col("scope") == scope)
                                & (pl.col("precondition") == name))
            if cell.height == 0:
                row[header(period, scope)] = labels.MISSING
                continue
            r = cell.row(0, named=True)
            if r["share"] is None:
                hidden_any = True
                row[header(period, scope)] = labels.suppressed(min_cell_size)
            else:
                row[header(period, scope)] = fmt.fmt_estimate_ci(
                    r["share"], r["ci_low"], r["ci_high"], unit="share")
        rows.append(row)
    n_row = {labels.HEADERS["precondition"]: labels.HEADERS["n"]}
    for period, scope in columns:
        cell = table.filter((pl.col("period") == period) & (pl.col("scope") == scope))
        n_row[header(period, scope)] = (fmt.fmt_count(cell["n"][0], min_cell_size)
                                        if cell.height else labels.MISSING)
    rows.append(n_row)
    names = list(rows[0])
    return pl.DataFrame(rows, schema={c: pl.String for c in names}), hidden_any


def combination_label(key: str) -> str:
    """``"wonen+financien"`` -> ``"Wonen + Financiën"``; ``"overige"`` -> its label."""
    return " + ".join(labels.PRECONDITION_NAMES[part] for part in key.split("+"))


def combinations_display(
    table: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Combinations of preconditions: Combinatie | Casussen | Aandeel van alle casussen, and
    whether combinations were pooled into 'Overige combinaties'.

    ``table``: the published ``randvoorwaarden_combinaties``.
    """
    _require(table, ["combination", "n", "share"], "combinations_display")
    columns: dict[str, RowFormatter] = {
        "combination": lambda r: combination_label(r["combination"]),
        "cases": lambda r: fmt.fmt_count(r["n"], min_cell_size),
        "share_of_cases": lambda r: fmt.fmt_pct(r["share"]),
    }
    display = _display(table.to_dicts(), columns).rename(
        {name: labels.HEADERS[name] for name in columns})
    return display, "overige" in table["combination"].to_list()


def housing_difference_display(
    table: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """With and without a housing start: Maat | Met woonstart | Zonder woonstart | Verschil
    (95%-BI), each group with its n; and whether a row was suppressed.

    ``table``: the published ``randvoorwaarden_wonen_verschil``.
    """
    _require(table, ["measure", "n", "n_with", "n_without", "mean_with", "mean_without",
                     "difference", "ci_low", "ci_high"], "housing_difference_display")
    safe = suppress_frame(table, value_cols=["n_with", "n_without", "mean_with",
                                             "mean_without", "difference", "ci_low",
                                             "ci_high"], min_cell_size=min_cell_size)

    def unit(r: Mapping[str, Any]) -> str:
        return "eur" if r["measure"] == "besparing_per_jaar" else "score"

    def group(mean_col: str, n_col: str) -> RowFormatter:
        return lambda r: (labels.suppressed(min_cell_size) if r["suppressed"] else
                          f"{fmt.fmt_value(r[mean_col], unit(r))} "
                          + labels.GROUP_SIZE.format(n=fmt.fmt_count(r[n_col], min_cell_size)))

    columns: dict[str, RowFormatter] = {
        "measure": lambda r: labels.HOUSING_MEASURES[r["measure"]],
        "with_housing": group("mean_with", "n_with"),
        "without_housing": group("mean_without", "n_without"),
        "difference_ci": lambda r: labels.MISSING if r["suppressed"] else (
            f"{fmt.fmt_value(r['difference'], 'eur' if unit(r) == 'eur' else 'points')} "
            f"({fmt.fmt_value_ci(r['ci_low'], r['ci_high'], unit(r), confidence=None)})"),
    }
    display = _display(safe.to_dicts(), columns).rename(
        {name: labels.HEADERS[name] for name in columns})
    return display, bool(safe["suppressed"].any())


def six_weeks_display(
    summary: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """The six-week promise: Maat | Waarde (cases, started, not started, share started
    within six weeks and the median, each with its interval); whether a value is hidden.

    ``summary``: the published ``zes_weken`` (one row).
    """
    _require(summary, ["n", "n_started", "n_censored", "share_by_horizon", "share_ci_low",
                       "share_ci_high", "median_days", "median_ci_low", "median_ci_high"],
             "six_weeks_display")
    r = summary.row(0, named=True)

    def count(x: Any) -> str:
        return labels.suppressed(min_cell_size) if x is None else (
            fmt.fmt_int(x) if x == 0 else fmt.fmt_count(x, min_cell_size))

    if r["median_days"] is None:
        median = labels.WORDS["niet_bereikt"] if r["n"] >= min_cell_size else labels.MISSING
    else:
        high = (fmt.fmt_value(r["median_ci_high"], "days") if r["median_ci_high"] is not None
                else labels.WORDS["niet_bereikt"])
        low = fmt.fmt_value(r["median_ci_low"], "days")
        median = (f"{fmt.fmt_value(r['median_days'], 'days')} "
                  f"({labels.RANGE.format(low=low, high=high)})")
    share = (labels.MISSING if r["share_by_horizon"] is None else fmt.fmt_estimate_ci(
        r["share_by_horizon"], r["share_ci_low"], r["share_ci_high"], unit="share"))
    rows = [
        (labels.HEADERS["cases"], count(r["n"])),
        (labels.HEADERS["started"], count(r["n_started"])),
        (labels.HEADERS["not_started"], count(r["n_censored"])),
        (labels.HEADERS["within_six_weeks"], share),
        (labels.HEADERS["median_days"], median),
    ]
    hidden = r["share_by_horizon"] is None or r["n_started"] is None
    display = pl.DataFrame({labels.HEADERS["measure"]: [a for a, _ in rows],
                            labels.HEADERS["value"]: [b for _, b in rows]})
    return display, hidden


def _period(start: Any, end: Any) -> str:
    if start == end:
        return fmt.fmt_month(start)
    if start.year == end.year:
        return f"{fmt.fmt_month(start).split()[0]} - {fmt.fmt_month(end)}"
    return f"{fmt.fmt_month(start)} - {fmt.fmt_month(end)}"


def growth_display(
    periods: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Growth: Periode | Casussen besproken | Totaal sinds de start, and whether months were
    pooled. ``periods``: the published ``casussen_per_maand``."""
    _require(periods, ["period_start", "period_end", "months", "n", "cumulative"],
             "growth_display")
    columns: dict[str, RowFormatter] = {
        "period": lambda r: _period(r["period_start"], r["period_end"]),
        "cases_discussed": lambda r: fmt.fmt_count(r["n"], min_cell_size),
        "cumulative": lambda r: (labels.suppressed(min_cell_size) if r["cumulative"] is None
                                 else fmt.fmt_int(r["cumulative"])),
    }
    display = _display(periods.sort("period_start").to_dicts(), columns).rename(
        {name: labels.HEADERS[name] for name in columns})
    return display, bool((periods["months"] > 1).any())


# -- the report's other tables (published result tables in, display frames out) ---------------

_word = labels.word


def _cell(value: Any, unit: str | None, hidden: bool, min_cell_size: int) -> str:
    return labels.suppressed(min_cell_size) if hidden else fmt.fmt_value(value, unit)


def _in_order(values: Iterable[str], order: Sequence[str]) -> list[str]:
    """``values`` (first occurrence kept) sorted by their place in ``order``, unknown last."""
    found = list(dict.fromkeys(values))
    found.sort(key=lambda v: order.index(v) if v in order else len(order))
    return found


def profile_display(frame: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """The wijkprofiel: Indicator | the wijk, Oss and Nederland, each value in its unit; and
    the source note (CBS, with the year when all figures are of one year).
    ``frame``: the published ``wijkprofiel``."""
    rows = [{
        _word("axis.indicator"): labels.text_or_label(row["label"]),
        **{_word(f"area_level.{level}"): fmt.fmt_value(row[level], row["unit"])
           for level in vocabulary.COMPARED_AREA_LEVELS},
    } for row in frame.iter_rows(named=True)]
    years = frame["year"].drop_nulls().unique().to_list() if "year" in frame.columns else []
    source = (_word("source.cbs_year").format(year=years[0]) if len(years) == 1
              else _word("source.cbs"))
    return pl.DataFrame(rows), source


def moments_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Wellbeing per moment in the moments' order: Meetmoment | n | Gemiddelde | 95%-BI;
    and whether a moment is suppressed. ``frame``: the published ``welbevinden_momenten``."""
    rows, hidden_any = [], False
    for moment in vocabulary.MOMENTS:
        sub = frame.filter(pl.col("moment") == moment)
        if not sub.height:
            continue
        row = sub.row(0, named=True)
        hidden = bool(row["suppressed"])
        hidden_any |= hidden
        rows.append({
            _word("axis.moment"): _word(f"moment.{moment}"),
            _word("header.n"): fmt.fmt_count(row["n"], min_cell_size),
            _word("stat.mean"): _cell(row["mean"], "score", hidden, min_cell_size),
            _word("header.ci"): labels.MISSING if hidden else fmt.fmt_value_ci(
                row["ci_low"], row["ci_high"], confidence=None),
        })
    return pl.DataFrame(rows), hidden_any


def scenario_costs_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """The published ``kosten_scenario`` in the scenarios' order (``vocabulary.SCENARIOS``,
    other scenarios left out), as :func:`costs_display`."""
    order = {name: i for i, name in enumerate(vocabulary.SCENARIOS)}
    frame = frame.filter(pl.col("scenario").is_in(list(vocabulary.SCENARIOS))).sort(
        pl.col("scenario").replace_strict(order, return_dtype=pl.Int64))
    return costs_display(frame, min_cell_size=min_cell_size)


def payer_costs_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Costs per payer: Betaler | a column per scenario (total euros), payers in the order of
    ``labels.PAYERS``; and whether a cell is suppressed. ``frame``: ``kosten_betaler``."""
    present = set(frame["scenario"].to_list())
    scenarios = [s for s in vocabulary.SCENARIOS if s in present]
    payers = _in_order(frame["payer"].to_list(), list(labels.PAYERS))
    rows, hidden_any = [], False
    for payer in payers:
        row = {_word("axis.payer"): _word(f"payer.{payer}")}
        for scenario in scenarios:
            sub = frame.filter((pl.col("payer") == payer) & (pl.col("scenario") == scenario))
            hidden = sub.height > 0 and bool(sub["suppressed"][0])
            hidden_any |= hidden
            row[_word(f"scenario.{scenario}")] = (
                labels.MISSING if sub.height == 0
                else _cell(sub["total_eur"][0], "eur", hidden, min_cell_size))
        rows.append(row)
    return pl.DataFrame(rows), hidden_any


def health_domains_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> tuple[pl.DataFrame, bool]:
    """Positive Health: Domein | a column per wave ("mean (n = ...)", unbreakable), domains in the
    questionnaire's order; and whether a cell is suppressed.
    ``frame``: the published ``positieve_gezondheid_domeinen``."""
    waves = frame.select("wave", "wave_date").unique().sort("wave").rows()
    domains = _in_order(frame["domain"].to_list(), list(labels.HEALTH_DOMAINS))
    rows, hidden_any = [], False
    for domain in domains:
        row = {_word("header.domain"): _word(f"health_domain.{domain}")}
        for wave, wave_date in waves:
            sub = frame.filter((pl.col("domain") == domain) & (pl.col("wave") == wave))
            column = f"{_word('axis.wave')} {fmt.fmt_month(wave_date)}"
            if sub.height == 0:
                row[column] = labels.MISSING
            elif sub["suppressed"][0]:
                hidden_any = True
                row[column] = labels.suppressed(min_cell_size)
            else:
                row[column] = (f"{fmt.fmt_number(sub['mean'][0])} " + labels.GROUP_SIZE.format(
                    n=fmt.fmt_count(sub['n'][0], min_cell_size)))
        rows.append(row)
    return pl.DataFrame(rows), hidden_any


def ggd_display(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The latest GGD wave: Indicator | the wijk, Oss and Nederland (estimate with its 95%
    interval); and its notes (intervals, source and year, small areas, and whether the wave is
    the baseline or before the programme). ``frame``: the published ``ggd_indicatoren``."""
    latest = frame["year"].max()
    frame = frame.filter(pl.col("year") == latest)
    rows = []
    for code in frame["indicator_code"].unique(maintain_order=True).to_list():
        sub = frame.filter(pl.col("indicator_code") == code)
        row = {_word("axis.indicator"): sub["indicator_label"][0]}
        for level in vocabulary.COMPARED_AREA_LEVELS:
            cell = sub.filter(pl.col("area_level") == level)
            row[_word(f"area_level.{level}")] = (
                labels.MISSING if cell.height == 0 else fmt.fmt_estimate_ci(
                    cell["estimate_pct"][0], cell["ci_lower"][0], cell["ci_upper"][0],
                    unit="pct"))
        rows.append(row)
    start = config.PROGRAMME_START.year
    baseline = ("" if latest > start else _word(
        "caveat.ggd_baseline" if latest == start else "caveat.ggd_before_start"
    ).format(year=latest, start=start))
    return pl.DataFrame(rows), [_word("caveat.interval_in_brackets"),
                                f"{_word('source.ggd')} {_word('axis.year')}: {latest}.",
                                _word("caveat.ggd_small_area"), baseline]


def budget_display(frame: pl.DataFrame) -> pl.DataFrame:
    """The wijkbudget per year: allocated and spent, inhabitants, both per inhabitant.
    ``frame``: the published ``wijkbudget``."""
    return pl.DataFrame([{
        _word("axis.year"): str(row["year"]),
        _word("budget"): fmt.fmt_value(row["allocated_eur"], "eur"),
        _word("besteed"): fmt.fmt_value(row["spent_eur"], "eur"),
        _word("inwoners"): fmt.fmt_int(row["inhabitants"]),
        _word("budget_per_inwoner"): fmt.fmt_value(row["allocated_per_inhabitant_eur"], "eur", 2),
        _word("besteed_per_inwoner"): fmt.fmt_value(row["spent_per_inhabitant_eur"], "eur", 2),
    } for row in frame.sort("year").iter_rows(named=True)])


def visitors_display(frame: pl.DataFrame) -> pl.DataFrame:
    """Visitors of the Huis van de Wijk per month: weeks counted, mean unique visitors a week.
    ``frame``: the published ``bezoekers``."""
    return pl.DataFrame([{
        _word("maand"): fmt.fmt_month(row["month"]),
        _word("weken"): fmt.fmt_int(row["weeks"]),
        _word("axis.visitors"): fmt.fmt_int(row["mean_weekly_visitors"]),
    } for row in frame.sort("month").iter_rows(named=True)])


def analyses_n_display(
    frame: pl.DataFrame, *, min_cell_size: int = config.MIN_CELL_SIZE
) -> pl.DataFrame:
    """n per analysis: Analyse | n (a count of people below the minimum cell size as "<5") |
    Eenheid. ``frame``: the published ``n_per_analyse``."""
    return pl.DataFrame([{
        _word("header.analysis"): labels.text_or_label(row["label"]),
        _word("header.n"): fmt.fmt_count(row["n"], min_cell_size),
        _word("header.unit"): labels.text_or_label(row["unit"]),
    } for row in frame.iter_rows(named=True)])


def inputs_display(manifest: Mapping[str, Any]) -> pl.DataFrame | None:
    """The run's input files and packaged reference data with their sha256: Bestand |
    Controlegetal, from a manifest record; None when it lists none."""
    inputs = {**(manifest.get("inputs") or {}),
              **{f"reference_data/{k}": v
                 for k, v in (manifest.get("reference_data") or {}).items()}}
    items = [(str(k), v.get("sha256", "") if isinstance(v, dict) else str(v))
             for k, v in sorted(inputs.items())]
    if not items:
        return None
    return pl.DataFrame([{_word("bestand"): k, _word("controlegetal"): v} for k, v in items])
