"""Typing the text columns of a file: Dutch and English numbers (with the ambiguous
``510.000`` refused), dates, ja/nee, category values; every value that does not parse is a
problem naming its line and column.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from ..contracts import (
    LINE,
    Col,
    Contract,
    normalize_name,
)
from ..errors import Problem

_TRUE = ("ja", "j", "true", "waar", "1", "1.0", "yes", "y", "x")
_FALSE = ("nee", "n", "false", "onwaar", "0", "0.0", "no")



# Dutch thousands grouping or decimals? ``510.000`` alone could be either; ``1.600.000`` can
# only group thousands; ``7.5``, ``0.125`` or ``12.3456`` can only be decimals.
_AMBIGUOUS = r"^[-+]?[1-9]\d{0,2}\.\d{3}$"
_GROUPED = r"^[-+]?[1-9]\d{0,2}(\.\d{3}){2,}(,\d+)?$"
_POINT_DECIMAL = r"^[-+]?(\d*\.(\d{1,2}|\d{4,})|0\.\d+)([eE][-+]?\d+)?$"
_AMBIGUOUS_INT = r"^[-+]?[1-9]\d{0,2}(,\d{3})+$"  # 13,100: English thousands or decimals?


def _clean_number(col: str) -> pl.Expr:
    return pl.col(col).str.replace_all(r"[€\s\u00a0]", "")


def number_modes(df: pl.DataFrame, contract: Contract, textual: bool = True,
                 distinct: Mapping[str, pl.Series] | None = None) -> dict[str, str]:
    """How each number column of a text file is read: ``dutch`` (decimal comma, points group
    thousands), ``point`` (decimal point) or ``refuse`` (values like ``510.000`` are refused
    as ambiguous, the rest read with a decimal point).

    A column decides by itself when it can (a comma or ``1.600.000``: dutch; ``7.5``:
    point); a column whose only points are ambiguous follows the other number columns of
    the file, and is refused when they do not tell either. Typed sources (``textual=False``:
    Excel cells and Parquet, which hold numbers, not text) are never ambiguous.
    ``distinct``: the distinct values of (some) columns, when known (see :func:`type_columns`).
    """
    floats = [c.name for c in contract.columns if c.dtype == pl.Float64 and c.allowed is None]
    if not floats or df.height == 0:
        return dict.fromkeys(floats, "point")
    tests = {"comma": lambda v: v.str.contains(",", literal=True),
             "grouped": lambda v: v.str.contains(_GROUPED),
             "ambiguous": lambda v: v.str.contains(_AMBIGUOUS),
             "decimal": lambda v: v.str.contains(_POINT_DECIMAL)}
    seen = {}
    for c in floats:
        row = _distinct(df, c, distinct).select(test(_clean_number(c)).any().alias(t)
                                      for t, test in tests.items()).row(0, named=True)
        seen[c] = {t: bool(row[t]) for t in tests}
    modes = {}
    for c, has in seen.items():
        if has["comma"] or (has["grouped"] and not has["decimal"]):
            modes[c] = "dutch"
        elif has["decimal"] or not has["ambiguous"] or not textual:
            modes[c] = "point"
        else:
            modes[c] = "unsure"
    dutch = any(m == "dutch" for m in modes.values())
    point = any(seen[c]["decimal"] for c in floats)
    for c, m in modes.items():
        if m == "unsure":
            modes[c] = "dutch" if dutch and not point else "point" if point and not dutch \
                else "refuse"
    return modes


def _number(col: str, mode: str) -> pl.Expr:
    v = _clean_number(col)
    if mode == "dutch":  # decimal comma; a point may only group thousands (1.234,5)
        ok = v.str.contains(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
        v = v.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        ok = v.str.contains(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
        if mode == "refuse":
            ok = ok & ~v.str.contains(_AMBIGUOUS)
    x = pl.when(ok).then(v).cast(pl.Float64, strict=False)
    return pl.when(x.is_finite()).then(x)  # 1e309 is not a number anyone measured


def _integer(col: str) -> pl.Expr:
    """Whole numbers: ``13100``, ``13.100`` (Dutch thousands), ``12,0`` / ``12.00`` (a number
    program's decimals); never ``12.000`` as 12, and ``13,100`` is refused as ambiguous."""
    v = pl.col(col).str.replace_all(r"[\s\u00a0]", "")
    grouped = v.str.contains(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")
    zero_decimals = v.str.contains(r"^[-+]?\d+[.,]0{1,2}$")
    plain = v.str.contains(r"^[-+]?\d+$")
    return (pl.when(grouped).then(v.str.replace_all(".", "", literal=True))
            .when(zero_decimals).then(v.str.replace(r"[.,]0{1,2}$", ""))
            .when(plain).then(v)).cast(pl.Int64, strict=False)


def _date(col: str) -> pl.Expr:
    v = pl.col(col).str.replace(r"[ T]00:00(:00(\.0+)?)?$", "")
    iso = v.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dutch = v.str.replace_all("/", "-", literal=True).str.strptime(pl.Date, "%d-%m-%Y",
                                                                      strict=False)
    iso_shape = v.str.contains(r"^\d{4}-\d{1,2}-\d{1,2}$")
    nl_shape = v.str.contains(r"^\d{1,2}[-/]\d{1,2}[-/]\d{4}$")
    return pl.when(iso_shape).then(iso).when(nl_shape).then(dutch)


def _boolean(col: str) -> pl.Expr:
    mapping = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
    return pl.col(col).str.to_lowercase().replace_strict(mapping, default=None,
                                                         return_dtype=pl.Boolean)


def _category(col: str, c: Col) -> pl.Expr:
    mapping = {normalize_name(v): v for v in c.allowed or ()}
    mapping |= {normalize_name(k): v for k, v in c.value_aliases.items()}
    norm = (pl.col(col).str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.to_lowercase().str.replace_all(r"[^a-z0-9+]+", "_").str.strip_chars("_"))
    return norm.replace_strict(mapping, default=None, return_dtype=pl.String)


_EXPECT = {
    pl.Float64: "geen getal (bijv. 7,5 of 7.5)",
    pl.Int64: "geen geheel getal",
    pl.Date: "geen geldige datum (verwacht 2017-02-28 of 28-02-2017)",
    pl.Boolean: "geen ja/nee-waarde (ja/nee, true/false, 1/0, waar/onwaar)",
}


def _typed_expr(c: Col, modes: dict[str, str]) -> pl.Expr:
    if c.allowed is not None:
        return _category(c.name, c)
    if c.dtype == pl.Float64:
        return _number(c.name, modes[c.name])
    if c.dtype == pl.Int64:
        return _integer(c.name)
    if c.dtype == pl.Date:
        return _date(c.name)
    if c.dtype == pl.Boolean:
        return _boolean(c.name)
    return pl.col(c.name)


_AMBIGUOUS_WHY = ("dubbelzinnig: duizendtallen of decimalen? Schrijf het getal zonder "
                  "scheidingstekens voor duizendtallen (510000) of met een decimale komma "
                  "(510,000 of 510,5)")


def _why(c: Col, mode: str | None, comma: tuple[int, str] | None = None) -> pl.Expr:
    """(rule, message) of a value of column ``c`` that did not parse, as an expression.

    ``comma``: in a decimal-comma column, its first value with a comma and that value's
    line, so that a ``6.0`` there names the cell that made the column a comma column."""
    v = _clean_number(c.name)
    if c.allowed is not None:
        return pl.format("{}|'{}': onbekende waarde; toegestaan: " + ", ".join(c.allowed),
                         pl.lit("toegestane_waarden"), pl.col(c.name))
    default = pl.format("type|'{}' is " + _EXPECT[c.dtype], pl.col(c.name))
    if c.dtype == pl.Float64:
        infinite = v.cast(pl.Float64, strict=False).is_infinite() | v.str.contains(
            r"(?i)^[-+]?(nan|inf|infinity)$")
        ambiguous = v.str.contains(_AMBIGUOUS) if mode == "refuse" else pl.lit(False)
        point = (v.str.contains(_POINT_DECIMAL) if mode == "dutch" and comma is not None
                 else pl.lit(False))
        mixed = pl.format("decimaalteken|'{}' heeft een decimale punt, maar deze kolom een "
                          "decimale komma ('{}' op regel {}): schrijf alle getallen van een "
                          "kolom met hetzelfde decimaalteken", pl.col(c.name),
                          pl.lit(comma[1]), pl.lit(comma[0])) if comma is not None else None
        return (pl.when(ambiguous).then(pl.format("dubbelzinnig_getal|'{}' is " + _AMBIGUOUS_WHY,
                                                  pl.col(c.name)))
                .when(point).then(mixed)
                .when(infinite).then(pl.format("type|'{}' is geen eindig getal", pl.col(c.name)))
                .otherwise(default))
    if c.dtype == pl.Int64:
        return (pl.when(v.str.contains(_AMBIGUOUS_INT))
                .then(pl.format("dubbelzinnig_getal|'{}' is " + _AMBIGUOUS_WHY, pl.col(c.name)))
                .otherwise(default))
    return default


# A column that repeats its values (a scenario, a date, an amount in whole euros) is typed on
# its distinct values and mapped back: the parsing (regular expressions, Unicode
# normalisation) then runs a few thousand times instead of ten million.
_DISTINCT_FROM_ROWS = 10_000
_DISTINCT_SHARE = 4  # at most one distinct value per this many rows


def _distinct(df: pl.DataFrame, col: str, distinct: Mapping[str, pl.Series] | None = None
              ) -> pl.DataFrame:
    """The column's distinct values (for tests whose answer is ``any``), or the column."""
    if distinct and col in distinct:
        return distinct[col].alias(col).to_frame()
    if df.height < _DISTINCT_FROM_ROWS:
        return df.select(col)
    return df.select(pl.col(col).unique())


def _direct_expr(c: Col) -> pl.Expr | None:
    """A cheap parse of column ``c`` for values already in their plain form (``7.5``,
    ``2017-03-01``, ``true``): used on every row only where it gives exactly what the full
    parse gives on every distinct value (:func:`_mapped_back`); None if there is none."""
    col = pl.col(c.name)
    if c.allowed is not None or c.dtype == pl.String:
        return None
    if c.dtype == pl.Float64:
        x = col.cast(pl.Float64, strict=False)
        return pl.when(x.is_finite()).then(x)
    if c.dtype == pl.Int64:
        return col.cast(pl.Int64, strict=False)
    if c.dtype == pl.Date:
        return col.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    if c.dtype == pl.Boolean:
        return pl.when(col == "true").then(True).when(col == "false").then(False)
    return None


def _same(a: pl.Series, b: pl.Series) -> bool:
    """The same values, nulls in the same places, and for floats the same bits (-0.0)."""
    if a.dtype != b.dtype:
        return False
    if a.dtype == pl.Float64:
        a, b = a.cast(pl.String), b.cast(pl.String)  # the shortest text that round-trips
    return a.equals(b, null_equal=True)


def _mapped_back(values: pl.Series, distinct: pl.Series, typed: pl.Series, c: Col
                 ) -> pl.Series:
    """Every row's typed value, from the typed distinct values.

    Most columns need no lookup per row: category values already canonical are the column
    itself, and plain numbers, ISO dates and true/false are what a cheap cast of each row
    gives (checked on every distinct value, so the result is the same bits); anything else
    is looked up (``replace_strict``, a hash per row).
    """
    if _same(typed, distinct):
        return values
    direct = _direct_expr(c)
    if direct is not None:
        direct = direct.cast(c.dtype).alias(c.name)
        if _same(distinct.to_frame(c.name).select(direct).to_series(), typed):
            return values.to_frame(c.name).select(direct).to_series()
    return values.replace_strict(distinct, typed, return_dtype=c.dtype)


def _typed_column(df: pl.DataFrame, c: Col, modes: dict[str, str],
                  known: pl.Series | None = None) -> pl.Series:
    """Column ``c`` of the text frame typed by :func:`_typed_expr` (a value-by-value parse).

    A column that repeats its values is parsed on its distinct values (``known``, when the
    reader has them: a superset of the column's values is fine) and mapped back.
    """
    expr = _typed_expr(c, modes).cast(c.dtype).alias(c.name)
    if c.dtype == pl.String and c.allowed is None:
        return df.get_column(c.name)
    values = df.get_column(c.name)
    if values.len() >= _DISTINCT_FROM_ROWS:
        distinct = values.unique() if known is None else known.alias(c.name)
        if distinct.len() * _DISTINCT_SHARE <= values.len():
            typed = distinct.to_frame().select(expr).to_series()
            return _mapped_back(values, distinct, typed, c)
    return df.select(expr).to_series()


def _first_comma(df: pl.DataFrame, c: Col) -> tuple[int, str] | None:
    """(line, value) of the first value of number column ``c`` with a comma, if any."""
    first = df.filter(_clean_number(c.name).str.contains(",", literal=True)).select(
        LINE, c.name).head(1)
    return first.row(0) if first.height else None


def type_columns(df: pl.DataFrame, contract: Contract, file: str, *, textual: bool = True,
                 keep_bad_rows: bool = False, text_cells: dict[str, list[int]] | None = None,
                 distinct: Mapping[str, pl.Series] | None = None
                 ) -> tuple[pl.DataFrame, list[Problem]]:
    """Text columns to the contract's dtypes; every value that does not parse is a problem.

    Rows with such a value are left out of the returned frame (the problems say why),
    so the contract checks that follow do not report them a second time; with
    ``keep_bad_rows`` they stay, the value that did not parse empty (for the rules
    between files, which must see every case). ``textual``: the file is text (CSV), where
    ``510.000`` may be ambiguous (:func:`number_modes`). ``text_cells``: in a typed file
    (Excel), the lines per number column whose cell is text; those cells are read with the
    rules of a text file, decided on the text cells alone (``1.234,5`` is 1234,5; a lone
    ``510.000`` is refused as ambiguous), never as the number another reading would give.
    ``distinct``: per canonical column, its distinct values when the reader has them
    (``read_table``; a superset is fine), so they are not computed again.
    """
    numbers = {c.name for c in contract.columns if c.dtype == pl.Float64 and c.allowed is None}
    masks = {c: pl.col(LINE).is_in(lines) for c, lines in (text_cells or {}).items()
             if c in numbers}
    # number cells and text cells each decide their own reading
    known = {c: v for c, v in (distinct or {}).items() if c not in masks}
    modes = number_modes(df.with_columns(
        pl.when(~mask).then(pl.col(c)).alias(c) for c, mask in masks.items()), contract, textual,
        known)
    text_modes = number_modes(df.select(LINE, *[
        pl.when(masks[c.name]).then(pl.col(c.name)).alias(c.name) if c.name in masks
        else pl.lit(None, pl.String).alias(c.name) for c in contract.columns]),
        contract, textual=True) if masks else {}
    typed = df.with_columns(
        (pl.when(masks[c.name]).then(_number(c.name, text_modes[c.name]))
         .otherwise(_number(c.name, modes[c.name])).alias(c.name)) if c.name in masks
        else _typed_column(df, c, modes, known.get(c.name)) for c in contract.columns)
    bad = pl.DataFrame({c.name: df.get_column(c.name).is_not_null()
                        & typed.get_column(c.name).is_null() for c in contract.columns})
    problems = []
    for c in contract.columns:
        mask = bad.get_column(c.name)
        if not mask.any():
            continue
        why = _why(c, modes.get(c.name), _first_comma(df, c) if modes.get(c.name) == "dutch"
                   else None)
        if c.name in masks:
            why = pl.when(masks[c.name]).then(_why(c, text_modes[c.name])).otherwise(why)
        rows = df.filter(mask).select(LINE, why.alias("why"))
        for line, why in rows.iter_rows():
            rule, message = why.split("|", 1)
            problems.append(Problem(file, rule, message, line, c.name))
    if keep_bad_rows or not problems:
        return typed, problems
    any_bad = bad.select(pl.any_horizontal(pl.all())).to_series()
    return typed.filter(~any_bad), problems
