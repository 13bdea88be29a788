"""Cost models behind the size budgets (issue 15): time and memory against the size.

Each size-dependent step of the app is measured at a few sizes in this process
(``tracemalloc`` peak: numpy and Python allocations; XLA buffers are not counted), and
a per-unit cost is fitted (the largest size measured, so constant overheads are small):

- lattice build (positions + nearest-neighbour edges): bytes and seconds per site;
- translation / point / space group with its character table: bytes per ``|G|·N``
  permutation entry and per ``|G|²`` table entry, seconds per ``|G|·N``;
- lattice drawing (`plot.draw_lattice`, Agg render): seconds per site;
- model build + initialisation (`compute.Session`, RBM α=1, no group): seconds per site.

The budgets in ``compute/_constants.py`` and ``group.MAX_TABLE_BYTES`` come from these
figures; ``benchmarks/RESULTS.md`` records a run.

    python benchmarks/bench_budget.py            # prints a markdown table
"""

from __future__ import annotations

import os
import time
import tracemalloc

os.environ.setdefault("MPLBACKEND", "Agg")


def measure(fn):
    """(seconds, peak bytes) of ``fn()``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return seconds, peak


def run() -> list[dict]:
    import nqs_explorer as nqx
    from nqs_explorer import compute, plot

    rows = []

    def lattice(L):
        g = nqx.graph.Square(L)
        g.edges()
        return g

    for L in (32, 64, 128):
        s, peak = measure(lambda L=L: lattice(L))
        n = L * L
        rows.append(dict(step=f"lattice Square({L}) + edges", n=n, s=s, bytes=peak, per=n))

    def group(kind, L):
        g = nqx.graph.Square(L)
        G = getattr(g, kind)()
        G.character_table()
        return G

    for kind, sizes in (
        ("translation_group", (8, 16, 24, 32)),
        ("point_group", (32, 64, 128)),
        ("space_group", (6, 10, 14)),
    ):
        for L in sizes:
            g = nqx.graph.Square(L)
            order = len(getattr(g, kind)())
            s, peak = measure(lambda kind=kind, L=L: group(kind, L))
            n = L * L
            rows.append(
                dict(
                    step=f"{kind} Square({L}) + character table",
                    n=n,
                    order=order,
                    s=s,
                    bytes=peak,
                    per=order * n,
                    per_sq=order * order,
                )
            )

    import matplotlib.figure  # noqa: F401

    for L in (8, 16, 32, 48):
        g = nqx.graph.Square(L)
        g.edges()

        def draw(g=g):
            fig = plot.draw_lattice(g)
            fig.canvas.draw()
            return fig

        s, peak = measure(draw)
        rows.append(
            dict(step=f"draw_lattice Square({L}) + render", n=L * L, s=s, bytes=peak, per=L * L)
        )

    for n in (64, 256, 1024):
        setup = compute.Setup(lattice="Chain", extent=(n,), group=None, hamiltonian=None)
        compute.Session(setup)  # compile once, measure the second build
        setup = setup.replace(seed=1)
        s, peak = measure(lambda setup=setup: compute.Session(setup))
        rows.append(dict(step=f"Session RBM α=1 Chain({n}), no group", n=n, s=s, bytes=peak, per=n))
    return rows


def main() -> None:
    rows = run()
    print("| step | N | |G| | time | peak memory | per unit |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        unit = "site" if "order" not in r else "|G|·N"
        per = f"{r['bytes'] / r['per']:.1f} B, {1e6 * r['s'] / r['per']:.3f} µs per {unit}"
        if "per_sq" in r:
            per += f" ({r['bytes'] / (r['per'] + r['per_sq']):.1f} B per |G|·N + |G|²)"
        print(
            f"| {r['step']} | {r['n']} | {r.get('order', '')} | {r['s']:.3f} s | "
            f"{r['bytes'] / 2**20:.1f} MiB | {per} |"
        )


if __name__ == "__main__":
    main()
