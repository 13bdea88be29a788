"""Size budgets, checked before any work starts (arithmetic or abstract shapes only).

`check_setup_budget` runs inside `Setup.validate` (so `Setup.change`, `from_json`, the
widgets and the CLI refuse the same way): the lattice size (`MAX_SITES`) and the group
tables (``nqs_explorer.group.MAX_TABLE_BYTES``). `check_model_budget` runs in `Session`
before initialising: the parameter tree, from ``jax.eval_shape`` (`MODEL_MAX_BYTES`).
Each refusal is a ValueError naming the field, the estimate, the budget and the largest
size that fits. `estimate_build_s` tells the app whether a change needs progress.
"""

from __future__ import annotations

import math

from ._constants import (
    DRAW_S_PER_SITE,
    INIT_S_PER_PARAMETER,
    LATTICE_SUBLATTICES,
)

#: Measured seconds per entry of ``|G| x max(N, |T|)`` of a group build (translation
#: groups 0.05 µs, point groups ~5 µs because of the search; the larger is used).
GROUP_S_PER_ENTRY = 0.1e-6
POINT_SEARCH_S_PER_SITE = 40e-6


def setup_sites(setup) -> int:
    """Sites of ``setup``'s lattice (exact integer arithmetic, nothing built)."""
    return math.prod(int(e) for e in setup.extent) * LATTICE_SUBLATTICES.get(setup.lattice, 1)


def check_setup_budget(setup) -> None:
    """Raise ValueError when ``setup``'s lattice or group is over budget.

    Example:
        >>> from nqs_explorer.compute import Setup, check_setup_budget
        >>> check_setup_budget(Setup(lattice="Chain", extent=(100000,)))
        Traceback (most recent call last):
        ...
        ValueError: extent: Chain (100000,) has 100000 sites, over the app's budget of 4096 sites (drawing ~0.8 s; nqs_explorer.compute.MAX_SITES); the largest extent that fits is (4096,)
    """
    from .. import group as groups
    from . import _constants

    n_sub = LATTICE_SUBLATTICES.get(setup.lattice, 1)
    max_sites = _constants.MAX_SITES
    n_sites = setup_sites(setup)
    extent = tuple(setup.extent)
    if n_sites > max_sites:
        best = groups.largest_fitting_extent(
            extent, lambda e: math.prod(e) * n_sub <= max_sites and _square_ok(setup, e)
        )
        raise ValueError(
            f"extent: {setup.lattice} {extent} has {n_sites} sites, over the app's budget of "
            f"{max_sites} sites (drawing ~{max_sites * DRAW_S_PER_SITE:.1f} s; "
            f"nqs_explorer.compute.MAX_SITES); the largest extent that fits is {best}"
        )
    kind = setup.group
    if kind is None:
        return
    pbc = tuple(setup.pbc)
    budget = groups.MAX_TABLE_BYTES
    need = groups.group_bytes(kind, extent, pbc, n_sub)
    if need > budget:
        best = groups.largest_fitting_extent(
            extent, lambda e: groups.group_bytes(kind, e, pbc, n_sub) <= budget
        )
        raise ValueError(
            f"group: the {kind} group of {setup.lattice} {extent} would need about "
            f"{_human(need)} of tables, over the {_human(budget)} budget "
            f"(nqs_explorer.group.MAX_TABLE_BYTES); the largest extent that fits is {best} "
            f"(or choose group=None)"
        )


def _square_ok(setup, extent) -> bool:
    return setup.lattice != "Square" or len(set(extent)) == 1


def check_model_budget(model, n_sites: int, what: str = "model") -> int:
    """Bytes of ``model``'s parameters on ``(1, n_sites)`` inputs, from abstract shapes;
    ValueError over `MODEL_MAX_BYTES` (nothing is allocated)."""
    import jax
    import numpy as np

    from . import _constants

    x = jax.ShapeDtypeStruct((1, int(n_sites)), np.float64)
    shapes = jax.eval_shape(model.init, jax.ShapeDtypeStruct((2,), np.uint32), x)
    leaves = jax.tree_util.tree_leaves(shapes)
    count = sum(math.prod(leaf.shape) for leaf in leaves)
    need = sum(math.prod(leaf.shape) * np.dtype(leaf.dtype).itemsize for leaf in leaves)
    budget = _constants.MODEL_MAX_BYTES
    if need > budget:
        raise ValueError(
            f"hyperparameters: {what} would have {count:,} parameters ({_human(need)}), over "
            f"the {_human(budget)} budget (nqs_explorer.compute.MODEL_MAX_BYTES); use smaller "
            f"hyperparameters (about {max(1, int(count * budget / need)):,} parameters fit)"
        )
    return need


def estimate_build_s(setup) -> float:
    """Rough seconds to build and draw ``setup`` (group, parameters, drawing) from the
    measured cost models; the app shows progress and Cancel above `TIME_BUDGET_S`."""
    from .. import group as groups

    n_sites = setup_sites(setup)
    seconds = DRAW_S_PER_SITE * n_sites
    if setup.group is not None:
        n_sub = LATTICE_SUBLATTICES.get(setup.lattice, 1)
        entries = groups.group_bytes(setup.group, setup.extent, setup.pbc, n_sub) / 64
        seconds += GROUP_S_PER_ENTRY * entries
        if setup.group != "translation":
            seconds += POINT_SEARCH_S_PER_SITE * n_sites
    # parameters: of order N² for the dense models (RBM α=1 as the yardstick)
    seconds += INIT_S_PER_PARAMETER * n_sites * n_sites
    return seconds


def _human(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"
