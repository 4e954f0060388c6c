"""Regression of every published value: key figures, result tables and chart specs of the demo
years, against the text committed in ``tests/end_to_end/baseline/`` (see ``published_values``).

Any change fails with what moved (key figure, field, old -> new; table rows; figure names).
A deliberate change is accepted with ``make baseline`` (``pytest
tests/end_to_end/test_published_values.py --accept-baseline``); say in the commit message what
moved and why. An unexpected move is a bug.
"""

from __future__ import annotations

import pytest
from published_values import describe_changes, read_baseline, snapshot, write_baseline

pytestmark = pytest.mark.slow

YEARS = (2016, 2017, 2018)


@pytest.mark.parametrize("year", YEARS)
def test_published_values_equal_the_baseline(pipeline_run, year, request):
    actual = snapshot(pipeline_run.results(year))
    if request.config.getoption("--accept-baseline"):
        write_baseline(year, actual)
    expected = read_baseline(year)
    assert expected, f"no baseline for {year}: run `make baseline` once and commit it"
    changes = describe_changes(year, expected, actual)
    assert not changes, "\n".join(
        [*changes, "deliberate? accept with `make baseline` and say why in the commit"])


def test_baseline_text_is_canonical():
    """The committed files are what ``snapshot`` writes: LF, UTF-8, one final newline."""
    for year in YEARS:
        for rel, text in read_baseline(year).items():
            assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n"), rel
