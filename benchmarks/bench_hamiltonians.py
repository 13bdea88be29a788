"""Benchmark: ground state of Heisenberg and TFIM(h=3) on the periodic 4x4 square lattice.

Each figure is measured in a FRESH Python process (so first-call costs count): the time of
construction + ``nqx.exact.lanczos_ed(H, k=1)`` for ours (``to_sparse()`` +
``scipy.sparse.linalg.eigsh``),
and of construction + ``nk.exact.lanczos_ed(H, k=1)`` for NetKet (which runs the same
``eigsh`` on its own ``to_sparse()``). Imports are not timed. ``to_sparse`` alone is
reported too (its own fresh processes). ARPACK starts from a random vector, so the
``eigsh`` part varies from run to run. Run ``python benchmarks/bench_hamiltonians.py`` to print the table.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap

CASES = {
    "Heisenberg": ("Heisenberg(hi, g)", "Heisenberg(hi, g)"),
    "TFIM h=3": ("Ising(hi, g, h=3.0)", "Ising(hi, g, h=3.0)"),
}

# ours: construction + nqx.exact.lanczos_ed(H, k=1) (the same eigsh on our to_sparse());
# to_sparse alone is timed in the same process, before lanczos_ed builds it again.
_OURS = """
import time, json
import numpy as np
import nqs_explorer as nqx
from nqs_explorer.operator import Heisenberg, Ising
t0 = time.perf_counter()
g = nqx.graph.Square(4)
hi = nqx.hilbert.Spin(0.5, g.n_nodes)
H = {expr}
e0 = nqx.exact.lanczos_ed(H, k=1)[0]
t1 = time.perf_counter()
H2 = {expr}
t2 = time.perf_counter()
H2.to_sparse()
t3 = time.perf_counter()
print(json.dumps(dict(total=t1 - t0, to_sparse=t3 - t2, e0=float(e0))))
"""

_NETKET = """
import time, json, warnings
warnings.simplefilter("ignore")
import numpy as np, netket as nk
from netket.operator import Heisenberg, Ising
t0 = time.perf_counter()
g = nk.graph.Square(4)
hi = nk.hilbert.Spin(0.5, g.n_nodes)
H = {expr}
if {sparse_only}:
    t1 = time.perf_counter()
    H.to_sparse()
    print(json.dumps(dict(to_sparse=time.perf_counter() - t1)))
else:
    e0 = nk.exact.lanczos_ed(H, k=1)[0]
    print(json.dumps(dict(total=time.perf_counter() - t0, e0=float(e0))))
"""


def _fresh(code: str) -> dict | None:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    if out.returncode != 0:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(code: str, repeats: int, key: str) -> tuple[float, dict] | None:
    runs = [_fresh(code) for _ in range(repeats)]
    if any(r is None for r in runs):
        return None
    return statistics.median(r[key] for r in runs), runs[0]


def run(repeats: int = 3) -> list[dict]:
    """Median over fresh processes; rows in ``benchmarks/run.py``'s format."""
    try:
        import netket  # noqa: F401

        have_netket = True
    except ImportError:
        have_netket = False
    rows = []
    for label, (ours_expr, nk_expr) in CASES.items():
        ours = _median(_OURS.format(expr=ours_expr), repeats, "total")
        if ours is None:
            raise RuntimeError(f"the benchmark of ours failed for {label}")
        theirs = theirs_sparse = None
        if have_netket:
            theirs = _median(_NETKET.format(expr=nk_expr, sparse_only=False), repeats, "total")
            theirs_sparse = _median(
                _NETKET.format(expr=nk_expr, sparse_only=True), repeats, "to_sparse"
            )
        if theirs is not None:
            assert abs(ours[1]["e0"] - theirs[1]["e0"]) < 1e-8, (label, ours, theirs)
        rows.append(
            dict(
                name=f"{label} 4x4 ground state, fresh process",
                value=ours[0],
                unit="s",
                netket=None if theirs is None else theirs[0],
                better="lower",
                notes=f"E0 = {ours[1]['e0']:.8f}; ours: construction + nqx.exact.lanczos_ed(k=1); "
                f"NetKet: construction + lanczos_ed(k=1); median of {repeats}",
            )
        )
        rows.append(
            dict(
                name=f"{label} 4x4 to_sparse, fresh process",
                value=ours[1]["to_sparse"],
                unit="s",
                netket=None if theirs_sparse is None else theirs_sparse[0],
                better="lower",
                notes="first call: includes NetKet's kernel compilation; ours: one run",
            )
        )
    return rows


if __name__ == "__main__":
    print(f"{'case':<46} {'ours':>9} {'NetKet':>9}")
    for row in run():
        nk_s = "n/a" if row["netket"] is None else f"{row['netket']:.3f} s"
        print(f"{row['name']:<46} {row['value']:>7.3f} s {nk_s:>9}   {row['notes']}")
