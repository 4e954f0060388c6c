"""What the leergeschiedenis (``reports/leergeschiedenis.qmd``) shows, as small testable functions.

The report's Python cells are one-liners on a :class:`Report`: it reads the results that
``ruwaard run`` wrote to ``data/processed/YEAR/`` (key figures, tables, figures, manifest)
and returns Dutch Markdown, great-tables tables or Markdown image references. No number
is typed by hand and no narrative lives here: the researchers write the narrative in
``reports/YEAR/tekst/*.md``; numbers enter that prose through ``{kerncijfer}`` placeholders.

The contract of the results (names, columns, required or optional) is the set of constants
below and ``docs/report.md``. A missing *required* result raises :class:`ReportContentError`
naming every missing one; a missing *optional* result shows a visible Dutch note.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from . import catalogue, config, results, vocabulary
from .errors import RuwaardError
from .present import fmt, labels, tables
from .present.key_figure_text import key_figure_text

# --------------------------------------------------------------------------------------------
# The contract: what the report reads from data/processed/YEAR/
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """One result table ``tables/NAME.parquet``: its columns (name -> polars type class)."""

    columns: dict[str, Any]
    required: bool = True


@dataclass(frozen=True)
class KeyFigureSpec:
    """One key figure in ``key_figures.json``; ``unit`` picks the Dutch number format."""

    unit: str
    required: bool = True


@dataclass(frozen=True)
class FigureSpec:
    """One chart ``figures/NAME.png`` (and ``.svg``, ``.vl.json``)."""

    required: bool = True


# The contract is the output catalogue (``catalogue.py``): one record per output.
REQUIRED_TABLES: dict[str, TableSpec] = {
    o.id: TableSpec(o.columns, o.required) for o in catalogue.TABLES if o.in_report}

REQUIRED_KEY_FIGURES: dict[str, KeyFigureSpec] = {
    o.id: KeyFigureSpec(o.unit, o.required) for o in catalogue.KEY_FIGURES}

REQUIRED_FIGURES: dict[str, FigureSpec] = {
    o.id: FigureSpec(o.required) for o in catalogue.FIGURES}

# Key figures in the summary table, in this order (those present for the year).
SUMMARY_KEY_FIGURES: tuple[str, ...] = catalogue.SUMMARY_KEY_FIGURES

# The researchers' narrative: reports/YEAR/tekst/NAME.md, in the order of the report.
NARRATIVE_PARTS: tuple[str, ...] = (
    "samenvatting",
    "inleiding",
    "wijkprofiel",
    "maatschappelijk_rendement",
    "werkende_principes",
    "positieve_gezondheid",
    "wijkvitaliteit",
    "huis_van_de_wijk",
    "lessen",
    "verantwoording",
)

MANIFEST_FILE = results.MANIFEST_FILE
KEY_FIGURES_FILE = results.KEY_FIGURES_FILE

# Category orders (Dutch domain terms, ``vocabulary.py``).
MOMENTS = vocabulary.MOMENTS
SCENARIOS = vocabulary.SCENARIOS
AREA_LEVELS = vocabulary.COMPARED_AREA_LEVELS


class ReportContentError(RuwaardError):
    """Results the report needs are missing or malformed; the message names each one."""


# --------------------------------------------------------------------------------------------
# Dutch words and number formats (ruwaard_analysis.present)
# --------------------------------------------------------------------------------------------


def word(key: str) -> str:
    """A Dutch word from ``present.labels``: ``group.value`` keys as they are, plain keys from
    the ``word`` group.

    An unknown category value is shown readable (``zonder_oplossing`` -> ``Zonder
    oplossing``) rather than failing the whole report.
    """
    if "." in key:
        try:
            return labels.label(key)
        except KeyError:
            return key.rpartition(".")[2].replace("_", " ").capitalize()
    return labels.label(f"word.{key}")


def text_or_label(text: Any) -> str:
    """Dutch text as written, or the label of a ``group.value`` key of present.labels.

    Results may carry either (``key_figures.key_figure`` stores a label key).
    """
    text = "" if text is None else str(text)
    if re.fullmatch(r"[a-z_]+\.[A-Za-z0-9_+\-]+", text):
        return word(text)
    return text


def fmt_value(value: float | None, unit: str | None, decimals: int | None = None) -> str:
    """A value in the Dutch format its unit asks for: ``present.fmt.fmt_value``."""
    return fmt.fmt_value(value, unit, decimals)


def fmt_ci(low: float | None, high: float | None, unit: str | None = None,
           decimals: int | None = None) -> str:
    """'95%-BI 4,1 tot 5,8'; with a unit its format: '95%-BI € 1.200 tot € 7.400'."""
    return fmt.fmt_value_ci(low, high, unit, decimals)


def target_format() -> str | None:
    """The format Quarto renders to ('html', 'typst', ...), or None outside a render.

    Read from the JSON file named by ``QUARTO_EXECUTE_INFO`` (Quarto >= 1.8; see
    https://quarto.org/docs/advanced/quarto-execute-info.html).
    """
    path = os.environ.get("QUARTO_EXECUTE_INFO")
    if not path:
        return None
    try:
        identifier = json.loads(Path(path).read_text(encoding="utf-8"))["format"]["identifier"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    found = identifier.get("base-format") or identifier.get("target-format")
    return str(found) if found else None


# --------------------------------------------------------------------------------------------
# Reading the results
# --------------------------------------------------------------------------------------------


def _relative_to_reports(path: Path) -> str:
    """Image path as Quarto resolves it: relative to the .qmd in reports/, forward slashes.

    (An absolute path starting with '/' would be read by Quarto as project-relative.)
    """
    return Path(os.path.relpath(path.resolve(), config.REPORTS_DIR.resolve())).as_posix()


def _markdown(text: str):
    """An IPython Markdown object (rendered as Markdown by Quarto's Jupyter engine)."""
    from IPython.display import Markdown

    return Markdown(text)


class HtmlTable:
    """A great-tables table that reaches Quarto as a raw HTML block inside Markdown.

    A cell output of type ``text/html`` (what a GT object displays as) makes Quarto's Jupyter
    engine put require.js and jQuery from cdn.jsdelivr.net into the page, for "JavaScript
    widgets" it guesses might need them; offline, embed-resources cannot inline them and the
    page loads them from the internet. As ``text/markdown`` holding a ``{=html}`` block the
    table is the same HTML, and no script is added.
    """

    def __init__(self, table: Any) -> None:
        self.table = table

    def as_raw_html(self) -> str:
        """The table in a scroll region that a keyboard can reach (WCAG 2.1.1: a wide table on
        a narrow screen scrolls; great-tables' own scrolling container is not focusable)."""
        inner = self.table.tab_options(container_overflow_x="visible",
                                       container_overflow_y="visible")
        return (f'<div class="tabel-schuif" role="region" tabindex="0" '
                f'aria-label="{html.escape(word("tabel_schuifbaar"))}">'
                f"{inner.as_raw_html(make_page=False, all_important=False)}</div>")

    def _repr_markdown_(self) -> str:
        return f"```{{=html}}\n{self.as_raw_html()}\n```\n"

    def __repr__(self) -> str:  # text/plain: never shown (Markdown comes first)
        return "<tabel>"


def _note(text: str) -> str:
    return f"*{text}.*"


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?:\.(waarde|n|bi|ci_low|ci_high|label))?\}")


class Report:
    """The results of one report year, read once, shown in Dutch.

    ``results_dir`` defaults to ``config.results_dir(year)``; ``tekst_dir`` to
    ``reports/YEAR/tekst``; ``target`` (``html``/``typst``) to what Quarto renders to.
    Construction checks every required result and raises :class:`ReportContentError`
    naming all that are missing.
    """

    def __init__(self, year: int, results_dir: str | Path | None = None,
                 tekst_dir: str | Path | None = None, target: str | None = None):
        self.year = int(year)
        self.results_dir = Path(results_dir) if results_dir else config.results_dir(self.year)
        self.tekst_dir = (Path(tekst_dir) if tekst_dir
                          else config.REPORTS_DIR / str(self.year) / "tekst")
        self.target = target if target is not None else target_format()
        if not self.results_dir.is_dir():
            raise ReportContentError(
                f"geen resultaten voor {self.year}: map {self.results_dir} bestaat niet "
                f"(draai eerst `ruwaard run --year {self.year}`)"
            )
        try:
            self.key_figures = results.read_key_figures(self.results_dir)
            self.manifest = results.read_manifest(self.results_dir)
        except RuwaardError as exc:
            raise ReportContentError(f"resultaten van {self.year} onvolledig: {exc}") from exc
        bad = [k for k, v in self.key_figures.items()
               if not isinstance(v, dict) or "value" not in v]
        if bad:
            raise ReportContentError(f"kerncijfers zonder 'value': {', '.join(sorted(bad))}")
        params = self.manifest.get("parameters") or {}
        self.min_cell_size = int(params.get("min_cell_size") or config.MIN_CELL_SIZE)
        self._tables: dict[str, pl.DataFrame | None] = {}
        self._check_required()

    # -- loading -----------------------------------------------------------------------------

    def _check_required(self) -> None:
        problems: list[str] = []
        for name, spec in REQUIRED_KEY_FIGURES.items():
            if spec.required and name not in self.key_figures:
                problems.append(f"kerncijfer '{name}' ({KEY_FIGURES_FILE})")
        for name, spec in REQUIRED_TABLES.items():
            path = self._table_path(name)
            if spec.required and not path.is_file():
                problems.append(f"tabel '{name}' ({path})")
            elif path.is_file():
                problems.extend(self._check_columns(name))
        for name, spec in REQUIRED_FIGURES.items():
            if spec.required and not self._figure_path(name).is_file():
                problems.append(f"figuur '{name}' ({self._figure_path(name)})")
        if problems:
            raise ReportContentError(
                f"resultaten van {self.year} in {self.results_dir} onvolledig voor het rapport:\n  "
                + "\n  ".join(problems)
            )

    def _check_columns(self, name: str) -> list[str]:
        frame = self.table(name)
        if frame is None:
            return []
        missing = [c for c in REQUIRED_TABLES[name].columns if c not in frame.columns]
        return [f"tabel '{name}' mist kolom(men): {', '.join(missing)}"] if missing else []

    def _table_path(self, name: str) -> Path:
        return self.results_dir / results.TABLES / f"{name}.parquet"

    def _figure_path(self, name: str, ext: str = "png") -> Path:
        return self.results_dir / results.FIGURES / f"{name}.{ext}"

    def table(self, name: str) -> pl.DataFrame | None:
        """A result table, or None when an optional table is absent (or empty) this year."""
        if name not in self._tables:
            frame = (results.read_table(self.results_dir, name)
                     if self._table_path(name).is_file() else None)
            self._tables[name] = frame if frame is not None and frame.height > 0 else None
        return self._tables[name]

    def has(self, name: str) -> bool:
        """True when table, key figure or figure ``name`` is there for this year."""
        if name in REQUIRED_TABLES:
            return self.table(name) is not None
        if name in REQUIRED_KEY_FIGURES:
            return name in self.key_figures
        return self._figure_path(name).is_file()

    # -- key figures and narrative -------------------------------------------------------------

    def _n(self, n: Any) -> str:
        """A count of people: "<5" below the minimum cell size, never the small number."""
        return fmt.fmt_count(n, self.min_cell_size)

    def suppressed_cell(self) -> str:
        """What a table shows for a suppressed cell, e.g. '<5' (explained in a note)."""
        return labels.suppressed(self.min_cell_size)

    def suppression_note(self) -> str:
        return labels.CAVEATS["suppression"].format(min_cell_size=self.min_cell_size)

    def celgrootte_verantwoording(self) -> str:
        """The Verantwoording's sentence on the minimum cell size this run used."""
        return "\n" + labels.CAVEATS["min_cell_size_used"].format(
            min_cell_size=self.min_cell_size, floor=config.MIN_CELL_SIZE_FLOOR) + "\n"

    def kerncijfer(self, name: str, part: str = "waarde") -> str:
        """A key figure as Dutch text. ``part``: waarde, n, bi, ci_low, ci_high, label.

        A suppressed key figure never shows its value or interval; a missing one shows a
        visible marker ``[kerncijfer ontbreekt: NAME]`` (the narrative must always render).
        """
        kf = self.key_figures.get(name)
        if kf is None:
            return f"[{word('kerncijfer_ontbreekt')}: {name}]"
        if not kf.get("unit") and name in REQUIRED_KEY_FIGURES:
            kf = {**kf, "unit": REQUIRED_KEY_FIGURES[name].unit}
        if part == "label":
            return text_or_label(kf.get("label") or name)
        text = key_figure_text(kf, self.min_cell_size)
        if part == "n":
            return text.n or labels.MISSING
        if text.hidden:
            return word("onderdrukt_tekst").format(min_cell_size=self.min_cell_size)
        if part == "bi":
            return fmt_ci(kf.get("ci_low"), kf.get("ci_high"), kf.get("unit"), kf.get("decimals"))
        if part in ("ci_low", "ci_high"):
            return fmt_value(kf.get(part), kf.get("unit"), kf.get("decimals"))
        return text.value

    def fill(self, text: str) -> str:
        """Replace ``{name}``, ``{name.n}``, ``{name.bi}`` ... in researcher prose."""
        return _PLACEHOLDER.sub(lambda m: self.kerncijfer(m.group(1), m.group(2) or "waarde"),
                                text)

    def narrative(self, part: str) -> str:
        """The researchers' text ``reports/YEAR/tekst/PART.md`` with its key figures filled in.

        A missing file gives a visible Dutch placeholder, never an error.
        """
        path = self.tekst_dir / f"{part}.md"
        if not path.is_file():
            try:
                shown = path.resolve().relative_to(config.PROJ_ROOT).as_posix()
            except ValueError:
                shown = path.as_posix()
            return f"\n**[{word('tekst_ontbreekt')}: {shown}]**\n"
        return "\n" + self.fill(path.read_text(encoding="utf-8")).strip() + "\n"

    def ondertitel(self) -> str:
        """'Meetresultaten over 2017 (metingen tot en met 28 februari 2018)', in bold."""
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return (f"\n**{word('meetresultaten_over')} {self.year} "
                f"({word('metingen_tot')} {cutoff})**\n")

    # -- figures -----------------------------------------------------------------------------

    def figuur(self, name: str, caption: str) -> str:
        """Markdown for one static chart with alt text: SVG in HTML, PNG in Typst/elsewhere.

        The caption is the report's own words (the .qmd); the alt text is the chart's
        Vega-Lite ``description`` (``present.labels.ALT_TEXTS``), else the caption.
        """
        path = self._figure_path(name, "png")
        svg = self._figure_path(name, "svg")
        if (self.target or "").startswith(("html", "revealjs")) and svg.is_file():
            path = svg
        if not path.is_file():
            return "\n" + _note(f"{word('niet_beschikbaar')}: {caption}") + "\n"
        alt = caption
        spec_path = self._figure_path(name, "vl.json")
        if spec_path.is_file():
            try:
                alt = json.loads(spec_path.read_text(encoding="utf-8")).get("description") or alt
            except (json.JSONDecodeError, AttributeError):
                pass
        alt = " ".join(str(alt).split()).replace('"', "'")
        label = "fig-" + name.replace("_", "-")
        width = ' width="100%"' if (self.target or "").startswith("typst") else ""
        return (f"\n![{caption}]({_relative_to_reports(path)})"
                f'{{#{label} fig-alt="{alt}"{width}}}\n')

    # -- tables ------------------------------------------------------------------------------

    def _show(self, rows: list[dict] | pl.DataFrame, notes: list[str] | None = None):
        """Formatted rows as a great-tables table (HTML) or a pipe table (Typst)."""
        frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows)
        notes = [n for n in (notes or []) if n]
        if (self.target or "").startswith(("typst", "revealjs")):
            # Typst: a native table; slides: a plain table in the deck's own large type
            return _markdown(tables.markdown_table(frame, notes))
        table = tables.gt_table(frame, notes)
        return HtmlTable(table) if (self.target or "").startswith("html") else table

    def _absent(self, what: str):
        return _markdown(_note(f"{word('niet_beschikbaar')}: {what}"))

    def _cell(self, value: Any, unit: str | None, suppressed: bool) -> str:
        return self.suppressed_cell() if suppressed else fmt_value(value, unit)

    def kerncijfers_tabel(self, names: list[str] | tuple[str, ...] = SUMMARY_KEY_FIGURES):
        """A table of key figures (those of ``names`` present this year), values in Dutch.

        Without ``names``: the summary's key figures. With none of them present: a note.
        """
        unknown = [n for n in names if n not in REQUIRED_KEY_FIGURES]
        if unknown:
            raise ReportContentError(f"kerncijfers buiten het contract: {', '.join(unknown)}")
        if not any(name in self.key_figures for name in names):
            return self._absent(word("title.key_figures"))
        records = [{**self.key_figures[name], "name": name,
                    "unit": self.key_figures[name].get("unit") or REQUIRED_KEY_FIGURES[name].unit}
                   for name in names if name in self.key_figures]
        display, hidden = tables.key_figures_display(records, min_cell_size=self.min_cell_size)
        return self._show(display, [self.suppression_note() if hidden else ""])

    def tabel_wijkprofiel(self):
        frame = self.table("wijkprofiel")
        rows = [{
            word("axis.indicator"): text_or_label(row["label"]),
            **{word(f"area_level.{level}"): fmt_value(row[level], row["unit"])
               for level in AREA_LEVELS},
        } for row in frame.iter_rows(named=True)]
        years = frame["year"].drop_nulls().unique().to_list() if "year" in frame.columns else []
        source = (word("source.cbs_year").format(year=years[0]) if len(years) == 1
                  else word("source.cbs"))
        return self._show(rows, [source])

    @staticmethod
    def _rows_in_order(frame: pl.DataFrame, column: str, order: tuple[str, ...]):
        """(category, row, suppressed) for each category of ``order`` present in ``frame``."""
        for value in order:
            sub = frame.filter(pl.col(column) == value)
            if sub.height:
                row = sub.row(0, named=True)
                yield value, row, bool(row["suppressed"])

    def _note_if_suppressed(self, found: list) -> str:
        return self.suppression_note() if any(hidden for *_, hidden in found) else ""

    def tabel_welbevinden(self):
        found = list(self._rows_in_order(self.table("welbevinden_momenten"), "moment", MOMENTS))
        rows = [{
            word("axis.moment"): word(f"moment.{moment}"),
            word("header.n"): self._n(row["n"]),
            word("stat.mean"): self._cell(row["mean"], "score", hidden),
            word("header.ci"): labels.MISSING if hidden else fmt.fmt_value_ci(
                row["ci_low"], row["ci_high"], confidence=None),
        } for moment, row, hidden in found]
        return self._show(rows, [self._note_if_suppressed(found)])

    def tabel_effecten(self):
        """Paired change per comparison: a row per statistic (means, difference with 95%-BI,
        tests, effect sizes), a column per comparison (``present.tables.effects_display``)."""
        frame = self.table("welbevinden_effecten")
        if frame is None:
            return self._absent(word("title.effects"))
        display, hidden_any = tables.effects_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.effects_method"),
                                    self.suppression_note() if hidden_any else ""])

    def tabel_kosten_scenario(self):
        """Costs per scenario in the scenarios' order (``present.tables.costs_display``)."""
        frame = self.table("kosten_scenario")
        order = {name: i for i, name in enumerate(SCENARIOS)}
        frame = frame.filter(pl.col("scenario").is_in(list(SCENARIOS))).sort(
            pl.col("scenario").replace_strict(order, return_dtype=pl.Int64))
        display, hidden = tables.costs_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [self.suppression_note() if hidden else ""])

    def tabel_kosten_betaler(self):
        frame = self.table("kosten_betaler")
        present = set(frame["scenario"].to_list())
        scenarios = [s for s in SCENARIOS if s in present]
        payers = frame["payer"].unique(maintain_order=True).to_list()
        order = list(labels.PAYERS)
        payers.sort(key=lambda p: order.index(p) if p in order else len(order))
        rows, hidden_any = [], False
        for payer in payers:
            row = {word("axis.payer"): word(f"payer.{payer}")}
            for scenario in scenarios:
                sub = frame.filter((pl.col("payer") == payer) & (pl.col("scenario") == scenario))
                hidden = sub.height > 0 and bool(sub["suppressed"][0])
                hidden_any |= hidden
                row[word(f"scenario.{scenario}")] = (
                    labels.MISSING if sub.height == 0
                    else self._cell(sub["total_eur"][0], "eur", hidden))
            rows.append(row)
        return self._show(rows, [self.suppression_note() if hidden_any else ""])

    def tabel_positieve_gezondheid(self):
        frame = self.table("positieve_gezondheid_domeinen")
        if frame is None:
            return self._absent(word("title.positive_health_radar"))
        waves = frame.select("wave", "wave_date").unique().sort("wave").rows()
        domains = frame["domain"].unique(maintain_order=True).to_list()
        order = list(labels.HEALTH_DOMAINS)
        domains.sort(key=lambda d: order.index(d) if d in order else len(order))
        rows, hidden_any = [], False
        for domain in domains:
            row = {word("header.domain"): word(f"health_domain.{domain}")}
            for wave, wave_date in waves:
                sub = frame.filter((pl.col("domain") == domain) & (pl.col("wave") == wave))
                column = f"{word('axis.wave')} {fmt.fmt_month(wave_date)}"
                if sub.height == 0:
                    row[column] = labels.MISSING
                elif sub["suppressed"][0]:
                    hidden_any = True
                    row[column] = self.suppressed_cell()
                else:
                    row[column] = (f"{fmt.fmt_number(sub['mean'][0])} "
                                   f"(n = {self._n(sub['n'][0])})")
            rows.append(row)
        return self._show(rows, [self.suppression_note() if hidden_any else ""])

    def tabel_ggd(self):
        """Latest GGD wave: the wijk beside Oss and Nederland, estimates with 95% intervals."""
        frame = self.table("ggd_indicatoren")
        if frame is None:
            return self._absent(word("title.ggd_comparison"))
        latest = frame["year"].max()
        frame = frame.filter(pl.col("year") == latest)
        rows = []
        for code in frame["indicator_code"].unique(maintain_order=True).to_list():
            sub = frame.filter(pl.col("indicator_code") == code)
            row = {word("axis.indicator"): sub["indicator_label"][0]}
            for level in AREA_LEVELS:
                cell = sub.filter(pl.col("area_level") == level)
                row[word(f"area_level.{level}")] = (
                    labels.MISSING if cell.height == 0 else fmt.fmt_estimate_ci(
                        cell["estimate_pct"][0], cell["ci_lower"][0], cell["ci_upper"][0],
                        unit="pct"))
            rows.append(row)
        start = config.PROGRAMME_START.year
        baseline = ("" if latest > start else word(
            "caveat.ggd_baseline" if latest == start else "caveat.ggd_before_start"
        ).format(year=latest, start=start))
        return self._show(rows, [word("caveat.interval_in_brackets"),
                                 f"{word('source.ggd')} {word('axis.year')}: {latest}.",
                                 word("caveat.ggd_small_area"), baseline])

    def tabel_wijkbudget(self):
        frame = self.table("wijkbudget")
        if frame is None:
            return self._absent(word("title.budget"))
        rows = [{
            word("axis.year"): str(row["year"]),
            word("budget"): fmt_value(row["allocated_eur"], "eur"),
            word("besteed"): fmt_value(row["spent_eur"], "eur"),
            word("inwoners"): fmt.fmt_int(row["inhabitants"]),
            word("budget_per_inwoner"): fmt_value(row["allocated_per_inhabitant_eur"], "eur", 2),
            word("besteed_per_inwoner"): fmt_value(row["spent_per_inhabitant_eur"], "eur", 2),
        } for row in frame.sort("year").iter_rows(named=True)]
        return self._show(rows)

    def tabel_bezoekers(self):
        frame = self.table("bezoekers")
        if frame is None:
            return self._absent(word("title.visitors"))
        rows = [{
            word("maand"): fmt.fmt_month(row["month"]),
            word("weken"): fmt.fmt_int(row["weeks"]),
            word("axis.visitors"): fmt.fmt_int(row["mean_weekly_visitors"]),
        } for row in frame.sort("month").iter_rows(named=True)]
        return self._show(rows)

    # -- werkende principes ----------------------------------------------------------------

    def tabel_randvoorwaarden(self):
        """Share of cases per precondition per MDO year, all years, and the sample."""
        frame = self.table("randvoorwaarden")
        if frame is None:
            return self._absent(word("title.preconditions"))
        display, hidden = tables.preconditions_display(frame, year=self.year,
                                                       min_cell_size=self.min_cell_size)
        return self._show(display, [
            word("caveat.shares_method").format(min_cell_size=self.min_cell_size),
            self.suppression_note() if hidden else "", word("source.cases")])

    def tabel_randvoorwaarden_combinaties(self):
        """The combinations of preconditions that occur, small ones pooled."""
        frame = self.table("randvoorwaarden_combinaties")
        if frame is None:
            return self._absent(word("title.combinations"))
        display, pooled = tables.combinations_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.combinations_pooled").format(
            min_cell_size=self.min_cell_size) if pooled else ""])

    def tabel_wonen_verschil(self):
        """Wellbeing change and saving with and without a housing start (descriptive)."""
        frame = self.table("randvoorwaarden_wonen_verschil")
        if frame is None:
            return self._absent(word("title.housing_difference"))
        display, hidden = tables.housing_difference_display(frame,
                                                            min_cell_size=self.min_cell_size)
        return self._show(display, [
            word("caveat.housing_descriptive").format(min_cell_size=self.min_cell_size),
            self.suppression_note() if hidden else ""])

    def tabel_zes_weken(self):
        """The six-week promise: cases, started, censored, share within 42 days, median."""
        frame = self.table("zes_weken")
        if frame is None:
            return self._absent(word("title.six_weeks"))
        display, hidden = tables.six_weeks_display(frame, min_cell_size=self.min_cell_size)
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return self._show(display, [
            word("caveat.six_weeks_method").format(cutoff=cutoff,
                                                   min_cell_size=self.min_cell_size),
            self.suppression_note() if hidden else ""])

    def tabel_groei(self):
        """Cases discussed per period (small months pooled) and the total since the start."""
        frame = self.table("casussen_per_maand")
        if frame is None:
            return self._absent(word("title.growth"))
        display, pooled = tables.growth_display(frame, min_cell_size=self.min_cell_size)
        return self._show(display, [word("caveat.months_pooled").format(
            min_cell_size=self.min_cell_size) if pooled else "", word("source.cases")])

    def tabel_n_per_analyse(self):
        frame = self.table("n_per_analyse")
        rows = [{
            word("header.analysis"): text_or_label(row["label"]),
            word("header.n"): self._n(row["n"]),
            word("header.unit"): text_or_label(row["unit"]),
        } for row in frame.iter_rows(named=True)]
        return self._show(rows)

    # -- door de jaren -----------------------------------------------------------------------

    def over_years(self):
        """This year's key figures and those of every earlier year whose results exist
        (beside this year's results folder), ``{year: years.YearFigures}`` in year order."""
        from . import years

        found = years.read_years(years.earlier_years(self.year),
                                 processed_dir=self.results_dir.parent)
        found[self.year] = years.YearFigures(self.year, self.key_figures, self.min_cell_size)
        return dict(sorted(found.items()))

    def door_de_jaren_tekst(self) -> str:
        """One Dutch sentence: which years are compared, or that there are none yet."""
        shown = sorted(self.over_years())
        if len(shown) < 2:
            return "\n" + word("door_de_jaren_geen").format(year=self.year) + "\n"
        return "\n" + word("door_de_jaren_uitleg").format(
            start=config.PROGRAMME_START.year,
            years=labels.LIST_LAST.format(rest=", ".join(map(str, shown[:-1])),
                                          last=shown[-1])) + "\n"

    def door_de_jaren_tabel(self):
        """The key figures of every year side by side, with the change since the year
        before (``years.comparison_display``); nothing when there is no earlier year."""
        from . import years

        by_year = self.over_years()
        if len(by_year) < 2:
            return None
        display, hidden = years.comparison_display(by_year)
        notes = sorted({labels.CAVEATS["suppression"].format(min_cell_size=yf.min_cell_size)
                        for yf in by_year.values()}) if hidden else []
        return self._show(display, notes)

    def door_de_jaren_chart(self):
        """The altair chart of the trend figures over the years (None without earlier year)."""
        from . import years
        from .present import charts

        by_year = self.over_years()
        frame = years.trend_frame(by_year)
        if len(by_year) < 2 or frame.height == 0:
            return None
        return charts.key_figures_over_years_chart(frame)

    def door_de_jaren_figuur(self):
        """The chart as a static image (SVG in HTML, PNG elsewhere), drawn from the results
        at render time; None without earlier year."""
        chart = self.door_de_jaren_chart()
        if chart is None:
            return None
        return StaticChart(chart, svg=(self.target or "").startswith(("html", "revealjs")))

    # -- the stuurgroep deck (reports/stuurgroep.qmd) ------------------------------------------

    def dia_periode(self) -> str:
        """'Metingen tot en met 28 februari 2019', for the title of the deck."""
        cutoff = fmt.fmt_date(config.measurement_cutoff(self.year))
        return f"\n*{word('metingen_tot').capitalize()} {cutoff}*\n"

    def dia_hoofdpunten(self) -> str:
        """The opening slide's three points, each a key figure as the report shows it
        (suppression and missing figures as in the report's text)."""
        points = [
            word("dia_casussen").format(n=self.kerncijfer("casussen_totaal"),
                                        steekproef=self.kerncijfer("casussen_steekproef")),
            word("dia_welbevinden").format(voor=self.kerncijfer("welbevinden_voormeting_gemiddeld"),
                                           na=self.kerncijfer("welbevinden_nameting_gemiddeld")),
            word("dia_besparing").format(
                bedrag=self.kerncijfer("kosten_besparing_per_jaar_gemiddeld"),
                n=self.kerncijfer("kostenanalyses_aantal")),
        ]
        items = "\n".join(f"- {point}" for point in points)
        return f"\n::: {{.hoofdpunt}}\n{items}\n:::\n"

    def dia_door_de_jaren(self):
        """The deck's slide "Door de jaren": the chart, or the sentence that there is no
        earlier year yet."""
        figure = self.door_de_jaren_figuur()
        return figure if figure is not None else _markdown(self.door_de_jaren_tekst())

    def dia_verantwoording(self) -> str:
        """Where the numbers come from: the run's commit and parameters, the cell-size rule
        and how to check the year (``ruwaard controleer``)."""
        commit = (self.manifest.get("git_commit") or word("onbekend"))[:12]
        inputs = len(self.manifest.get("inputs") or {})
        lines = [
            word("dia_herkomst").format(year=self.year, n=fmt.fmt_int(inputs), commit=commit),
            labels.CAVEATS["suppression"].format(min_cell_size=self.min_cell_size),
            word("dia_controle").format(year=self.year),
        ]
        return "\n" + "\n".join(f"- {line}" for line in lines) + "\n"

    # -- manifest ----------------------------------------------------------------------------

    def tabel_invoer(self):
        """Input files and the packaged reference data, with their sha256, from the manifest."""
        inputs = {**(self.manifest.get("inputs") or {}),
                  **{f"reference_data/{k}": v
                     for k, v in (self.manifest.get("reference_data") or {}).items()}}
        items = [(str(k), v.get("sha256", "") if isinstance(v, dict) else str(v))
                 for k, v in sorted(inputs.items())]
        if not items:
            return self._absent(word("bestand"))
        return self._show([{word("bestand"): k, word("controlegetal"): v} for k, v in items])

    def manifest_markdown(self) -> str:
        """Parameters, package versions, commit and notebooks of the run, as Markdown lists."""
        m = self.manifest
        lines: list[str] = []
        commit = m.get("git_commit") or word("onbekend")
        lines.append(f"- {word('commit')}: `{commit}`")
        params = m.get("parameters") or {}
        if params:
            lines.append(f"- {word('parameters')}:")
            lines += [f"    - `{k}` = `{v}`" for k, v in sorted(params.items())]
        assumptions = {nb: p for nb, p in sorted((m.get("notebook_parameters") or {}).items())
                       if p}
        if assumptions:
            lines.append(f"- {word('notebook_parameters')}:")
            for nb, params in assumptions.items():
                shown = ", ".join(f"`{k}` = `{v}`" for k, v in sorted(params.items()))
                lines.append(f"    - `{nb}`: {shown}")
        library = m.get("library_sha256")
        if library:
            lines.append(f"- {word('bibliotheek')}: `{library}`")
        versions = m.get("packages") or {}
        if versions:
            lines.append(f"- {word('versies')}:")
            lines += [f"    - `{k}` {v}" for k, v in sorted(versions.items())]
        notebooks = m.get("notebooks") or []
        if notebooks:
            names = sorted(notebooks)
            lines.append(f"- {word('notebooks')}: " + ", ".join(f"`{n}`" for n in names))
        return "\n" + "\n".join(lines) + "\n"


class StaticChart:
    """An altair chart shown as a static image by Jupyter/Quarto: SVG or PNG, never the
    Vega scripts (the report must work offline)."""

    def __init__(self, chart, *, svg: bool):
        self.chart, self.svg = chart, svg

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .present import theme

        if self.svg:
            return {"image/svg+xml": theme.chart_svg(self.chart)}
        return {"image/png": theme.chart_png(self.chart)}


def missing_narratives(year: int, tekst_dir: str | Path | None = None) -> list[str]:
    """Narrative parts without a file for ``year`` (for a check before a render)."""
    folder = Path(tekst_dir) if tekst_dir else config.REPORTS_DIR / str(year) / "tekst"
    return [p for p in NARRATIVE_PARTS if not (folder / f"{p}.md").is_file()]
