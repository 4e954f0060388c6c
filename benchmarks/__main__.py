"""Run every benchmark module (`bench_*.py`), or the ones named: `python -m benchmarks costs`.

Each module has a `main() -> dict` that measures our way and the straightforward way in the
same run and prints both with their ratio. Figures are written down in benchmarks/README.md.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    print(f"machine: {platform.machine()}, {platform.python_version()}, cores: "
          f"{__import__('os').cpu_count()}")
    results = {}
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        results[name] = module.main()
    out = HERE / ".results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nfigures also in {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
