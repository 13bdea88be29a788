"""Run the benchmark suite and write benchmarks/RESULTS.md (or another file).

    python benchmarks/run.py                    # everything, writes benchmarks/RESULTS.md
    python benchmarks/run.py --only groups models --out /tmp/r.md

Each ``bench_*.py`` module beside this file exposes ``run() -> list[dict]``; a row has
``name``, ``value``, ``unit`` and optionally ``netket`` (NetKet's figure for the same work,
same run), ``better`` ("lower" or "higher": which direction is faster) and ``notes``.
Figures are medians of repeated runs; the ratio is >= 1 when nqs_explorer is faster.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITES = (
    "import",
    "groups",
    "models",
    "hamiltonians",
    "exact",
    "latency",
    "latency_widgets",
    "memory",
)


def import_time(repeats: int = 5) -> list[dict]:
    """Median wall time of ``import nqs_explorer`` (and of ``import netket``) in a fresh process."""

    def median_import(module: str) -> float | None:
        times = []
        for _ in range(repeats):
            code = (
                f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
            )
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if out.returncode != 0:
                return None
            times.append(float(out.stdout.strip().splitlines()[-1]))
        times.sort()
        return times[len(times) // 2]

    ours = median_import("nqs_explorer")
    theirs = median_import("netket")
    return [
        dict(
            name="import nqs_explorer",
            value=ours,
            unit="s",
            netket=theirs,
            better="lower",
            notes="fresh interpreter; target <= 1.5 s",
        )
    ]


def _machine() -> list[str]:
    import jax

    lines = [
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores, {platform.platform()}",
        f"- python {platform.python_version()}, jax {jax.__version__}, backend {jax.default_backend()},"
        f" devices {[str(d) for d in jax.devices()]}",
    ]
    try:
        import flax

        lines.append(f"- flax {flax.__version__}")
    except ImportError:  # pragma: no cover
        pass
    try:
        import netket

        lines.append(f"- netket {netket.__version__}")
    except ImportError:
        lines.append("- netket: not installed (no comparison figures)")
    return lines


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1e3:.2f} ms" if value < 1 else f"{value:.3f} s"
    return f"{value:,.4g} {unit}".rstrip()


def _ratio(row: dict) -> str:
    ours, theirs = row.get("value"), row.get("netket")
    if ours is None or theirs is None or not ours or not theirs:
        return "—"
    ratio = theirs / ours if row.get("better", "lower") == "lower" else ours / theirs
    return f"{ratio:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=SUITES, default=list(SUITES))
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE))
    rows: list[dict] = []
    for suite in args.only:
        start = time.perf_counter()
        if suite == "import":
            rows += import_time()
        else:
            try:
                module = importlib.import_module(f"bench_{suite}")
            except ModuleNotFoundError as err:
                print(f"skipping {suite}: {err}", file=sys.stderr)
                continue
            rows += module.run()
        print(f"{suite}: {time.perf_counter() - start:.1f} s", file=sys.stderr)

    command = "python benchmarks/run.py" + (
        "" if args.only == list(SUITES) else " --only " + " ".join(args.only)
    )
    lines = ["# Benchmark results", "", f"Made by `{command}`.", "", *_machine(), ""]
    lines += [
        "| figure | nqs_explorer | NetKet | ratio (≥1: we are faster or smaller) | notes |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {_fmt(row.get('value'), row['unit'])} | "
            f"{_fmt(row.get('netket'), row['unit'])} | {_ratio(row)} | {row.get('notes', '')} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
