"""The shared setup of every analysis notebook: one call after the ``parameters`` cell.

``data_dir, output_dir = setup(year, data_dir, output_dir)`` turns on the notebook output of
charts (static SVG with Dutch number formats, no CDN), resolves the folders (empty ``data_dir``:
the demo data; empty ``output_dir``: ``data/interim/YEAR``; ``ruwaard run`` always passes its
own staging folder) and prints what the notebook reads and writes. A notebook that draws no
chart passes ``charts=False`` and so never imports altair (seconds per kernel).
"""

from __future__ import annotations

from pathlib import Path

from . import config


def setup(year: int, data_dir: str | Path = "", output_dir: str | Path = "", *,
          charts: bool = True) -> tuple[Path, Path]:
    """The notebook's input and output folders, with chart output enabled unless ``charts`` is
    False (see module doc)."""
    if charts:
        from .present.theme import enable_notebook_output

        enable_notebook_output()
    data = Path(data_dir) if data_dir else config.DEMO_DIR
    out = Path(output_dir) if output_dir else config.interim_dir(int(year))
    print(f"verslagjaar {year}; invoer: {data}; resultaten: {out}")
    return data, out
