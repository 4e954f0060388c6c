"""The publication gate: small-cell suppression and the disclosure check of everything published.

Rule (docs/disclosure.md): a statistic about fewer than ``min_cell_size`` people (default
``config.MIN_CELL_SIZE`` = 5), counted per cell (per moment, payer, wave and domain, scenario),
is not published. Its values become null and it is shown as "<5"
(``present.labels.suppressed``). A missing ``n`` counts as too small. A contrast or difference
has the n of its smallest group; parts of a published total are suppressed complementarily
(``TableRule.additive``); no table or chart holds one person's value or an identifier.

The count ``n`` itself stays in the frame / record so that downstream code knows why a value
is missing; ``present.fmt.fmt_count`` shows it as "<5", never as the number.

``results`` writes only :class:`Gated` records, made by :func:`gate_table`,
:func:`gate_key_figures` and :func:`gate_figure` (usually through ``publish.Published``). The
rule of an output is part of its record in the output catalogue (``catalogue.py``, the rule
kinds in ``disclosure_rules.py``); an output outside the catalogue gets the strict default.
Executed notebooks keep only gated output (:func:`scrub_notebook`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from ruwaard_analysis import catalogue, config
from ruwaard_analysis.disclosure_rules import (  # noqa: F401 - the rules, as disclosure.*
    NOT_PEOPLE_AREA,
    NOT_PEOPLE_BUDGET,
    NOT_PEOPLE_INPUT,
    NOT_PEOPLE_WEEKS,
    FigureRule,
    KeyFigureRule,
    TableRule,
)
from ruwaard_analysis.errors import PrivacyError, Problem

SUPPRESSED_COL = "suppressed"
# Keys of a key-figure record that are kept when it is suppressed; every other key is nulled.
KEY_FIGURE_KEEP = frozenset({"n", "unit", "label", "name", SUPPRESSED_COL})


def _too_small(n_col: str, min_cell_size: int) -> pl.Expr:
    return pl.col(n_col).is_null() | (pl.col(n_col) < min_cell_size)


def suppress_frame(
    df: pl.DataFrame,
    *,
    n_col: str = "n",
    value_cols: Iterable[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
) -> pl.DataFrame:
    """Null ``value_cols`` in rows with ``n_col`` < ``min_cell_size`` and flag them.

    Adds (or updates, keeping earlier flags) a boolean column ``suppressed``.
    """
    value_cols = list(value_cols)
    missing = [c for c in [n_col, *value_cols] if c not in df.columns]
    if missing:
        raise KeyError(f"Kolommen ontbreken voor onderdrukking: {missing}; aanwezig: {df.columns}")
    flag = _too_small(n_col, min_cell_size)
    if SUPPRESSED_COL in df.columns:
        flag = flag | pl.col(SUPPRESSED_COL).fill_null(True)
    return df.with_columns(flag.alias(SUPPRESSED_COL)).with_columns(
        pl.when(pl.col(SUPPRESSED_COL)).then(None).otherwise(pl.col(c)).alias(c)
        for c in value_cols
    )


def is_small(n: Any, min_cell_size: int = config.MIN_CELL_SIZE) -> bool:
    """True when a count is missing or below the minimum cell size."""
    return n is None or n != n or n < min_cell_size


def suppress_key_figure(
    record: Mapping[str, Any], min_cell_size: int = config.MIN_CELL_SIZE
) -> dict[str, Any]:
    """A copy of a key figure (``{"value", "n", "ci_low", "ci_high", ...}``) safe to publish.

    When ``n`` is too small every key except ``KEY_FIGURE_KEEP`` is nulled (value, interval,
    anything else computed on the group) and ``"suppressed"`` is True; ``present`` shows it.
    Otherwise the record is returned with ``"suppressed": False``.
    """
    out = dict(record)
    if not is_small(out.get("n"), min_cell_size) and not out.get(SUPPRESSED_COL, False):
        out[SUPPRESSED_COL] = False
        return out
    for key in out:
        if key not in KEY_FIGURE_KEEP:
            out[key] = None
    out[SUPPRESSED_COL] = True
    return out


def assert_no_small_cells(
    df: pl.DataFrame,
    *,
    n_col: str = "n",
    value_cols: Iterable[str],
    min_cell_size: int = config.MIN_CELL_SIZE,
    name: str = "tabel",
) -> None:
    """Raise ``PrivacyError`` if any row with a too small ``n`` still carries a value.

    ``name`` says which table or figure is checked; it appears in the error message.
    """
    value_cols = list(value_cols)
    has_value = pl.any_horizontal(pl.col(c).is_not_null() for c in value_cols)
    leaks = (
        df.with_row_index("_row")
        .filter(_too_small(n_col, min_cell_size) & has_value)
        .select("_row", n_col)
    )
    if leaks.is_empty():
        return
    problems = [
        Problem(
            file=name,
            rule="minimale_celgrootte",
            column=n_col,
            message=(
                f"rij {row + 1} heeft n = {n} (< {min_cell_size}) maar toont nog waarden in "
                f"{value_cols}; gebruik disclosure.suppress_frame"
            ),
        )
        for row, n in leaks.iter_rows()
    ]
    raise PrivacyError(problems)


def assert_key_figures_safe(
    figures: Mapping[str, Mapping[str, Any]], min_cell_size: int = config.MIN_CELL_SIZE
) -> None:
    """Raise ``PrivacyError`` if a key figure with a too small ``n`` still has a value."""
    problems = [
        Problem(
            file="key_figures",
            rule="minimale_celgrootte",
            column=name,
            message=f"n = {rec.get('n')} (< {min_cell_size}) maar het kerncijfer heeft nog waarden",
        )
        for name, rec in sorted(figures.items())
        if is_small(rec.get("n"), min_cell_size)
        and any(rec.get(k) is not None for k in rec if k not in KEY_FIGURE_KEEP)
    ]
    if problems:
        raise PrivacyError(problems)


# --------------------------------------------------------------------------- the publication gate
#
# Everything written under data/processed/YEAR passes here first: ``results.write_table``,
# ``write_key_figures`` and ``write_figure`` take only a ``Gated`` record, and only the gate
# functions below make one. A record is checked against its disclosure rule (``TableRule``,
# ``KeyFigureRule``, ``FigureRule``); an output without a declared rule gets the strict default
# (about people, every numeric column a statistic, an ``n`` per row required), so an output
# added later is covered without anyone remembering it.

IDENTIFIER_FIELDS = frozenset({"case_id", "respondent_id", "client_id", "bsn", "casus_id",
                               "case", "respondent", "naam", "name_person"})
"""Field names that hold (pseudonymous) identities: never in a published table or chart."""

_GATE = object()  # only the gate functions below can make a Gated record


@dataclass(frozen=True)
class Gated:
    """A table, a notebook's key figures or a chart that passed the publication gate.

    ``kind``: ``"table"``, ``"key_figures"`` or ``"figure"``; ``content``: the frame, the
    ``{name: record}`` mapping or the chart (altair) as checked; ``spec``: a chart's Vega-Lite
    spec as checked. Only :func:`gate_table`, :func:`gate_key_figures` and :func:`gate_figure`
    make one; ``results`` writes nothing else.
    """

    kind: str
    name: str
    content: Any
    rule: Any
    min_cell_size: int
    spec: Any = None
    token: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _GATE:
            raise TypeError("een Gated-record maakt alleen de publicatiepoort "
                            "(disclosure.gate_table / gate_key_figures / gate_figure)")

    # shown in a notebook: marked, so that the executed notebook keeps it (see scrub_notebook)
    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.kind == "figure":  # the checked spec, rendered once with its saved copy
            from ruwaard_analysis.present.theme import gated_chart_bundle

            data, meta = gated_chart_bundle(self.content, self.spec, include, exclude)
        elif self.kind == "table":
            data, meta = {"text/html": self.content._repr_html_(),
                          "text/plain": repr(self.content)}, {}
        else:
            from ruwaard_analysis.present import tables

            gt = tables.key_figures_table(self.content, min_cell_size=self.min_cell_size)
            data, meta = {"text/html": gt.as_raw_html(), "text/plain": self.name}, {}
        return data, {**(meta or {}), GATED_MARK: {"kind": self.kind, "name": self.name}}


GATED_MARK = "ruwaard-gated"
"""Output metadata key of a notebook output that shows a gated record."""


def _refuse(name: str, rule: str, message: str, column: str | None = None) -> PrivacyError:
    return PrivacyError([Problem(file=name, rule=rule, column=column, message=message)])


def _check_no_identifiers(name: str, fields: Iterable[str]) -> None:
    found = sorted({f for f in fields if str(f).lower() in IDENTIFIER_FIELDS})
    if found:
        raise _refuse(name, "identificatie", f"{name} bevat identificerende velden {found}; "
                      "publiceer per groep, niet per persoon", column=found[0])


def _catalogued(kind: str, name: str):
    """The rule of output ``name`` in the catalogue, or None when it is not catalogued."""
    entry = catalogue.by_kind(kind).get(name)
    return entry.rule if entry is not None else None


def table_rule(name: str) -> TableRule:
    """The rule of table ``name``: its catalogue record's, else the strict default."""
    return _catalogued("table", name) or TableRule()


def _secondary(frame: pl.DataFrame, n_col: str, groups: tuple[str, ...],
               min_cell_size: int) -> pl.DataFrame:
    """Complementary suppression in additive groups (see ``TableRule.additive``)."""
    extra = []
    frame = frame.with_row_index("_row")
    for _, part in frame.group_by(list(groups), maintain_order=True):
        hidden = part.filter(pl.col(SUPPRESSED_COL))
        if hidden.is_empty():
            continue
        if hidden[n_col].fill_null(0).max() >= min_cell_size:
            continue  # a hidden part of enough people already covers the others
        candidates = part.filter(~pl.col(SUPPRESSED_COL)).sort(n_col, "_row")
        if candidates.height:
            extra.append(candidates["_row"][0])
    return frame.with_columns(
        (pl.col(SUPPRESSED_COL) | pl.col("_row").is_in(extra)).alias(SUPPRESSED_COL)
    ).drop("_row")


def gate_table(name: str, frame: pl.DataFrame, min_cell_size: int,
               rule: TableRule | None = None) -> Gated:
    """Suppress and check a table by its rule; the returned record is what may be written.

    Raises ``PrivacyError`` when the table cannot be checked (an identifier column, an ``n``
    column the rule needs is missing).
    """
    rule = rule or table_rule(name)
    if not isinstance(frame, pl.DataFrame):
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is a dependency
            pd = None
        if pd is not None and isinstance(frame, pd.DataFrame):
            frame = pl.from_pandas(frame.reset_index(drop=True))
        else:
            raise TypeError(f"tabel {name!r}: verwacht een polars DataFrame, kreeg "
                            f"{type(frame).__name__}")
    _check_no_identifiers(name, frame.columns)
    if rule.about_people:
        counts = rule.cell_counts
        needed = [*rule.n_cols, *counts, *(c for cols, _ in rule.cells for c in cols)]
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise _refuse(name, "celgrootte_onbekend",
                          f"tabel {name} heeft geen kolom {missing} met het aantal personen per "
                          "rij of cel; zonder dat aantal kan de publicatiepoort de tabel niet "
                          "toetsen (leg de regel vast bij de tabel in catalogue.py)",
                          column=missing[0])
        skip = {*rule.n_cols, *rule.keys, *counts, SUPPRESSED_COL}
        values = [c for c in frame.columns if c not in skip and frame[c].dtype.is_numeric()]
        flag = pl.any_horizontal(_too_small(c, min_cell_size) for c in rule.n_cols)
        if SUPPRESSED_COL in frame.columns:
            flag = flag | pl.col(SUPPRESSED_COL).fill_null(True)
        frame = frame.with_columns(flag.alias(SUPPRESSED_COL))
        if rule.additive:
            frame = _secondary(frame, rule.n_cols[0], rule.additive, min_cell_size)
        frame = frame.with_columns(
            pl.when(pl.col(SUPPRESSED_COL)).then(None).otherwise(pl.col(c)).alias(c)
            for c in values)
        leaks = frame.filter(pl.col(SUPPRESSED_COL) & pl.any_horizontal(
            pl.col(c).is_not_null() for c in values)) if values else frame.clear()
        if leaks.height:  # pragma: no cover - the suppression above rules it out
            raise _refuse(name, "minimale_celgrootte", "onderdrukte rij toont nog waarden")
        # statistics about a smaller group than the row: only those cells (TableRule.cells)
        for cols, count in rule.cells:
            small = _too_small(count, min_cell_size)
            frame = frame.with_columns(
                [pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
                + [(pl.col(SUPPRESSED_COL) | small).alias(SUPPRESSED_COL)])
        frame = frame.drop(counts)
    return Gated("table", name, frame, rule, int(min_cell_size), token=_GATE)


def key_figure_rule(name: str, record: Mapping[str, Any] | None = None) -> KeyFigureRule:
    """The rule of key figure ``name``: its catalogue record's; outside the catalogue not
    about people when the record says what its n counts (``n_unit``), else the default."""
    found = _catalogued("key_figure", name)
    if found is not None:
        return found
    if record is not None and record.get("n_unit"):
        return KeyFigureRule(about_people=False, reason=f"n telt {record['n_unit']}")
    return KeyFigureRule()


def gate_key_figures(notebook: str, figures: Mapping[str, Mapping[str, Any]],
                     min_cell_size: int, *, default_rule: KeyFigureRule | None = None) -> Gated:
    """Suppress and check the key figures of one notebook (each about its ``n`` people).

    ``default_rule`` is the rule of the figures outside the catalogue.
    """
    out: dict[str, dict[str, Any]] = {}
    for name, record in figures.items():
        if not isinstance(record, Mapping):
            raise TypeError(f"kerncijfer {name!r}: verwacht een dict")
        _check_no_identifiers(f"kerncijfer {name}", record)
        rule = (_catalogued("key_figure", name) or default_rule
                or key_figure_rule(name, record))
        if rule.about_people:
            record = suppress_key_figure(record, min_cell_size)
            record.pop("display", None)
            assert_key_figures_safe({name: record}, min_cell_size)
        out[str(name)] = dict(record)
    return Gated("key_figures", notebook, out, None, int(min_cell_size), token=_GATE)


def figure_rule(name: str) -> FigureRule:
    """The rule of figure ``name``: its catalogue record's, else the strict default."""
    return _catalogued("figure", name) or FigureRule()


def _data_rows(spec: Any) -> list[dict]:
    """Every inline data row of a Vega-Lite spec (``datasets`` and ``data.values``)."""
    rows: list[dict] = []
    if isinstance(spec, Mapping):
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, Mapping):
                for data in value.values():
                    rows += [r for r in data if isinstance(r, Mapping)]
            elif key == "values" and isinstance(value, list):
                rows += [r for r in value if isinstance(r, Mapping)]
            else:
                rows += _data_rows(value)
    elif isinstance(spec, list):
        for item in spec:
            rows += _data_rows(item)
    return rows


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def check_figure_spec(name: str, spec: Mapping[str, Any], min_cell_size: int,
                      rule: FigureRule | None = None) -> None:
    """Raise ``PrivacyError`` when a chart's data would publish a small group or a person."""
    rule = rule or figure_rule(name)
    rows = _data_rows(spec)
    _check_no_identifiers(f"figuur {name}", {k for r in rows for k in r})
    if not rule.about_people:
        return
    problems = []
    for i, row in enumerate(rows):
        stats = [k for k, v in row.items()
                 if _is_number(v) and k != rule.n_field and k not in rule.fixed_fields]
        if not stats:
            continue
        n = row.get(rule.n_field)
        if not _is_number(n):
            problems.append(Problem(file=f"figuur {name}", rule="celgrootte_onbekend",
                                    column=stats[0], message=(
                                        f"datarij {i + 1} toont {stats} zonder het aantal "
                                        f"personen ({rule.n_field}): een persoon of een groep "
                                        "van onbekende grootte")))
        elif n < min_cell_size:
            problems.append(Problem(file=f"figuur {name}", rule="minimale_celgrootte",
                                    column=rule.n_field, message=(
                                        f"datarij {i + 1}: {rule.n_field} < {min_cell_size} "
                                        f"maar toont {stats}")))
    if problems:
        raise PrivacyError(problems)


def gate_figure(name: str, chart: Any, min_cell_size: int,
                rule: FigureRule | None = None) -> Gated:
    """Check a chart's Vega-Lite spec by its rule; the returned record is what may be written."""
    from ruwaard_analysis.present.theme import chart_spec  # lazy: altair is heavy

    rule = rule or figure_rule(name)
    spec = chart_spec(chart)
    check_figure_spec(name, spec, min_cell_size, rule)
    return Gated("figure", name, chart, rule, int(min_cell_size), spec=spec, token=_GATE)


def require_gated(record: Any, kind: str, what: str) -> Gated:
    """``record`` if it is a ``Gated`` of ``kind``; otherwise the refusal ``results`` raises."""
    if isinstance(record, Gated) and record.token is _GATE and record.kind == kind:
        return record
    raise _refuse(what, "publicatiepoort", (
        f"{what} is niet door de publicatiepoort gegaan: geef een record van "
        f"disclosure.gate_{'key_figures' if kind == 'key_figures' else kind}, "
        f"niet een {type(record).__name__}"))


# --------------------------------------------------------------------------- executed notebooks

SCRUBBED_MARK = "ruwaard-gated-outputs"
"""Notebook metadata key set on an executed notebook whose outputs were scrubbed."""

SCRUBBED_NOTE = ("(uitvoer niet bewaard: alleen uitvoer die door de publicatiepoort ging staat "
                 "in het uitgevoerde notebook, zie docs/disclosure.md)")


def scrub_notebook(nb: dict) -> dict:
    """Keep only gated outputs in an executed notebook (a dict in nbformat 4); returns it.

    Every other output (a printed value, a raw frame, a chart not gated) is replaced by one
    line that says so. Marks the notebook with ``metadata[SCRUBBED_MARK] = True``.
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or not cell.get("outputs"):
            continue
        kept = [o for o in cell["outputs"] if GATED_MARK in (o.get("metadata") or {})]
        if len(kept) < len(cell["outputs"]):
            kept.append({"output_type": "stream", "name": "stdout", "text": SCRUBBED_NOTE + "\n"})
        cell["outputs"] = kept
    nb.setdefault("metadata", {})[SCRUBBED_MARK] = True
    return nb


def scrub_notebook_file(path: str | Path) -> Path:
    """Scrub an executed ``.ipynb`` in place (see :func:`scrub_notebook`)."""
    import json

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(scrub_notebook(nb), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


def is_scrubbed(nb: Mapping[str, Any]) -> bool:
    return bool(nb.get("metadata", {}).get(SCRUBBED_MARK))
