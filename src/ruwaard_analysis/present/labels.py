"""Every Dutch word the report, its tables and its charts show: the one place to change text.

Category values of the canonical tables (``docs/architecture.md``) map to display labels in
groups (``MOMENTS``, ``SCENARIOS``, ...). Each group dict is ordered: its order is the order
in charts and tables (e.g. the six Positive Health domains in the questionnaire's order).

Look a label up with ``label("group.value")``, e.g. ``label("moment.voormeting")``, or take a
whole group with ``labels_of("moment")``. An unknown key raises ``KeyError`` naming the known
keys, so a new category value in the data is noticed instead of printed raw.

Texts with ``{placeholders}`` are templates for ``str.format``; numbers put into them must
first go through ``present.fmt`` (Dutch separators, suppression).
"""

from __future__ import annotations

import re
from typing import Any

from .. import catalogue

# --- shown instead of a value -------------------------------------------------------------

MISSING = "–"  # en dash: value unknown / not applicable; never "nan" or "None"
SUPPRESSED = "<{min_cell_size}"  # count below the minimum cell size, e.g. "<5"
PERCENTAGE_POINT = "procentpunt"  # the unit of a change in a percentage: "+5 procentpunt"
RANGE = "{low} tot {high}"  # an interval: "4,1 tot 5,8"
CI = "{level}-BI {range}"  # a confidence interval: "95%-BI 4,1 tot 5,8"
DAYS = "{n} dagen"  # a number of days: "31 dagen"
DAY = "{n} dag"  # one day: "1 dag", "+1 dag"
# a group's size after its value, unbreakable (no "(n =" at a line's end): "5,2 (n = 7)"
GROUP_SIZE = "(n\u00a0=\u00a0{n})"
LIST_LAST = "{rest} en {last}"  # end of an enumeration: "Wijk Ruwaard, Gemeente Oss en Nederland"

# --- category values of the canonical tables (docs/architecture.md) -------------------------

MOMENTS = {
    "voormeting": "Voormeting",
    "nameting": "Nameting (±6 weken)",
    "herhaalmeting": "Herhaalmeting (6-12 maanden)",
}

SCENARIOS = {
    "huidig": "Huidige situatie (per jaar)",
    "zonder_oplossing": "Zonder oplossing (per jaar)",
    "oplossing_eenmalig": "Oplossing (eenmalig)",
    "na_oplossing": "Na de oplossing (per jaar)",
}

# Rows of costs.costs_per_scenario (column ``measure``): the scenarios, then the savings.
COST_MEASURES = {
    **SCENARIOS,
    "saving_vs_current": "Besparing t.o.v. huidige situatie (per jaar)",
    "saving_vs_nothing": "Besparing t.o.v. geen oplossing (per jaar)",
}

PAYERS = {
    "gemeente": "Gemeente",
    "zorgverzekeraar": "Zorgverzekeraar",
    "zorgkantoor": "Zorgkantoor (Wlz)",
    "rijk": "Rijk",
    "woningcorporatie": "Woningcorporatie",
    "politie_justitie": "Politie en justitie",
    "uwv": "UWV",
    "onderwijs": "Onderwijs",
}

COST_DOMAINS = {
    "zorg": "Zorg",
    "ggz": "Geestelijke gezondheidszorg (ggz)",
    "welzijn": "Welzijn",
    "wonen": "Wonen",
    "werk_en_inkomen": "Werk en inkomen",
    "veiligheid": "Veiligheid",
    "onderwijs": "Onderwijs",
    "jeugd": "Jeugd",
}

PRICE_SOURCES = {
    "kostenhandleiding_2024": "Kostenhandleiding 2024 (Zorginstituut Nederland)",
    "schatting": "Schatting van de onderzoekers",
}

# Fixed order of the Positive Health questionnaire (spinnenweb), clockwise from the top.
HEALTH_DOMAINS = {
    "lichaamsfuncties": "Lichaamsfuncties",
    "mentaal_welbevinden": "Mentaal welbevinden",
    "zingeving": "Zingeving",
    "kwaliteit_van_leven": "Kwaliteit van leven",
    "meedoen": "Meedoen",
    "dagelijks_functioneren": "Dagelijks functioneren",
}

AREA_LEVELS = {
    "buurt": "Buurt",
    "wijk": "Wijk Ruwaard",
    "gemeente": "Gemeente Oss",
    "nederland": "Nederland",
}

AGE_GROUPS = {
    "18+": "18 jaar en ouder",
    "18-64": "18 tot 65 jaar",
    "65+": "65 jaar en ouder",
}

PRECONDITIONS = {
    "precondition_wonen": "Wonen",
    "precondition_financien": "Financiën",
    "precondition_relaties": "Relaties",
    "precondition_dagbesteding": "Dagbesteding",
}

# Werkende principes (principles.py): the preconditions by their short key, the groups of
# cases, the pooled combinations and the measures compared with and without a housing start.
PRECONDITION_NAMES = {
    "wonen": "Wonen",
    "financien": "Financiën",
    "relaties": "Relaties",
    "dagbesteding": "Dagbesteding",
    "overige": "Overige combinaties",
}
CASE_SCOPES = {
    "alle": "Alle casussen",
    "steekproef": "Steekproef (micro-analyses)",
}
HOUSING_MEASURES = {
    "welbevinden_verandering": "Verandering in welbevinden (punten, nameting min voormeting)",
    "besparing_per_jaar": "Besparing per casus per jaar (€)",
}

# --- key figures, area profile, analyses (keys used by publish.py and data_quality.py) ------

# The Dutch label of every key figure is in the output catalogue (one record per output).
KEY_FIGURES = {o.id: o.label for o in catalogue.KEY_FIGURES}

# CBS area figures (publish.PROFILE_INDICATORS).
PROFILE = {
    "inhabitants": "Inwoners",
    "dwellings": "Woningen",
    "population_density_km2": "Bevolkingsdichtheid (inwoners per km²)",
    "area_total_ha": "Oppervlakte (ha)",
    "men": "Mannen",
    "women": "Vrouwen",
}

# What each n of the Verantwoording counts (data_quality.n_per_analysis).
ANALYSES = {
    "casussen_totaal": "Casussen besproken",
    "casussen_steekproef": "Casussen in de steekproef",
    "welbevinden_voormeting_nameting": "Welbevinden: voormeting en nameting",
    "welbevinden_nameting_herhaalmeting": "Welbevinden: nameting en herhaalmeting",
    "kostenanalyses": "Kostenanalyses",
    "positieve_gezondheid_respondenten": "Positieve Gezondheid: respondenten",
    "positieve_gezondheid_nulmeting": "Positieve Gezondheid: eerste meting",
    "bezoekers_weken": "Bezoekersaantallen",
}
ANALYSIS_UNITS = {
    "casussen_totaal": "casussen",
    "casussen_steekproef": "casussen",
    "welbevinden_voormeting_nameting": "casussen met beide metingen",
    "welbevinden_nameting_herhaalmeting": "casussen met beide metingen",
    "kostenanalyses": "casussen",
    "positieve_gezondheid_respondenten": "respondenten",
    "positieve_gezondheid_nulmeting": "respondenten",
    "bezoekers_weken": "weken",
}

# --- statistics, table headers, axis titles ------------------------------------------------

STATISTICS = {
    "n": "Aantal (n)",
    "mean": "Gemiddelde",
    "median": "Mediaan",
    "sd": "Standaardafwijking",
    "difference": "Verschil",
    "ci": "95%-betrouwbaarheidsinterval",
    "ci_short": "95%-BI",
    "p": "p-waarde",
    "effect_size": "Effectgrootte",
    "d_z": "dz",
    "g_av": "gav",
    "estimate": "Schatting",
}

HEADERS = {
    "key_figure": "Kerncijfer",
    "value": "Waarde",
    "ci": "95%-BI",
    "n": "n",
    "mean_from": "Gemiddelde ervoor",
    "mean_to": "Gemiddelde erna",
    "difference_ci": "Verschil (95%-BI)",
    "d_z": "Effectgrootte dz",
    "g_av": "Effectgrootte gav",
    "d_z_ci": "Effectgrootte dz (95%-BI)",
    "g_av_ci": "Effectgrootte gav (95%-BI)",
    "p_t": "p (gepaarde t-toets)",
    "n_pairs": "n (casussen met beide metingen)",
    "statistic": "Maat",
    "scenario": "Scenario",
    "mean_eur": "Gemiddeld per casus",
    "total_eur": "Totaal",
    "domain": "Domein",
    "analysis": "Analyse",
    "unit": "Eenheid",
    "p_wilcoxon": "p (Wilcoxon)",
    "share_improved": "Aandeel verbeterd",
    "change": "Verschil {new} t.o.v. {old}",
    "precondition": "Randvoorwaarde",
    "combination": "Combinatie van randvoorwaarden",
    "cases": "Casussen",
    "share_ci": "Aandeel (95%-BI)",
    "share_of_cases": "Aandeel van alle casussen",
    "measure": "Maat",
    "with_housing": "Met woonstart",
    "without_housing": "Zonder woonstart",
    "period": "Periode",
    "cases_discussed": "Casussen besproken",
    "cumulative": "Totaal sinds de start",
    "started": "Gestart",
    "not_started": "Nog niet gestart (gecensureerd)",
    "within_six_weeks": "Binnen zes weken gestart (95%-BI)",
    "median_days": "Mediaan in dagen (95%-BI)",
}

# Words of the report's interface (the report layer), e.g. word("niet_beschikbaar").
WORDS = {
    "niet_beschikbaar": "Niet beschikbaar voor dit jaar",
    "tekst_ontbreekt": "Tekst ontbreekt",
    "kerncijfer_ontbreekt": "kerncijfer ontbreekt",
    "onderdrukt_tekst": "niet gepubliceerd (minder dan {min_cell_size} waarnemingen)",
    "meetresultaten_over": "Meetresultaten over",
    "metingen_tot": "metingen tot en met",
    "budget": "Budget",
    "besteed": "Besteed",
    "inwoners": "Inwoners",
    "budget_per_inwoner": "Budget per inwoner",
    "besteed_per_inwoner": "Besteed per inwoner",
    "maand": "Maand",
    "weken": "Weken",
    "bestand": "Invoerbestand",
    "controlegetal": "Controlegetal (sha256)",
    "tabel_schuifbaar": "Tabel (schuift opzij op een smal scherm)",
    "parameters": "Parameters",
    "notebook_parameters": "Aannames in de notebooks (parameters)",
    "versies": "Versies van de gebruikte software",
    "commit": "Versie van de code (git-commit)",
    "notebooks": "Uitgevoerde notebooks",
    "onbekend": "onbekend",
    "bibliotheek": "Controlegetal van de analysecode (sha256)",
    "door_de_jaren_uitleg": (
        "De kerncijfers van {years} naast elkaar, elk gelezen uit de gepubliceerde resultaten "
        "van dat jaar. Cijfers over casussen tellen op sinds de start in {start}; de laatste kolom "
        "is het verschil met het jaar ervoor."
    ),
    "dia_casussen": "**{n}** casussen besproken in het multidisciplinair overleg, "
                    "**{steekproef}** in de steekproef",
    "dia_welbevinden": "Ervaren welbevinden van **{voor}** voor naar **{na}** na de oplossing",
    "dia_besparing": "Gemiddelde besparing **{bedrag}** per casus per jaar ({n} kostenanalyses)",
    "dia_herkomst": (
        "Alle cijfers komen uit de resultaten van {year}: {n} invoerbestanden, code-versie "
        "`{commit}`; dezelfde cijfers als in de leergeschiedenis."
    ),
    "dia_controle": "Zelf nagaan: `ruwaard controleer --year {year}` rekent alles opnieuw uit "
                    "en vergelijkt elk bestand.",
    "door_de_jaren_geen": (
        "Er zijn nog geen resultaten van een jaar voor {year}: de vergelijking door de jaren "
        "begint in het volgende rapport."
    ),
    "niet_bereikt": "niet bereikt",
    "alle_jaren": "{first} t/m {year}",
}

AXES = {
    "moment": "Meetmoment",
    "wellbeing_score": "Ervaren welbevinden (1-10)",
    "scenario": "Scenario",
    "payer": "Betaler",
    "costs_eur": "Bedrag per casus (€)",
    "balance_eur": "Bedrag (€)",
    "flow": "Geldstroom",
    "wave": "Meting",
    "area": "Gebied",
    "indicator": "Indicator",
    "percentage": "Percentage (%)",
    "year": "Jaar",
    "week": "Week",
    "visitors": "Unieke bezoekers per week",
    "budget_per_inhabitant": "Budget per inwoner (€)",
    "budget_line": "Budgetpost",
    "days_after_mdo": "Dagen na het MDO",
    "started_share": "Aandeel casussen met gestarte oplossing",
    "cases_per_period": "Casussen besproken per periode",
    "cases_cumulative": "Casussen sinds de start (totaal)",
    "month": "Maand",
    "precondition_share": "Aandeel casussen (%)",
}

FLOWS = {
    "investment": "Investering (eenmalig)",
    "gain": "Besparing (per jaar)",
}

COST_KINDS = {
    "cost": "Kosten",
    "saving": "Besparing",
}

BUDGET_MEASURES = {
    "allocated_per_inhabitant": "Toegekend",
    "spent_per_inhabitant": "Besteed",
}

TITLES = {
    "wellbeing_distribution": "Welbevinden voor en na de oplossing",
    "wellbeing_trajectory": "Gemiddeld welbevinden per meetmoment",
    "costs_per_scenario": "Kosten per scenario",
    "costs_per_payer": "Wie investeert, wie bespaart",
    "positive_health_radar": "Positieve Gezondheid (spinnenweb)",
    "ggd_comparison": "Gezondheid in de wijk vergeleken",
    "ggd_trend": "Gezondheid door de jaren heen",
    "visitors": "Bezoekers per week",
    "budget": "Wijkbudget per inwoner",
    "key_figures": "Kerncijfers",
    "effects": "Verandering in welbevinden",
    "costs": "Kosten per scenario",
    "over_years": "Kerncijfers door de jaren",
    "six_weeks": "Start van de oplossing na het MDO",
    "growth": "Groei van de Samenwerkwijze",
    "preconditions": "Randvoorwaarden bij de start van de oplossing",
    "combinations": "Combinaties van randvoorwaarden",
    "housing_difference": "Met en zonder woonstart",
}

# Alt texts (chart ``description``): templates filled with already formatted values.
ALT_TEXTS = {
    "wellbeing_distribution": (
        "Ervaren welbevinden (1-10) per meetmoment: de middelste helft van de casussen (25e tot "
        "75e percentiel) als balk, de mediaan als streep en het gemiddelde met het "
        "95%-betrouwbaarheidsinterval als dikke lijn; geen afzonderlijke casussen. {summary}."
    ),
    "wellbeing_distribution_moment": "{moment}: gemiddeld {mean}, middelste helft {low} tot {high}",
    "wellbeing_trajectory": (
        "Gemiddeld ervaren welbevinden (1-10) met 95%-betrouwbaarheidsinterval op {n_moments} "
        "meetmomenten: {summary}."
    ),
    "costs_per_scenario": (
        "Staafdiagram van de gemiddelde kosten per casus in euro per scenario{with_ci}: "
        "{summary}."
    ),
    "with_ci": ", met 95%-betrouwbaarheidsinterval",
    "costs_per_payer": (
        "Staafdiagram per betaler: links de eenmalige investering, rechts de besparing per "
        "jaar, in euro ({payers})."
    ),
    "positive_health_radar": (
        "Spinnenweb van Positieve Gezondheid: gemiddelde score (0-10) op zes dimensies "
        "({domains}) voor {waves}."
    ),
    "ggd_comparison": (
        "Puntdiagram van {n_indicators} indicatoren uit de GGD-gezondheidsmonitor in procenten, "
        "met betrouwbaarheidsinterval, voor {areas}."
    ),
    "ggd_trend": (
        "Lijndiagram van {n_indicators} indicatoren uit de GGD-gezondheidsmonitor per jaar "
        "({years}) in procenten, voor {areas}."
    ),
    "visitors": (
        "Lijndiagram van het aantal unieke bezoekers per week, van {first_week} tot en met "
        "{last_week}."
    ),
    "budget": (
        "Staafdiagram van het wijkbudget in euro per inwoner per jaar ({years}), toegekend en "
        "besteed."
    ),
    "over_years": (
        "Kleine lijndiagrammen van {n_figures} kerncijfers per rapportjaar ({years}), elk met "
        "een eigen schaal en de waarde bij elk punt."
    ),
    "six_weeks": (
        "Trapgrafiek (Kaplan-Meier) van het aandeel casussen met een gestarte oplossing naar "
        "het aantal dagen na het MDO, met 95%-betrouwbaarheidsband en een verticale lijn bij "
        "{horizon} dagen (zes weken). Binnen zes weken gestart: {share} ({ci}); {n} casussen."
    ),
    "growth": (
        "Staafdiagram van het aantal casussen besproken in het MDO per periode, van {first} "
        "tot en met {last}, met een lijn voor het totaal sinds de start ({total} casussen)."
    ),
    "preconditions": (
        "Staafdiagram van het aandeel casussen per randvoorwaarde waarbij de oplossing begon, "
        "met 95%-betrouwbaarheidsinterval: {summary}."
    ),
}

CAVEATS = {
    "interval_in_brackets": "Tussen haakjes het 95%-betrouwbaarheidsinterval.",
    "ggd_before_start": (
        "De laatste peiling ({year}) is van voor de start van de proeftuin ({start}): deze "
        "cijfers beschrijven de uitgangssituatie van de wijk, niet wat de proeftuin heeft bereikt."
    ),
    "ggd_baseline": (
        "De laatste peiling ({year}) viel in het jaar waarin de proeftuin begon ({start}): "
        "deze cijfers beschrijven vooral de uitgangssituatie van de wijk, nog niet wat de "
        "proeftuin heeft bereikt. Pas een latere peiling kan dat laten zien."
    ),
    "suppression": (
        "<{min_cell_size}: minder dan {min_cell_size} waarnemingen. Om te voorkomen dat "
        "uitkomsten tot personen te herleiden zijn, tonen we die niet."
    ),
    "suppressed_in_chart": "Niet getoond (n <{min_cell_size}): {groups}",
    "min_cell_size_used": (
        "Minimale celgrootte: {min_cell_size}. Over groepen van minder dan {min_cell_size} "
        "personen publiceren we geen cijfers. De waarde is gekozen bij het draaien van de "
        "analyse (`ruwaard run --min-cell-size {min_cell_size}`; nooit lager dan {floor})."
    ),
    "ggd_small_area": (
        "De cijfers voor wijk en buurt zijn modelschattingen (kleine-gebiedsschattingen) van het "
        "RIVM op basis van de Gezondheidsmonitor van GGD'en, CBS en RIVM. Voor kleine gebieden "
        "zijn ze onzeker; kijk naar het betrouwbaarheidsinterval, niet alleen naar het getal."
    ),
    "regression_to_the_mean": (
        "Mensen komen bij de proeftuin op een moment dat het slecht met ze gaat. Ook zonder "
        "hulp gaat het daarna vaak iets beter, gewoon omdat een slecht moment voorbijgaat "
        "('regressie naar het gemiddelde'). Een deel van de vooruitgang tussen voor- en "
        "nameting kan daardoor komen, en niet door de oplossing."
    ),
    "no_control_group": (
        "Er is geen controlegroep: we weten niet hoe het deze mensen zonder de proeftuin "
        "was vergaan."
    ),
    "price_year": "Bedragen in euro's van {price_year} (geïndexeerd met de CPI van het CBS).",
    "shares_method": (
        "Aandeel met het exacte (Clopper-Pearson) 95%-betrouwbaarheidsinterval. Een oplossing "
        "kan bij meer randvoorwaarden tegelijk beginnen; de aandelen tellen daarom niet op "
        "tot 100%. Een aandeel staat er alleen als zowel de casussen met als zonder die "
        "randvoorwaarde er minstens {min_cell_size} zijn."
    ),
    "combinations_pooled": (
        "Combinaties met minder dan {min_cell_size} casussen zijn samengenomen onder "
        "'Overige combinaties'."
    ),
    "housing_descriptive": (
        "Beschrijvend, geen oorzaak en gevolg: de casussen met en zonder woonstart zijn niet "
        "door loting verdeeld en de groepen zijn klein. Verschil met het 95%-BI van de "
        "Welch-t-toets (ongelijke spreiding). Alleen berekend als beide groepen minstens "
        "{min_cell_size} casussen tellen."
    ),
    "six_weeks_method": (
        "Kaplan-Meier: een casus waarvan de oplossing op de peildatum ({cutoff}) nog niet "
        "gestart was, telt mee tot die datum (gecensureerd) en valt niet weg. Interval van "
        "het aandeel: log(-log)-transformatie van de Greenwood-standaardfout; van de mediaan: "
        "Brookmeyer-Crowley. De curve stopt waar nog minder dan {min_cell_size} casussen "
        "wachten."
    ),
    "months_pooled": (
        "Een maand met minder dan {min_cell_size} casussen is samengenomen met de maand(en) "
        "erna."
    ),
    "effects_method": (
        "Gepaard: alleen casussen met beide meetmomenten. Verschil met 95%-BI (t-verdeling); "
        "p: gepaarde t-toets; p (Wilcoxon): rangtekentoets zoals R's wilcox.test (exact zonder "
        "gelijke waarden, anders normale benadering met continuïteitscorrectie); dz: verschil "
        "gedeeld door de spreiding van de verschillen; gav: verschil gedeeld door de gemiddelde "
        "spreiding van beide momenten, met Hedges' correctie."
    ),
}

SOURCES = {
    "wellbeing": (
        "Bron: metingen van ervaren welbevinden, Proeftuin Ruwaard, bewerking onderzoekers."
    ),
    "costs": "Bron: kostenanalyses Proeftuin Ruwaard; prijzen uit de prijslijst van het project.",
    "ggd": "Bron: Gezondheidsmonitor Volwassenen en Ouderen (GGD'en, CBS en RIVM), StatLine.",
    "cbs": "Bron: CBS, Kerncijfers wijken en buurten.",
    "cbs_year": "Bron: CBS, Kerncijfers wijken en buurten {year}.",
    "key_figures": "Bron: Proeftuin Ruwaard, bewerking onderzoekers.",
    "cases": "Bron: casusregistratie Samenwerkwijze Proeftuin Ruwaard, bewerking onderzoekers.",
}

# --- lookup ----------------------------------------------------------------------------------

GROUPS: dict[str, dict[str, str]] = {
    "moment": MOMENTS,
    "scenario": SCENARIOS,
    "cost_measure": COST_MEASURES,
    "payer": PAYERS,
    "cost_domain": COST_DOMAINS,
    "price_source": PRICE_SOURCES,
    "health_domain": HEALTH_DOMAINS,
    "area_level": AREA_LEVELS,
    "age_group": AGE_GROUPS,
    "precondition": PRECONDITIONS,
    "precondition_name": PRECONDITION_NAMES,
    "case_scope": CASE_SCOPES,
    "housing_measure": HOUSING_MEASURES,
    "key_figure": KEY_FIGURES,
    "profile": PROFILE,
    "analysis": ANALYSES,
    "analysis_unit": ANALYSIS_UNITS,
    "word": WORDS,
    "stat": STATISTICS,
    "header": HEADERS,
    "axis": AXES,
    "flow": FLOWS,
    "budget_measure": BUDGET_MEASURES,
    "cost_kind": COST_KINDS,
    "title": TITLES,
    "alt": ALT_TEXTS,
    "caveat": CAVEATS,
    "source": SOURCES,
}


def labels_of(group: str) -> dict[str, str]:
    """The ordered ``{value: label}`` dict of one group, e.g. ``labels_of("moment")``."""
    try:
        return GROUPS[group]
    except KeyError:
        known = ", ".join(sorted(GROUPS))
        raise KeyError(f"Onbekende labelgroep {group!r}; bekende groepen: {known}") from None


def label(key: str) -> str:
    """The Dutch label of ``"group.value"``, e.g. ``label("moment.nameting")``.

    Raises ``KeyError`` naming the known keys of the group when the value has no label.
    """
    group, sep, value = key.partition(".")
    if not sep:
        raise KeyError(
            f"Labelsleutel {key!r} moet de vorm 'groep.waarde' hebben, bijv. 'moment.nameting'"
        )
    labels = labels_of(group)
    try:
        return labels[value]
    except KeyError:
        known = ", ".join(labels)
        raise KeyError(
            f"Geen label voor {value!r} in groep {group!r}; bekende waarden: {known}. "
            "Voeg het toe in present/labels.py."
        ) from None


def suppressed(min_cell_size: int) -> str:
    """What is shown instead of a count below the minimum cell size, e.g. ``"<5"``."""
    return SUPPRESSED.format(min_cell_size=min_cell_size)


def word(key: str) -> str:
    """A Dutch word: ``group.value`` keys as :func:`label`, plain keys from the ``word``
    group (``word("niet_beschikbaar")``).

    An unknown category value is shown readable (``scenario.zonder_oplossing`` -> ``Zonder
    oplossing``) rather than failing the whole report.
    """
    if "." in key:
        try:
            return label(key)
        except KeyError:
            return key.rpartition(".")[2].replace("_", " ").capitalize()
    return label(f"word.{key}")


_LABEL_KEY = re.compile(r"[a-z_]+\.[A-Za-z0-9_+\-]+")


def text_or_label(text: Any) -> str:
    """Dutch text as written, or the :func:`word` of a ``group.value`` key (results may carry
    either: ``key_figures.key_figure`` stores a label key); ``None`` is ``""``."""
    text = "" if text is None else str(text)
    return word(text) if _LABEL_KEY.fullmatch(text) else text
