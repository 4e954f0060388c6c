"""The packaged reference tables: the price list and CPI a folder may leave out, and the
CBS list of areas that area codes are checked against.
"""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from .. import config
from ..contracts import (
    AREA_CODE_PATTERN,
    LINE,
    Contract,
)
from ..errors import DataValidationError, Problem

REFERENCE_KEYS = ("price_list", "cpi")  # packaged in reference_data/, used when a folder has none


def reference_path(key: str) -> Path:
    """The packaged reference file of ``price_list`` or ``cpi``."""
    return config.REFERENCE_DIR / f"{key}.csv"


CBS_AREAS_FILE = "areas_cbs_2024.csv"
_CBS_AREAS_SCHEMA = {
    "area_code": pl.String, "area_level": pl.String, "year": pl.Int64, "inhabitants": pl.Int64,
    "men": pl.Int64, "women": pl.Int64, "population_density_km2": pl.Int64, "dwellings": pl.Int64,
    "area_total_ha": pl.Int64, "area_land_ha": pl.Int64, "area_water_ha": pl.Int64,
}


def load_cbs_areas() -> pl.DataFrame:
    """CBS Kerncijfers wijken en buurten 2024 for Oss, its wijken and Nederland (packaged).

    Source and derivation: ``reference_data/SOURCES.md``. The file is the project's own, so a
    schema mismatch is a packaging error, reported as a ``DataValidationError``.
    """
    path = config.REFERENCE_DIR / CBS_AREAS_FILE
    try:
        return pl.read_csv(path, schema=_CBS_AREAS_SCHEMA)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataValidationError([Problem(str(path), "referentiebestand", str(exc))]) from exc


# --------------------------------------------------------------------------- areas, export date

_AREA_KEYS = ("ggd_indicators", "inhabitants")


@functools.lru_cache(maxsize=1)
def _known_areas() -> pl.Series:
    return load_cbs_areas().get_column("area_code")


def area_problems(df: pl.DataFrame, contract: Contract, file: str) -> list[Problem]:
    """Area codes that are not in the project's CBS list (Nederland, Oss, its wijken); a
    buurt code must lie in one of those wijken (BU08280601 lies in WK082806)."""
    if contract.key not in _AREA_KEYS or df.height == 0:
        return []
    known = _known_areas()
    code = pl.col("area_code")
    wijk_of_buurt = pl.lit("WK") + code.str.slice(2, 6)
    ok = code.is_in(known.implode()) | (code.str.starts_with("BU")
                                        & wijk_of_buurt.is_in(known.implode()))
    shaped = code.str.contains(AREA_CODE_PATTERN)
    bad = df.filter(shaped & ~ok).select(LINE, "area_code")
    return [Problem(file, "onbekend_gebied",
                    f"gebiedscode '{value}' staat niet in de CBS-gebiedenlijst van het project "
                    f"({CBS_AREAS_FILE}: Nederland, Oss en de wijken van Oss; een buurtcode "
                    "hoort bij een van die wijken)", line, "area_code")
            for line, value in bad.iter_rows()]
