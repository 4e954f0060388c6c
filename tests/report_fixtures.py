"""Results folders in the report's contract (docs/report.md), written by hand for the tests of
the report layer (tests/unit/test_report_content.py, tests/integration/test_quarto_project.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl

from ruwaard_analysis import report_contract as contract
from ruwaard_analysis import vocabulary

# A 1x1 PNG: the report only links figures, it never decodes them.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _kf(value, unit, label, n=None, lo=None, hi=None, suppressed=False, **extra):
    """A key figure as key_figures.key_figure writes it (a count is its own n)."""
    if n is None and unit == "count":
        n = value
    return {"value": value, "n": n, "unit": unit, "label": label,
            "ci_low": lo, "ci_high": hi, "suppressed": suppressed, **extra}


def write_fixture_results(folder: Path, year: int, *, optional: bool = True) -> Path:
    """Write a small results folder for ``year`` in the report's contract.

    ``optional=False`` leaves out every optional result (as for an instrument without data).
    2016 never has Positive Health waves or a herhaalmeting (as in the real project).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tables").mkdir(exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)
    has_ph = optional and year >= 2017
    kfs = {
        "inwoners_wijk": _kf(13595, "count", "Inwoners van de wijk"),
        "casussen_totaal": _kf(40 if year == 2016 else 120, "count", "Casussen"),
        "casussen_steekproef": _kf(13 if year == 2016 else 25, "count", "Steekproef"),
        "welbevinden_voormeting_gemiddeld": _kf(2.9, "score", "Voormeting", 13, 2.4, 3.4),
        "welbevinden_nameting_gemiddeld": _kf(7.6, "score", "Welbevinden nameting", 13, 7.1, 8.1),
        "welbevinden_verschil_gemiddeld": _kf(4.7, "points", "Verschil welbevinden", 13, 4.1, 5.8),
        "kostenanalyses_aantal": _kf(9, "count", "Kostenanalyses"),
        "kosten_besparing_per_jaar_gemiddeld": _kf(4321.4, "eur_per_year", "Besparing per casus",
                                                   9, 1200.0, 7400.0),
        "kosten_extrapolatie_besparing_totaal": _kf(172856.0, "eur_per_year", "Alle casussen",
                                                    40, 48000.0, 296000.0),
        "casussen_in_jaar": _kf(30 if year == 2016 else 80, "count", "Casussen dit jaar"),
        "randvoorwaarde_wonen_aandeel": _kf(0.3, "share", "Wonen", 40, 0.17, 0.47),
        "randvoorwaarde_financien_aandeel": _kf(0.5, "share", "Financien", 40, 0.34, 0.66),
        "randvoorwaarde_relaties_aandeel": _kf(None, "share", "Relaties", 40,
                                               suppressed=True),
        "randvoorwaarde_dagbesteding_aandeel": _kf(0.25, "share", "Dagbesteding", 40, 0.13,
                                                   0.41),
        "binnen_zes_weken_aandeel": _kf(0.755, "share", "Binnen zes weken", 120, 0.69, 0.81),
        "oplossing_start_mediaan_dagen": _kf(31.0, "days", "Mediaan", 120, 28.0, 34.0),
    }
    if optional and year >= 2017:
        kfs["welbevinden_herhaalmeting_gemiddeld"] = _kf(None, "score", "Welbevinden herhaalmeting",
                                                         3, None, None, suppressed=True)
        kfs["positieve_gezondheid_respondenten"] = _kf(13, "count", "Respondenten spinnenweb")
        kfs["bezoekers_per_week_gemiddeld"] = _kf(312.4, "count", "Unieke bezoekers per week",
                                                  52, n_unit="weken")
    (folder / "key_figures.json").write_text(json.dumps(kfs, indent=1, sort_keys=True))
    (folder / "manifest.json").write_text(json.dumps({
        "inputs": {"cases.csv": {"sha256": "ab" * 32, "source": "cases"},
                   "wellbeing.csv": {"sha256": "cd" * 32, "source": "wellbeing"}},
        "parameters": {"year": year, "min_cell_size": 5},
        "packages": {"polars": "2.1.0", "ruwaard-analysis": "0.1.0"},
        "git_commit": "0123456789abcdef",
        "notebooks": {"01_welbevinden": {"file": "01_welbevinden.ipynb"}},
        "notebook_parameters": {"01_welbevinden": {},
                                "02_maatschappelijke_kosten": {"deadweight": 0.2, "years": 5}},
    }))

    def table(name, data):
        pl.DataFrame(data, schema=contract.REQUIRED_TABLES[name].columns).write_parquet(
            folder / "tables" / f"{name}.parquet")

    table("wijkprofiel", {
        "indicator": ["inwoners", "woningen", "bevolkingsdichtheid"],
        "label": ["Inwoners", "Woningen", "Inwoners per km²"],
        "unit": ["count", "count", "count"],
        "wijk": [13595.0, 6110.0, 3712.0], "gemeente": [95000.0, 42000.0, 600.0],
        "nederland": [17942942.0, 8100000.0, 532.0],
    })
    moments = ["voormeting", "nameting"] + (["herhaalmeting"] if optional and year >= 2017 else [])
    table("welbevinden_momenten", {
        "moment": moments, "n": [13, 13, 3][: len(moments)],
        "mean": [2.9, 7.6, 7.0][: len(moments)], "ci_low": [2.4, 7.1, None][: len(moments)],
        "ci_high": [3.4, 8.1, None][: len(moments)],
        "suppressed": [False, False, True][: len(moments)],
    })
    table("kosten_scenario", {
        "scenario": list(vocabulary.SCENARIOS), "n": [9, 9, 9, 9],
        "mean_eur": [10250.0, 14000.6, 800.0, 5928.6],
        "total_eur": [92250.0, 126005.4, 7200.0, 53357.4],
        "suppressed": [False] * 4,
    })
    table("kosten_betaler", {
        "payer": ["gemeente", "gemeente", "zorgverzekeraar", "zorgverzekeraar"],
        "scenario": ["huidig", "na_oplossing", "huidig", "na_oplossing"],
        "n": [9, 9, 4, 4], "total_eur": [50000.0, 30000.0, 42250.0, None],
        "suppressed": [False, False, False, True],
    })
    table("n_per_analyse", {
        "analysis": ["welbevinden", "kosten"], "label": ["Welbevinden voor en na", "Kostenanalyse"],
        "n": [13, 9], "unit": ["casussen", "casussen"],
    })
    figures = ["welbevinden_momenten", "kosten_scenario", "kosten_betaler"]
    if optional:
        table("ggd_indicatoren", {
            "indicator_code": ["ErvarenGezondheidGoedZeerGoed_4"] * 6,
            "indicator_label": ["Ervaren gezondheid goed of zeer goed"] * 6,
            "year": [2012] * 3 + [2016] * 3,
            "area_level": list(vocabulary.COMPARED_AREA_LEVELS) * 2,
            "estimate_pct": [70.1, 74.0, 75.5, 68.25, 73.1, 75.8],
            "ci_lower": [66.0, 73.0, 75.2, 64.1, 72.0, 75.5],
            "ci_upper": [74.2, 75.0, 75.8, 72.4, 74.2, 76.1],
        })
        table("bezoekers", {"month": [date(year, 12, 1)], "weeks": [4],
                            "mean_weekly_visitors": [312.4]})
        figures += ["ggd_trend", "bezoekers_per_week"]
        periods = ["2016", "cumulatief"] if year == 2016 else ["2016", "2017", "cumulatief"]
        rows = [(p, scope, name) for p in periods for scope in ("alle", "steekproef")
                for name in ("wonen", "financien", "relaties", "dagbesteding")]
        table("randvoorwaarden", {
            "period": [r[0] for r in rows], "scope": [r[1] for r in rows],
            "precondition": [r[2] for r in rows], "n": [40] * len(rows),
            "n_yes": [None if r[2] == "relaties" else 12 for r in rows],
            "share": [None if r[2] == "relaties" else 0.3 for r in rows],
            "ci_low": [None if r[2] == "relaties" else 0.17 for r in rows],
            "ci_high": [None if r[2] == "relaties" else 0.47 for r in rows],
            "suppressed": [r[2] == "relaties" for r in rows],
        })
        table("randvoorwaarden_combinaties", {"combination": ["financien", "overige"],
                                              "n": [22, 18], "share": [0.55, 0.45]})
        table("randvoorwaarden_wonen_verschil", {
            "measure": ["welbevinden_verandering", "besparing_per_jaar"], "n": [7, 3],
            "n_with": [7, None], "n_without": [18, None], "mean_with": [5.2, None],
            "mean_without": [5.1, None], "difference": [0.13, None], "ci_low": [-0.7, None],
            "ci_high": [0.96, None], "suppressed": [False, True]})
        table("zes_weken", {"n": [120], "n_started": [110], "n_censored": [10],
                            "share_by_horizon": [0.755], "share_ci_low": [0.69],
                            "share_ci_high": [0.81], "median_days": [31.0],
                            "median_ci_low": [28.0], "median_ci_high": [None]})
        table("casussen_per_maand", {
            "period_start": [date(2016, 5, 1), date(2016, 7, 1)],
            "period_end": [date(2016, 6, 1), date(2016, 7, 1)], "months": [2, 1],
            "n": [6, 7], "cumulative": [6, 13]})
        figures += ["randvoorwaarden", "zes_weken", "casussen_per_maand"]
    if has_ph:
        table("positieve_gezondheid_domeinen", {
            "wave": [1, 1], "wave_date": [date(2017, 10, 2)] * 2,
            "domain": ["meedoen", "zingeving"], "n": [13, 3], "mean": [6.8, 7.0],
            "ci_low": [6.1, None], "ci_high": [7.5, None], "suppressed": [False, True],
        })
        figures.append("positieve_gezondheid_domeinen")
    for name in figures:
        (folder / "figures" / f"{name}.png").write_bytes(PNG)
        (folder / "figures" / f"{name}.vl.json").write_text(
            json.dumps({"description": f"Grafiek {name.replace('_', ' ')}"}))
    return folder
