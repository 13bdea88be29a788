"""Benchmark: exact diagonalization on the 4x4 square lattice (ours vs NetKet when importable).

Every figure is measured in a fresh interpreter (imports excluded, construction of the
Hamiltonian included), median of a few runs. Our Hamiltonians are ``nqx.operator``'s
(``Heisenberg(sign_rule=False)`` as NetKet's below, ``Ising(h=3)``).
Run ``python benchmarks/bench_exact.py`` to print the figures.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3

OURS = """
import json, sys, time
sys.path.insert(0, {root!r})
import numpy as np, nqs_explorer as nqx
from nqs_explorer.exact import lanczos_ed, sector_spectrum
g = nqx.graph.Square(4)
hi = nqx.hilbert.Spin(0.5, 16)
model = {model!r}
t0 = time.perf_counter()
H = (nqx.operator.Heisenberg(hi, g, sign_rule=False) if model == "heisenberg"
     else nqx.operator.Ising(hi, g, h=3.0))
t1 = time.perf_counter()
if {sectors!r} is None:
    e = float(lanczos_ed(H, k=1)[0])
else:
    G = g.space_group()
    e = float(sector_spectrum(H, G, k=1, total_sz={sectors!r}[0]).ground_energy)
t2 = time.perf_counter()
print(json.dumps(dict(build=t1 - t0, solve=t2 - t1, total=t2 - t0, e0=e)))
"""

THEIRS = """
import json, time
import netket as nk
g = nk.graph.Square(4)
hi = nk.hilbert.Spin(0.5, 16)
model = {model!r}
t0 = time.perf_counter()
H = (nk.operator.Heisenberg(hi, g, sign_rule=False) if model == "heisenberg"
     else nk.operator.Ising(hi, g, h=3.0))
e = float(nk.exact.lanczos_ed(H, k=1)[0])
t2 = time.perf_counter()
print(json.dumps(dict(total=t2 - t0, e0=e)))
"""


def _fresh(code: str) -> dict | None:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(code: str) -> dict | None:
    runs = [_fresh(code) for _ in range(REPEATS)]
    if any(r is None for r in runs):
        return None
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def run() -> list[dict]:
    rows = []
    for model in ("heisenberg", "tfim"):
        ours = _median(OURS.format(root=str(ROOT), model=model, sectors=None))
        theirs = _median(THEIRS.format(model=model))
        label = "Heisenberg" if model == "heisenberg" else "TFIM h=3"
        rows.append(
            dict(
                name=f"ground state, {label} 4x4 (65536 states): build + lanczos_ed",
                value=ours["total"],
                unit="s",
                netket=None if theirs is None else theirs["total"],
                better="lower",
                notes=(
                    f"fresh process, imports excluded; ours: build {ours['build']:.2f} s "
                    f"(nqx.operator) + eigsh {ours['solve']:.2f} s; E0 = {ours['e0']:.8f}"
                    + ("" if theirs is None else f" (NetKet {theirs['e0']:.8f})")
                    + f"; median of {REPEATS}"
                ),
            )
        )
    for total_sz in (None, 0):
        ours = _median(OURS.format(root=str(ROOT), model="heisenberg", sectors=(total_sz,)))
        rows.append(
            dict(
                name="all 20 space-group sectors (|G| = 128), Heisenberg 4x4"
                + ("" if total_sz is None else f", total_sz={total_sz}"),
                value=ours["solve"],
                unit="s",
                better="lower",
                notes=(
                    f"fresh process; sector_spectrum(k=1) incl. irrep matrices; build "
                    f"{ours['build']:.2f} s extra; E0 = {ours['e0']:.8f}; target < 10 s; "
                    f"median of {REPEATS}"
                ),
            )
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
