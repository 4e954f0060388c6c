"""Vega-Lite to SVG and PNG with vl-convert: here, or in the one chart renderer of a run.

The first conversion in a process starts vl-convert's JavaScript engine and loads Vega,
Vega-Lite and the fonts: about 0,9 s of CPU and up to 3 s of wall time, in every kernel that
draws a chart. ``ruwaard run`` therefore starts one renderer process per run
(:mod:`ruwaard_analysis.run.chart_renderer`, the same Python and so the same vl-convert as the
kernels) and gives the kernels its socket in ``$RUWAARD_CHART_RENDERER``; a kernel then sends its
specs there and gets the same SVG back. Without the variable (a notebook run by hand, the
report) or when the renderer does not answer, the conversion runs in this process.

Two more conversions are saved per chart: the SVG of the last few specs is kept (a chart that
is saved and then shown in its notebook is rendered once), and the PNG is rasterised from that
SVG with ``svg_to_png``, which is what ``vegalite_to_png`` does after rendering the same SVG
(the same bytes; tests/unit/test_charts.py checks it).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

RENDERER_ENV = "RUWAARD_CHART_RENDERER"
VL_LOCALE = "nl-NL"  # d3-format / d3-time-format locale name, as vl-convert knows it
ANSWER_TIMEOUT = 60.0  # seconds the renderer may take for one chart (about 0,1 s quietly)
_KEEP = 8  # SVGs of the last specs kept (a notebook shows a chart right after saving it)

_svgs: dict[str, str] = {}
_connection: Any = None
_renderer_failed = False


def to_svg(spec: dict) -> str:
    """The SVG of a Vega-Lite ``spec`` with Dutch number and date formats."""
    key = json.dumps(spec, ensure_ascii=False)  # key order kept: exactly what vl-convert gets
    svg = _svgs.get(key)
    if svg is None:
        svg = _ask({"op": "svg", "spec": key})
        svg = svg.decode("utf-8") if svg is not None else _local_svg(spec)
        if len(_svgs) >= _KEEP:
            _svgs.pop(next(iter(_svgs)))
        _svgs[key] = svg
    return svg


def svg_to_png(svg: str, scale: float) -> bytes:
    """The PNG of an SVG made by :func:`to_svg`, ``scale`` times its pixels.

    Always in this process: rasterising needs no JavaScript engine (nothing to start), and so
    the kernels of a run rasterise side by side instead of one after the other in the renderer.
    """
    import vl_convert as vlc

    return vlc.svg_to_png(svg, scale=scale)


def _receive(connection) -> bytes:
    """The renderer's next answer; TimeoutError after :data:`ANSWER_TIMEOUT` seconds (a
    renderer that hangs must not hang the kernel: the chart is then converted here)."""
    if not connection.poll(ANSWER_TIMEOUT):
        raise TimeoutError(f"no answer after {ANSWER_TIMEOUT:.0f} s")
    return connection.recv_bytes()


def _local_svg(spec: dict | str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, format_locale=VL_LOCALE, time_format_locale=VL_LOCALE)


def serve_request(request: dict) -> bytes:
    """What the renderer answers to one request (the renderer process calls this)."""
    if request.get("op") == "svg":
        return _local_svg(json.loads(request["spec"])).encode("utf-8")
    raise ValueError(f"unknown request {request.get('op')!r}")


def _ask(request: dict) -> bytes | None:
    """The renderer's answer, or None when there is no renderer (convert here instead)."""
    global _connection, _renderer_failed
    path = os.environ.get(RENDERER_ENV)
    if not path or _renderer_failed:
        return None
    try:
        if _connection is None:
            from multiprocessing.connection import Client

            _connection = Client(path, family="AF_UNIX")
        _connection.send_bytes(json.dumps(request, ensure_ascii=False).encode("utf-8"))
        status = json.loads(_receive(_connection))
        if not status.get("ok"):
            return None  # the conversion failed there: here it raises with the whole message
        return _receive(_connection)
    except (OSError, EOFError, ValueError) as exc:
        print(f"chart renderer unusable ({exc}); converting charts in this process",
              file=sys.stderr)  # fmt: skip
        _renderer_failed = True
        _connection = None
        return None
