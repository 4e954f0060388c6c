"""The packaged reference data: price list, CPI and CBS area figures (see SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import config

REF = config.REFERENCE_DIR
SOURCE = Path("/work/shared/reference")
KOSTENHANDLEIDING = SOURCE / "kostenhandleiding-2024"
CBS_JSON = SOURCE / "cbs-kwb-2024" / "stripped_filtered_data_2024.json"

PRICE_COLUMNS = ["item_code", "description", "unit", "unit_price_eur", "price_year", "domain",
                 "payer", "source"]
DOMAINS = {"zorg", "ggz", "welzijn", "wonen", "werk_en_inkomen", "veiligheid", "onderwijs",
           "jeugd"}
PAYERS = {"gemeente", "zorgverzekeraar", "zorgkantoor", "rijk", "woningcorporatie",
          "politie_justitie", "uwv", "onderwijs"}
SOCIAL_ITEMS = ["bijstand_maand", "schuldhulp_traject", "opvang_nacht", "wmo_begeleiding_uur",
                "huishoudelijke_hulp_uur", "dagbesteding_dagdeel", "wijkagent_uur",
                "huisuitzetting", "uithuisplaatsing_maand", "woningaanpassing",
                "welzijn_contact", "mdo_overleg"]


@pytest.fixture(scope="module")
def prices() -> pl.DataFrame:
    return pl.read_csv(REF / "price_list.csv")


@pytest.fixture(scope="module")
def cpi() -> pl.DataFrame:
    return pl.read_csv(REF / "cpi.csv")


@pytest.fixture(scope="module")
def areas() -> pl.DataFrame:
    return pl.read_csv(REF / "areas_cbs_2024.csv")


# --------------------------------------------------------------------------- price list


def test_price_list_columns_codes_and_categories(prices):
    assert prices.columns == PRICE_COLUMNS
    assert prices["item_code"].is_unique().all()
    assert prices["item_code"].str.contains(r"^[a-z][a-z0-9_]{2,40}$").all()
    assert (prices["unit_price_eur"] > 0).all()
    assert set(prices["price_year"]) == {2022}
    assert set(prices["domain"]) <= DOMAINS
    assert set(prices["payer"]) <= PAYERS
    assert set(prices["source"]) == {"kostenhandleiding_2024", "schatting"}
    assert prices.select(pl.col("description", "unit").str.len_chars().min()).row(0) > (0, 0)


def test_price_list_has_the_social_domain_items(prices):
    codes = set(prices["item_code"])
    assert set(SOCIAL_ITEMS) <= codes
    zorgkantoor = prices.filter(pl.col("payer") == "zorgkantoor")["description"]
    assert zorgkantoor.str.contains("Wlz").all()


def test_every_estimate_is_explained_in_sources_md(prices):
    sources = (REF / "SOURCES.md").read_text(encoding="utf-8")
    for code in prices.filter(pl.col("source") == "schatting")["item_code"]:
        assert f"`{code}`" in sources, code


def test_real_items_carry_the_kostenhandleiding_prices(prices):
    keys = pl.read_csv(REF / "price_list_kostenhandleiding_keys.csv")
    real = prices.filter(pl.col("source") == "kostenhandleiding_2024")
    assert sorted(keys["item_code"]) == sorted(real["item_code"])
    assert keys["kostenhandleiding_key"].is_unique().all()
    if not KOSTENHANDLEIDING.exists():
        pytest.skip("source folder of the Kostenhandleiding 2024 not on this machine")
    source = pl.read_csv(KOSTENHANDLEIDING / "df_ref_prices.csv").select(
        kostenhandleiding_key="short_var", source_price="2022")
    both = real.join(keys, on="item_code").join(source, on="kostenhandleiding_key", how="left")
    assert both["source_price"].is_not_null().all()
    assert (both["unit_price_eur"] == both["source_price"]).all()
    spot = dict(both.select("kostenhandleiding_key", "unit_price_eur").iter_rows())
    assert spot["gp_consult_avg"] == 30.87
    assert spot["homecare_guidance_hour"] == 64.0


# --------------------------------------------------------------------------- CPI


def test_cpi_years_base_and_monotone(cpi):
    assert cpi.columns == ["year", "cpi"]
    assert cpi["year"].to_list() == list(range(2012, 2025))
    assert cpi.filter(pl.col("year") == 2015)["cpi"].item() == 100.0
    assert (cpi["cpi"].diff().drop_nulls() > 0).all()  # prices rose every year 2012-2024


def test_cpi_equals_the_chained_factors(cpi):
    if not KOSTENHANDLEIDING.exists():
        pytest.skip("source folder of the Kostenhandleiding 2024 not on this machine")
    factors = pl.read_csv(KOSTENHANDLEIDING / "df_cpi_combined.csv")
    index = dict(cpi.iter_rows())
    for row in factors.iter_rows(named=True):
        start, end = int(row["Year from"]), int(row["Year to"])
        assert index[end] / index[start] == pytest.approx(row["Factor"], abs=1e-6)
        # the published factor to 2024 is rounded to three decimals
        assert index[2024] / index[start] == pytest.approx(row["Factor'"], abs=2e-3)


# --------------------------------------------------------------------------- CBS areas


def test_areas_columns_and_oss(areas):
    assert areas.columns[:3] == ["area_code", "area_level", "year"]
    assert {"inhabitants", "men", "women", "population_density_km2", "dwellings",
            "area_total_ha"} <= set(areas.columns)
    assert set(areas["year"]) == {2024}
    assert areas["area_code"].is_unique().all()
    wijken = areas.filter(pl.col("area_level") == "wijk")
    assert wijken["area_code"].str.starts_with("WK0828").all()
    gemeente = areas.filter(pl.col("area_code") == config.GEMEENTE_CODE).row(0, named=True)
    assert abs(wijken["inhabitants"].sum() - gemeente["inhabitants"]) / gemeente[
        "inhabitants"] < 0.001  # CBS rounds wijk figures
    ruwaard = areas.filter(pl.col("area_code") == config.WIJK_CODE).row(0, named=True)
    assert ruwaard["inhabitants"] == 13_595


def test_men_plus_women_and_density(areas):
    big = areas.filter(pl.col("area_level") != "wijk")
    assert (big["men"] + big["women"] == big["inhabitants"]).all()
    density = big["inhabitants"] / (big["area_land_ha"] / 100)
    assert ((density - big["population_density_km2"]).abs() <= 1).all()


def test_netherlands_total_is_plausible(areas):
    nl = areas.filter(pl.col("area_code") == config.NEDERLAND_CODE).row(0, named=True)
    assert nl["area_level"] == "nederland"
    assert 17_800_000 <= nl["inhabitants"] <= 18_000_000  # CBS: about 17.9 mln on 1-1-2024
    if CBS_JSON.exists():
        data = json.loads(CBS_JSON.read_text(encoding="utf-8"))
        total = sum(v["AantalInwoners_5"] for k, v in data.items() if k.startswith("GM"))
        assert nl["inhabitants"] == total
