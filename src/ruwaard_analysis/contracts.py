"""Data contracts: one per source, enforced with pandera on polars.

Each contract lists its canonical columns (English identifiers, see
``docs/architecture.md``) with type, unit, allowed values, Dutch meaning and the
Dutch header aliases a source file may use. The same objects produce the pandera
schema (:func:`pandera_schema`), the cross-table rules (:func:`cross_table_problems`)
and the tables in ``docs/data.md`` (:func:`markdown_tables`), so code and
documentation cannot drift apart.

Frames passed to the validators carry a row-number column :data:`LINE` with the
line number a researcher sees in an editor or Excel; problems are reported with it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from . import config, vocabulary
from .errors import Problem
from .import_speed import skip_pandera_hypothesis
from .sheets import normalize_name

skip_pandera_hypothesis()  # before pandera's first validation imports its strategies

if TYPE_CHECKING:
    import pandera.polars as pa

LINE = "_line"  # row-number column: the line in the source file (header = line 1)

_PANDERA_LOCK = threading.Lock()


def import_pandera() -> None:
    """Import pandera's polars API (about a second, with pandas under it), one thread at a
    time.

    pandera is imported where a schema is built, not with this module, so that reading a
    folder's files can start meanwhile (``loaders`` calls this in a thread while the files
    are read). Every import of pandera goes through this lock: two threads importing the
    modules of one package at the same time can deadlock in Python's import system.
    """
    with _PANDERA_LOCK:
        import pandera.errors  # noqa: F401
        import pandera.polars  # noqa: F401


# --------------------------------------------------------------------------- helpers


# --------------------------------------------------------------------------- contract types


@dataclass(frozen=True)
class Col:
    """One canonical column of a contract."""

    name: str
    dtype: type[pl.DataType]
    meaning: str  # Dutch, for docs/data.md
    unit: str = ""
    required: bool = True  # column must be present and every value filled
    allowed: tuple[str, ...] | None = None  # canonical category values
    value_aliases: dict[str, str] = field(default_factory=dict)  # input variant -> canonical
    min: float | date | None = None  # a date for date columns
    max: float | date | None = None
    pattern: str | None = None  # regular expression every string value must match
    aliases: tuple[str, ...] = ()  # Dutch (or other) header names accepted on input


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of one row; ``expr`` is True (or null) when the row is fine."""

    rule: str
    message: str  # Dutch
    column: str  # column named in the problem
    expr: Callable[[], pl.Expr]


@dataclass(frozen=True)
class Contract:
    """The contract of one source (one file in a data folder)."""

    key: str
    title: str  # Dutch
    description: str  # Dutch
    columns: tuple[Col, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    row_rules: tuple[RowRule, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    def header_map(self) -> dict[str, str]:
        """Normalised header (canonical name or alias) -> canonical column name."""
        out: dict[str, str] = {}
        for c in self.columns:
            for alias in (c.name, *c.aliases):
                out[normalize_name(alias)] = c.name
        return out


def _categories(values: tuple[str, ...], aliases: dict[str, str] | None = None) -> dict:
    """Keyword arguments for a category column: allowed values plus input variants."""
    return {"allowed": values, "value_aliases": aliases or {}}


# --------------------------------------------------------------------------- category values

# The category values themselves are the project's vocabulary (``vocabulary.py``).
MOMENTS = vocabulary.MOMENTS
SCENARIOS = vocabulary.SCENARIOS
PRICE_DOMAINS = vocabulary.PRICE_DOMAINS
PAYERS = vocabulary.PAYERS
PRICE_SOURCES = vocabulary.PRICE_SOURCES
PH_DOMAINS = vocabulary.HEALTH_DOMAINS
AREA_LEVELS = vocabulary.AREA_LEVELS
AGE_GROUPS = vocabulary.AGE_GROUPS

MOMENT_ALIASES = {
    "voor": "voormeting", "nulmeting": "voormeting", "0_meting": "voormeting",
    "na": "nameting", "na_6_weken": "nameting",
    "herhaling": "herhaalmeting", "follow_up": "herhaalmeting",
}
SCENARIO_ALIASES = {
    "huidige_situatie": "huidig", "huidig_per_jaar": "huidig",
    "zonder_oplossing_per_jaar": "zonder_oplossing",
    "eenmalig": "oplossing_eenmalig", "oplossing": "oplossing_eenmalig",
    "oplossing_eenmalige_kosten": "oplossing_eenmalig",
    "na_oplossing_per_jaar": "na_oplossing",
}
AGE_ALIASES = {
    "18": "18+", "20300": "18+", "18_jaar_of_ouder": "18+",
    "18_64": "18-64", "53115": "18-64", "18_tot_65_jaar": "18-64",
    "65": "65+", "80200": "65+", "65_jaar_of_ouder": "65+",
}
AREA_LEVEL_ALIASES = {"land": "nederland", "nl": "nederland"}

# Dutch labels of the 50120NED indicators (RIVM/CBS "Gezondheid per wijk en buurt",
# field list in /work/shared/reference/rivm-gezondheid-wijkbuurt-meta, CC BY 4.0).
# Used when a file (e.g. a StatLine export) carries indicator codes only.
GGD_INDICATOR_LABELS = {
    "ErvarenGezondheidGoedZeerGoed_4": "Ervaren gezondheid goed/zeer goed",
    "VoldoetAanBeweegrichtlijn_5": "Voldoet aan beweegrichtlijn",
    "WekelijkseSporters_6": "Wekelijkse sporters",
    "Ondergewicht_7": "Ondergewicht",
    "NormaalGewicht_8": "Normaal gewicht",
    "Overgewicht_9": "Overgewicht",
    "ErnstigOvergewicht_10": "Ernstig overgewicht/obesitas",
    "Roker_11": "Roker",
    "VoldoetAanAlcoholRichtlijn_12": "Voldoet aan alcoholrichtlijn",
    "Drinker_13": "Drinker",
    "ZwareDrinker_14": "Zware drinker",
    "OvermatigeDrinker_15": "Overmatige drinker",
    "EenOfMeerLangdurigeAandoeningen_16": "Een of meer langdurige aandoeningen",
    "BeperktVanwegeGezondheid_17": "(Ernstig) beperkt vanwege gezondheid",
    "ErnstigBeperktVanwegeGezondheid_18": "Ernstig beperkt vanwege gezondheid",
    "LangdurigErnstigBeperkt_19": "Langdurig ernstig beperkt",
    "PsychischeKlachten_20": "Psychische klachten (MHI-5 <= 60)",
    "ZeerLageVeerkracht_21": "(Zeer) lage veerkracht",
    "ZeerHogeVeerkracht_22": "(Zeer) hoge veerkracht",
    "MistEmotioneleSteun_23": "Mist emotionele steun",
    "SuicideGedachtenLaatste12Maanden_24": "Suïcidegedachten laatste 12 maanden",
    "HoogRisicoOpAngstOfDepressie_25": "Hoog risico op angststoornis of depressie",
    "HeelVeelStressInAfgelopen4Weken_26": "(Heel) veel stress afgelopen 4 weken",
    "Eenzaam_27": "Eenzaam",
    "ErnstigZeerErnstigEenzaam_28": "(Zeer) ernstig eenzaam",
    "EmotioneelEenzaam_29": "Emotioneel eenzaam",
    "SociaalEenzaam_30": "Sociaal eenzaam",
    "Mantelzorger_31": "Mantelzorger",
    "Vrijwilligerswerk_32": "Vrijwilligerswerk",
    "MoeiteMetRondkomen_33": "Moeite met rondkomen",
    "LopenEnOfFietsenNaarSchoolOfWerk_34": "Lopen en/of fietsen naar school of werk",
    "LopenNaarSchoolOfWerk_35": "Lopen naar school of werk",
    "FietsenNaarSchoolOfWerk_36": "Fietsen naar school of werk",
    "NietSpecifiekeKlachten_37": "Niet-specifieke klachten",
}

AREA_CODE_PATTERN = r"^(BU\d{8}|WK\d{6}|GM\d{4}|NL01)$"
_AREA_PREFIX_LEVEL = vocabulary.AREA_LEVEL_BY_PREFIX

# --------------------------------------------------------------------------- shared columns

FIRST_DATE = date(config.PROGRAMME_YEARS[0], 1, 1)
LAST_DATE = date(config.PROGRAMME_YEARS[1], 12, 31)
_PROGRAMME_DATES = {"min": FIRST_DATE, "max": LAST_DATE}
_PROGRAMME_YEARS = {"min": config.PROGRAMME_YEARS[0], "max": config.PROGRAMME_YEARS[1]}

_CASE_ID_ALIASES = ("casus_id", "casusnummer", "casusnr", "casus", "case", "dossiernummer")


def _case_id(meaning: str = "Pseudoniem van de casus (geen BSN of naam)") -> Col:
    return Col("case_id", pl.String, meaning, aliases=_CASE_ID_ALIASES)


def _precondition(name: str, label: str) -> Col:
    return Col(
        f"precondition_{name}", pl.Boolean,
        f"De oplossing begon bij de randvoorwaarde {label}", unit="ja/nee",
        aliases=(f"randvoorwaarde_{name}", name, f"rv_{name}"),
    )


def _unique_rule(columns: tuple[str, ...]) -> RowRule:
    return RowRule(
        "uniek",
        f"dubbele rij: de combinatie ({', '.join(columns)}) komt vaker voor",
        columns[0],
        lambda: ~pl.struct(columns).is_duplicated(),
    )


# --------------------------------------------------------------------------- the contracts

CASES = Contract(
    "cases", "Casussen (micro-analyses)",
    "Eén rij per casus die in het multidisciplinair overleg (MDO) is besproken.",
    (
        _case_id(),
        Col("mdo_date", pl.Date, "Datum van het MDO", aliases=("mdo_datum", "datum_mdo"),
            **_PROGRAMME_DATES),
        Col("mdo_year", pl.Int64, "Jaar van het MDO (gelijk aan het jaar van mdo_date)",
            unit="jaar", aliases=("mdo_jaar", "jaar_mdo", "jaar"), **_PROGRAMME_YEARS),
        Col("solution_start_date", pl.Date, "Startdatum van de oplossing (op of na het MDO)",
            required=False, **_PROGRAMME_DATES,
            aliases=("startdatum_oplossing", "start_oplossing", "datum_start_oplossing")),
        _precondition("wonen", "wonen"),
        _precondition("financien", "financiën"),
        _precondition("relaties", "relaties"),
        _precondition("dagbesteding", "dagbesteding"),
        Col("in_random_sample", pl.Boolean, "Casus hoort bij de aselecte steekproef",
            unit="ja/nee", aliases=("steekproef", "in_steekproef", "aselecte_steekproef")),
        Col("cost_analysis_date", pl.Date,
            "Datum van de kostenanalyse (leeg: nog geen kostenanalyse)", required=False,
            **_PROGRAMME_DATES,
            aliases=("datum_kostenanalyse", "kostenanalyse_datum", "kostenanalyse")),
    ),
    unique=(("case_id",),),
    row_rules=(
        RowRule("mdo_jaar", "mdo_year is niet het jaar van mdo_date", "mdo_year",
                lambda: pl.col("mdo_year") == pl.col("mdo_date").dt.year()),
        RowRule("startdatum_voor_mdo", "solution_start_date ligt vóór mdo_date",
                "solution_start_date",
                lambda: pl.col("solution_start_date") >= pl.col("mdo_date")),
        RowRule("randvoorwaarde", "geen enkele randvoorwaarde is 'ja' (minstens één nodig)",
                "precondition_wonen",
                lambda: pl.any_horizontal(pl.col("^precondition_.*$").fill_null(False))),
    ),
)

WELLBEING = Contract(
    "wellbeing", "Welbevinden (rapportcijfer)",
    "Eén rij per casus en meetmoment: voormeting, nameting (~6 weken) en herhaalmeting "
    "(6-12 maanden).",
    (
        _case_id(),
        Col("moment", pl.String, "Meetmoment", aliases=("meetmoment", "meting"),
            **_categories(MOMENTS, MOMENT_ALIASES)),
        Col("measured_on", pl.Date, "Datum van de meting", **_PROGRAMME_DATES,
            aliases=("meetdatum", "datum", "gemeten_op", "datum_meting")),
        Col("score", pl.Float64, "Rapportcijfer welbevinden", unit="cijfer 1-10", min=1, max=10,
            aliases=("cijfer", "rapportcijfer", "welbevinden", "score_welbevinden")),
    ),
    unique=(("case_id", "moment"),),
)

COST_LINES = Contract(
    "cost_lines", "Kostenregels (micro-analyses)",
    "Eén rij per casus, scenario en prijslijst-item, met de hoeveelheid.",
    (
        _case_id(),
        Col("scenario", pl.String, "Scenario van de kostenberekening",
            **_categories(SCENARIOS, SCENARIO_ALIASES)),
        Col("item_code", pl.String, "Code van het item in de maatschappelijke prijslijst",
            aliases=("itemcode", "code", "prijsitem", "code_prijslijst", "item")),
        Col("quantity", pl.Float64,
            "Aantal eenheden van het item per jaar (bij oplossing_eenmalig: eenmalig)",
            unit="eenheden van het item", min=0, aliases=("aantal", "hoeveelheid")),
    ),
    unique=(("case_id", "scenario", "item_code"),),
)

PRICE_LIST = Contract(
    "price_list", "Maatschappelijke prijslijst",
    "Eén rij per item met de prijs per eenheid in euro van het prijsjaar.",
    (
        Col("item_code", pl.String, "Unieke code van het item",
            aliases=("itemcode", "code", "prijsitem")),
        Col("description", pl.String, "Omschrijving", aliases=("omschrijving", "beschrijving")),
        Col("unit", pl.String, "Eenheid waarin het item geteld wordt", aliases=("eenheid",)),
        Col("unit_price_eur", pl.Float64, "Prijs per eenheid", unit="euro (prijsjaar)", min=0,
            aliases=("prijs", "eenheidsprijs", "prijs_per_eenheid", "prijs_eur", "kostprijs")),
        Col("price_year", pl.Int64, "Prijsjaar (prijspeil) van de prijs", unit="jaar",
            min=2000, max=2100, aliases=("prijsjaar", "prijspeil")),
        Col("domain", pl.String, "Domein", aliases=("domein",), **_categories(PRICE_DOMAINS)),
        Col("payer", pl.String, "Wie betaalt", aliases=("betaler", "financier"),
            **_categories(PAYERS)),
        Col("source", pl.String, "Herkomst van de prijs", aliases=("bron",),
            **_categories(PRICE_SOURCES)),
    ),
    unique=(("item_code",),),
)

CPI = Contract(
    "cpi", "Consumentenprijsindex (CBS)",
    "Jaarcijfer van de CBS-consumentenprijsindex (2015 = 100), voor indexatie naar het prijsjaar.",
    (
        Col("year", pl.Int64, "Jaar", unit="jaar", min=1900, max=2100, aliases=("jaar",)),
        Col("cpi", pl.Float64, "Consumentenprijsindex", unit="index, 2015 = 100",
            aliases=("index", "consumentenprijsindex", "cpi_2015_100")),
    ),
    unique=(("year",),),
    row_rules=(RowRule("bereik", "cpi moet groter dan 0 zijn", "cpi", lambda: pl.col("cpi") > 0),),
)

POSITIVE_HEALTH = Contract(
    "positive_health", "Positieve Gezondheid (spinnenweb)",
    "Eén rij per respondent, afnamedatum en vraag (item) met het antwoord 0-10, gegroepeerd in "
    "de zes domeinen. Een bestand op domeinniveau mag ook: zonder kolom item, of met één "
    "kolom per domein (Lichaamsfuncties, Mentaal welbevinden, ...) die de lader omzet in rijen.",
    (
        Col("respondent_id", pl.String, "Pseudoniem van de respondent",
            aliases=("respondent", "respondentnummer", "deelnemer", "deelnemer_id")),
        Col("wave_date", pl.Date, "Datum van afname", **_PROGRAMME_DATES,
            aliases=("datum", "afnamedatum", "meetdatum", "golfdatum", "peildatum")),
        Col("domain", pl.String, "Domein van het spinnenweb", aliases=("domein", "dimensie"),
            **_categories(PH_DOMAINS)),
        Col("item", pl.String, "Vraag binnen het domein (leeg in een bestand op domeinniveau)",
            required=False, aliases=("vraag", "aspect")),
        Col("score", pl.Float64, "Antwoord of domeinscore", unit="0-10", min=0, max=10,
            aliases=("antwoord", "waarde", "cijfer")),
    ),
    unique=(("respondent_id", "wave_date", "domain", "item"),),
)

GGD_INDICATORS = Contract(
    "ggd_indicators", "GGD-gezondheidsindicatoren per wijk en buurt",
    "Eén rij per gebied, jaar, leeftijdsgroep en indicator (RIVM/CBS 50120NED). Een "
    "StatLine-export van tabel 50120NED wordt herkend en omgezet.",
    (
        Col("area_code", pl.String, "CBS-gebiedscode (BU.., WK.., GM.., NL01)",
            pattern=AREA_CODE_PATTERN,
            aliases=("regiocode", "gebiedscode", "wijkenenbuurten", "gebied")),
        Col("area_level", pl.String, "Gebiedsniveau",
            aliases=("niveau", "gebiedsniveau", "soort_regio", "soortregio"),
            **_categories(AREA_LEVELS, AREA_LEVEL_ALIASES)),
        Col("year", pl.Int64, "Jaar van de gezondheidsmonitor", unit="jaar", min=2000, max=2100,
            aliases=("jaar", "peiljaar")),
        Col("age_group", pl.String, "Leeftijdsgroep", aliases=("leeftijd", "leeftijdsgroep"),
            **_categories(AGE_GROUPS, AGE_ALIASES)),
        Col("indicator_code", pl.String, "Sleutel van de indicator in 50120NED",
            aliases=("indicator", "indicatorcode", "code")),
        Col("indicator_label", pl.String, "Nederlandse omschrijving van de indicator "
            "(ontbreekt de kolom, dan uit de veldenlijst van 50120NED)",
            aliases=("omschrijving", "indicator_omschrijving", "label")),
        Col("estimate_pct", pl.Float64, "Geschat percentage", unit="%", min=0, max=100,
            aliases=("percentage", "schatting", "waarde")),
        Col("ci_lower", pl.Float64, "Ondergrens 95%-betrouwbaarheidsinterval", unit="%",
            required=False, min=0, max=100, aliases=("ondergrens", "ondergrens_95")),
        Col("ci_upper", pl.Float64, "Bovengrens 95%-betrouwbaarheidsinterval", unit="%",
            required=False, min=0, max=100, aliases=("bovengrens", "bovengrens_95")),
    ),
    unique=(("area_code", "year", "age_group", "indicator_code"),),
    row_rules=(
        RowRule("betrouwbaarheidsinterval", "ci_lower is groter dan estimate_pct", "ci_lower",
                lambda: pl.col("ci_lower") <= pl.col("estimate_pct")),
        RowRule("betrouwbaarheidsinterval", "ci_upper is kleiner dan estimate_pct", "ci_upper",
                lambda: pl.col("ci_upper") >= pl.col("estimate_pct")),
        RowRule("gebiedsniveau", "area_level past niet bij de gebiedscode", "area_level",
                lambda: pl.col("area_code").str.slice(0, 2)
                .replace_strict(_AREA_PREFIX_LEVEL, default=None) == pl.col("area_level")),
    ),
)

WIJKBUDGET = Contract(
    "wijkbudget", "Wijkbudget",
    "Eén rij per jaar en begrotingspost: toegekend en besteed bedrag.",
    (
        Col("year", pl.Int64, "Jaar", unit="jaar", min=2000, max=2100, aliases=("jaar",)),
        Col("budget_line", pl.String, "Begrotingspost (bijv. Wmo, welzijn)",
            aliases=("post", "begrotingspost", "budgetpost", "onderdeel")),
        Col("allocated_eur", pl.Float64, "Toegekend budget", unit="euro", min=0,
            aliases=("toegekend", "begroot", "budget", "toegekend_eur")),
        Col("spent_eur", pl.Float64, "Besteed bedrag (leeg: nog niet bekend)", unit="euro",
            required=False, min=0, aliases=("besteed", "uitgegeven", "realisatie", "besteed_eur")),
    ),
    unique=(("year", "budget_line"),),
)

INHABITANTS = Contract(
    "inhabitants", "Inwoners per gebied",
    "Eén rij per gebied en jaar (CBS Kerncijfers wijken en buurten).",
    (
        Col("area_code", pl.String, "CBS-gebiedscode (BU.., WK.., GM.., NL01)",
            pattern=AREA_CODE_PATTERN, aliases=("regiocode", "gebiedscode", "wijkcode")),
        Col("year", pl.Int64, "Jaar", unit="jaar", min=1900, max=2100, aliases=("jaar",)),
        Col("inhabitants", pl.Int64, "Aantal inwoners", unit="personen", min=1,
            aliases=("inwoners", "aantal_inwoners")),
        Col("dwellings", pl.Int64, "Aantal woningen", unit="woningen", required=False, min=0,
            aliases=("woningen", "woningvoorraad")),
        Col("area_ha", pl.Float64, "Oppervlakte", unit="hectare", required=False, min=0,
            aliases=("oppervlakte", "oppervlakte_ha", "oppervlakte_totaal")),
    ),
    unique=(("area_code", "year"),),
)

VISITORS = Contract(
    "visitors", "Bezoekers Ons Huis van de Wijk",
    "Eén rij per week: aantal unieke bezoekers.",
    (
        Col("week_start", pl.Date, "Maandag waarop de week begint",
            aliases=("week", "begin_week", "weekstart", "maandag")),
        Col("unique_visitors", pl.Int64, "Aantal unieke bezoekers", unit="personen", min=0,
            aliases=("unieke_bezoekers", "bezoekers", "aantal_bezoekers")),
    ),
    unique=(("week_start",),),
    row_rules=(RowRule("maandag", "week_start is geen maandag", "week_start",
                       lambda: pl.col("week_start").dt.weekday() == 1),),
)

CONTRACTS: dict[str, Contract] = {
    c.key: c
    for c in (CASES, WELLBEING, COST_LINES, PRICE_LIST, CPI, POSITIVE_HEALTH, GGD_INDICATORS,
              WIJKBUDGET, INHABITANTS, VISITORS)
}
SOURCE_KEYS: tuple[str, ...] = tuple(CONTRACTS)

# --------------------------------------------------------------------------- pandera


def _range_check(col: Col) -> pa.Check:
    import_pandera()
    import pandera.polars as pa

    lo, hi = col.min, col.max

    def check(data: pa.PolarsData) -> pl.LazyFrame:
        expr = pl.col(data.key)
        ok = pl.lit(True)
        if lo is not None:
            ok = ok & (expr >= lo)
        if hi is not None:
            ok = ok & (expr <= hi)
        return data.lazyframe.select(ok)

    return pa.Check(check, name="bereik")


def _column_check(test: Callable[[pl.Expr], pl.Expr], name: str) -> pa.Check:
    """A vectorised column check whose failures carry ``name`` as the rule."""
    import_pandera()
    import pandera.polars as pa

    return pa.Check(lambda data: data.lazyframe.select(test(pl.col(data.key))), name=name)


def pandera_schema(contract: Contract, *, unique: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of a typed frame (canonical columns; the line column may be present).

    ``unique=False`` leaves out the uniqueness rules (:func:`validate_frame` checks those
    itself, faster on millions of rows).
    """
    import_pandera()
    import pandera.polars as pa

    columns = {}
    for c in contract.columns:
        checks = []
        if c.min is not None or c.max is not None:
            checks.append(_range_check(c))
        if c.allowed is not None:
            checks.append(_column_check(lambda e, v=list(c.allowed): e.is_in(v),
                                        "toegestane_waarden"))
        if c.pattern is not None:
            checks.append(_column_check(lambda e, p=c.pattern: e.str.contains(p), "patroon"))
        columns[c.name] = pa.Column(c.dtype, checks, nullable=not c.required)
    rules = [*map(_unique_rule, contract.unique), *contract.row_rules] if unique \
        else list(contract.row_rules)
    frame_checks = [
        pa.Check(lambda data, r=r: data.lazyframe.select(r.expr().fill_null(True)), name=str(i))
        for i, r in enumerate(rules)
    ]
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name=contract.key)


def bound_text(value: object) -> str:
    """A range bound or value as a Dutch reader writes it; dates as ``d-m-jjjj``."""
    if isinstance(value, date):
        return f"{value.day}-{value.month}-{value.year}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return bound_text(date.fromisoformat(value))
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def _column_message(col: Col, check: str, value: object) -> tuple[str, str]:
    """(rule, Dutch message) for a failed column check."""
    if check == "not_nullable":
        return "verplicht", "waarde ontbreekt (verplicht veld)"
    if check == "bereik":
        lo = "-∞" if col.min is None else bound_text(col.min)
        hi = "∞" if col.max is None else bound_text(col.max)
        bounds = f"{lo} t/m {hi}"
        return "bereik", f"waarde {bound_text(value)} ligt buiten het bereik {bounds}"
    if check == "toegestane_waarden":
        allowed = ", ".join(col.allowed or ())
        return "toegestane_waarden", f"onbekende waarde '{value}'; toegestaan: {allowed}"
    if check == "patroon":
        return "patroon", f"waarde '{value}' heeft niet de vorm {col.pattern}"
    return check, f"waarde '{value}' voldoet niet aan regel {check}"


def validate_frame(df: pl.DataFrame, contract: Contract, file: str) -> list[Problem]:
    """Every broken rule of one typed frame (with :data:`LINE`), as problems; never raises."""
    import_pandera()
    from pandera.errors import SchemaErrors

    problems = duplicate_problems(df, contract, file)
    schema = pandera_schema(contract, unique=False)
    try:
        schema.validate(df, lazy=True)
        return problems
    except SchemaErrors as exc:
        failures = exc.failure_cases
    rules = list(contract.row_rules)
    lines = df.get_column(LINE)
    for fc in failures.iter_rows(named=True):
        idx = fc["index"]
        row = int(lines[idx]) if idx is not None else None
        if fc["schema_context"] == "DataFrameSchema" and fc["check"].isdigit():
            r = rules[int(fc["check"])]
            problems.append(Problem(file, r.rule, r.message, row, r.column))
        elif fc["column"] in contract.names:
            rule, message = _column_message(contract.col(fc["column"]), fc["check"],
                                            fc["failure_case"])
            problems.append(Problem(file, rule, message, row, fc["column"]))
        else:  # a schema-level failure we did not foresee: still report, never swallow
            problems.append(Problem(file, str(fc["check"]), str(fc["failure_case"]), row,
                                    fc["column"]))
    return problems


def duplicate_problems(df: pl.DataFrame, contract: Contract, file: str) -> list[Problem]:
    """Rows that repeat the unique key of another row (every row of the repeat is reported,
    as :func:`_unique_rule` says). Rows whose key hashes collide with no other row's are
    unique for certain (found by sorting the hashes: faster than a hash table of ten million
    keys); the exact comparison runs only on the rest (none, usually)."""
    problems = []
    for columns in contract.unique:
        rule = _unique_rule(columns)
        hashes = df.select(pl.struct(columns).hash()).to_series()
        ordered = hashes.sort()
        repeated_hashes = ordered.filter(ordered == ordered.shift(1))
        if repeated_hashes.len() == 0:
            continue
        maybe = df.filter(hashes.is_in(repeated_hashes.implode()))
        repeated = maybe.filter(pl.struct(columns).is_duplicated()).get_column(LINE)
        problems += [Problem(file, rule.rule, rule.message, int(line), rule.column)
                     for line in repeated]
    return problems


# --------------------------------------------------------------------------- cross-table rules


def _rows_not_in(child: pl.DataFrame, parent: pl.DataFrame, key: str,
                 values: pl.Series | None = None) -> pl.DataFrame:
    """(key, line) of the rows of ``child`` whose key is not in ``parent``.

    ``values``: the distinct keys of ``child`` (or more), when the reader has them. When
    every one of them is in ``parent``, no row can be missing, and the rows (ten million
    cost lines against a million cases) are not probed one by one.
    """
    parents = parent.lazy().select(key).unique()
    if values is not None:
        missing = (values.alias(key).drop_nulls().to_frame().lazy()
                   .join(parents, on=key, how="anti").collect())
        if missing.height == 0:
            return child.select(key, LINE).clear()
    return (child.lazy().select(key, LINE).filter(pl.col(key).is_not_null())
            .join(parents, on=key, how="anti").collect())


def _order_problems(wellbeing: pl.DataFrame, file: str) -> list[Problem]:
    wide = wellbeing.pivot(on="moment", index="case_id", values=["measured_on", LINE],
                           aggregate_function="first")
    problems = []
    for earlier, later in (("voormeting", "nameting"), ("nameting", "herhaalmeting")):
        d_early, d_late = f"measured_on_{earlier}", f"measured_on_{later}"
        if d_early not in wide.columns or d_late not in wide.columns:
            continue
        bad = wide.filter(pl.col(d_late) < pl.col(d_early)).sort(f"{LINE}_{later}")
        for r in bad.iter_rows(named=True):
            problems.append(Problem(
                file, "volgorde_metingen",
                f"{later} van casus {r['case_id']} ({r[d_late]}) ligt vóór de {earlier} "
                f"({r[d_early]})", r[f"{LINE}_{later}"], "measured_on"))
    return problems


def _known(known: Mapping[str, Mapping[str, pl.Series]] | None, key: str, column: str
           ) -> pl.Series | None:
    return None if known is None else known.get(key, {}).get(column)


def cross_table_problems(frames: dict[str, pl.DataFrame], files: dict[str, str], *,
                         known: Mapping[str, Mapping[str, pl.Series]] | None = None
                         ) -> list[Problem]:
    """Rules between sources: unknown cases and price items, order of measurements,
    measurements before the MDO.

    ``known``: per source and column, the column's distinct values (or more) where the
    reader has them, so that the unknown cases and items are looked for among those first.

    ``frames`` are typed frames with :data:`LINE` (a file with type errors comes with every
    row, the value that did not parse empty); a source missing from ``frames`` (absent,
    unreadable, a wrong header or identifiers) skips the rules that need it.
    """
    problems: list[Problem] = []
    if "cases" in frames:
        for key in ("wellbeing", "cost_lines"):
            if key in frames:
                unknown = _rows_not_in(frames[key], frames["cases"], "case_id",
                                       _known(known, key, "case_id"))
                for r in unknown.iter_rows(named=True):
                    problems.append(Problem(
                        files[key], "onbekende_casus",
                        f"casus '{r['case_id']}' staat niet in {files['cases']}",
                        r[LINE], "case_id"))
    if "cost_lines" in frames and "price_list" in frames:
        unknown = _rows_not_in(frames["cost_lines"], frames["price_list"], "item_code",
                               _known(known, "cost_lines", "item_code"))
        for r in unknown.iter_rows(named=True):
            problems.append(Problem(
                files["cost_lines"], "onbekend_prijsitem",
                f"item '{r['item_code']}' staat niet in de prijslijst ({files['price_list']})",
                r[LINE], "item_code"))
    if "wellbeing" in frames:
        problems += _order_problems(frames["wellbeing"], files["wellbeing"])
    if "wellbeing" in frames and "cases" in frames:
        problems += _before_mdo_problems(frames["wellbeing"], frames["cases"],
                                         files["wellbeing"], files["cases"])
    return problems


# A voormeting is taken at the intake, which may precede the MDO by a few weeks; every other
# measurement comes after the MDO. The demo data put the voormeting 0-7 days before it.
VOORMETING_BEFORE_MDO_DAYS = 31


def _before_mdo_problems(wellbeing: pl.DataFrame, cases: pl.DataFrame, file: str,
                         cases_file: str) -> list[Problem]:
    """Measurements dated before their case's MDO (a voormeting: more than a month before)."""
    mdo = (cases.select("case_id", "mdo_date").filter(pl.col("mdo_date").is_not_null())
           .unique("case_id", keep="first"))
    joined = wellbeing.join(mdo, on="case_id", how="inner")
    earliest = (pl.when(pl.col("moment") == "voormeting")
                .then(pl.col("mdo_date") - pl.duration(days=VOORMETING_BEFORE_MDO_DAYS))
                .otherwise(pl.col("mdo_date")))
    bad = joined.filter(pl.col("measured_on") < earliest).sort(LINE)
    problems = []
    for r in bad.iter_rows(named=True):
        allowed = (f"; een voormeting mag hooguit {VOORMETING_BEFORE_MDO_DAYS} dagen vóór het "
                   "MDO liggen" if r["moment"] == "voormeting" else "")
        problems.append(Problem(
            file, "meting_voor_mdo",
            f"{r['moment']} van casus {r['case_id']} ({r['measured_on']}) ligt vóór het MDO "
            f"({r['mdo_date']}, {cases_file}){allowed}", r[LINE], "measured_on"))
    return problems


# --------------------------------------------------------------------------- documentation

_TYPE_NL = {pl.String: "tekst", pl.Date: "datum", pl.Int64: "geheel getal",
            pl.Float64: "getal", pl.Boolean: "ja/nee"}


def _allowed_text(c: Col) -> str:
    parts = []
    if c.allowed:
        parts.append(" / ".join(f"`{v}`" for v in c.allowed))
    if c.min is not None or c.max is not None:
        lo = "" if c.min is None else bound_text(c.min)
        hi = "" if c.max is None else bound_text(c.max)
        parts.append(f">= {lo}" if not hi else (f"<= {hi}" if not lo else f"{lo} t/m {hi}"))
    if c.pattern:
        parts.append(f"patroon `{c.pattern}`".replace("|", "\\|"))  # a pipe ends a cell
    return "; ".join(parts)


def markdown_table(contract: Contract) -> str:
    """The Markdown table of one contract, as in ``docs/data.md``."""
    lines = [
        "| kolom | type | eenheid | toegestane waarden | verplicht | betekenis | ook als kop |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in contract.columns:
        aliases = ", ".join(f"`{a}`" for a in c.aliases)
        lines.append(
            f"| `{c.name}` | {_TYPE_NL[c.dtype]} | {c.unit} | {_allowed_text(c)} | "
            f"{'ja' if c.required else 'nee'} | {c.meaning} | {aliases} |")
    rules = [f"`uniek`: ({', '.join(u)}) komt maar één keer voor" for u in contract.unique]
    rules += [f"`{r.rule}`: melding \"{r.message}\"" for r in contract.row_rules]
    if rules:
        lines.append("")
        lines.append("Regels over meer kolommen: " + "; ".join(rules) + ".")
    return "\n".join(lines)


def markdown_tables() -> str:
    """All contract tables, in source-key order, as generated into ``docs/data.md``."""
    parts = []
    for c in CONTRACTS.values():
        parts.append(f"### `{c.key}`: {c.title}\n\n{c.description}\n\n{markdown_table(c)}\n")
    return "\n".join(parts)


def value_alias_tables() -> str:
    """Markdown list of accepted input variants of category values."""
    lines = []
    for contract in CONTRACTS.values():
        for c in contract.columns:
            if c.value_aliases:
                pairs = ", ".join(f"`{k}` → `{v}`" for k, v in c.value_aliases.items())
                lines.append(f"- `{contract.key}.{c.name}`: {pairs}")
    return "\n".join(lines)
