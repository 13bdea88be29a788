"""Memory guard for exact diagonalization: estimate before building, refuse what cannot fit.

The estimates are deliberately pessimistic (this machine: 24 GB shared by several users,
2 cores): the sparse matrix with complex values and 64-bit indices, the enumerated
configurations, and the Lanczos work vectors.
"""

from __future__ import annotations

import numpy as np

#: Memory (bytes) one exact computation may plan to use.
MEMORY_BUDGET_BYTES = 4 * 2**30
#: Largest basis (number of states of the operator's space) ever attempted.
MAX_STATES = 2**24
#: Lanczos vectors (ARPACK ``ncv``) assumed for the estimate.
_LANCZOS_VECTORS = 32


def connections_per_state(operator, n_sites: int) -> int:
    """Non-zeros per row assumed for ``operator``: its ``max_conn_size`` when it has one
    (NetKet's name), else ``2 N + 1`` (a nearest-neighbour spin model with two bonds per site)."""
    conn = getattr(operator, "max_conn_size", None)
    if isinstance(conn, int | np.integer) and conn > 0:
        return int(conn)
    return 2 * n_sites + 1


def estimate_bytes(
    n_states: int, n_sites: int, conn: int, n_basis: int | None = None, extra: int = 0
) -> int:
    """Planned peak memory of building the sparse matrix and running Lanczos on it.

    Args:
        n_states: dimension of the operator's space (rows of ``to_sparse()``).
        n_sites: configuration length ``N``.
        conn: non-zeros per row.
        n_basis: rows of the problem actually diagonalised (default ``n_states``).
        extra: bytes per basis state used by the caller (orbit tables, isometries).
    """
    n_basis = n_states if n_basis is None else n_basis
    matrix = n_states * conn * (16 + 8) + n_states * 8
    configurations = n_states * n_sites * 8
    lanczos = _LANCZOS_VECTORS * n_basis * 16
    return int(matrix + configurations + lanczos + extra * n_basis)


def largest_n_sites(local_size: int, n_sites: int, conn: int, per_state_extra: int = 0) -> int:
    """Largest ``N' <= N`` that fits the budget, scaling the bonds with ``N'``."""
    best = 0
    for m in range(1, n_sites + 1):
        c = max(1, round(1 + (conn - 1) * m / n_sites))
        n = local_size**m
        if n <= MAX_STATES and estimate_bytes(n, m, c, extra=per_state_extra) <= (
            MEMORY_BUDGET_BYTES
        ):
            best = m
    return best


def check_size(
    what: str,
    n_states: int,
    n_sites: int,
    local_size: int,
    conn: int,
    *,
    n_basis: int | None = None,
    per_state_extra: int = 0,
    hint: str = "",
) -> None:
    """Raise a ValueError naming the size that fits when the estimate exceeds the budget."""
    need = estimate_bytes(n_states, n_sites, conn, n_basis, per_state_extra)
    if n_states <= MAX_STATES and need <= MEMORY_BUDGET_BYTES:
        return
    fit = largest_n_sites(local_size, n_sites, conn, per_state_extra)
    raise ValueError(
        f"{what}: {n_states} states on N={n_sites} sites (~{conn} non-zeros per row) would need "
        f"about {need / 2**30:.1f} GiB (limit {MEMORY_BUDGET_BYTES / 2**30:.0f} GiB, at most "
        f"{MAX_STATES} states); the largest this machine does for this operator is N={fit} "
        f"({local_size**fit} states){hint}"
    )
