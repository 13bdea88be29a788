"""Training-step speed, side by side with NetKet (same problem, same machine, one run).

TFIM (h = 3) on the 4x4 square lattice; RBM (alpha = 1) and SymmExpSum(RBM) over the 16
translations and over the 128-element space group. Measured: the full-sum Adam step, the
Metropolis (1024 samples, 16 chains) + SR step for the RBM, and the first step (compile +
run). Each side runs in its own fresh process (import and compile caches matter).

    python benchmarks/bench_training.py [--quick] [--only ours|netket]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

L, H_FIELD = 4, 3.0
CASES = [
    ("full_sum_adam", "rbm"),
    ("full_sum_adam", "translations"),
    ("full_sum_adam", "space_group"),
    ("mc_sr", "rbm"),
]


def _model(lib, graph, kind):
    rbm = lib.models.RBM(alpha=1, param_dtype=float)
    if kind == "rbm":
        return rbm
    group = graph.translation_group() if kind == "translations" else graph.space_group()
    return lib.nn.blocks.SymmExpSum(module=rbm, symm_group=group, character_id=None)


def _run_side(side: str, quick: bool) -> dict:
    import jax

    if side == "netket":
        import netket as nk

        graph = nk.graph.Square(L)
        hi = nk.hilbert.Spin(0.5, graph.n_nodes)
        H = nk.operator.Ising(hi, graph, h=H_FIELD)
        lib, opt = nk, nk.optimizer
    else:
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
        import nqs_explorer as nqx

        graph = nqx.graph.Square(L)
        hi = nqx.hilbert.Spin(0.5, graph.n_nodes)
        H = nqx.operator.Ising(hi, graph, h=H_FIELD)
        lib, opt = nqx, nqx.optimizer
    results = {"device": str(jax.devices()[0]), "jax": jax.__version__}
    for mode, kind in CASES:
        if quick and kind == "space_group":
            continue
        model = _model(lib, graph, kind)
        if mode == "full_sum_adam":
            vs = lib.vqs.FullSumState(hi, model, seed=0)
            driver = lib.driver.VMC(H, opt.Adam(0.01), variational_state=vs)
        else:
            sampler = lib.sampler.MetropolisLocal(hi, n_chains=16)
            vs = lib.vqs.MCState(sampler, model, n_samples=1024, seed=0)
            pre = (
                opt.SR(diag_shift=0.01)
                if side == "ours"
                else nk.optimizer.SR(
                    qgt=nk.optimizer.qgt.QGTJacobianDense,
                    solver=nk.optimizer.solver.cholesky,
                    diag_shift=0.01,
                )
            )
            driver = lib.driver.VMC(H, opt.Sgd(0.01), variational_state=vs, preconditioner=pre)

        def step(driver=driver, vs=vs):
            driver.run(1, show_progress=False) if side == "netket" else driver.advance(1)
            jax.block_until_ready(jax.tree_util.tree_leaves(vs.parameters))

        t0 = time.perf_counter()
        step()
        first = time.perf_counter() - t0
        step()  # a second warm-up (NetKet compiles some helpers lazily)
        n = 2 if kind == "space_group" else (5 if quick else 20)
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        results[f"{mode}/{kind}"] = {"first_s": first, "step_s": (time.perf_counter() - t0) / n}
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the space group, fewer steps")
    parser.add_argument("--only", choices=["ours", "netket"])
    parser.add_argument("--side", choices=["ours", "netket"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        print(json.dumps(_run_side(args.side, args.quick)))
        return
    sides = [args.only] if args.only else ["ours", "netket"]
    out = {}
    for side in sides:
        cmd = [sys.executable, __file__, "--side", side] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[side] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"device: {out[sides[0]]['device']}")
    print(
        f"{'case':34s} {'ours first':>10s} {'ours step':>10s} {'nk first':>10s} "
        f"{'nk step':>10s} {'speed-up':>8s}"
    )
    for mode, kind in CASES:
        key = f"{mode}/{kind}"
        row = [out.get(s, {}).get(key) for s in ("ours", "netket")]
        if all(r is None for r in row):
            continue
        cells = []
        for r in row:
            cells += (
                ["-", "-"] if r is None else [f"{r['first_s']:.3f}s", f"{1e3 * r['step_s']:.1f}ms"]
            )
        speed = f"{row[1]['step_s'] / row[0]['step_s']:.2f}x" if all(row) else "-"
        print(
            f"{key:34s} {cells[0]:>10s} {cells[1]:>10s} {cells[2]:>10s} {cells[3]:>10s} {speed:>8s}"
        )


if __name__ == "__main__":
    main()
