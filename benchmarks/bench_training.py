"""Training-step speed, side by side with NetKet (same problem, same machine, one run).

TFIM (h = 3) on the 4x4 square lattice; RBM (alpha = 1) and SymmExpSum(RBM) over the 16
translations and over the 128-element space group. Measured: the full-sum Adam step, the
Metropolis (1024 samples, 16 chains) + SR step for the RBM, and the first step (compile +
run). Each side runs in its own fresh process (import and compile caches matter).

``--first-step`` measures what pressing Play waits for in the explorer (`compute.Trainer`,
each figure in a fresh process, the exact reference energies computed before): the first
step compiled as before, with ``quick_start`` (a fast-compiled step runs while the
optimised one compiles in the background), and after the background precompilation the
Train tab starts as soon as the setup is known (time to precompile, then the first step).

    python benchmarks/bench_training.py [--quick] [--only ours|netket]
    python benchmarks/bench_training.py --first-step
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


TFIM_4X4 = dict(lattice="Square", extent=(4, 4), hamiltonian="Ising", couplings={"h": H_FIELD})
FIRST_STEP_CASES = {
    "tab default: Square 3x3 Heisenberg RBM, full sum": (
        dict(lattice="Square", extent=(3, 3), hamiltonian="Heisenberg"),
        {},
    ),
    "4x4 TFIM RBM, full sum Adam": (TFIM_4X4, {}),
    "4x4 TFIM SymmExpSum(RBM) 16 translations, full sum Adam": (
        {**TFIM_4X4, "group": "translation", "symmetrize": True},
        {},
    ),
    "4x4 TFIM SymmExpSum(RBM) space group, full sum Adam": (
        {**TFIM_4X4, "group": "space", "symmetrize": True},
        {},
    ),
    "4x4 TFIM RBM, Metropolis 1024 + SR": (
        TFIM_4X4,
        dict(estimator="samples", n_samples=1024, sr=True, optimizer="SGD"),
    ),
}
FIRST_STEP_MODES = ("plain", "quick_start", "precompiled")


def _first_step(case: str, mode: str) -> dict:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from nqs_explorer import compute

    setup, settings = FIRST_STEP_CASES[case]
    session = compute.Session(compute.Setup(**setup))
    trainer = compute.Trainer(session, **settings)
    _ = trainer.reference  # computed when the Train tab is drawn, before Play
    out = {}
    if mode == "quick_start":
        trainer.quick_start = True
    if mode == "precompiled":
        t0 = time.perf_counter()
        trainer.precompile()
        compute.wait_precompiled()
        out["precompile_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    trainer.step(1)
    out["first_s"] = time.perf_counter() - t0
    out["compile_s"] = trainer.compile_s
    compute.wait_precompiled()
    trainer.step(2)
    t0 = time.perf_counter()
    trainer.step(10)
    out["step_s"] = (time.perf_counter() - t0) / 10
    return out


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def first_step_table() -> None:
    print(f"load average before: {_load()}; device: CPU")
    print(f"{'case':58s} {'before':>8s} {'quick':>8s} {'precompile':>10s} {'then Play':>9s}")
    for case in FIRST_STEP_CASES:
        row = {}
        for mode in FIRST_STEP_MODES:
            cmd = [sys.executable, __file__, "--first-step-case", case, mode]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
            row[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{case:58s} {row['plain']['first_s']:7.2f}s {row['quick_start']['first_s']:7.2f}s "
            f"{row['precompiled']['precompile_s']:9.2f}s {row['precompiled']['first_s']:8.3f}s",
            flush=True,
        )
    print(f"load average after: {_load()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the space group, fewer steps")
    parser.add_argument("--only", choices=["ours", "netket"])
    parser.add_argument("--side", choices=["ours", "netket"], help=argparse.SUPPRESS)
    parser.add_argument(
        "--first-step", action="store_true", help="what Play waits for in the explorer"
    )
    parser.add_argument("--first-step-case", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_step_case:
        print(json.dumps(_first_step(*args.first_step_case)))
        return
    if args.first_step:
        first_step_table()
        return
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
