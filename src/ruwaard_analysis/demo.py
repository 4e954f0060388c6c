"""Seeded synthetic demo dataset for 2016-2018, calibrated on the published figures.

No real person is in it. The cases, measurements and cost lines are built so that the
report-year rules (docs/architecture.md) give back the figures of the leergeschiedenis:

- report year 2016: 13 sampled cases, mean wellbeing 2,9 before and 7,6 after, each rose;
  9 cost analyses dated in 2016, each with lower yearly costs after the solution (saving
  between 0 and 10.000 euro a year); in about 30% of cases housing was the starting point;
- the six-week promise: sampled cases start their solution within six weeks (their nameting
  must fall before the cut-off); of the other cases about a fifth start later than six weeks
  and about one in twenty has no start date at all (not started when the data were exported);
- cases handled: 30 in 2016, 50 by the end of March 2017, 200 by the end of 2017, 380 by the
  end of 2018; 25 micro-analyses in 2016-2017 (13 + 12), each rose, on average by more than
  5 points; follow-up measurements in 2018 (3 cases without); 5 new micro-analyses in 2018;
- Ons Huis van de Wijk from December 2016, more than 300 unique visitors a week in
  January-March 2018; a wijkbudget of about 2,1 mln euro a year.

The exact targets are reached by construction (sums are set, not hoped for), so every seed
gives the same published figures; the seed only changes who, when and how much.
``generate_demo`` is pure; ``write_demo_dataset`` writes the files (``ruwaard demo-data``).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from . import config
from .contracts import GGD_INDICATOR_LABELS
from .errors import RuwaardError
from .folders import replace_folder

GENERATOR_VERSION = "1.1"
SOURCE_KEYS = (
    "cases", "wellbeing", "cost_lines", "positive_health", "ggd_indicators",
    "wijkbudget", "inhabitants", "visitors",
)

# --------------------------------------------------------------------------- calibration

# (first mdo date, last mdo date, number of cases, number sampled, last mdo date of a sample)
CASE_BLOCKS = (
    (date(2016, 6, 1), date(2016, 12, 20), 30, 13, date(2016, 10, 31)),
    (date(2017, 1, 5), date(2017, 3, 31), 20, 4, date(2017, 3, 31)),
    (date(2017, 4, 3), date(2017, 12, 20), 150, 8, date(2017, 10, 31)),
    (date(2018, 1, 8), date(2018, 12, 20), 180, 5, date(2018, 9, 30)),
)
SHARE_WONEN = 0.30
# solution start of cases outside the sample: (share, lowest, highest days after the MDO);
# the remaining share has no start date (not started)
SOLUTION_DELAYS = ((0.73, 7, 42), (0.22, 43, 120))
SPREAD_STREAM = 13  # own random stream, so the other demo figures keep their draws
COST_ANALYSES_2016 = 9
WELLBEING_SUM_2016 = (38.0, 99.0)  # 13 cases: means 2.92 -> 2,9 and 7.62 -> 7,6
MEAN_GAIN_2017 = 5.6  # 12 cases of 2017; with 2016 the 25 rise by 5.08 on average
SAVING_RANGE = (1000.0, 9000.0)  # euro a year at price level 2022: 0-10.000 also in 2016/2024
CASES_WITHOUT_FOLLOW_UP = 3
FOLLOW_UP_ROUND_START = date(2018, 1, 8)
FOLLOW_UP_ROUND_END = date(2018, 12, 14)

# Adult "Mijn Positieve Gezondheid" questionnaire: 42 aspects, 7 per domain (structure as
# described on instrumentwijzer.nl and the aspect lists of public Positive Health pages).
PH_ITEMS = {
    "lichaamsfuncties": ("gezond_voelen", "fitheid", "klachten_en_pijn", "slapen", "eten",
                         "conditie", "bewegen"),
    "mentaal_welbevinden": ("onthouden", "concentreren", "communiceren", "vrolijk_zijn",
                            "jezelf_accepteren", "omgaan_met_verandering", "gevoel_van_controle"),
    "zingeving": ("zinvol_leven", "levenslust", "idealen_willen_bereiken", "vertrouwen_hebben",
                  "accepteren", "dankbaarheid", "blijven_leren"),
    "kwaliteit_van_leven": ("genieten", "gelukkig_zijn", "lekker_in_je_vel_zitten", "balans",
                            "veilig_voelen", "hoe_je_woont", "rondkomen_met_je_geld"),
    "meedoen": ("sociale_contacten", "serieus_genomen_worden", "samen_leuke_dingen_doen",
                "steun_van_anderen", "erbij_horen", "zinvolle_dingen_doen",
                "interesse_in_de_maatschappij"),
    "dagelijks_functioneren": ("voor_jezelf_zorgen", "je_grenzen_kennen",
                               "kennis_van_gezondheid", "omgaan_met_tijd", "omgaan_met_geld",
                               "kunnen_werken", "hulp_kunnen_vragen"),
}
PH_WAVES = ((date(2017, 10, 16), 13), (date(2018, 4, 16), 11), (date(2018, 12, 10), 9))
PH_GAIN = {date(2017, 10, 16): 0.0, date(2018, 4, 16): 0.5, date(2018, 12, 10): 0.7}

# 50120NED indicator: (national level 2016 in %, wijk Ruwaard minus gemeente, first wave)
GGD_INDICATORS = {
    "ErvarenGezondheidGoedZeerGoed_4": (76.0, -6.0, 2012),
    "Overgewicht_9": (49.0, 4.0, 2012),
    "Eenzaam_27": (43.0, 6.0, 2012),
    "HoogRisicoOpAngstOfDepressie_25": (9.0, 3.0, 2012),
    "MoeiteMetRondkomen_33": (17.0, 7.0, 2012),
    "Mantelzorger_31": (14.0, 1.0, 2016),
    "Vrijwilligerswerk_32": (29.0, -5.0, 2016),
}
GGD_YEARS = (2012, 2016, 2020)
GGD_MIN_WIJK_INHABITANTS = 1000  # smaller wijken get no estimate (too few respondents)

# inhabitants 2016-2018 as a share of the 2024 CBS figures (synthetic back-casting)
INHABITANT_FACTORS = {
    "nederland": {2016: 0.946, 2017: 0.952, 2018: 0.958},
    "gemeente": {2016: 0.955, 2017: 0.960, 2018: 0.965},
}
VISITORS_OPENING_WEEK = date(2016, 12, 5)  # keys handed over on 7/8 December 2016
WIJKBUDGET_2016 = {"Wmo": 1_600_000.0, "welzijn": 500_000.0}


# --------------------------------------------------------------------------- helpers


def _reference(name: str) -> pl.DataFrame:
    return pl.read_csv(config.REFERENCE_DIR / name)


def _days(rng: np.random.Generator, low: int, high: int) -> timedelta:
    """A random whole number of days in [low, high]."""
    return timedelta(days=int(rng.integers(low, high + 1)))


def _random_dates(rng: np.random.Generator, first: date, last: date, n: int) -> list[date]:
    span = (last - first).days
    return sorted(first + timedelta(days=int(d)) for d in rng.integers(0, span + 1, n))


def _set_total(halves: np.ndarray, total: int, low: np.ndarray, high: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Move values (in half points) one step at a time until they add up to ``total``."""
    values = np.clip(halves, low, high).astype(int)
    while (diff := total - int(values.sum())) != 0:
        step = 1 if diff > 0 else -1
        room = np.flatnonzero(values < high) if step > 0 else np.flatnonzero(values > low)
        if room.size == 0:
            raise ValueError("doeltotaal niet haalbaar binnen de grenzen")
        values[rng.choice(room)] += step
    return values


def _before_scores(rng: np.random.Generator, n: int, total: float | None) -> np.ndarray:
    """Wellbeing before the solution: low (mostly 1-5), in half points."""
    halves = np.rint(rng.normal(2.8, 0.9, n) * 2)
    low, high = np.full(n, 2), np.full(n, 12)  # 1.0 .. 6.0
    if total is None:
        return np.clip(halves, low, high) / 2
    return _set_total(halves, int(round(total * 2)), low, high, rng) / 2


def _after_scores(rng: np.random.Generator, before: np.ndarray, total: float) -> np.ndarray:
    """Wellbeing after the solution: each at least one point higher, adding up to ``total``."""
    target_gain = total / len(before) - before.mean()
    halves = np.rint((before + rng.normal(target_gain, 0.8, len(before))) * 2)
    low = (before * 2 + 2).astype(int)
    high = np.full(len(before), 20)
    return _set_total(halves, int(round(total * 2)), low, high, rng) / 2


# --------------------------------------------------------------------------- cases


def _cases(rng: np.random.Generator) -> pl.DataFrame:
    rows = []
    for block, (first, last, n, n_sample, last_sample) in enumerate(CASE_BLOCKS):
        mdo = _random_dates(rng, first, last, n)
        eligible = [i for i, d in enumerate(mdo) if d <= last_sample]
        sample = set(rng.choice(eligible, n_sample, replace=False).tolist())
        for group in (sorted(sample), [i for i in range(n) if i not in sample]):
            wonen = set(rng.choice(group, round(SHARE_WONEN * len(group)), replace=False)
                        .tolist()) if group else set()
            for i in group:
                rows.append(_case_row(rng, block, mdo[i], i in sample, i in wonen))
    df = pl.DataFrame(rows).sort("mdo_date", "block", "order")
    df = df.with_columns(
        case_id=pl.format("RW-{}", (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(4)),
        mdo_year=pl.col("mdo_date").dt.year().cast(pl.Int64),
    )
    return df


def _case_row(rng: np.random.Generator, block: int, mdo: date, sampled: bool,
              wonen: bool) -> dict:
    pre = {
        "precondition_wonen": wonen,
        "precondition_financien": bool(rng.random() < 0.5),
        "precondition_relaties": bool(rng.random() < 0.4),
        "precondition_dagbesteding": bool(rng.random() < 0.35),
    }
    if not any(pre.values()):
        pre["precondition_financien"] = True
    return {
        "block": block, "order": float(rng.random()), "mdo_date": mdo,
        # within six weeks; cases outside the sample get their spread in _solution_spread
        "solution_start_date": mdo + _days(rng, 7, 42),
        **pre, "in_random_sample": sampled,
    }


def _solution_spread(rng: np.random.Generator, cases: pl.DataFrame) -> pl.DataFrame:
    """Cases outside the sample: some start later than six weeks, some have not started.

    ``rng`` is a stream of its own (``SPREAD_STREAM``), so changing this spread moves no
    other demo figure. Sampled cases keep their start within six weeks.
    """
    starts = []
    for r in cases.iter_rows(named=True):
        draw = float(rng.random())
        if r["in_random_sample"]:
            starts.append(r["solution_start_date"])
            continue
        cumulative = 0.0
        start = None
        for share, low, high in SOLUTION_DELAYS:
            cumulative += share
            if draw < cumulative:
                start = r["mdo_date"] + _days(rng, low, high)
                break
        starts.append(start)
    return cases.with_columns(solution_start_date=pl.Series(starts, dtype=pl.Date))


def _cost_analysis_dates(rng: np.random.Generator, cases: pl.DataFrame) -> pl.DataFrame:
    """Cost analyses for sampled cases only: 9 of the 13 of 2016 dated within 2016."""
    dates = []
    n_2016 = 0
    for r in cases.iter_rows(named=True):
        if not r["in_random_sample"]:
            dates.append(None)
        elif r["mdo_year"] == 2016:
            n_2016 += 1
            if n_2016 <= COST_ANALYSES_2016:  # the earliest cases were analysed first
                dates.append(min(r["mdo_date"] + _days(rng, 14, 45), date(2016, 12, 22)))
            else:
                dates.append(date(2017, 1, 9) + _days(rng, 0, 45))
        else:
            dates.append(r["mdo_date"] + _days(rng, 14, 60))
    return cases.with_columns(cost_analysis_date=pl.Series(dates, dtype=pl.Date))


# --------------------------------------------------------------------------- wellbeing


def _wellbeing(rng: np.random.Generator, cases: pl.DataFrame) -> pl.DataFrame:
    """Voormeting at the MDO and nameting about six weeks after the solution, sampled cases.

    2016: the sums are fixed (means 2,9 and 7,6); 2017: the mean gain is fixed; 2018: free.
    """
    sampled = cases.filter(pl.col("in_random_sample"))
    rows = []
    for year in (2016, 2017, 2018):
        part = sampled.filter(pl.col("mdo_year") == year)
        if year == 2016:
            before_total, after_total = WELLBEING_SUM_2016
            before = _before_scores(rng, part.height, before_total)
        else:
            before = _before_scores(rng, part.height, None)
            gain = MEAN_GAIN_2017 if year == 2017 else float(rng.uniform(3.5, 5.0))
            after_total = np.round((before.sum() + gain * part.height) * 2) / 2
        after = _after_scores(rng, before, after_total)
        for r, b, a in zip(part.iter_rows(named=True), before, after, strict=True):
            after_on = r["solution_start_date"] + _days(rng, 35, 56)
            rows.append((r["case_id"], "voormeting", r["mdo_date"] - _days(rng, 0, 7), b))
            rows.append((r["case_id"], "nameting", after_on, a))
    df = pl.DataFrame(rows, schema=["case_id", "moment", "measured_on", "score"], orient="row")
    return pl.concat([df, _follow_ups(rng, df, sampled)])


def _follow_ups(rng: np.random.Generator, wellbeing: pl.DataFrame,
                sampled: pl.DataFrame) -> pl.DataFrame:
    """Herhaalmeting 6-12 months after the nameting, in the 2018 follow-up round."""
    ids = sampled.filter(pl.col("mdo_year") <= 2017)["case_id"].to_list()
    missing = set(rng.choice(ids, CASES_WITHOUT_FOLLOW_UP, replace=False).tolist())
    after = wellbeing.filter(pl.col("moment") == "nameting", pl.col("case_id").is_in(ids))
    rows = []
    for r in after.iter_rows(named=True):
        if r["case_id"] in missing:
            continue
        on = r["measured_on"] + _days(rng, 182, 365)
        if on < FOLLOW_UP_ROUND_START:
            on = FOLLOW_UP_ROUND_START + _days(rng, 0, 56)
        on = min(on, FOLLOW_UP_ROUND_END)
        score = float(np.clip(np.rint((r["score"] + rng.normal(-0.1, 0.6)) * 2) / 2, 1, 10))
        rows.append((r["case_id"], "herhaalmeting", on, score))
    return pl.DataFrame(rows, schema=["case_id", "moment", "measured_on", "score"], orient="row")


# --------------------------------------------------------------------------- cost lines

# Items per precondition the solution started from ("altijd": every case), as
# (item_code, lowest, highest quantity per year; once for _ONE_OFF). The first item of a
# group is always used, the others at random.
_CURRENT_ITEMS = {
    "altijd": (("huisarts_consult", 4, 12), ("poh_ggz_consult", 2, 8),
               ("welzijn_contact", 4, 20)),
    "financien": (("schuldhulp_traject", 1, 1), ("bijstand_maand", 6, 12),
                  ("beschermingsbewind_maand", 12, 12)),
    "wonen": (("politie_melding", 1, 5), ("wijkagent_uur", 4, 16),
              ("maatschappelijk_werk_contact", 4, 12)),
    "relaties": (("ggz_basis_instelling", 6, 16), ("veilig_thuis_melding", 1, 1),
                 ("jeugdhulp_ambulant_uur", 20, 60)),
    "dagbesteding": (("wmo_begeleiding_uur", 40, 104), ("dagbesteding_dagdeel", 26, 104)),
}
# crisis items that stop once the solution is in place
_DROPPED_AFTER = {"schuldhulp_traject", "politie_melding", "veilig_thuis_melding"}
_ESCALATION = {
    "wonen": (("huisuitzetting", 1, 1), ("opvang_nacht", 30, 120)),
    "relaties": (("uithuisplaatsing_maand", 3, 12), ("ggz_opname_dag", 5, 30)),
    "financien": (("bijzondere_bijstand", 1, 3),),
    "dagbesteding": (("beschermd_wonen_dag", 60, 180),),
}
_ONE_OFF = {
    "altijd": (("mdo_overleg", 1, 1), ("wijkteam_uur", 4, 16)),
    "wonen": (("verhuizing", 1, 1), ("woningaanpassing", 1, 1)),
    "financien": (("bijzondere_bijstand", 1, 1),),
    "dagbesteding": (("welzijn_contact", 6, 20),),
}


def _draw_lines(rng: np.random.Generator, table: dict, keys: list[str],
                p_optional: float) -> dict[str, float]:
    """Quantities for the items of the case's preconditions; the first of each group always."""
    lines: dict[str, float] = {}
    for key in keys:
        for j, (code, low, high) in enumerate(table.get(key, ())):
            if j == 0 or rng.random() < p_optional:
                lines[code] = lines.get(code, 0.0) + float(rng.integers(low, high + 1))
    return lines


def _cost(lines: dict[str, float], prices: dict[str, float]) -> float:
    return sum(q * prices[code] for code, q in lines.items())


def _case_cost_lines(rng: np.random.Generator, keys: list[str],
                     prices: dict[str, float]) -> dict[str, dict[str, float]]:
    """The four scenarios of one micro-analysis.

    huidig: the current yearly care and support; zonder_oplossing: the same, growing, plus
    escalation (eviction, shelter, out-of-home placement); oplossing_eenmalig: the one-off
    solution (MDO, move, adaptation); na_oplossing: crisis items gone and the rest scaled
    down so that the yearly saving is a random amount of about 1.500-8.500 euro.
    """
    current = _draw_lines(rng, _CURRENT_ITEMS, keys, 0.6)
    total = _cost(current, prices)
    dropped = _cost({c: q for c, q in current.items() if c in _DROPPED_AFTER}, prices)
    kept = total - dropped
    saving = rng.uniform(1500, max(1500, min(8500, 0.7 * total)))
    factor = float(np.clip((total - saving) / kept, 0.1, 0.9))
    after = {c: round(q * factor, 1) for c, q in current.items() if c not in _DROPPED_AFTER}
    growth = float(rng.uniform(1.1, 1.5))
    without = {c: round(q * growth, 1) for c, q in current.items()}
    for code, q in _draw_lines(rng, _ESCALATION, keys, 0.5).items():
        without[code] = without.get(code, 0.0) + q
    return {
        "huidig": current,
        "zonder_oplossing": without,
        "oplossing_eenmalig": _draw_lines(rng, _ONE_OFF, keys, 0.5),
        "na_oplossing": {c: q for c, q in after.items() if q > 0},
    }


def _cost_lines(rng: np.random.Generator, cases: pl.DataFrame,
                prices: dict[str, float]) -> pl.DataFrame:
    rows = []
    for r in cases.filter(pl.col("cost_analysis_date").is_not_null()).iter_rows(named=True):
        keys = ["altijd"] + [k for k in ("wonen", "financien", "relaties", "dagbesteding")
                             if r[f"precondition_{k}"]]
        for _ in range(1000):  # a case needs enough current costs to save on; redraw if not
            scenarios = _case_cost_lines(rng, keys, prices)
            saving = _cost(scenarios["huidig"], prices) - _cost(scenarios["na_oplossing"], prices)
            if SAVING_RANGE[0] <= saving <= SAVING_RANGE[1]:
                break
        else:
            raise RuntimeError(f"geen kostenregels met een besparing gevonden voor {r['case_id']}")
        for scenario, lines in scenarios.items():
            rows += [(r["case_id"], scenario, code, q) for code, q in sorted(lines.items())]
    return pl.DataFrame(rows, schema=["case_id", "scenario", "item_code", "quantity"],
                        orient="row")


# --------------------------------------------------------------------------- other sources


def _positive_health(rng: np.random.Generator) -> pl.DataFrame:
    people = [f"PG-{i:02d}" for i in range(1, PH_WAVES[0][1] + 1)]
    level = {(p, d): rng.normal(5.8, 1.1) for p in people for d in PH_ITEMS}
    order = rng.permutation(people).tolist()  # drop-out order: the last ones leave first
    rows = []
    for wave_date, n in PH_WAVES:
        for p in sorted(order[:n]):
            for domain, items in PH_ITEMS.items():
                for item in items:
                    raw = level[(p, domain)] + PH_GAIN[wave_date] + rng.normal(0, 1.2)
                    rows.append((p, wave_date, domain, item, float(np.clip(np.rint(raw), 0, 10))))
    return pl.DataFrame(rows, schema=["respondent_id", "wave_date", "domain", "item", "score"],
                        orient="row")


def _ggd_indicators(rng: np.random.Generator, areas: pl.DataFrame) -> pl.DataFrame:
    labels = GGD_INDICATOR_LABELS
    wijken = areas.filter(pl.col("area_level") == "wijk",
                          pl.col("inhabitants") >= GGD_MIN_WIJK_INHABITANTS)
    rows = []
    for code, (national, ruwaard_gap, first_year) in GGD_INDICATORS.items():
        gemeente_gap = rng.normal(0, 1.5)
        wijk_gap = {w: (ruwaard_gap if w == config.WIJK_CODE else rng.normal(0, 3))
                    for w in wijken["area_code"]}
        for year in (y for y in GGD_YEARS if y >= first_year):
            trend = (year - 2016) * rng.normal(0, 0.15)
            base = national + trend
            rows.append(_ggd_row(rng, config.NEDERLAND_CODE, "nederland", year, code, labels,
                                 base, 450_000))
            gm = base + gemeente_gap
            rows.append(_ggd_row(rng, config.GEMEENTE_CODE, "gemeente", year, code, labels,
                                 gm, 2_500))
            for w in wijken.iter_rows(named=True):
                n = max(60, round(0.8 * w["inhabitants"] * 0.025))
                rows.append(_ggd_row(rng, w["area_code"], "wijk", year, code, labels,
                                     gm + wijk_gap[w["area_code"]], n))
    return pl.DataFrame(rows, orient="row", schema=[
        "area_code", "area_level", "year", "age_group", "indicator_code", "indicator_label",
        "estimate_pct", "ci_lower", "ci_upper"])


def _ggd_row(rng: np.random.Generator, area: str, level: str, year: int, code: str,
             labels: dict[str, str], mean: float, n: int) -> tuple:
    """One estimate with a 95% interval from a binomial sample of effective size ``n``."""
    p = float(np.clip(mean + rng.normal(0, 0.5), 1, 99))
    est = round(p, 1)
    half = 1.96 * 100 * np.sqrt((est / 100) * (1 - est / 100) / n)
    return (area, level, year, "18+", code, labels[code], est,
            round(max(0.0, est - half), 1), round(min(100.0, est + half), 1))


def _inhabitants(areas: pl.DataFrame) -> pl.DataFrame:
    frames = []
    for year in (2016, 2017, 2018):
        factor = (pl.when(pl.col("area_level") == "nederland")
                  .then(INHABITANT_FACTORS["nederland"][year])
                  .otherwise(INHABITANT_FACTORS["gemeente"][year]))
        frames.append(areas.select(
            "area_code",
            year=pl.lit(year, pl.Int64),
            inhabitants=(pl.col("inhabitants") * factor).round(0).cast(pl.Int64),
            dwellings=(pl.col("dwellings") * factor).round(0).cast(pl.Int64),
            area_ha=pl.col("area_total_ha").cast(pl.Float64),
        ))
    return pl.concat(frames).sort("area_code", "year")


def _wijkbudget(rng: np.random.Generator) -> pl.DataFrame:
    """2016-2017 per line; from 2018 the lines are one budget fixed on the 2016 spending."""
    rows = []
    spent_2016 = {}
    for line, allocated in WIJKBUDGET_2016.items():
        spent = round(allocated * rng.uniform(0.97, 1.02), -3)
        spent_2016[line] = spent
        rows.append((2016, line, allocated, spent))
        allocated_2017 = round(allocated * 1.02, -3)
        spent_2017 = round(allocated_2017 * rng.uniform(0.96, 1.01), -3)
        rows.append((2017, line, allocated_2017, spent_2017))
        rows.append((2018, line, spent, round(spent * rng.uniform(0.93, 0.99), -3)))
    return pl.DataFrame(rows, schema=["year", "budget_line", "allocated_eur", "spent_eur"],
                        orient="row").sort("year", "budget_line")


def _visitors(rng: np.random.Generator) -> pl.DataFrame:
    """Weekly unique visitors: growing from the opening to about 370 a week."""
    weeks = pl.date_range(VISITORS_OPENING_WEEK, date(2018, 12, 31), "1w", eager=True)
    t = np.arange(len(weeks))
    level = 40 + 330 * (1 - np.exp(-t / 16))
    month = weeks.dt.month().to_numpy()
    day = weeks.dt.day().to_numpy()
    level = np.where((month == 12) & (day >= 18), level * 0.6, level)  # Christmas weeks
    level = np.where(np.isin(month, (7, 8)), level * 0.75, level)  # summer holidays
    noise = np.clip(rng.normal(0, 0.04, len(t)), -0.07, 0.07)
    return pl.DataFrame({"week_start": weeks,
                         "unique_visitors": np.rint(level * (1 + noise)).astype(np.int64)})


# --------------------------------------------------------------------------- public API

_COLUMNS = {
    "cases": ["case_id", "mdo_date", "mdo_year", "solution_start_date", "precondition_wonen",
              "precondition_financien", "precondition_relaties", "precondition_dagbesteding",
              "in_random_sample", "cost_analysis_date"],
    "wellbeing": ["case_id", "moment", "measured_on", "score"],
    "cost_lines": ["case_id", "scenario", "item_code", "quantity"],
}


def generate_demo(seed: int = config.DEFAULT_SEED) -> dict[str, pl.DataFrame]:
    """The synthetic dataset as one DataFrame per source key, in the canonical columns."""
    rng = np.random.default_rng(seed)
    prices = dict(_reference("price_list.csv").select("item_code", "unit_price_eur").iter_rows())
    areas = _reference("areas_cbs_2024.csv")
    cases = _cost_analysis_dates(rng, _cases(rng))
    cases = _solution_spread(np.random.default_rng([seed, SPREAD_STREAM]), cases).select(
        _COLUMNS["cases"])
    wellbeing = _wellbeing(rng, cases).sort("case_id", "measured_on")
    return {
        "cases": cases,
        "wellbeing": wellbeing.with_columns(pl.col("score").cast(pl.Float64)),
        "cost_lines": _cost_lines(rng, cases, prices),
        "positive_health": _positive_health(rng),
        "ggd_indicators": _ggd_indicators(rng, areas),
        "wijkbudget": _wijkbudget(rng),
        "inhabitants": _inhabitants(areas),
        "visitors": _visitors(rng),
    }


def write_demo_dataset(out_dir: Path, seed: int = config.DEFAULT_SEED) -> list[Path]:
    """Write the demo files into ``out_dir``, replacing an earlier demo folder as a whole.

    The files are written into a temporary sibling folder that is moved into place at the
    end, so a failure leaves no half-written folder. A folder that is not a demo folder
    (no ``metadata.json`` saying ``"synthetic": true``) is never replaced.
    """
    out_dir = Path(out_dir).resolve()
    _refuse_non_demo_folder(out_dir)
    frames = generate_demo(seed)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        names = []
        for key in SOURCE_KEYS:
            name = f"{key}.synthetic.csv"
            frames[key].write_csv(tmp / name, date_format="%Y-%m-%d")
            names.append(name)
        (tmp / "README.md").write_text(_readme(seed), encoding="utf-8")
        metadata = {"synthetic": True, "seed": seed, "generator": "ruwaard_analysis.demo",
                    "generator_version": GENERATOR_VERSION, "files": names}
        (tmp / "metadata.json").write_text(
            json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_folder(tmp, out_dir)  # puts the old folder back if the swap fails
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out_dir / n for n in [*names, "README.md", "metadata.json"])


def _refuse_non_demo_folder(out_dir: Path) -> None:
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return
    meta = out_dir / "metadata.json"
    try:
        synthetic = json.loads(meta.read_text(encoding="utf-8")).get("synthetic") is True
    except (OSError, ValueError, AttributeError):
        synthetic = False
    if not synthetic:
        raise RuwaardError(
            f"{out_dir} bestaat al en is geen map met synthetische demodata "
            "(geen metadata.json met \"synthetic\": true); kies een lege of nieuwe map.")


def _readme(seed: int) -> str:
    return f"""# Synthetische demodata Proeftuin Ruwaard 2016-2018

**Synthetische data, geen echte personen.** Niets in deze map beschrijft een bestaande
wijkbewoner. De bestanden zijn gemaakt door `ruwaard_analysis.demo`
(versie {GENERATOR_VERSION}) met seed {seed}:

    ruwaard demo-data --seed {seed}

Zelfde seed, zelfde bestanden (byte voor byte). Deze map wordt bij elke run in zijn geheel
vervangen; zet hier geen eigen bestanden neer.

## Hoe de data gemaakt zijn

Casussen, metingen en kostenregels zijn met een vaste seed getrokken en zo geijkt dat de
analyse per rapportagejaar de gepubliceerde cijfers van de leergeschiedenis teruggeeft:
2016: 13 micro-analyses, welbevinden gemiddeld van 2,9 naar 7,6, 9 kostenanalyses met
lagere jaarlijkse kosten na de oplossing; 2017: 25 micro-analyses (stijging gemiddeld ruim
5 punten), ongeveer 200 casussen; herhaalmetingen in 2018. Casussen in de steekproef
starten hun oplossing binnen zes weken na het MDO; van de andere casussen start ongeveer een
vijfde later en heeft ongeveer een op de twintig geen startdatum (nog niet gestart). De
kostenregels gebruiken de itemcodes van de meegeleverde prijslijst
(`reference_data/price_list.csv`).

- Positieve Gezondheid: 13 deelnemers van Ons Huis van de Wijk, 42 vragen in 6 domeinen,
  afname oktober 2017, april 2018 en december 2018 (met uitval).
- GGD-indicatoren (codes en namen uit CBS/RIVM-tabel 50120NED): verzonnen maar
  aannemelijke percentages; de echte waarden waren niet beschikbaar.
- Inwoners 2016-2018: teruggerekend uit de CBS-cijfers van 2024 (Kerncijfers wijken en
  buurten, CC BY 4.0) met een vaste factor; dus synthetisch, geen CBS-cijfers.
- Bezoekers Ons Huis van de Wijk: verzonnen, vanaf de opening in december 2016, begin 2018
  meer dan 300 unieke bezoekers per week.
- Wijkbudget: verzonnen, posten Wmo en welzijn. Vanaf 2018 vormen die samen één wijkbudget
  dat vijf jaar vaststaat op de besteding van 2016 (ongeveer 2,1 mln euro per jaar); de twee
  posten staan er voor de vergelijkbaarheid nog apart in.

Bestanden: één per bron (`<bron>.synthetic.csv`), komma-gescheiden, UTF-8, datums als
JJJJ-MM-DD, decimale punt.
"""
