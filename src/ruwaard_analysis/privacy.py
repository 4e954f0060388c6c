"""Privacy gate: refuse input files that hold direct identifiers.

:func:`scan_identifiers` runs on the raw text of a file (every column a string, the
header as written) before anything is typed or analysed. It looks at column names
and at values, vectorised with polars. Problems never echo the identifying value,
only the column, the first line where it occurs and how many values matched.

What is refused is documented in ``docs/data.md`` ("Privacy"); what passes on purpose:
pseudonymous ids (``C0001``, ``R12``), 4-digit postcodes, ordinary dates (measurement
dates, MDO dates), prices, quantities and percentages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

import polars as pl

from .errors import Problem

LINE = "_line"  # same row-number column as contracts.LINE (privacy imports nothing of ours)

# Column-name rules: a header is split into words (``Naam_client`` -> naam, client).
_NAME_WORDS = {
    "naam", "voornaam", "voornamen", "achternaam", "familienaam", "roepnaam", "meisjesnaam",
    "tussenvoegsel", "voorletters", "name", "firstname", "lastname", "surname", "fullname",
    "volledigenaam",
}
# "naam" next to one of these words names a place or thing, not a person (wijk_naam).
_NOT_PERSON_WORDS = {
    "wijk", "buurt", "gemeente", "regio", "gebied", "organisatie", "item", "indicator", "product",
    "partner", "project", "domein", "post", "bestand", "school", "locatie", "bestands",
    "straat", "plaats", "woonplaats", "land", "team", "functie", "medewerker",
}
_HEADER_RULES: list[tuple[str, str, set[str]]] = [
    ("privacy_bsn", "BSN of sofinummer", {"bsn", "burgerservicenummer", "sofinummer", "sofi"}),
    ("privacy_geboortedatum", "geboortedatum",
     {"geboortedatum", "gebdatum", "dob", "birthdate", "geboren", "date_of_birth", "birth_date",
      "geb_datum", "geboorte_datum"}),
    ("privacy_email", "e-mailadres", {"email", "e_mail", "emailadres", "mail", "mailadres"}),
    ("privacy_telefoon", "telefoonnummer",
     {"telefoon", "telefoonnummer", "tel", "telnr", "mobiel", "mobielnummer", "gsm", "phone",
      "telephone"}),
    ("privacy_adres", "adres",
     {"adres", "woonadres", "straat", "straatnaam", "huisnummer", "huisnr", "address", "street"}),
]

_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# Dutch phone numbers: 0 + 9 digits (not 00), +31 / 0031 + 9 digits; spaces, dashes, ().
_PHONE_CHARS = r"^[+0-9(][0-9 ()\-]{8,17}$"
_PHONE_DIGITS = r"^(0[1-9]\d{8}|\+310?[1-9]\d{8}|00310?[1-9]\d{8})$"
# A full postcode, a space, comma or dash, and a house number ("5342 AB 12", "5342AB-12a";
# "2016JJ00" is a StatLine period, not an address), or a house
# number followed by a full postcode ("Kerkstraat 12, 5342 AB Oss").
# Letters in capitals, or lower case written against the digits ("5342ab 12"): "2016 en
# 2017" is not an address.
_PC = r"[1-9]\d{3}(\s?[A-Z]{2}|[a-z]{2})"
_POSTCODE_HOUSE = (
    rf"(\b{_PC}[\s,\-]+\d{{1,5}}[a-zA-Z]?\b)"
    rf"|([a-zA-Z]\s+\d{{1,5}}\s?[a-zA-Z]?\s*,?\s+{_PC}\b)"
)
# Inside any text: 1234.56.789, 123 456 789 or a run of digits (9, or 8 after Excel dropped
# the leading zero); not 123.456.789 (a Dutch amount of 123 million: three runs of 3).
# Digits glued to letters are a code (BU08280605, WK082806), not a BSN, and are left out.
_BSN_CANDIDATE = (r"[A-Za-z_]*(\d{4}[ .\-]\d{2}[ .\-]\d{3}|\d{3}[ \-]\d{3}[ \-]\d{3}|\d+)"
                  r"[A-Za-z_]*")
# A phone number inside text: +31 / 0031 / 0, then digits, spaces, dashes, brackets; the
# digits are then checked against _PHONE_DIGITS ("06-12345678", "+31 (0)6 1234 5678").
_PHONE_CANDIDATE = r"(\+31|0031|\(0|0)[0-9 ()\-]{7,16}[0-9]"
# A cell that is just a number (amount, count, percentage), in any Dutch or English notation
_PLAIN_NUMBER = r"^[-+]?[€\s]*[0-9][0-9.,\s\u00a0]*([eE][-+]?[0-9]+)?$"
_DATE_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
_DATE_NL = r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$"
BIRTH_DATE_BEFORE = date(2000, 1, 1)  # the project's own dates all lie after 2010


def _words(header: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", plain) if w]


def _is_person_name_word(word: str) -> bool:
    """``naam``, ``achternaam``, ``clientnaam``, ``moedersnaam``; not ``gemeentenaam``."""
    if word in _NAME_WORDS:
        return True
    if len(word) > 4 and word.endswith("naam"):
        prefix = word[:-4]
        return prefix not in _NOT_PERSON_WORDS and prefix.rstrip("s") not in _NOT_PERSON_WORDS
    return False


def _header_problem(header: str) -> tuple[str, str] | None:
    """(rule, what) when the column name itself announces a direct identifier."""
    words = _words(header)
    joined = "_".join(words)
    for rule, what, names in _HEADER_RULES:
        if any(w in names for w in words) or joined in names:
            return rule, what
    if any(w.startswith("bsn") or "burgerservicenummer" in w for w in words):
        return "privacy_bsn", "BSN of sofinummer"
    if any(w.startswith("geboortedat") for w in words):
        return "privacy_geboortedatum", "geboortedatum"
    if any(map(_is_person_name_word, words)) and not any(w in _NOT_PERSON_WORDS for w in words):
        return "privacy_naam", "naam van een persoon"
    return None


def elfproef(digits: pl.Expr) -> pl.Expr:
    """True where a 9-digit string passes the BSN elfproef (9*d1 + ... + 2*d8 - d9 ≡ 0 mod 11)."""
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    total = pl.sum_horizontal(
        [digits.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(weights)])
    shaped = digits.str.contains(r"^\d{9}$")
    return shaped & (total % 11 == 0) & (digits != "000000000")


def _date_years(values: pl.Expr) -> pl.Expr:
    """Year of a date-like string (ISO or Dutch day-month-year), null otherwise."""
    iso = values.str.extract(_DATE_ISO, 1)
    nl = values.str.extract(_DATE_NL, 3)
    return pl.coalesce(iso, nl).cast(pl.Int64, strict=False)


def elfproef_ok(digits: str) -> bool:
    """The elfproef for one 9-digit string (the scalar twin of :func:`elfproef`)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True))
    return total % 11 == 0


def _bsn_in_text(v: pl.Expr) -> pl.Expr:
    """True where a text holds a number that passes the elfproef: 9 digits (also written
    ``1234.56.782`` or ``123 456 782``), or 8 digits whose leading zero was dropped."""
    candidates = v.str.extract_all(_BSN_CANDIDATE).list.eval(
        pl.element().filter(~pl.element().str.contains("[A-Za-z_]"))
        .str.replace_all(r"[ .\-]", ""))
    nine = candidates.list.eval(
        pl.when(pl.element().str.len_chars() == 8).then(pl.lit("0") + pl.element())
        .otherwise(pl.element()))
    return nine.list.eval(elfproef(pl.element())).list.any()


def _phone_in_text(v: pl.Expr) -> pl.Expr:
    """True where a text holds a Dutch phone number in one of its usual forms."""
    candidates = v.str.extract_all(_PHONE_CANDIDATE).list.eval(
        pl.element().str.replace_all(r"[^0-9+]", "").str.contains(_PHONE_DIGITS))
    return candidates.list.any()


# Cheap tests that every identifier of a rule passes; the exact (slower) test runs only on the
# few values that pass them, so the gate stays fast on millions of rows.
_MAY_HOLD_BSN = r"\d{8}|\d{3}[ .\-]\d{2,3}[ .\-]\d{3}"
_MAY_HOLD_PHONE = _PHONE_CANDIDATE


def _value_rules(col: str, numeric: bool) -> list[tuple[str, str, pl.Expr, pl.Expr]]:
    """(rule, what, cheap pre-test, exact test) for one column; the exact test is True where
    a value is an identifier and is evaluated only on the values that pass the pre-test.

    Every value is searched as free text, except plain numbers in a numeric column of the
    contract (an amount of 12.345.672 euro is not a BSN): those are only checked for the
    shape of a phone number.
    """
    v = pl.col(col).str.strip_chars()
    compact = v.str.replace_all(r"[ ()\-]", "")
    whole_phone = v.str.contains(_PHONE_CHARS) & compact.str.contains(_PHONE_DIGITS)
    text = ~v.str.contains(_PLAIN_NUMBER) if numeric else pl.lit(True)
    return [
        ("privacy_email", "e-mailadressen", v.str.contains("@", literal=True),
         text & v.str.contains(_EMAIL)),
        ("privacy_telefoon", "telefoonnummers", v.str.contains(_MAY_HOLD_PHONE),
         whole_phone | (text & _phone_in_text(v))),
        ("privacy_bsn", "nummers die de BSN-elfproef doorstaan", v.str.contains(_MAY_HOLD_BSN),
         text & _bsn_in_text(v)),
        ("privacy_adres", "een volledige postcode met huisnummer",
         v.str.contains(_POSTCODE_HOUSE), text),
    ]


def _birth_date_problem(df: pl.DataFrame, col: str, file: str) -> Problem | None:
    """A column of dates of which at least half lie before 2000 holds birth dates."""
    years = df.select(_date_years(pl.col(col).str.strip_chars()).alias("y"), pl.col(LINE))
    dated = years.filter(pl.col("y").is_not_null())
    old = dated.filter(pl.col("y") < BIRTH_DATE_BEFORE.year)
    if old.height == 0 or old.height * 2 < dated.height:
        return None
    return Problem(
        file, "privacy_geboortedatum",
        f"kolom bevat data die op geboortedata lijken ({old.height} van {dated.height} data "
        f"vóór {BIRTH_DATE_BEFORE.year}); verwijder de kolom of vervang haar door leeftijd "
        f"of geboortejaar", int(old.get_column(LINE)[0]), col)


# A value can only be an identifier if it passes the cheap pre-test of one of the value rules
# (an "@", a phone-number candidate, eight digits or a grouped nine, a postcode with a house
# number) or has the shape of a date (a birth date); all of them in one regular expression,
# so that a column of a million pseudonyms (``NL-0000123``) is passed over in one pass and
# nothing slower runs on it.
_MAY_IDENTIFY = "|".join(f"(?:{p})" for p in (
    "@", _MAY_HOLD_PHONE, _MAY_HOLD_BSN, _POSTCODE_HOUSE, _DATE_ISO, _DATE_NL))


def _candidate_values(df: pl.DataFrame, columns: list[str],
                      distinct: Mapping[str, pl.Series]) -> dict[str, pl.Series]:
    """Per column the distinct values that may identify someone (see ``_MAY_IDENTIFY``).

    A column of millions of rows holds few distinct values (10 million cost lines: a million
    case ids, four scenarios, a few hundred items); the rules run on those, all columns in
    one parallel pass. ``distinct`` gives them for columns whose reader already has them.
    """
    def values(c: str) -> pl.LazyFrame:
        known = distinct.get(c)
        return known.to_frame(c).lazy() if known is not None else df.lazy().select(
            pl.col(c).unique())

    queries = [values(c).filter(pl.col(c).str.strip_chars().str.contains(_MAY_IDENTIFY))
               for c in columns]
    return {c: frame.get_column(c) for c, frame in zip(columns, pl.collect_all(queries),
                                                        strict=True)}


def _column_problems(df: pl.DataFrame, col: str, file: str, sheet: str | None,
                     numeric: bool) -> list[Problem]:
    """The value rules of one column, row by row (the first line and the count of each)."""
    problems = []
    rules = _value_rules(col, numeric)
    maybe = df.select(pl.col(LINE), pl.col(col),
                      *[pre.fill_null(False).alias(rule) for rule, _, pre, _ in rules])
    for rule, what, _, exact in rules:
        candidates = maybe.filter(pl.col(rule))
        matched = (candidates.filter(exact.fill_null(False)) if candidates.height
                   else candidates)
        if matched.height:
            problems.append(Problem(
                file, rule, f"kolom bevat {what} ({matched.height} waarde(n)); verwijder of "
                "pseudonimiseer deze gegevens", int(matched.get_column(LINE)[0]), col,
                sheet))
    return problems


def _identifying_values(values: pl.Series, numeric: bool) -> pl.Series:
    """The values of ``values`` that any value rule refuses."""
    col = values.name
    rules = _value_rules(col, numeric)
    frame = values.to_frame()
    found = [frame.filter(pre.fill_null(False)).filter(exact.fill_null(False)).get_column(col)
             for _, _, pre, exact in rules]
    return pl.concat(found).unique()


def _has_old_dates(values: pl.Series) -> bool:
    years = values.to_frame().select(_date_years(pl.col(values.name).str.strip_chars()))
    return bool((years.to_series() < BIRTH_DATE_BEFORE.year).any())


def scan_identifiers(df: pl.DataFrame, file: str, *, sheet: str | None = None,
                     header_row: int = 1, numeric_columns: frozenset[str] = frozenset(),
                     distinct: Mapping[str, pl.Series] | None = None) -> list[Problem]:
    """Every column of a raw (all-string) frame that holds direct identifiers.

    ``df`` has the file's own headers; if it carries a ``_line`` column that gives each
    row's line number, otherwise row ``i`` is line ``i + 2`` (header = line 1).
    ``numeric_columns`` are headers the contract reads as numbers (see :func:`_value_rules`);
    ``sheet`` and ``header_row`` say where in a workbook the table lies. ``distinct``: the
    distinct values of (some) columns, when the reader has them (``loaders.read_table``; a
    superset of the column's values is fine), so that the scan does not compute them again.
    At most one problem per column and rule, naming the first line and the count.
    """
    if LINE not in df.columns:
        df = df.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    problems: list[Problem] = []
    scanned: list[str] = []
    for col in df.columns:
        if col == LINE:
            continue
        header = _header_problem(col)
        if header:
            rule, what = header
            problems.append(Problem(
                file, rule, f"kolomnaam wijst op een direct identificerend gegeven ({what}); "
                "verwijder de kolom of vervang haar door een pseudoniem", header_row, col,
                sheet))
            continue
        if df.schema[col] != pl.String:
            continue
        scanned.append(col)
    for col, values in _candidate_values(df, scanned, distinct or {}).items():
        if values.len() == 0:
            continue
        numeric = col in numeric_columns
        found = _identifying_values(values, numeric)
        if found.len():  # few rows: the rules again on those, for the first line and count
            problems += _column_problems(df.filter(pl.col(col).is_in(found.implode())), col,
                                         file, sheet, numeric)
        if _has_old_dates(values):
            birth = _birth_date_problem(df, col, file)
            if birth:
                problems.append(Problem(birth.file, birth.rule, birth.message, birth.row,
                                        birth.column, sheet))
    order = {c: i for i, c in enumerate(df.columns)}
    return sorted(problems, key=lambda p: order[p.column])
