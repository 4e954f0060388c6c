"""Planted values: small groups and personal scores are planted in a copy of the demo data, the
pipeline and the report run on it, and every file written is searched for them (#12 item 8).

What is planted (min cell size 5):

- 2016: only 3 cost analyses (the saving, its interval, the projection and its sensitivity are
  about 3 cases), and two personal scores: a nameting of 9.373 and a voormeting of 1.237;
- 2017: 3 herhaalmetingen (scores 4.137, 4.611, 4.707: mean 4.485), a Positive Health wave of 4
  respondents with a distinctive mean per domain, and one case with police costs (the payer
  ``politie_justitie`` has one case).

The secrets are what a leak would publish: the planted numbers, and what the library computes
from the small groups (the saving of 3 cases, the contrast nameting -> herhaalmeting of the
mixed model, the change per domain, the police totals). They are computed here with the library
itself, which is right for this purpose: the question is not whether they are correct, but
whether they reach a reader.

Searched: every file the run wrote (tables, key figures, figure specs and SVGs, manifest),
the executed notebooks, the notebooks exported as HTML (the report without Quarto), and -- with
Quarto -- the rendered HTML (text and the embedded SVG charts) and the PDF text. Numbers are
searched as numbers in structured files (any float within rounding of a secret) and as text in
every Dutch and English notation a reader could meet: 4.485, 4,485, 4,49, 3.924,74, 3.925, ...
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ruwaard_analysis import config

pytestmark = pytest.mark.slow

MIN = 5
HERHAAL_SCORES = (4.137, 4.611, 4.707)  # mean 4.485
PERSONAL_AFTER, PERSONAL_BEFORE = 9.373, 1.237
PH_WAVE = date(2017, 12, 11)
PH_DOMAIN_MEANS = {  # the small wave's mean per domain
    "lichaamsfuncties": 6.173, "mentaal_welbevinden": 5.281, "zingeving": 7.319,
    "kwaliteit_van_leven": 4.627, "meedoen": 8.153, "dagelijks_functioneren": 3.869,
}
PH_OFFSETS = (-0.36, -0.12, 0.12, 0.36)  # per respondent, around the domain mean
POLICE_ITEM, POLICE_QUANTITY = "wijkagent_uur", 13.7


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, try_parse_dates=True, infer_schema_length=None)


def plant(folder: Path) -> dict:
    """Write the demo data to ``folder`` and plant the small groups; returns what was planted."""
    from ruwaard_analysis.demo import write_demo_dataset

    write_demo_dataset(folder)
    cases = _read(folder / "cases.synthetic.csv")
    wb = _read(folder / "wellbeing.synthetic.csv")
    lines = _read(folder / "cost_lines.synthetic.csv")
    ph = _read(folder / "positive_health.synthetic.csv")

    # 2016: 3 cost analyses; the other 2016 analyses are dated in 2017
    cost16 = cases.filter((pl.col("mdo_year") == 2016) & pl.col("in_random_sample")
                          & pl.col("cost_analysis_date").is_not_null()).sort("case_id")
    keep16 = cost16["case_id"].to_list()[:3]
    later = cost16["case_id"].to_list()[3:]
    cases = cases.with_columns(
        pl.when(pl.col("case_id").is_in(later)).then(pl.lit(date(2017, 3, 1)))
        .otherwise(pl.col("cost_analysis_date")).alias("cost_analysis_date"))

    # personal scores: two 2016 sampled cases with both measurements
    sampled16 = cases.filter((pl.col("mdo_year") == 2016) & pl.col("in_random_sample"))
    ids16 = sorted(set(sampled16["case_id"]) & set(wb.filter(
        pl.col("moment") == "nameting")["case_id"]))
    after_id, before_id = ids16[0], ids16[1]
    wb = wb.with_columns(
        pl.when((pl.col("case_id") == after_id) & (pl.col("moment") == "nameting"))
        .then(pl.lit(PERSONAL_AFTER))
        .when((pl.col("case_id") == before_id) & (pl.col("moment") == "voormeting"))
        .then(pl.lit(PERSONAL_BEFORE))
        .otherwise(pl.col("score")).alias("score"))

    # 2017: 3 herhaalmetingen, with planted scores
    cutoff17 = config.measurement_cutoff(2017)
    herhaal = wb.filter((pl.col("moment") == "herhaalmeting")
                        & (pl.col("measured_on") <= cutoff17)).sort("case_id")
    kept = herhaal["case_id"].to_list()[:3]
    assert len(kept) == 3
    wb = wb.filter((pl.col("moment") != "herhaalmeting") | pl.col("case_id").is_in(kept)
                   | (pl.col("measured_on") > cutoff17))
    wb = wb.with_columns(pl.when((pl.col("moment") == "herhaalmeting")
                                 & pl.col("case_id").is_in(kept))
                         .then(pl.col("case_id").replace_strict(
                             dict(zip(kept, HERHAAL_SCORES, strict=True)), default=None,
                             return_dtype=pl.Float64))
                         .otherwise(pl.col("score")).alias("score"))

    # 2017: police costs for exactly one case (not one of 2016's three)
    priced = lines.join(pl.read_csv(config.REFERENCE_DIR / "price_list.csv").select(
        "item_code", "payer"), on="item_code", how="left")
    police_item_codes = priced.filter(pl.col("payer") == "politie_justitie")["item_code"].unique()
    lines = lines.filter(~pl.col("item_code").is_in(police_item_codes.to_list()))
    cost17 = cases.filter((pl.col("mdo_year") <= 2017) & pl.col("in_random_sample")
                          & pl.col("cost_analysis_date").is_not_null()
                          & (pl.col("cost_analysis_date") <= date(2017, 12, 31))
                          & ~pl.col("case_id").is_in(keep16)).sort("case_id")
    police_case = cost17["case_id"].to_list()[0]
    lines = pl.concat([lines, pl.DataFrame({
        "case_id": [police_case], "scenario": ["huidig"], "item_code": [POLICE_ITEM],
        "quantity": [POLICE_QUANTITY]}, schema=lines.schema)])

    # 2017: a Positive Health wave of 4 respondents (after the 2017 wave of 13)
    first = ph.filter(pl.col("wave_date") == ph["wave_date"].min())
    respondents = sorted(first["respondent_id"].unique().to_list())[:4]
    offsets = dict(zip(respondents, PH_OFFSETS, strict=True))
    small = first.filter(pl.col("respondent_id").is_in(respondents)).with_columns(
        pl.lit(PH_WAVE).alias("wave_date"),
        (pl.col("domain").replace_strict(PH_DOMAIN_MEANS, return_dtype=pl.Float64)
         + pl.col("respondent_id").replace_strict(offsets, return_dtype=pl.Float64))
        .alias("score"))
    ph = pl.concat([ph, small.select(ph.columns)])

    cases.write_csv(folder / "cases.synthetic.csv")
    wb.write_csv(folder / "wellbeing.synthetic.csv")
    lines.write_csv(folder / "cost_lines.synthetic.csv")
    ph.write_csv(folder / "positive_health.synthetic.csv")
    return {"herhaal_cases": kept, "police_case": police_case, "cost_cases_2016": keep16}


# -- what a leak would publish ------------------------------------------------------------------


@dataclass
class Secret:
    what: str
    value: float
    digits: int = 3  # decimals that make it distinctive in text (money: 2)


@dataclass
class Secrets:
    items: dict[int, list[Secret]] = field(default_factory=dict)

    def add(self, year: int, what: str, value: float | None, digits: int = 3) -> None:
        if value is not None and math.isfinite(value):
            self.items.setdefault(year, []).append(Secret(what, float(value), digits))


def compute_secrets(data: Path) -> Secrets:
    from ruwaard_analysis import costs, loaders, positive_health
    from ruwaard_analysis.report_year import select_micro, up_to_year
    from ruwaard_analysis.stats.mixed import moment_means_model

    frames = loaders.load_folder(data)
    s = Secrets()
    for year in (2016, 2017):
        s.add(year, "personal nameting score", PERSONAL_AFTER)
        s.add(year, "personal voormeting score", PERSONAL_BEFORE)
    for score in HERHAAL_SCORES:
        s.add(2017, "personal herhaalmeting score", score)
    s.add(2017, "mean of 3 herhaalmetingen", sum(HERHAAL_SCORES) / 3)

    sel = select_micro(frames["cases"], frames["wellbeing"], year=2017)
    model = moment_means_model(sel.wellbeing, moments=("voormeting", "nameting", "herhaalmeting"),
                               valid_range=(1, 10))
    for a, b in (("nameting", "herhaalmeting"), ("voormeting", "herhaalmeting")):
        c = model.contrast(a, b)
        for part in ("estimate", "ci_low", "ci_high"):
            s.add(2017, f"model {a}->{b} {part}", getattr(c, part))
    s.add(2017, "model mean herhaalmeting",
          model.means_frame().filter(pl.col("moment") == "herhaalmeting")["estimate"].item())

    # 2016: three cost analyses
    sel16 = select_micro(frames["cases"], cost_lines=frames["cost_lines"], year=2016)
    assert sel16.cost_cases.height == 3
    priced = costs.price_cost_lines(sel16.cost_lines, frames["price_list"], frames["cpi"],
                                    price_year=config.PRICE_YEAR)
    per_case = costs.costs_per_case(priced)
    saving = costs.mean_saving_ci(per_case, seed=config.DEFAULT_SEED)
    for part in ("mean", "ci_low", "ci_high"):
        s.add(2016, f"saving of 3 cases {part}", getattr(saving, part), 2)
    one_off = float(per_case["oplossing_eenmalig"].mean())
    s.add(2016, "one-off cost of 3 cases", one_off, 2)
    projection = costs.project_multi_year(saving.mean, one_off)
    s.add(2016, "npv of 3 cases", projection.npv, 2)
    for row in projection.table.iter_rows(named=True):
        for key, value in row.items():
            if key != "year" and isinstance(value, float) and abs(value) >= 100:
                s.add(2016, f"projection {key} year {row.get('year')}", value, 2)
    for scenario in ("huidig", "zonder_oplossing", "na_oplossing"):
        s.add(2016, f"mean {scenario} of 3 cases", float(per_case[scenario].mean()), 2)

    # 2017: the payer with one case
    sel17 = select_micro(frames["cases"], cost_lines=frames["cost_lines"], year=2017)
    priced17 = costs.price_cost_lines(sel17.cost_lines, frames["price_list"], frames["cpi"],
                                      price_year=config.PRICE_YEAR)
    police = costs.costs_per_payer(priced17).filter(pl.col("payer") == "politie_justitie")
    assert police["n_cases"].item() == 1
    s.add(2017, "police costs of one case", police["huidig"].item(), 2)

    # 2017: the Positive Health wave of 4
    ph = up_to_year(frames["positive_health"], year=2017, column="wave_date")
    scores = positive_health.domain_scores(ph)
    waves = sorted(scores["wave_date"].unique().to_list())
    assert waves[-1] == PH_WAVE
    for domain, mean in PH_DOMAIN_MEANS.items():
        s.add(2017, f"Positive Health wave of 4, {domain}", mean)
    change = positive_health.change_per_domain(scores, waves[0], waves[-1],
                                               seed=config.DEFAULT_SEED)
    for row in change.iter_rows(named=True):
        s.add(2017, f"Positive Health change {row['domain']}", row["mean_diff"])
    return s


# -- searching ----------------------------------------------------------------------------------


def notations(value: float, digits: int) -> list[str]:
    """The ways a reader could meet ``value`` in text, only those distinctive enough (at least
    three significant digits): 4.485 -> 4.485, 4,485, 4.49, 4,49; 3924.74 -> 3924.74, 3924,74,
    3.924,74, 3925, 3.925."""
    out = []
    for d in range(digits, -1, -1):
        text = f"{abs(value):.{d}f}"
        significant = len(text.replace(".", "").lstrip("0"))
        if significant < 3 or (d == 0 and significant < 4):  # 191 or 4,5 says too little
            continue
        whole, _, decimals = text.partition(".")
        grouped = f"{int(whole):,}".replace(",", ".")
        for w in {whole, grouped}:
            out += [f"{w},{decimals}" if decimals else w]
            if decimals and w == whole:
                out.append(f"{w}.{decimals}")
    return list(dict.fromkeys(out))


def _pattern(text: str) -> re.Pattern:
    # the number itself, not a part of another number
    return re.compile(rf"(?<![\w#])(?<!\d[.,]){re.escape(text)}(?!\w)(?![.,]\d)")


def _numbers(data) -> list[float]:
    if isinstance(data, bool):
        return []
    if isinstance(data, int | float):
        return [float(data)]
    if isinstance(data, dict):
        return [x for v in data.values() for x in _numbers(v)]
    if isinstance(data, list):
        return [x for v in data for x in _numbers(v)]
    return []


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (str(k), *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def _svg_text(svg: str) -> str:
    parts = re.findall(r'aria-label="([^"]*)"', svg) + re.findall(r">([^<>]+)<", svg)
    return html.unescape("\n".join(parts))


def _html_text(page: str) -> str:
    """Visible text, the embedded SVG charts' text and any JSON/data in scripts of a page."""
    embedded = []
    for kind, data in re.findall(r"data:([a-z+/]+);base64,([A-Za-z0-9+/=]+)", page):
        if "svg" in kind:
            embedded.append(_svg_text(base64.b64decode(data).decode("utf-8", "replace")))
    inline_svg = [_svg_text(s) for s in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]
    scripts = [s for s in re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S)
               if len(s) < 200_000]  # chart specs and data, not library bundles
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    visible = html.unescape(re.sub(r"<[^>]+>", " ", visible))
    return "\n".join([visible, *embedded, *inline_svg, *scripts])


def _notebook_text(nb: dict) -> tuple[str, list[float]]:
    texts, numbers = [], []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            texts += _strings(out.get("text", ""))
            for mime, data in (out.get("data") or {}).items():
                if "json" in mime and not isinstance(data, str):
                    numbers += _numbers(data)
                    texts += _strings(data)
                elif "html" in mime:
                    texts.append(_html_text("".join(data) if isinstance(data, list) else data))
                elif "svg" in mime:
                    texts.append(_svg_text("".join(data) if isinstance(data, list) else data))
                elif mime.startswith("text/"):
                    texts += _strings(data)
            texts += _strings(out.get("traceback", []))
    return "\n".join(texts), numbers


def readable(path: Path) -> tuple[str, list[float]]:
    """(text, numbers) a reader of ``path`` can get at."""
    suffix = "".join(path.suffixes[-2:]) if path.name.endswith(".vl.json") else path.suffix
    if suffix == ".parquet":
        frame = pl.read_parquet(path)
        numbers = [float(x) for c in frame.columns if frame[c].dtype.is_numeric()
                   for x in frame[c].drop_nulls().to_list()]
        strings = [str(x) for c in frame.columns if not frame[c].dtype.is_numeric()
                   for x in frame[c].drop_nulls().to_list()]
        return "\n".join(strings), numbers
    if suffix in (".json", ".vl.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join(_strings(data)), _numbers(data)
    if suffix == ".ipynb":
        return _notebook_text(json.loads(path.read_text(encoding="utf-8")))
    if suffix in (".html", ".htm"):
        return _html_text(path.read_text(encoding="utf-8")), []
    if suffix == ".svg":
        return _svg_text(path.read_text(encoding="utf-8")), []
    if suffix == ".pdf":
        done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True)
        return done.stdout, []
    if suffix in (".md", ".txt", ".csv", ".typ", ".qmd", ".log"):
        return path.read_text(encoding="utf-8", errors="replace"), []
    return "", []  # binary images (PNG): drawn from the same spec as the SVG


def find_leaks(files: list[Path], secrets: list[Secret]) -> list[str]:
    leaks = []
    for path in files:
        text, numbers = readable(path)
        for secret in secrets:
            tolerance = 1e-6 * max(1.0, abs(secret.value))  # the value itself, any precision
            if any(abs(x - secret.value) <= tolerance or abs(x + secret.value) <= tolerance
                   for x in numbers):
                leaks.append(f"{path}: {secret.what} ({secret.value}) as a number")
                continue
            for form in notations(secret.value, secret.digits):
                found = _pattern(form).search(text)
                if found:
                    context = text[max(0, found.start() - 60): found.end() + 60]
                    leaks.append(f"{path}: {secret.what} ({secret.value}) as {form!r} in "
                                 f"...{' '.join(context.split())}...")
                    break
    return leaks


def test_notations_cover_dutch_and_english_forms():
    assert notations(9.373, 3) == ["9,373", "9.373", "9,37", "9.37"]
    forms = notations(3924.7412, 2)
    assert {"3924,74", "3.924,74", "3924.74", "3925", "3.925", "3924,7"} <= set(forms)
    assert "191" not in notations(-190.757, 2)  # a bare three-digit number is not distinctive
    assert not _pattern("191").search("c191c39727") and not _pattern("191").search("&#191;")
    assert _pattern("9,37").search("a 9,37 b") and not _pattern("9,37").search("19,375")
    assert not _pattern("3.925").search("3.925,12")


# -- the run ------------------------------------------------------------------------------------

YEARS = (2016, 2017)


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    """The planted data through `ruwaard run` (2016, 2017), the notebooks exported as HTML (the
    report without Quarto) and, with Quarto, the rendered report of both years."""
    from ruwaard_analysis import report
    from ruwaard_analysis.run import run_year

    root = tmp_path_factory.mktemp("planted")
    data = root / "raw" / "planted"
    planted = plant(data)
    dirs = {"processed_dir": root / "processed", "reports_dir": root / "reports"}
    for year in YEARS:
        run_year(year, data_dir=data, min_cell_size=MIN, progress=False, **dirs)
        year_dir = dirs["reports_dir"] / str(year)
        report.export_notebooks_html(year_dir / "notebooks", year_dir / "html", title=str(year))
    quarto = report.find_quarto()
    rendered = []
    if quarto is not None:
        # what `ruwaard report` renders, in a copy of the Quarto project holding the planted
        # results (as the rendered_reports fixture of conftest.py does for the demo data)
        from conftest import quarto_project

        project = quarto_project(root / "project",
                                 {year: dirs["processed_dir"] / str(year) for year in YEARS})
        for year in YEARS:
            rendered += report.render_with_quarto(year, quarto, project_dir=project,
                                                  reports_dir=project / "reports")
    return {"root": root, "data": data, "planted": planted, "rendered": rendered, **dirs}


@pytest.fixture(scope="module")
def secrets(planted_run) -> Secrets:
    return compute_secrets(planted_run["data"])


def _written(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _assert_no_leaks(files: list[Path], secrets: list[Secret]) -> None:
    assert files, "nothing was written"
    leaks = find_leaks(files, secrets)
    assert not leaks, "\n".join(leaks)


def test_the_planted_groups_are_in_the_run(planted_run):
    """The run saw the small groups (else the search below proves nothing)."""
    from ruwaard_analysis import results

    kf16 = results.read_key_figures(planted_run["processed_dir"] / "2016")
    kf17 = results.read_key_figures(planted_run["processed_dir"] / "2017")
    assert kf16["kostenanalyses_aantal"]["n"] == 3
    assert kf17["welbevinden_herhaalmeting_gemiddeld"]["n"] == 3
    assert kf17["welbevinden_herhaalmeting_gemiddeld"]["suppressed"] is True
    ph = results.read_table(planted_run["processed_dir"] / "2017", "positieve_gezondheid_domeinen")
    assert sorted(set(ph.filter(pl.col("wave") == 2)["n"])) == [4]


def test_search_finds_a_planted_value_when_nothing_is_suppressed(planted_run, secrets, tmp_path):
    """Negative control: with a minimum cell size of 3 (the floor) the search does find the
    saving of the 3 cost analyses."""
    from ruwaard_analysis.run import run_year

    dirs = {"processed_dir": tmp_path / "processed", "reports_dir": tmp_path / "reports"}
    run_year(2016, data_dir=planted_run["data"], min_cell_size=3, progress=False, **dirs)
    leaks = find_leaks(_written(dirs["processed_dir"] / "2016"), secrets.items[2016])
    assert any("saving of 3 cases mean" in leak for leak in leaks), leaks


@pytest.mark.parametrize("year", YEARS)
def test_no_planted_value_in_the_results(planted_run, secrets, year):
    _assert_no_leaks(_written(planted_run["processed_dir"] / str(year)), secrets.items[year])


@pytest.mark.parametrize("year", YEARS)
def test_no_planted_value_in_the_executed_notebooks(planted_run, secrets, year):
    files = _written(planted_run["reports_dir"] / str(year) / "notebooks")
    assert any(p.suffix == ".ipynb" for p in files)
    _assert_no_leaks(files, secrets.items[year])


@pytest.mark.parametrize("year", YEARS)
def test_no_planted_value_in_the_report_without_quarto(planted_run, secrets, year):
    _assert_no_leaks(_written(planted_run["reports_dir"] / str(year) / "html"),
                     secrets.items[year])


@pytest.mark.quarto
@pytest.mark.parametrize("year", YEARS)
def test_no_planted_value_in_the_rendered_report(planted_run, secrets, year):
    rendered = [p for p in planted_run["rendered"] if p.parent.name == str(year)]  # html, pdf
    if not rendered:
        pytest.skip("quarto is not on PATH (QUARTO_PATH)")
    assert {p.suffix for p in rendered} == {".html", ".pdf"}
    _assert_no_leaks(rendered, secrets.items[year])
