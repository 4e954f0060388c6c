"""The intake workbook (`ruwaard sjabloon`): generated from the contracts and the price list,
valid for a second reader, with Excel validation the loader agrees with."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import polars as pl
import pytest

from ruwaard_analysis import cli, config, contracts, loaders, sheets
from ruwaard_analysis.errors import RuwaardError
from ruwaard_analysis.intake_workbook import (
    EXAMPLES,
    FILL_SOURCES,
    HEADERS,
    NEVER,
    WorkbookError,
    price_items,
    write_intake_workbook,
)

EXCEL_EPOCH = date(1899, 12, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_intake_workbook(tmp_path_factory.mktemp("wb") / "werkboek.xlsx")


def validations(ws) -> dict[str, object]:
    """Column letter -> the data validation of that column (rows 2 and below)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        first = str(dv.sqref).split(":")[0]
        assert first[1:] == "2", dv.sqref
        out[first[0]] = dv
    return out


def serial(day: date) -> str:
    return str((day - EXCEL_EPOCH).days)



def workbook_problems(folder):
    """validate_folder of a folder with only the intake workbook: the sources the workbook
    does not hold (GGD, inhabitants, budget, visitors) are reported missing (#12), the rest
    must be clean."""
    return [p for p in loaders.validate_folder(folder) if p.rule != "bron_ontbreekt"]

def test_sheets_headers_and_layout_come_from_the_contracts(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["toelichting", "casussen", "welbevinden", "kostenregels",
                             "positieve_gezondheid", "prijslijst"]
    assert wb.active.title == "toelichting"
    for key in FILL_SOURCES:
        ws = wb[sheets.SHEET_NAMES[key]]
        header = [c.value for c in ws[1]]
        assert header == [HEADERS[key][name] for name in contracts.CONTRACTS[key].names]
        lookup = contracts.CONTRACTS[key].header_map()
        assert [lookup[sheets.normalize_name(h)] for h in header] == \
            contracts.CONTRACTS[key].names  # the loader reads every header as its column
        assert ws.freeze_panes == "B2"
        assert all(ws.column_dimensions[c.column_letter].width >= len(c.value) for c in ws[1])
        assert ws.cell(2, 1).value == loaders.EXAMPLE_ID and ws.cell(2, 1).font.i  # example, italic
        assert ws.cell(2, 1).comment is not None
    assert sheets.file_sources(template) == ("cases", "cost_lines", "positive_health",
                                             "wellbeing")


def test_validation_lists_ranges_and_dutch_messages(template):
    wb = openpyxl.load_workbook(template)
    wellbeing = validations(wb["welbevinden"])
    assert wellbeing["B"].type == "list"
    assert wellbeing["B"].formula1 == '"voormeting,nameting,herhaalmeting"'
    assert (wellbeing["D"].type, wellbeing["D"].formula1, wellbeing["D"].formula2) == (
        "decimal", "1", "10")
    assert wellbeing["D"].errorStyle in (None, "stop")  # stop is Excel's default
    assert wellbeing["D"].showErrorMessage and wellbeing["D"].showInputMessage
    assert "1 t/m 10" in wellbeing["D"].error and "Cijfer" in wellbeing["D"].promptTitle
    assert (wellbeing["C"].type, wellbeing["C"].formula1, wellbeing["C"].formula2) == (
        "date", serial(contracts.FIRST_DATE), serial(contracts.LAST_DATE))
    assert "31-12-2030" in wellbeing["C"].error
    assert wellbeing["A"].type is None and "nooit een naam" in wellbeing["A"].prompt

    costs = validations(wb["kostenregels"])
    items, year = price_items()
    assert costs["C"].type == "list"
    assert costs["C"].formula1 == f"prijslijst!$A$2:$A${items.height + 1}"  # not inline: >255
    assert len(",".join(items["item_code"])) > 255
    assert costs["B"].formula1 == '"' + ",".join(contracts.SCENARIOS) + '"'
    assert (costs["D"].type, costs["D"].operator, costs["D"].formula1) == (
        "decimal", "greaterThanOrEqual", "0")

    health = validations(wb["positieve_gezondheid"])
    assert (health["E"].type, health["E"].formula1, health["E"].formula2) == ("decimal", "0", "10")
    assert health["C"].formula1 == '"' + ",".join(contracts.PH_DOMAINS) + '"'

    cases = validations(wb["casussen"])
    assert (cases["C"].type, cases["C"].formula1, cases["C"].formula2) == (
        "whole", str(config.PROGRAMME_YEARS[0]), str(config.PROGRAMME_YEARS[1]))
    assert all(cases[c].formula1 == '"ja,nee"' for c in "EFGHI")
    for ws in (wb[sheets.SHEET_NAMES[k]] for k in FILL_SOURCES):
        for dv in ws.data_validations.dataValidation:
            assert len(dv.prompt) <= 255 and (dv.error is None or len(dv.error) <= 255)


def test_the_price_sheet_is_the_packaged_price_list_of_the_year_and_protected(template):
    ws = openpyxl.load_workbook(template)["prijslijst"]
    assert ws.protection.sheet
    assert ws.auto_filter.ref == f"A1:H{ws.max_row}"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    items, year = price_items()
    expected = loaders.load_reference("price_list").filter(pl.col("price_year") == year)
    assert sorted(r[0] for r in rows) == sorted(expected["item_code"])
    assert {r[0]: r[3] for r in rows} == dict(expected.select("item_code", "unit_price_eur")
                                              .iter_rows())
    assert {r[4] for r in rows} == {year}
    assert [c.value for c in ws[1]] == list(HEADERS["price_list"].values())


def test_the_notes_sheet_says_what_each_sheet_is_for_and_what_never_to_enter(template):
    ws = openpyxl.load_workbook(template)["toelichting"]
    assert ws.protection.sheet
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    for never in NEVER:
        assert never in text
    for key in FILL_SOURCES:
        assert f"Werkblad {sheets.SHEET_NAMES[key]}" in text
        assert contracts.CONTRACTS[key].title in text
        for header in HEADERS[key].values():
            assert header in text
    assert loaders.EXAMPLE_ID in text and "welbevinden!C14" in text
    assert "mdo_date" not in text  # the sheet's headers, not the canonical names


def test_the_empty_workbook_validates_and_its_example_rows_are_valid_data(template, tmp_path):
    shutil.copy(template, tmp_path / "leeg.xlsx")
    assert workbook_problems(tmp_path) == []
    wb = openpyxl.load_workbook(tmp_path / "leeg.xlsx")
    for key in FILL_SOURCES:
        wb[sheets.SHEET_NAMES[key]].cell(2, 1).value = "C-1"  # the example as a real row
    wb.save(tmp_path / "leeg.xlsx")
    assert workbook_problems(tmp_path) == []
    frames = loaders.load_folder(tmp_path, sources=list(FILL_SOURCES))
    for key in FILL_SOURCES:
        row = frames[key].row(0, named=True)
        for name, value in EXAMPLES[key].items():
            expected = {"ja": True, "nee": False}.get(value, value) if isinstance(
                value, str) else value
            assert row[name] == expected, (key, name)


def test_same_price_list_same_bytes(template, tmp_path):
    again = write_intake_workbook(tmp_path / "werkboek.xlsx")
    assert again.read_bytes() == template.read_bytes()


def test_refusals_are_clear(template, tmp_path):
    with pytest.raises(WorkbookError, match="prijsjaar 1999; wel met prijsjaar 2022"):
        write_intake_workbook(tmp_path / "a.xlsx", price_year=1999)
    existing = tmp_path / "ingevuld.xlsx"
    existing.write_bytes(b"filled")
    with pytest.raises(WorkbookError, match="bestaat al"):
        write_intake_workbook(existing)
    assert existing.read_bytes() == b"filled"
    write_intake_workbook(existing, overwrite=True)
    assert existing.read_bytes() == template.read_bytes()
    with pytest.raises(WorkbookError, match="nooit in"):
        write_intake_workbook(config.RAW_DIR / "leeg.xlsx")
    assert not (config.RAW_DIR / "leeg.xlsx").exists()
    assert issubclass(WorkbookError, RuwaardError)
    assert list(tmp_path.glob(".*tmp*")) == []  # nothing half-written left behind


def test_cli_sjabloon_and_its_english_alias(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sjabloon"]) == 0
    assert (tmp_path / "ruwaard-invulwerkboek.xlsx").is_file()
    assert "prijsjaar 2022" in capsys.readouterr().out
    assert cli.main(["template", "--out", "b.xlsx", "--price-year", "2022"]) == 0
    assert cli.main(["sjabloon", "--uit", "b.xlsx"]) == 2  # exists: refused, not replaced
    assert "bestaat al" in capsys.readouterr().err
    assert cli.main(["sjabloon", "--uit", "b.xlsx", "--overschrijven"]) == 0


def test_pandas_with_openpyxl_reads_the_workbook(template):
    frames = pd.read_excel(template, sheet_name=None, engine="openpyxl")
    assert list(frames) == openpyxl.load_workbook(template, read_only=True).sheetnames
    assert list(frames["welbevinden"].columns) == list(HEADERS["wellbeing"].values())
    assert frames["welbevinden"].iloc[0, 0] == loaders.EXAMPLE_ID
    assert len(frames["prijslijst"]) == price_items()[0].height


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_and_its_copy_still_loads(template, tmp_path):
    """LibreOffice as a second reader: it converts the file, and its own XLSX of it loads."""
    out = tmp_path / "lo"
    for target in ("pdf", "xlsx"):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/u",
                        "--convert-to", target, "--outdir", str(out), str(template)],
                       check=True, capture_output=True, timeout=300)
    assert (out / "werkboek.pdf").read_bytes().startswith(b"%PDF")
    copy = out / "werkboek.xlsx"
    assert openpyxl.load_workbook(copy).sheetnames == openpyxl.load_workbook(
        template).sheetnames
    (out / "werkboek.pdf").unlink()
    assert workbook_problems(out) == []
    ws = openpyxl.load_workbook(copy)["welbevinden"]
    assert {dv.type for dv in ws.data_validations.dataValidation} >= {"list", "date", "decimal"}
