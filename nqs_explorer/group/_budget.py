"""Memory budget of lattice groups, checked before any table is allocated.

Cost model (measured by ``benchmarks/bench_budget.py``, figures in
``benchmarks/RESULTS.md``): a group of order ``|G|`` acting on ``N`` sites with ``|T|``
translations holds its ``(|G|, N)`` permutations, their construction temporaries, the
``(|G|, |G|)``-sized multiplication tables and a character table of at most
``(|T|, |G|)`` complex entries: about `BYTES_PER_ENTRY` bytes per entry of
``|G| × max(N, |T|)`` (measured: 56 B for translation groups, 40 B for space groups).
Searching the point operations of a finite lattice costs about `POINT_SEARCH_BYTES_PER_SITE`
per site (measured: 25 KiB). A group whose estimate exceeds `MAX_TABLE_BYTES` is refused
with a ValueError naming the largest extent that fits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

#: Largest estimated size of one group's tables, in bytes (the app's budget: a Binder
#: kernel has 1–2 GB). Raise it (``nqs_explorer.group.MAX_TABLE_BYTES = ...``) to allow more.
MAX_TABLE_BYTES = 256 * 2**20
#: Bytes per entry of ``|G| × max(N, |T|)`` (permutations, temporaries, tables).
BYTES_PER_ENTRY = 64
#: Bytes per site of the point-operation search of a finite lattice.
POINT_SEARCH_BYTES_PER_SITE = 32 * 2**10


def max_point_order(ndim: int) -> int:
    """An upper bound on a point group's order in ``ndim`` dimensions (D6, Oh, B_d)."""
    if ndim <= 1:
        return 2
    if ndim == 2:
        return 12
    return 2**ndim * math.factorial(ndim)


def group_bytes(kind: str, extent: Sequence[int], pbc: Sequence[bool], n_sublattices: int) -> int:
    """Estimated bytes of ``kind`` ("translation", "point", "space") on a lattice.

    Args:
        kind: the group kind.
        extent: cells per axis ``(d,)``.
        pbc: periodic flag per axis ``(d,)``.
        n_sublattices: sites per cell.
    """
    n_sites = math.prod(int(e) for e in extent) * int(n_sublattices)
    n_trans = math.prod(int(e) for e, p in zip(extent, pbc) if p)
    n_point = max_point_order(len(extent))
    if kind == "translation":
        return BYTES_PER_ENTRY * n_trans * max(n_sites, n_trans)
    search = POINT_SEARCH_BYTES_PER_SITE * n_sites
    if kind == "point":
        return search + BYTES_PER_ENTRY * n_point * n_sites
    if kind == "space":
        order = n_trans * n_point
        return search + BYTES_PER_ENTRY * order * max(n_sites, n_trans)
    raise ValueError(f"group kind must be 'translation', 'point' or 'space', got {kind!r}")


def largest_fitting_extent(
    extent: Sequence[int], fits: Callable[[tuple[int, ...]], bool]
) -> tuple[int, ...] | None:
    """The largest extent of the same proportions (each axis scaled by one factor, at
    least 1) for which ``fits(extent)`` holds; None if not even all ones fit."""
    extent = tuple(int(e) for e in extent)

    def scaled(t: float) -> tuple[int, ...]:
        return tuple(max(1, int(e * t)) for e in extent)

    if not fits(scaled(0.0)):
        return None
    lo, hi = 0.0, 1.0
    for _ in range(60):  # bisection on the scale factor; fits() is arithmetic only
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fits(scaled(mid)) else (lo, mid)
    return scaled(lo)


def check_group_budget(
    kind: str, extent: Sequence[int], pbc: Sequence[bool], n_sublattices: int, what: str
) -> None:
    """Raise ValueError if ``kind``'s tables on this lattice exceed `MAX_TABLE_BYTES`.

    Runs before anything is allocated (arithmetic only). ``what`` names the lattice.
    """
    from . import MAX_TABLE_BYTES as budget  # the package's value: a user may raise it

    need = group_bytes(kind, extent, pbc, n_sublattices)
    if need <= budget:
        return
    best = largest_fitting_extent(
        extent, lambda e: group_bytes(kind, e, pbc, n_sublattices) <= budget
    )
    hint = (
        f"the largest extent that fits is {best} ({math.prod(best) * n_sublattices} sites)"
        if best is not None
        else "no extent fits"
    )
    raise ValueError(
        f"{kind} group of {what}: its tables would need about {_mib(need)} (|G| x N "
        f"permutations and tables), over the {_mib(budget)} budget "
        f"(nqs_explorer.group.MAX_TABLE_BYTES); {hint}"
    )


def _mib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"
