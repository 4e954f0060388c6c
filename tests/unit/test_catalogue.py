"""The output catalogue: one record per published output, read by publish, the report,
`ruwaard numbers`, the publication gate and docs/report.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ruwaard_analysis import catalogue, vocabulary
from ruwaard_analysis.present import labels

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


def test_ids_are_unique_per_kind():
    for kind in ("key_figure", "table", "figure"):
        ids = [o.id for o in catalogue.ALL if o.kind == kind]
        assert len(ids) == len(set(ids)), kind


def test_every_record_names_an_existing_notebook_and_a_known_rule():
    stems = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    for o in catalogue.ALL:
        assert o.notebook in stems, o.id
        assert o.disclosure in catalogue.DISCLOSURE_RULES, o.id
        assert o.label and o.what, o.id


def test_key_figures_have_a_unit_of_the_vocabulary():
    for o in catalogue.KEY_FIGURES:
        assert o.unit in vocabulary.UNITS, o.id


def test_labels_of_key_figures_come_from_the_catalogue():
    assert labels.KEY_FIGURES == {o.id: o.label for o in catalogue.KEY_FIGURES}


def test_unknown_output_is_a_clear_error():
    with pytest.raises(KeyError, match="catalogue"):
        catalogue.key_figure("bestaat_niet")


def test_display_order_puts_unknown_names_last_by_name():
    names = ["zzz", "welbevinden_nameting_gemiddeld", "aaa", "casussen_totaal"]
    assert catalogue.in_display_order(names) == [
        "casussen_totaal", "welbevinden_nameting_gemiddeld", "aaa", "zzz"]


def test_every_figure_is_written_by_its_notebook():
    for o in catalogue.FIGURES:
        text = (NOTEBOOKS / f"{o.notebook}.ipynb").read_text(encoding="utf-8")
        # gated: write_figure(output_dir, ...) of pub.chart("NAME", chart)
        assert "write_figure(output_dir, " in text, o.notebook
        assert re.search(rf'pub\.chart\(\\"{o.id}\\"', text), o.id


def test_docs_report_md_holds_the_generated_tables():
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    assert catalogue.markdown_tables() in doc, (
        "docs/report.md is out of date: replace its contract tables by "
        "catalogue.markdown_tables()")
