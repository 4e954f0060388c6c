"""The report's altair theme and the static export of charts (SVG, PNG, inline HTML).

* Colours: the Okabe-Ito palette (distinguishable with every common colour blindness).
* Numbers on axes: Dutch (decimal ",", thousands ".") through Vega-Lite's ``config.locale``,
  which both vl-convert (SVG/PNG) and vega-embed (HTML) honour; dates in Dutch month names.
* The theme is registered under ``THEME_NAME`` but not switched on globally: ``save_chart`` and
  ``chart_html`` apply it while they export, so a chart looks the same whatever a notebook did
  before. Call ``enable_theme()`` in a notebook to see the same style interactively.
* The conversions to SVG and PNG go through :mod:`.vega_export` (each spec rendered once, the
  PNG rasterised from the SVG, in a run by the run's one chart renderer).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert as vlc

from .vega_export import VL_LOCALE, svg_to_png, to_svg

THEME_NAME = "ruwaard"

# Okabe & Ito (2008), "Color Universal Design"; black left out (reserved for text and means).
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (use last: low contrast on white)
]
TEXT_COLOUR = "#222222"
INDIVIDUAL_COLOUR = "#b3b3b3"  # thin lines of single cases
GRID_COLOUR = "#e5e5e5"
# CSS font-family list; names with digits or spaces quoted, else resvg (PNG) drops all text.
FONT = (
    "'Source Sans 3', 'Source Sans Pro', 'Segoe UI', 'Helvetica Neue', Arial, 'DejaVu Sans', "
    "sans-serif"
)

WIDTH = 560
HEIGHT = 320
PNG_SCALE = 2.0  # PNG for the PDF report: twice the pixels for sharp print


@cache
def number_locale() -> dict:
    """d3-format locale of nl-NL: ``{"decimal": ",", "thousands": ".", ...}``."""
    return vlc.get_format_locale(VL_LOCALE)


@cache
def time_locale() -> dict:
    """d3-time-format locale of nl-NL (Dutch month and day names)."""
    return vlc.get_time_format_locale(VL_LOCALE)


def theme_config() -> alt.theme.ThemeConfig:
    """The theme as a Vega-Lite ``config`` dict."""
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 12,
        "titleFontSize": 13,
        "labelColor": TEXT_COLOUR,
        "titleColor": TEXT_COLOUR,
        "titleFontWeight": "normal",
        "gridColor": GRID_COLOUR,
        "domainColor": "#888888",
        "tickColor": "#888888",
        "labelLimit": 240,  # long Dutch category labels ("Herhaalmeting (6-12 maanden)")
    }
    return {
        "config": {
            "locale": {"number": number_locale(), "time": time_locale()},
            "font": FONT,
            "background": "white",
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "range": {"category": OKABE_ITO},
            "axis": axis,
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "labelLimit": 320,
            },
            "title": {
                "font": FONT,
                "fontSize": 16,
                "anchor": "start",
                "color": TEXT_COLOUR,
                "subtitleFont": FONT,
                "subtitleFontSize": 12,
                "subtitleColor": "#555555",
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12},
            "text": {"font": FONT, "fontSize": 11, "color": TEXT_COLOUR},
        }
    }


alt.theme.register(THEME_NAME, enable=False)(theme_config)


def enable_theme() -> None:
    """Switch the theme on for interactive use in a notebook."""
    alt.theme.enable(THEME_NAME)


RENDERER_NAME = "ruwaard-svg"


def _svg_renderer(spec: dict, **_: object) -> dict:
    """Altair renderer: the chart as static SVG (vl-convert, Dutch locale), no script, no CDN."""
    return {"image/svg+xml": to_svg(spec)}


def enable_notebook_output() -> None:
    """Charts in a notebook as themed static SVG with Dutch number formats.

    The executed notebooks are shared as HTML when Quarto is missing; altair's default
    renderer would load the Vega scripts from a CDN there and show nothing offline.
    """
    enable_theme()
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _svg_renderer)
    alt.renderers.enable(RENDERER_NAME)


def gated_chart_bundle(chart: alt.TopLevelMixin, spec: dict, include=None, exclude=None):
    """What a notebook shows for a chart that passed the publication gate: ``(data, metadata)``.

    With the notebook output of :func:`enable_notebook_output` on, the SVG of ``spec`` (the
    spec the gate checked and ``save_spec`` saved: converted once, not validated again); with
    any other renderer whatever altair shows for ``chart``.
    """
    if alt.renderers.active == RENDERER_NAME:
        return {"image/svg+xml": to_svg(spec)}, {}
    bundle = chart._repr_mimebundle_(include, exclude)
    return bundle if isinstance(bundle, tuple) else (bundle, {})


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with the theme applied (validated by altair)."""
    with alt.theme.enable(THEME_NAME):
        return chart.to_dict()


def _spec_json(spec: dict) -> str:
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Static SVG of the chart with Dutch number and date formats."""
    return to_svg(chart_spec(chart))


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    """Static PNG of the chart (for the PDF report)."""
    return svg_to_png(to_svg(chart_spec(chart)), scale)


def save_chart(chart: alt.TopLevelMixin, path_stem: str | Path) -> dict[str, Path]:
    """Write ``STEM.vl.json``, ``STEM.svg`` and ``STEM.png``; same chart -> same bytes.

    Returns ``{"vl.json": path, "svg": path, "png": path}``. The folder must exist.
    """
    return save_spec(chart_spec(chart), path_stem)


def save_spec(spec: dict, path_stem: str | Path) -> dict[str, Path]:
    """Write a Vega-Lite ``spec`` as ``STEM.vl.json``, ``STEM.svg`` and ``STEM.png``."""
    stem = Path(path_stem)
    paths = {kind: stem.with_name(f"{stem.name}.{kind}") for kind in ("vl.json", "svg", "png")}
    paths["vl.json"].write_text(_spec_json(spec), encoding="utf-8")
    svg = to_svg(spec)
    paths["svg"].write_text(svg, encoding="utf-8")
    paths["png"].write_bytes(svg_to_png(svg, PNG_SCALE))
    return paths


def chart_html(chart: alt.TopLevelMixin) -> str:
    """A standalone HTML page with the chart and the Vega scripts inline (works offline).

    One chart per page: the inline template declares top-level constants, so paste two of
    these into one page and the second fails. For the HTML report use the SVG.
    """
    embed_options = {
        "actions": False,
        "formatLocale": number_locale(),
        "timeFormatLocale": time_locale(),
    }
    with alt.theme.enable(THEME_NAME):
        return chart.to_html(inline=True, embed_options=embed_options)
