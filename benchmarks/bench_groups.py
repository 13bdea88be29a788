"""Benchmark: space group + full character table (ours vs NetKet when importable).

Each repeat builds a fresh lattice, so no cached group or table is reused.
Run ``python benchmarks/bench_groups.py`` to print the figures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

CASES = (
    ("Square 6x6", "Square", (6,), 288),
    ("Triangular 12x12", "Triangular", ((12, 12),), 1728),
)


def _median_time(work: Callable[[], object], repeats: int) -> float:
    work()  # warm-up (first numpy/scipy calls, imports)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ours(kind: str, args) -> Callable[[], tuple[int, int]]:
    from nqs_explorer import graph

    def work():
        group = getattr(graph, kind)(*args).space_group()
        return len(group), group.character_table().shape[0]

    return work


def _netket(kind: str, args) -> Callable[[], tuple[int, int]] | None:
    try:
        import netket as nk
    except ImportError:
        return None

    def work():
        group = getattr(nk.graph, kind)(*args).space_group()
        return len(group), group.character_table().shape[0]

    return work


def run(repeats: int = 5) -> list[dict]:
    """Median seconds for 'space group + character table' per case.

    Returns:
        one row per case in ``benchmarks/run.py``'s format: ``name``, ``value`` (our
        seconds), ``unit``, ``netket`` (NetKet's seconds, ``None`` when not importable),
        ``better`` and ``notes``.
    """
    results = []
    for label, kind, args, order in CASES:
        ours = _ours(kind, args)
        got_order, n_irreps = ours()
        assert got_order == order, f"{label}: |G| = {got_order}, expected {order}"
        ours_s = _median_time(ours, repeats)
        reference = _netket(kind, args)
        netket_s = _median_time(reference, max(1, repeats // 2)) if reference else None
        results.append(
            {
                "name": f"space group + character table, {label}",
                "value": ours_s,
                "unit": "s",
                "netket": netket_s,
                "better": "lower",
                "notes": f"order {order}, {n_irreps} irreps; median of {repeats}",
            }
        )
    return results


if __name__ == "__main__":
    for row in run():
        netket = "not installed" if row["netket"] is None else f"{row['netket'] * 1e3:.1f} ms"
        print(f"{row['name']}: {row['value'] * 1e3:.1f} ms (NetKet {netket}); {row['notes']}")
