"""Positive Health (Huber): domain scores, the six-domain profile per wave, change per domain.

Scoring rule of "Mijn Positieve Gezondheid" (Institute for Positive Health, iPH; the adult
dialogue tool, 2016 version and spinnenweb 2.0): 42 statements, 7 per dimension, each
answered with a score from 0 to 10; the point on each of the six axes of the spider web is
the dimension score, the mean of that dimension's item scores on the same 0-10 scale
(iPH / mijnpositievegezondheid.nl; instrumentwijzer.nl "Mijn Positieve Gezondheid"; Van Vliet
et al., BMJ Open 2021;11:e040816 describe the 42-item, 7-per-dimension structure). The tool
is a dialogue instrument, not a validated measurement scale (iPH says so itself), so
changes are descriptive evidence.

Missing items: the online tool asks every item; paper forms can leave some blank (a null
score). The project's rule: the dimension score is the mean of the answered items, and only
when at least ``min_items`` are answered (default: more than half of the items the
questionnaire version has for that dimension, i.e. 4 of 7); otherwise the domain score is
left out for that respondent and wave. Files that already hold one score per domain
(``item`` null, e.g. a spider web filled in on paper) pass through unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
from scipy import stats as sps

from ruwaard_analysis.errors import InsufficientDataError

# Fixed order of the six dimensions around the spider web (iPH order, clockwise from top).
DOMAINS: tuple[str, ...] = (
    "lichaamsfuncties",
    "mentaal_welbevinden",
    "zingeving",
    "kwaliteit_van_leven",
    "meedoen",
    "dagelijks_functioneren",
)
ITEMS_PER_DOMAIN = 7  # in the 42-item adult questionnaire

_KEY = ["respondent_id", "wave_date", "domain"]


def _require_columns(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; it has {df.columns}")


def _check_domains(df: pl.DataFrame) -> None:
    unknown = sorted(set(df["domain"].cast(pl.String).unique().to_list()) - set(DOMAINS), key=str)
    if unknown:
        raise ValueError(f"unknown Positive Health domain(s) {unknown}; allowed {list(DOMAINS)}")


def _check_scores(df: pl.DataFrame, column: str, what: str) -> None:
    s = pl.col(column)
    bad = df.filter(s.is_not_null() & (s.is_nan() | (s < 0) | (s > 10)))
    if bad.height:
        raise ValueError(
            f"{what}: {bad.height} score(s) NaN or outside 0-10 (first {bad.row(0, named=True)})"
        )


def domain_scores(responses: pl.DataFrame, *, min_items: int | None = None) -> pl.DataFrame:
    """Domain score per respondent, wave and domain from item responses.

    Returns respondent_id, wave_date, domain, score (mean of the answered items, 0-10),
    n_items (answered items; null for domain-level input), sorted by respondent, wave and the
    fixed domain order. ``min_items`` overrides the default minimum of answered items
    (more than half of the domain's items seen in the input).
    """
    _require_columns(responses, [*_KEY, "item", "score"], "positive_health")
    df = responses.with_columns(
        pl.col("domain").cast(pl.String),
        pl.col("item").cast(pl.String),
        pl.col("score").cast(pl.Float64),
    )
    if df["respondent_id"].null_count() or df["wave_date"].null_count():
        raise ValueError("positive_health: respondent_id and wave_date may not be null")
    _check_domains(df)
    _check_scores(df, "score", "positive_health")
    if min_items is not None and (isinstance(min_items, bool) or int(min_items) < 1):
        raise ValueError("min_items must be an integer >= 1")

    item_rows = df.filter(pl.col("item").is_not_null())
    domain_rows = df.filter(pl.col("item").is_null())
    mixed = item_rows.select(_KEY).unique().join(domain_rows.select(_KEY).unique(), on=_KEY)
    if mixed.height:
        raise ValueError(
            "positive_health: both item scores and a domain score for "
            f"{mixed.row(0, named=True)}"
        )
    dup = item_rows.filter(pl.struct([*_KEY, "item"]).is_duplicated())
    if dup.height:
        raise ValueError(f"positive_health: item answered twice: {dup.row(0, named=True)}")
    dup = domain_rows.filter(pl.struct(_KEY).is_duplicated())
    if dup.height:
        raise ValueError(f"positive_health: domain scored twice: {dup.row(0, named=True)}")

    items_known = item_rows.group_by("domain").agg(pl.col("item").n_unique().alias("_k"))
    need = (
        pl.lit(int(min_items), dtype=pl.Int64)
        if min_items is not None
        else (pl.col("_k").cast(pl.Int64) // 2 + 1)
    )
    from_items = (
        item_rows.group_by(_KEY)
        .agg(pl.col("score").mean().alias("score"),
             pl.col("score").is_not_null().sum().cast(pl.Int64).alias("n_items"))
        .join(items_known, on="domain", how="left")
        .filter(pl.col("n_items") >= need)
        .drop("_k")
    )
    passed = domain_rows.filter(pl.col("score").is_not_null()).select(
        *_KEY, "score", pl.lit(None, dtype=pl.Int64).alias("n_items")
    )
    order = pl.col("domain").replace_strict(list(DOMAINS), list(range(len(DOMAINS))),
                                            return_dtype=pl.Int64)
    return (
        pl.concat([from_items.select(*_KEY, "score", "n_items"), passed], how="vertical")
        .sort(["respondent_id", "wave_date", order])
    )


def profile_per_wave(scores: pl.DataFrame, *, confidence: float = 0.95) -> pl.DataFrame:
    """Mean profile per wave over the six domains (the data of a spider chart).

    One row per wave and domain (all six, fixed order ``domain_order`` 0..5): n, mean, sd,
    se and a t-based ``confidence`` interval of the mean. Cells with n < 2 keep their n and
    mean but have null sd/se/CI; a domain nobody scored in a wave has n = 0.
    """
    _require_columns(scores, [*_KEY, "score"], "domain scores")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    if scores.height == 0:
        raise InsufficientDataError("no Positive Health scores")
    _check_domains(scores)
    _check_scores(scores, "score", "domain scores")
    s = scores.filter(pl.col("score").is_not_null())
    stats_ = s.group_by(["wave_date", "domain"]).agg(
        pl.len().cast(pl.Int64).alias("n"),
        pl.col("score").mean().alias("mean"),
        pl.col("score").std(ddof=1).alias("sd"),
    )
    grid = (
        scores.select(pl.col("wave_date").unique())
        .join(pl.DataFrame({"domain": list(DOMAINS),
                            "domain_order": list(range(len(DOMAINS)))}), how="cross")
    )
    out = grid.join(stats_, on=["wave_date", "domain"], how="left").with_columns(
        pl.col("n").fill_null(0)
    )
    n = out["n"].to_numpy()
    tq = [float(sps.t.ppf(0.5 + confidence / 2, df=k - 1)) if k >= 2 else math.nan for k in n]
    out = out.with_columns(
        pl.when(pl.col("n") >= 2).then(pl.col("sd")).otherwise(None).alias("sd"),
        pl.Series("_t", tq, dtype=pl.Float64).fill_nan(None),
    ).with_columns(se=pl.col("sd") / pl.col("n").cast(pl.Float64).sqrt())
    return out.select(
        "wave_date", "domain", "domain_order", "n", "mean", "sd", "se",
        (pl.col("mean") - pl.col("_t") * pl.col("se")).alias("ci_low"),
        (pl.col("mean") + pl.col("_t") * pl.col("se")).alias("ci_high"),
        pl.lit(float(confidence)).alias("confidence"),
    ).sort(["wave_date", "domain_order"])


def change_per_domain(
    scores: pl.DataFrame,
    wave_from,
    wave_to,
    *,
    seed: int,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    skip_insufficient: bool = True,
) -> pl.DataFrame:
    """Paired change per domain between two waves (respondents present in both).

    One row per domain from ``stats.paired.paired_change(...).to_frame()`` with ``domain``
    and ``domain_order`` in front, in the fixed domain order; ``n`` is the number of pairs
    and ``n_excluded`` the respondents seen in only one of the two waves. A domain with too
    few pairs is left out when ``skip_insufficient`` (if no domain can be computed,
    ``InsufficientDataError`` is raised), otherwise its error propagates.
    """
    from ruwaard_analysis.stats.paired import paired_change

    _require_columns(scores, [*_KEY, "score"], "domain scores")
    _check_domains(scores)
    _check_scores(scores, "score", "domain scores")
    if wave_from == wave_to:
        raise ValueError("wave_from and wave_to must differ")
    s = scores.filter(pl.col("score").is_not_null())
    waves = set(s["wave_date"].unique().to_list())
    for w in (wave_from, wave_to):
        if w not in waves:
            raise ValueError(f"wave {w} not in the scores; waves present: {sorted(waves)}")
    frames = []
    problems = []
    for order, domain in enumerate(DOMAINS):
        d = s.filter(pl.col("domain") == domain)
        before = d.filter(pl.col("wave_date") == wave_from).select("respondent_id",
                                                                   pl.col("score").alias("b"))
        after = d.filter(pl.col("wave_date") == wave_to).select("respondent_id",
                                                                pl.col("score").alias("a"))
        pairs = before.join(after, on="respondent_id", how="inner").sort("respondent_id")
        n_either = before.join(after, on="respondent_id", how="full").height
        try:
            result = paired_change(
                pairs["b"].to_numpy(), pairs["a"].to_numpy(),
                label_before=str(wave_from), label_after=str(wave_to),
                confidence=confidence, n_resamples=n_resamples, seed=seed,
                ids=pairs["respondent_id"].to_list(), valid_range=(0.0, 10.0),
                n_excluded=n_either - pairs.height,
            )
        except InsufficientDataError as exc:
            if not skip_insufficient:
                raise
            problems.append(f"{domain}: {exc}")
            continue
        frame = result.to_frame()
        frames.append(frame.select(
            pl.lit(domain).alias("domain"), pl.lit(order).alias("domain_order"), pl.all()
        ))
    if not frames:
        raise InsufficientDataError("no domain has enough pairs: " + "; ".join(problems))
    return pl.concat(frames, how="diagonal_relaxed")
