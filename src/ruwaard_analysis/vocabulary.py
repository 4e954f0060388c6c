"""The project's vocabulary: the category values of the canonical tables and the units of
published numbers, each defined once and in display order.

Values are the Dutch domain terms used as identifiers (``docs/architecture.md``); their
Dutch labels for readers live in ``present.labels``. Everything else (contracts, loaders,
compute, publish, present, the report) imports them from here.
"""

from __future__ import annotations

# Wellbeing measurement moments, in time order.
MOMENTS = ("voormeting", "nameting", "herhaalmeting")

# Cost scenarios of a micro-analysis (EUR per year; ``oplossing_eenmalig`` once).
SCENARIOS = ("huidig", "zonder_oplossing", "oplossing_eenmalig", "na_oplossing")

PRICE_DOMAINS = (
    "zorg", "ggz", "welzijn", "wonen", "werk_en_inkomen", "veiligheid", "onderwijs", "jeugd",
)
PAYERS = (
    "gemeente", "zorgverzekeraar", "zorgkantoor", "rijk", "woningcorporatie",
    "politie_justitie", "uwv", "onderwijs",
)
PRICE_SOURCES = ("kostenhandleiding_2024", "schatting")

# The six domains of Positive Health, clockwise from the top of the spinnenweb.
HEALTH_DOMAINS = (
    "lichaamsfuncties", "mentaal_welbevinden", "zingeving", "kwaliteit_van_leven", "meedoen",
    "dagelijks_functioneren",
)

# Area levels of CBS / GGD codes, smallest first, and the code prefix of each.
AREA_LEVELS = ("buurt", "wijk", "gemeente", "nederland")
AREA_LEVEL_BY_PREFIX = {"BU": "buurt", "WK": "wijk", "GM": "gemeente", "NL": "nederland"}
# The levels the report compares side by side: the wijk beside Oss and Nederland.
COMPARED_AREA_LEVELS = ("wijk", "gemeente", "nederland")

AGE_GROUPS = ("18+", "18-64", "65+")

# Units of published numbers (key figures, table cells); ``present.fmt`` formats each.
UNITS = ("count", "score", "points", "eur", "eur_per_year", "months", "days", "share", "pct",
         "p")


def area_level(code: str) -> str | None:
    """The area level of a CBS / GGD area code (``WK082801`` -> ``wijk``), None if unknown."""
    return AREA_LEVEL_BY_PREFIX.get(str(code)[:2].upper())


def in_order(values, order: tuple[str, ...]) -> list[str]:
    """``values`` in the order of ``order``; values not in it after them, as they came."""
    rank = {v: i for i, v in enumerate(order)}
    return sorted(values, key=lambda v: rank.get(v, len(rank)))
