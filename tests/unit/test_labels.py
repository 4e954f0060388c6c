"""All Dutch text lives in present.labels; every category value of the data has a label."""

from __future__ import annotations

import re

import pytest

from ruwaard_analysis import config
from ruwaard_analysis.present import labels

ARCHITECTURE = config.PROJ_ROOT / "docs" / "architecture.md"

# (source key, column) of every enumerated column in the canonical tables -> label group.
GROUP_OF_COLUMN = {
    ("wellbeing", "moment"): "moment",
    ("cost_lines", "scenario"): "scenario",
    ("price_list", "domain"): "cost_domain",
    ("price_list", "payer"): "payer",
    ("price_list", "source"): "price_source",
    ("positive_health", "domain"): "health_domain",
    ("ggd_indicators", "area_level"): "area_level",
    ("ggd_indicators", "age_group"): "age_group",
}

ROW = re.compile(r"^\| `(?P<source>\w+)` \| (?P<columns>.*) \|$", re.MULTILINE)
ENUM = re.compile(r"`(?P<column>\w+)` \((?P<values>`[^`]+`(?: / `[^`]+`)+)\)")


def _enumerations() -> dict[tuple[str, str], list[str]]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    found = {}
    for row in ROW.finditer(text):
        for enum in ENUM.finditer(row["columns"]):
            values = re.findall(r"`([^`]+)`", enum["values"])
            found[(row["source"], enum["column"])] = values
    return found


def test_architecture_enumerations_are_all_mapped_to_a_label_group():
    found = _enumerations()
    assert set(found) == set(GROUP_OF_COLUMN), "new enumerated column: add it to labels.py"


@pytest.mark.parametrize(("where", "group"), sorted(GROUP_OF_COLUMN.items()))
def test_every_category_value_has_a_label(where, group):
    values = _enumerations()[where]
    assert values, where
    for value in values:
        text = labels.label(f"{group}.{value}")  # raises KeyError when missing
        assert text.strip() and "_" not in text, (value, text)


def test_precondition_columns_of_cases_have_labels():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    columns = set(re.findall(r"`(precondition_\w+)`", text))
    assert columns == set(labels.PRECONDITIONS)


def test_every_key_figure_published_has_a_label():
    source = (config.PACKAGE_DIR / "publish.py").read_text(encoding="utf-8")
    names = set(re.findall(r'figure\(\s*"([a-z0-9_]+)"', source))
    names |= set(re.findall(r'\("(welbevinden_\w+_gemiddeld)", first', source))
    assert "casussen_totaal" in names
    missing = sorted(n for n in names if n not in labels.KEY_FIGURES)
    assert not missing, missing


def test_every_profile_indicator_has_a_label():
    publish = pytest.importorskip("ruwaard_analysis.publish")
    assert set(publish.PROFILE_INDICATORS) <= set(labels.PROFILE)


def test_every_analysis_has_a_label_and_a_unit():
    assert set(labels.ANALYSES) == set(labels.ANALYSIS_UNITS)


def test_fixed_orders():
    assert list(labels.HEALTH_DOMAINS.values()) == [
        "Lichaamsfuncties", "Mentaal welbevinden", "Zingeving", "Kwaliteit van leven",
        "Meedoen", "Dagelijks functioneren",
    ]
    assert list(labels.MOMENTS.values()) == [
        "Voormeting", "Nameting (±6 weken)", "Herhaalmeting (6-12 maanden)",
    ]
    assert labels.label("scenario.huidig") == "Huidige situatie (per jaar)"
    assert labels.label("stat.ci") == "95%-betrouwbaarheidsinterval"


def test_unknown_value_raises_a_clear_keyerror():
    with pytest.raises(KeyError, match="'nameting_2'.*'moment'.*voormeting, nameting"):
        labels.label("moment.nameting_2")


def test_unknown_group_and_malformed_key_raise():
    with pytest.raises(KeyError, match="Onbekende labelgroep 'momnet'"):
        labels.label("momnet.voormeting")
    with pytest.raises(KeyError, match="groep.waarde"):
        labels.label("voormeting")


def test_templates_fill_without_leftover_braces():
    filled = [
        labels.suppressed(5),
        labels.CAVEATS["suppression"].format(min_cell_size=5),
        labels.CAVEATS["suppressed_in_chart"].format(min_cell_size=5, groups="Nameting"),
        labels.CAVEATS["price_year"].format(price_year=config.PRICE_YEAR),
    ]
    assert filled[0] == "<5"
    assert filled[1].startswith("<5: minder dan 5 waarnemingen")
    assert all("{" not in text and "}" not in text for text in filled)


def test_every_label_is_non_empty_text():
    for group, mapping in labels.GROUPS.items():
        for key, text in mapping.items():
            assert isinstance(text, str) and text.strip(), f"{group}.{key}"
