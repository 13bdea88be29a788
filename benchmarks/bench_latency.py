"""Latency of the compute layer for the explorer's interactions (no drawing).

Each figure is the median wall time of a `Session` action over repeats: value-only
changes (a new configuration, character or seed, a slider step) that must not compile,
and architecture changes, cold (new module: its kernels compile) and warm (a module seen
before: the kernel cache answers). Notes give the compilations each action caused; the
widget benchmark adds the redraw on top.

    python benchmarks/run.py --only latency
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nqs_explorer.compute import Session, Setup, compile_count

REPEATS = 15
SYMMETRIZED = Setup(symmetrize=True, character_id=0)  # Square 3x3, translations, RBM
SPACE = Setup(lattice="Square", extent=(4, 4), group="space", symmetrize=True, character_id=0)
AUTOREGRESSIVE = Setup(
    lattice="Square",
    extent=(4, 4),
    pbc=False,
    group=None,
    architecture="FastARNNConv2D",
    hyperparameters={"layers": 2, "features": 8, "kernel_size": (3, 3)},
)


def _measure(action, repeats: int = REPEATS) -> tuple[float, int]:
    """Median seconds of ``action(i)`` over ``repeats`` calls, and the compilations caused."""
    times = []
    before = compile_count()
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times), compile_count() - before


def _row(name: str, seconds: float, compiles: int, repeats: int, notes: str = "") -> dict:
    text = f"median of {repeats}; compilations: {compiles}"
    return dict(
        name=name,
        value=seconds,
        unit="s",
        better="lower",
        notes=f"{text}; {notes}" if notes else text,
    )


def _value_only_rows(label: str, setup: Setup) -> list[dict]:
    session = Session(setup)
    configs = session.random_configurations(REPEATS + 1, seed=0)
    n_irreps = len(session.group.irrep_dims)
    rows = []

    start, before = time.perf_counter(), compile_count()
    session.orbit(configs[-1])
    rows.append(
        _row(
            f"{label}: first orbit after a build (cold)",
            time.perf_counter() - start,
            compile_count() - before,
            1,
        )
    )

    seconds, compiles = _measure(lambda i: session.orbit(configs[i]))
    rows.append(_row(f"{label}: new configuration → orbit", seconds, compiles, REPEATS))

    def new_character(i):
        session.update(character_id=(i + 1) % n_irreps)
        session.orbit(configs[0])

    seconds, compiles = _measure(new_character)
    rows.append(_row(f"{label}: new character → orbit", seconds, compiles, REPEATS))

    def new_seed(i):
        session.update(seed=i + 1)
        session.orbit(configs[0])

    seconds, compiles = _measure(new_seed)
    rows.append(_row(f"{label}: new seed → orbit", seconds, compiles, REPEATS))

    x = session.random_configurations(8, seed=1)
    session.symmetry_check(x)
    seconds, compiles = _measure(lambda i: session.symmetry_check(x[::-1] if i % 2 else x))
    rows.append(_row(f"{label}: symmetry check of 8 configurations", seconds, compiles, REPEATS))
    return rows


def _autoregressive_rows() -> list[dict]:
    session = Session(AUTOREGRESSIVE)
    configs = session.random_configurations(REPEATS + 1, seed=0)
    session.conditionals(configs[-1])
    session.sample(64, seed=0)
    rows = []
    seconds, compiles = _measure(lambda i: session.conditionals(configs[i]))
    rows.append(
        _row("FastARNNConv2D 4x4: new configuration → conditionals", seconds, compiles, REPEATS)
    )
    seconds, compiles = _measure(lambda i: session.sample(64, seed=i + 1))
    rows.append(_row("FastARNNConv2D 4x4: 64 samples, new seed", seconds, compiles, REPEATS))
    return rows


def _architecture_rows(repeats: int = 5) -> list[dict]:
    """Cold: a never-seen hyperparameter value each time. Warm: alternate two seen ones."""
    session = Session(SYMMETRIZED)
    sigma = session.random_configurations(1, seed=0)[0]
    rows = []
    offset = 2  # alpha values used by nothing else in this process

    def cold(i):
        session.update(hyperparameters={"alpha": offset + i})
        session.orbit(sigma)

    seconds, compiles = _measure(cold, repeats)
    rows.append(
        _row(
            "RBM 3x3 symmetrized: architecture change → orbit (cold)",
            seconds,
            compiles,
            repeats,
            "new alpha each time: init + orbit compile",
        )
    )

    def warm(i):
        session.update(hyperparameters={"alpha": offset + i % 2})
        session.orbit(sigma)

    seconds, compiles = _measure(warm, REPEATS)
    rows.append(
        _row(
            "RBM 3x3 symmetrized: architecture change → orbit (warm)",
            seconds,
            compiles,
            REPEATS,
            "alternating two seen alphas: re-init, no compile",
        )
    )

    def cold_arnn(i):
        session.update(
            lattice="Square",
            extent=(4, 4),
            pbc=False,
            group=None,
            symmetrize=False,
            character_id=None,
            architecture="FastARNNConv2D",
            hyperparameters={"layers": 2, "features": 3 + i, "kernel_size": (3, 3)},
        )
        session.conditionals(np.ones(16))

    seconds, compiles = _measure(cold_arnn, repeats)
    rows.append(
        _row(
            "FastARNNConv2D 4x4: architecture change → conditionals (cold)",
            seconds,
            compiles,
            repeats,
            "new features each time",
        )
    )
    return rows


def run() -> list[dict]:
    """Every latency figure of the compute layer (seconds, medians)."""
    rows = []
    rows += _value_only_rows("RBM 3x3 translations, symmetrized", SYMMETRIZED)
    rows += _value_only_rows("RBM 4x4 space group (128 elements), symmetrized", SPACE)
    rows += _autoregressive_rows()
    rows += _architecture_rows()
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<70} {row['value'] * 1e3:9.2f} ms   {row['notes']}")
