"""Privacy gate: direct identifiers are refused with column and reason; ordinary data passes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ruwaard_analysis import loaders, privacy
from ruwaard_analysis.errors import PrivacyError

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "io" / "valid"


def rules(df: pl.DataFrame) -> set[tuple[str, int | None, str]]:
    return {(p.rule, p.row, p.column) for p in privacy.scan_identifiers(df, "f.csv")}


def bsn_ok(number: str) -> bool:
    """Reference elfproef, written plainly."""
    digits = [int(c) for c in number]
    total = sum(d * w for d, w in zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1], strict=True))
    return total % 11 == 0 and number != "000000000"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_elfproef_matches_the_plain_definition(number):
    got = pl.select(privacy.elfproef(pl.lit(number))).item()
    assert got == bsn_ok(number)


@pytest.mark.parametrize(("value", "rule"), [
    ("111222333", "privacy_bsn"),
    ("1234.56.782", "privacy_bsn"),
    ("jan.jansen@example.nl", "privacy_email"),
    ("mail: a.b@zorg-oss.nl", "privacy_email"),
    ("06-12345678", "privacy_telefoon"),
    ("+31 6 1234 5678", "privacy_telefoon"),
    ("(073) 123 4567", "privacy_telefoon"),
    ("0031412123456", "privacy_telefoon"),
    ("5342 AB 12", "privacy_adres"),
    ("5342ab-12a", "privacy_adres"),
    ("Kerkstraat 12, 5342 AB Oss", "privacy_adres"),
])
def test_identifying_values_are_refused(value, rule):
    df = pl.DataFrame({"case_id": ["C0001", "C0002", "C0003"], "extra": ["x", value, None]})
    assert rules(df) == {(rule, 3, "extra")}


@pytest.mark.parametrize("value", [
    "C0001", "R12", "5342", "5342 AB", "123456789", "2016-02-28", "28-02-2016", "38.0", "120,50",
    "1500000.0", "13100", "WK082806", "BU08280605", "2016JJ00", "45.2", "0", "100.32",
    "Ervaren gezondheid goed/zeer goed", "kostenhandleiding_2024", "0000012345",
    "111.222.333",  # passes the elfproef, but written as a Dutch amount
])
def test_ordinary_values_pass(value):
    df = pl.DataFrame({"v": [value, value]})
    assert rules(df) == set()


@pytest.mark.parametrize(("header", "rule"), [
    ("Naam", "privacy_naam"),
    ("Achternaam cliënt", "privacy_naam"),
    ("first_name", "privacy_naam"),
    ("BSN", "privacy_bsn"),
    ("Geboortedatum", "privacy_geboortedatum"),
    ("date of birth", "privacy_geboortedatum"),
    ("E-mail", "privacy_email"),
    ("Telefoonnummer", "privacy_telefoon"),
    ("Adres", "privacy_adres"),
    ("huisnummer", "privacy_adres"),
])
def test_identifying_headers_are_refused_even_when_empty(header, rule):
    df = pl.DataFrame({header: [None, None]}, schema={header: pl.String})
    assert rules(df) == {(rule, 1, header)}  # the header row


@pytest.mark.parametrize("header", ["Gemeentenaam_1", "wijk naam", "naam_organisatie",
                                    "postcode", "geboortejaar", "leeftijd", "aantal"])
def test_harmless_headers_pass(header):
    df = pl.DataFrame({header: ["Oss", "x"]})
    assert rules(df) == set()


def test_column_of_birth_dates_is_refused_but_project_dates_pass():
    born = pl.DataFrame({"d": ["12-03-1954", "1988-07-01", "2016-02-28"]})
    assert rules(born) == {("privacy_geboortedatum", 2, "d")}
    measured = pl.DataFrame({"d": ["2016-02-28", "1-3-2017", "2018-12-31", "1999-12-31"]})
    assert rules(measured) == set()


def test_problem_names_column_and_line_but_never_the_value():
    df = pl.DataFrame({"_line": [7, 9], "contact": ["-", "piet@example.nl"]})
    (problem,) = privacy.scan_identifiers(df, "cases.csv")
    assert (problem.file, problem.rule, problem.row, problem.column) == (
        "cases.csv", "privacy_email", 9, "contact")
    assert "piet" not in problem.message and "1 waarde" in problem.message


def test_loader_refuses_a_file_with_identifiers(tmp_path):
    text = (VALID / "wellbeing.csv").read_text()
    text = text.replace("case_id,", "bsn,").replace("C0002,nameting", "111222333,nameting")
    path = tmp_path / "wellbeing.csv"
    path.write_text(text)
    with pytest.raises(PrivacyError) as exc:
        loaders.load_wellbeing(path)
    # refused for the identifier, and told in the same run what else is wrong (#12): with the
    # column removed, the file still needs its pseudonymous case column
    assert [(p.file, p.rule, p.column) for p in exc.value.problems] == [
        ("wellbeing.csv", "privacy_bsn", "bsn"), ("wellbeing.csv", "ontbrekende_kolom", "case_id")]
    assert "111222333" not in str(exc.value)


def test_loader_refuses_identifying_values_in_an_allowed_column(tmp_path):
    text = (VALID / "cases.csv").read_text().replace("C0003,", "jan@example.nl,")
    path = tmp_path / "cases.csv"
    path.write_text(text)
    with pytest.raises(PrivacyError) as exc:
        loaders.load_cases(path)
    assert [(p.rule, p.row, p.column) for p in exc.value.problems] == [
        ("privacy_email", 4, "case_id")]


def test_valid_fixtures_pass_the_gate():
    for path in sorted(VALID.glob("*.csv")):
        assert privacy.scan_identifiers(loaders.read_raw(path), path.name) == [], path.name


def test_a_refused_file_reports_its_other_problems_without_the_identifying_value(tmp_path):
    """#12: the privacy gate no longer stops the other checks of the file; the identifying
    column is checked through a stand-in, so no problem shows its values."""
    text = (VALID / "cases.csv").read_text()
    lines = text.splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[0] = "bsn 111222333"  # an identifier in the case column
    second = lines[2].split(",")
    second[header.index("mdo_date")] = "2017-13-01"  # and a date that does not exist
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([lines[0], ",".join(first), ",".join(second), *lines[3:]]) + "\n")
    with pytest.raises(PrivacyError) as exc:
        loaders.load_cases(path)
    found = {(p.rule, p.row, p.column) for p in exc.value.problems}
    assert ("privacy_bsn", 2, "case_id") in found
    assert ("type", 3, "mdo_date") in found
    assert all(p.column != "case_id" for p in exc.value.problems if p.rule != "privacy_bsn")
    assert "111222333" not in str(exc.value)


def test_the_scan_of_distinct_values_finds_what_the_row_by_row_rules_find():
    """#15: the gate scans each column's distinct values after a cheap pre-test; on a frame of
    repeated values of every kind it reports exactly what the rules give row by row."""
    kinds = ["C0001", "huidig", "12,5", "jan@example.nl", "bel 06-12345678", "bsn 111222333",
             "12345672", "5342 AB 12", "2017-03-01", "1950-02-03", None, "1.234.567",
             "+31 (0)6 1234 5678", "WK082806"]
    n = 3 * 5_000
    values = [kinds[(i * 7) % len(kinds)] for i in range(n)]
    df = pl.DataFrame({"_line": range(2, n + 2), "tekst": values,
                       "datum": ["1950-02-03" if i % 3 else "2017-03-01" for i in range(n)],
                       "aantal": [kinds[(i * 5) % len(kinds)] for i in range(n)]},
                      schema_overrides={"_line": pl.Int64})
    expected = []
    for col in ("tekst", "datum", "aantal"):
        numeric = col == "aantal"
        expected += privacy._column_problems(df, col, "x.csv", None, numeric)
        birth = privacy._birth_date_problem(df, col, "x.csv")
        expected += [birth] if birth else []
    found = privacy.scan_identifiers(df, "x.csv", numeric_columns=frozenset({"aantal"}))
    assert sorted(map(str, found)) == sorted(map(str, expected))
    assert {p.rule for p in found} >= {"privacy_email", "privacy_telefoon", "privacy_bsn",
                                       "privacy_adres", "privacy_geboortedatum"}
