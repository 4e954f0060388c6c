"""Source files in another shape than the canonical table: a CBS StatLine 50120NED
export (one column per indicator, a row per margin) and a domain-level Positive Health file
(one column per domain), turned into canonical long rows.
"""

from __future__ import annotations

import polars as pl

from .. import vocabulary
from ..contracts import (
    GGD_INDICATOR_LABELS,
    LINE,
    PH_DOMAINS,
    normalize_name,
)
from ..errors import Problem

# --------------------------------------------------------------------------- StatLine 50120NED

_MARGES = {"mw00000": "estimate_pct", "waarde": "estimate_pct",
           "mog0095": "ci_lower", "ondergrens_95": "ci_lower",
           "ondergrens_95_interval": "ci_lower",
           "mbg0095": "ci_upper", "bovengrens_95": "ci_upper",
           "bovengrens_95_interval": "ci_upper"}
_STATLINE_META = {"id", "wijkenenbuurten", "perioden", "leeftijd", "marges", "gemeentenaam_1",
                  "soortregio_2", "codering_3", "indelingswijziging_4"}
_LEVEL_BY_PREFIX = vocabulary.AREA_LEVEL_BY_PREFIX


def is_statline_export(raw: pl.DataFrame) -> bool:
    """True for a CBS StatLine table (``WijkenEnBuurten`` and ``Marges`` dimensions)."""
    names = {normalize_name(c) for c in raw.columns}
    return {"wijkenenbuurten", "marges", "perioden"} <= names


def statline_to_long(raw: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """A StatLine 50120NED export (one column per indicator, a row per margin) in canonical columns.

    Region codes are stripped of their padding, ``2016JJ00`` becomes 2016, age codes
    (20300 / 53115 / 80200) become ``18+`` / ``18-64`` / ``65+`` later by the contract's
    aliases, and the three ``Marges`` rows become estimate_pct, ci_lower and ci_upper.
    Indicator cells that are empty (or ``.``) in all three margin rows are suppressed
    figures and are not turned into rows. The line of each result is the value row's line.
    """
    by_norm = {normalize_name(c): c for c in raw.columns if c != LINE}
    indicators = [c for n, c in by_norm.items() if n not in _STATLINE_META]
    problems = [Problem(file, "onbekende_indicator",
                        "kolom is geen indicator van tabel 50120NED", 1, c)
                for c in indicators if c not in GGD_INDICATOR_LABELS]
    indicators = [c for c in indicators if c in GGD_INDICATOR_LABELS]
    marge = (pl.col(by_norm["marges"]).str.to_lowercase()
             .str.replace_all(r"[^a-z0-9+]+", "_").str.strip_chars("_"))
    df = raw.select(
        pl.col(LINE),
        pl.col(by_norm["wijkenenbuurten"]).str.strip_chars().alias("area_code"),
        pl.col(by_norm["perioden"]).alias("period"),
        (pl.col(by_norm["leeftijd"]) if "leeftijd" in by_norm else pl.lit("18+"))
        .alias("age_group"),
        marge.replace_strict(_MARGES, default=None).alias("marge"),
        pl.col(by_norm["marges"]).alias("marge_raw"),
        *[pl.col(c).replace(".", None) for c in indicators],
    )
    for line, value in df.filter(pl.col("marge").is_null()).select(LINE, "marge_raw").iter_rows():
        problems.append(Problem(file, "toegestane_waarden",
                                f"'{value}': onbekende waarde; toegestaan: MW00000, MOG0095, "
                                "MBG0095", line, by_norm["marges"]))
    bad_period = df.filter(~pl.col("period").str.contains(r"^\d{4}JJ00$"))
    for line, value in bad_period.select(LINE, "period").iter_rows():
        problems.append(Problem(file, "type", f"'{value}' is geen periode zoals 2016JJ00", line,
                                by_norm["perioden"]))
    df = df.filter(pl.col("marge").is_not_null() & pl.col("period").str.contains(r"^\d{4}JJ00$"))
    keys = ["area_code", "period", "age_group"]
    dup = df.filter(pl.struct(*keys, "marge").is_duplicated())
    for line, code in dup.select(LINE, "area_code").iter_rows():
        problems.append(Problem(file, "uniek", f"dubbele rij voor gebied {code}, periode en marge",
                                line, by_norm["marges"]))
    if problems or not indicators:
        return pl.DataFrame(), problems
    long = df.unpivot(on=indicators, index=[LINE, *keys, "marge"],
                      variable_name="indicator_code", value_name="value")
    wide = long.pivot(on="marge", index=[*keys, "indicator_code"], values=["value", LINE],
                      aggregate_function="first")
    for m in ("estimate_pct", "ci_lower", "ci_upper"):
        if f"value_{m}" not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.String).alias(f"value_{m}"),
                                     pl.lit(None, pl.Int64).alias(f"{LINE}_{m}"))
    values = ["value_estimate_pct", "value_ci_lower", "value_ci_upper"]
    out = wide.filter(~pl.all_horizontal(pl.col(values).is_null())).select(
        pl.coalesce(f"{LINE}_estimate_pct", f"{LINE}_ci_lower", f"{LINE}_ci_upper").alias(LINE),
        "area_code",
        pl.col("area_code").str.slice(0, 2).replace_strict(_LEVEL_BY_PREFIX, default=None)
        .alias("area_level"),
        pl.col("period").str.slice(0, 4).alias("year"),
        "age_group",
        "indicator_code",
        pl.col("indicator_code").replace_strict(GGD_INDICATOR_LABELS, default=None)
        .alias("indicator_label"),
        pl.col("value_estimate_pct").alias("estimate_pct"),
        pl.col("value_ci_lower").alias("ci_lower"),
        pl.col("value_ci_upper").alias("ci_upper"),
    ).sort(LINE, "indicator_code")
    return out, []


def fill_indicator_labels(df: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Labels from the 50120NED field list where the file has none."""
    known = pl.col("indicator_code").replace_strict(GGD_INDICATOR_LABELS, default=None)
    df = df.with_columns(pl.coalesce("indicator_label", known).alias("indicator_label"))
    missing = df.filter(pl.col("indicator_label").is_null(),
                        pl.col("indicator_code").is_not_null())
    problems = [Problem(file, "onbekende_indicator",
                        f"indicator '{code}' heeft geen omschrijving en staat niet in de "
                        "veldenlijst van 50120NED; vul kolom indicator_label", line,
                        "indicator_label")
                for line, code in missing.select(LINE, "indicator_code").iter_rows()]
    return df, problems


# --------------------------------------------------------------------------- Positive Health


def positive_health_long(raw: pl.DataFrame) -> pl.DataFrame:
    """A domain-level spinnenweb file with one column per domain, as long rows.

    ``respondent; datum; Lichaamsfuncties; Mentaal welbevinden; ...`` becomes one row per
    respondent, date and domain with ``score`` (``item`` empty). Files that already have a
    domain column are returned unchanged.
    """
    by_norm = {normalize_name(c): c for c in raw.columns if c != LINE}
    domains = [c for n, c in by_norm.items() if n in PH_DOMAINS]
    if not domains or {"domain", "domein", "dimensie"} & set(by_norm):
        return raw
    index = [c for c in raw.columns if c not in domains]
    return (raw.unpivot(on=domains, index=index, variable_name="domain", value_name="score")
            .sort(LINE, "domain", maintain_order=True))
