"""Loaders: formats round-trip, StatLine exports, folders, line numbers, read-only."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ruwaard_analysis import cli, config, contracts, loaders
from ruwaard_analysis.errors import DataValidationError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "io"
VALID = FIXTURES / "valid"


def copy_valid(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in VALID.iterdir():
        shutil.copy(f, folder / f.name)
    return folder


# ----------------------------------------------------------------- formats


def dutch_excel_csv(df: pl.DataFrame, contract: contracts.Contract, path: Path) -> None:
    """Write ``df`` as Dutch Excel does: ';', decimal comma, d-m-yyyy, ja/nee, BOM, CRLF,
    Dutch headers and category values written as words (``Zonder oplossing``)."""
    out = []
    for c in contract.columns:
        s = df.get_column(c.name)
        if c.dtype == pl.Float64:
            s = s.cast(pl.String).str.replace(".", ",", literal=True)
        elif c.dtype == pl.Date:
            s = s.dt.to_string("%-d-%-m-%Y")
        elif c.dtype == pl.Boolean:
            s = s.replace_strict({True: "ja", False: "nee"}, return_dtype=pl.String)
        elif c.allowed is not None:
            s = s.str.replace_all("_", " ").str.to_titlecase()
        out.append(s.cast(pl.String).alias(c.aliases[0] if c.aliases else c.name))
    text = pl.DataFrame(out).write_csv(separator=";", line_terminator="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())


@pytest.mark.parametrize("key", contracts.SOURCE_KEYS)
def test_csv_xlsx_parquet_round_trip_to_the_same_frame(tmp_path, key):
    expected = loaders.load_source(key, VALID / f"{key}.csv")
    assert expected.columns == contracts.CONTRACTS[key].names
    assert expected.schema == pl.Schema({c.name: c.dtype for c in contracts.CONTRACTS[key].columns})
    expected.write_csv(tmp_path / f"{key}.comma.csv")
    dutch_excel_csv(expected, contracts.CONTRACTS[key], tmp_path / f"{key}.nl.csv")
    expected.write_excel(tmp_path / f"{key}.xlsx")
    expected.write_parquet(tmp_path / f"{key}.parquet")
    for name in (f"{key}.comma.csv", f"{key}.nl.csv", f"{key}.xlsx", f"{key}.parquet"):
        assert_frame_equal(loaders.load_source(key, tmp_path / name), expected), name


def test_dutch_headers_values_and_formats_are_mapped(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(
        "\ufeffCasus;Datum MDO;MDO jaar;Startdatum oplossing;Wonen;Financiën;Relaties;"
        "Dagbesteding;Steekproef;Datum kostenanalyse\r\n"
        "C0001;28-02-2016;2016;1-3-2016;Ja;nee;NEE;onwaar;1;\r\n".encode())
    df = loaders.load_cases(path)
    assert df.row(0, named=True) == {
        "case_id": "C0001", "mdo_date": date(2016, 2, 28), "mdo_year": 2016,
        "solution_start_date": date(2016, 3, 1), "precondition_wonen": True,
        "precondition_financien": False, "precondition_relaties": False,
        "precondition_dagbesteding": False, "in_random_sample": True, "cost_analysis_date": None}


def test_decimal_comma_with_thousand_points_and_euro_sign(tmp_path):
    path = tmp_path / "wijkbudget.csv"
    path.write_text('jaar;post;toegekend;besteed\n2016;Wmo;€ 1.500.000,50;1.450.000,00\n'
                    '2016;welzijn;600000;\n')
    df = loaders.load_wijkbudget(path)
    assert df["allocated_eur"].to_list() == [1500000.5, 600000.0]
    assert df["spent_eur"].to_list() == [1450000.0, None]
    # without any comma, '1.450.000' can only group thousands (#12) ...
    path.write_text('jaar;post;toegekend\n2016;Wmo;1.450.000\n')
    assert loaders.load_wijkbudget(path)["allocated_eur"].to_list() == [1450000.0]
    # ... but beside a decimal point in the same column it is an error, not a guess
    path.write_text('jaar;post;toegekend\n2016;Wmo;1.450.000\n2016;welzijn;7.5\n')
    _, problems = loaders.check_file("wijkbudget", path)
    assert [(p.rule, p.row, p.column) for p in problems] == [("type", 2, "allocated_eur")]


def test_point_in_a_decimal_comma_column_is_an_error_not_a_guess(tmp_path):
    path = tmp_path / "wellbeing.csv"
    path.write_text("case_id;moment;measured_on;score\nC1;voormeting;2016-01-04;2,5\n"
                    "C1;nameting;2016-02-15;7.5\n")
    with pytest.raises(DataValidationError) as exc:
        loaders.load_wellbeing(path)
    assert [(p.rule, p.row, p.column) for p in exc.value.problems] == [
        ("decimaalteken", 3, "score")]
    assert "('2,5' op regel 2)" in exc.value.problems[0].message


def test_line_numbers_count_bom_blank_lines_sep_line_and_skip_empty_rows(tmp_path):
    path = tmp_path / "visitors.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\nsep=;\r\nweek_start;unique_visitors\r\n2016-09-05;120\r\n"
                     b";\r\n\r\n2016-09-12;-1\r\n")
    with pytest.raises(DataValidationError) as exc:
        loaders.load_visitors(path)
    assert [(p.file, p.rule, p.row, p.column) for p in exc.value.problems] == [
        ("visitors.csv", "bereik", 7, "unique_visitors")]


def test_xlsx_and_parquet_errors_name_the_spreadsheet_row(tmp_path):
    frame = pl.DataFrame({"week_start": [date(2016, 9, 5), date(2016, 9, 13)],
                          "unique_visitors": [120, 131]})
    for suffix in ("xlsx", "parquet"):
        path = tmp_path / f"visitors.{suffix}"
        frame.write_excel(path) if suffix == "xlsx" else frame.write_parquet(path)
        _, problems = loaders.check_file("visitors", path)
        assert [(p.file, p.rule, p.row, p.column) for p in problems] == [
            (path.name, "maandag", 3, "week_start")]


def test_unreadable_inputs_are_problems_not_tracebacks(tmp_path):
    latin = tmp_path / "cpi.csv"
    latin.write_bytes(b"jaar;cpi\n2016;100,32\n" + "2017;\xe9\n".encode("cp1252"))
    empty = tmp_path / "visitors.csv"
    empty.write_text("week_start,unique_visitors\n")
    other = tmp_path / "cases.txt"
    other.write_text("x")
    assert [p.rule for p in loaders.check_file("cpi", latin)[1]] == ["codering"]
    assert [p.rule for p in loaders.check_file("visitors", empty)[1]] == ["leeg_bestand"]
    assert [p.rule for p in loaders.check_file("cases", other)[1]] == ["bestandsformaat"]


# ----------------------------------------------------------------- StatLine 50120NED


def test_statline_export_is_detected_and_made_long():
    df = loaders.load_ggd_indicators(FIXTURES / "statline_50120NED.csv")
    assert df.columns == contracts.GGD_INDICATORS.names
    # 4 area/age blocks x 2 indicators, minus the buurt's suppressed Eenzaam_27 ('.')
    assert df.height == 7
    assert set(df["area_code"]) == {"GM0828", "WK082806", "BU08280605"}
    assert set(df["area_level"]) == {"gemeente", "wijk", "buurt"}
    assert set(df["year"]) == {2016}
    assert set(df["age_group"]) == {"18+", "65+"}
    row = df.filter(pl.col("area_code") == "WK082806", pl.col("indicator_code") == "Eenzaam_27")
    assert row.select("estimate_pct", "ci_lower", "ci_upper", "indicator_label").row(0) == (
        45.2, 41.0, 49.5, "Eenzaam")


def test_statline_errors_point_at_the_export_line(tmp_path):
    text = (FIXTURES / "statline_50120NED.csv").read_text()
    path = tmp_path / "ggd_indicators.csv"
    path.write_text(text.replace('"MOG0095"', '"MOG0090"', 1).replace('"2016JJ00"', '"2016"', 1))
    _, problems = loaders.check_file("ggd_indicators", path)
    assert sorted((p.rule, p.row, p.column) for p in problems) == [
        ("toegestane_waarden", 3, "Marges"), ("type", 2, "Perioden")]


def test_statline_values_break_the_contract_on_the_value_line(tmp_path):
    text = (FIXTURES / "statline_50120NED.csv").read_text()
    path = tmp_path / "ggd_indicators.csv"
    path.write_text(text.replace('"76,5"', '"74,0"', 1))  # estimate below its lower bound
    _, problems = loaders.check_file("ggd_indicators", path)
    assert [(p.rule, p.row, p.column) for p in problems] == [
        ("betrouwbaarheidsinterval", 2, "ci_lower")]


# ----------------------------------------------------------------- folders


def test_find_source_files_uses_the_name_before_the_first_dot(tmp_path):
    (tmp_path / "cases.synthetic.csv").write_text("x")
    (tmp_path / "wellbeing.xlsx").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "metadata.json").write_text("{}")
    (tmp_path / "~$wellbeing.xlsx").write_text("x")
    assert loaders.find_source_files(tmp_path) == {
        "cases": [loaders.Part("cases", tmp_path / "cases.synthetic.csv")],
        "wellbeing": [loaders.Part("wellbeing", tmp_path / "wellbeing.xlsx")]}


def test_find_source_files_refuses_unknown_and_doubled_sources(tmp_path):
    (tmp_path / "cases.csv").write_text("x")
    (tmp_path / "cases.synthetic.parquet").write_text("x")
    (tmp_path / "notities.csv").write_text("x")
    with pytest.raises(DataValidationError) as exc:
        loaders.find_source_files(tmp_path)
    assert sorted((p.file, p.rule) for p in exc.value.problems) == [
        ("cases.synthetic.parquet", "dubbel_bronbestand"), ("notities.csv", "onbekende_bron")]


def test_load_folder_returns_every_source_in_canonical_form():
    frames = loaders.load_folder(VALID)
    assert sorted(frames) == sorted(contracts.SOURCE_KEYS)
    for key, df in frames.items():
        assert df.columns == contracts.CONTRACTS[key].names


def test_load_folder_can_load_a_selection(tmp_path):
    frames = loaders.load_folder(VALID, sources=["cases", "wellbeing"])
    assert sorted(frames) == ["cases", "wellbeing"]
    (tmp_path / "cases.csv").write_text((VALID / "cases.csv").read_text())
    with pytest.raises(DataValidationError) as exc:
        loaders.load_folder(tmp_path, sources=["visitors"])
    assert [p.rule for p in exc.value.problems] == ["bron_ontbreekt"]


def test_price_list_and_cpi_fall_back_to_the_packaged_reference(tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    reference.mkdir()
    shutil.copy(VALID / "price_list.csv", reference / "price_list.csv")
    shutil.copy(VALID / "cpi.csv", reference / "cpi.csv")
    monkeypatch.setattr(config, "REFERENCE_DIR", reference)
    folder = copy_valid(tmp_path / "data")
    (folder / "price_list.csv").unlink()
    (folder / "cpi.csv").unlink()
    frames = loaders.load_folder(folder)
    assert_frame_equal(frames["price_list"], loaders.load_price_list(VALID / "price_list.csv"))
    assert_frame_equal(loaders.load_reference("cpi"), loaders.load_cpi(VALID / "cpi.csv"))
    assert loaders.validate_folder(folder) == []


def test_validate_folder_collects_every_problem_of_every_file(tmp_path):
    folder = copy_valid(tmp_path)
    (folder / "visitors.csv").write_text("week_start,unique_visitors\n2016-09-06,-1\n")
    (folder / "cpi.csv").write_text("jaar,cpi,opmerking\n2016,100,x\n")
    (folder / "notities.csv").write_text("a\n1\n")
    wellbeing = (folder / "wellbeing.csv").read_text().replace("C0002,nameting", "C0099,nameting")
    (folder / "wellbeing.csv").write_text(wellbeing)
    problems = loaders.validate_folder(folder)
    assert sorted((p.file, p.rule, p.row, p.column) for p in problems) == [
        ("cpi.csv", "onbekende_kolom", 1, "opmerking"),
        ("notities.csv", "onbekende_bron", None, None),
        ("visitors.csv", "bereik", 2, "unique_visitors"),
        ("visitors.csv", "maandag", 2, "week_start"),
        ("wellbeing.csv", "onbekende_casus", 6, "case_id"),
    ]


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert cli.main(["validate", str(VALID)]) == 0
    folder = copy_valid(tmp_path)
    (folder / "visitors.csv").write_text("week_start,unique_visitors\n2016-09-06,1\n")
    assert cli.main(["validate", str(folder)]) == 1
    assert "visitors.csv, regel 2, kolom 'week_start': [maandag]" in capsys.readouterr().err


def test_loading_and_validating_change_no_byte_and_no_mtime(tmp_path):
    folder = copy_valid(tmp_path)
    shutil.copy(FIXTURES / "statline_50120NED.csv", folder / "ggd_indicators.csv")
    pl.read_csv(VALID / "visitors.csv").write_parquet(folder / "visitors.parquet")
    (folder / "visitors.csv").unlink()
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    loaders.load_folder(folder)
    loaders.validate_folder(folder)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert after == before


def test_positive_health_domain_level_file_with_a_column_per_domain(tmp_path):
    path = tmp_path / "positive_health.csv"
    path.write_text("respondent;datum;Lichaamsfuncties;Mentaal welbevinden;Zingeving;"
                    "Kwaliteit van leven;Meedoen;Dagelijks functioneren\n"
                    "R12;1-6-2016;6,5;7;8;6;5;7,5\nR13;2-6-2016;5;6;7;8;9;11\n")
    _, problems = loaders.check_file("positive_health", path)
    assert [(p.rule, p.row, p.column) for p in problems] == [("bereik", 3, "score")]
    path.write_text(path.read_text().replace(";11\n", ";10\n"))
    df = loaders.load_positive_health(path)
    assert df.height == 12 and df["item"].null_count() == 12
    r12 = df.filter(pl.col("respondent_id") == "R12").sort("domain")
    assert dict(zip(r12["domain"], r12["score"], strict=True)) == {
        "dagelijks_functioneren": 7.5, "kwaliteit_van_leven": 6.0, "lichaamsfuncties": 6.5,
        "meedoen": 5.0, "mentaal_welbevinden": 7.0, "zingeving": 8.0}


def test_xlsx_rows_above_the_header_are_counted(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append([])
    sheet.append(["week_start", "unique_visitors"])
    sheet.append(["2016-09-05", 1])
    sheet.append([])
    sheet.append(["2016-09-13", 2])
    workbook.create_sheet("Toelichting")["A1"] = "tekst op een ander werkblad telt niet"
    workbook.save(tmp_path / "visitors.xlsx")
    _, problems = loaders.check_file("visitors", tmp_path / "visitors.xlsx")
    assert [(p.rule, p.row, p.column) for p in problems] == [("maandag", 6, "week_start")]


def test_empty_or_missing_folder_is_a_problem(tmp_path):
    (tmp_path / "README.md").write_text("leeg")
    assert [p.rule for p in loaders.validate_folder(tmp_path)] == ["geen_bestanden"]
    assert [p.rule for p in loaders.validate_folder(tmp_path / "bestaat_niet")] == ["map_ontbreekt"]
    with pytest.raises(DataValidationError):
        loaders.load_folder(tmp_path / "bestaat_niet")


@settings(max_examples=25, deadline=None)
@given(st.lists(
    st.tuples(st.floats(1, 10, allow_nan=False),
              st.dates(contracts.FIRST_DATE, min(contracts.LAST_DATE, date.today()))),
    min_size=1, max_size=8))
def test_any_wellbeing_frame_survives_dutch_csv_xlsx_and_parquet(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("rt")
    expected = pl.DataFrame(
        {"case_id": [f"C{i:04d}" for i in range(len(rows))], "moment": ["nameting"] * len(rows),
         "measured_on": [d for _, d in rows], "score": [s for s, _ in rows]},
        schema=pl.Schema({c.name: c.dtype for c in contracts.WELLBEING.columns}))
    dutch_excel_csv(expected, contracts.WELLBEING, tmp / "wellbeing.csv")
    expected.write_excel(tmp / "wellbeing.xlsx")
    expected.write_parquet(tmp / "wellbeing.parquet")
    for name in ("wellbeing.csv", "wellbeing.xlsx", "wellbeing.parquet"):
        assert_frame_equal(loaders.load_wellbeing(tmp / name), expected)


def test_cbs_areas_reference_has_ruwaard_oss_and_nederland():
    from ruwaard_analysis import config
    from ruwaard_analysis.loaders import load_cbs_areas

    areas = load_cbs_areas()
    codes = set(areas["area_code"])
    assert {config.WIJK_CODE, config.GEMEENTE_CODE, config.NEDERLAND_CODE} <= codes
    oss = areas.filter(areas["area_code"] == config.GEMEENTE_CODE).row(0, named=True)
    wijken = areas.filter(areas["area_level"] == "wijk")
    # CBS rounds wijk counts to multiples of 5, so the wijken add up to the gemeente's
    # exact count within 2.5 per wijk
    assert (wijken["inhabitants"] % 5 == 0).all()
    assert abs(wijken["inhabitants"].sum() - oss["inhabitants"]) <= 2.5 * wijken.height


def test_typing_on_distinct_values_gives_what_typing_every_row_gives(monkeypatch):
    """#15: a column that repeats its values is typed on its distinct values and mapped back;
    the frame and the problems are those of typing row by row."""
    from ruwaard_analysis.loaders import column_types

    n = 12_000
    pick = lambda values, step: [values[(i * step) % len(values)] for i in range(n)]  # noqa: E731
    raw = pl.DataFrame({
        contracts.LINE: list(range(2, n + 2)),
        "case_id": [f"C{i % 3000:04d}" for i in range(n)],
        "scenario": pick(["huidig", "Huidig ", "zonder oplossing", "na_oplossing", "onbekend",
                          None], 5),
        "item_code": pick(["huisarts_consult", "x"], 3),
        "quantity": pick(["7.5", "12", "0.25", "abc", "1e309", None, "-3"], 7),
    }, schema_overrides={contracts.LINE: pl.Int64})
    contract = contracts.CONTRACTS["cost_lines"]
    fast = column_types.type_columns(raw, contract, "x.csv", keep_bad_rows=True)
    monkeypatch.setattr(column_types, "_DISTINCT_FROM_ROWS", 10**9)
    slow = column_types.type_columns(raw, contract, "x.csv", keep_bad_rows=True)
    assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1] and len(fast[1]) > 0


def test_plain_values_typed_by_a_cast_give_what_typing_every_row_gives(monkeypatch):
    """#15: a column whose distinct values are all plain (``7.5``, ``2017-03-01``, ``2017``,
    ``true``) is typed by a cheap cast of each row, checked on those values; the frame is
    the one typing row by row gives, floats to the bit (-0.0 stays -0.0)."""
    from ruwaard_analysis.loaders import column_types

    n = 12_000
    raw = pl.DataFrame({
        contracts.LINE: list(range(2, n + 2)),
        "case_id": [f"C{i:05d}" for i in range(n)],
        "mdo_date": [f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
        "mdo_year": ["2017"] * n,
        "solution_start_date": [None if i % 3 else "2018-01-05" for i in range(n)],
        **{f"precondition_{p}": ["true" if i % 2 else "false" for i in range(n)]
           for p in ("wonen", "financien", "relaties", "dagbesteding")},
        "in_random_sample": ["false"] * n,
        "cost_analysis_date": [None] * n,
    }, schema_overrides={contracts.LINE: pl.Int64, "cost_analysis_date": pl.String})
    contract = contracts.CONTRACTS["cases"]
    fast = column_types.type_columns(raw, contract, "x.csv")
    quantities = pl.DataFrame({contracts.LINE: list(range(2, n + 2)),
                               "case_id": ["C1"] * n, "scenario": ["huidig"] * n,
                               "item_code": ["x"] * n,
                               "quantity": [["7.5", "-0.0", "12", "0.25"][i % 4]
                                            for i in range(n)]},
                              schema_overrides={contracts.LINE: pl.Int64})
    fast_q = column_types.type_columns(quantities, contracts.CONTRACTS["cost_lines"], "x.csv")
    monkeypatch.setattr(column_types, "_DISTINCT_FROM_ROWS", 10**9)
    slow = column_types.type_columns(raw, contract, "x.csv")
    slow_q = column_types.type_columns(quantities, contracts.CONTRACTS["cost_lines"], "x.csv")
    assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1] == []
    assert fast_q[0]["quantity"].cast(pl.String).to_list() == \
        slow_q[0]["quantity"].cast(pl.String).to_list()


def test_read_table_strips_only_what_needs_it(tmp_path):
    """#15: each column's distinct values decide whether it needs stripping; a column with
    padded or blank values is stripped and emptied row by row, a clean one left as it is,
    and the distinct values given beside the frame are the stripped ones."""
    from ruwaard_analysis.loaders.raw_files import read_table

    path = tmp_path / "cost_lines.csv"
    path.write_text("case_id,scenario , item_code,quantity\n"
                    "C1,huidig,a, 7.5\nC1,huidig,b,   \nC2,na_oplossing,a,2\n,,,\n")
    table = read_table(path)
    assert table.frame.columns == [contracts.LINE, "case_id", "scenario", "item_code",
                                   "quantity"]
    assert table.frame["quantity"].to_list() == ["7.5", None, "2"]
    assert table.frame[contracts.LINE].to_list() == [2, 3, 4]
    assert sorted(table.distinct["quantity"].drop_nulls().to_list()) == ["2", "7.5"]
    assert sorted(table.distinct["case_id"].drop_nulls().to_list()) == ["C1", "C2"]
    assert_frame_equal(loaders.read_raw(path), table.frame)
