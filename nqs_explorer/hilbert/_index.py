"""Counting, enumerating and sampling the configurations of a fixed total magnetization.

Everything here works on *local indices* ``k_i in 0 .. L-1`` (``L`` = local size) whose sum
is fixed to ``r``; `Spin` maps indices to spin values. A fixed ``total_sz`` is such a sum
because the local states are equally spaced.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

#: NetKet's bound on the number of states an index may address (``np.iinfo(np.int32).max``).
MAX_INDEXABLE_STATES = np.iinfo(np.int32).max


def check_total_sz(total_sz, s: float, n_sites: int) -> int | float | None:
    """Validate ``total_sz`` for ``n_sites`` spins ``s`` as NetKet does.

    Returns it as a Python int (if given as an integer type) or float, as NetKet keeps it.

    Raises:
        TypeError: not a number.
        ValueError: not a multiple of 1/2 (NetKet rounds it silently), ``2|M| > 2sN``, or
            the wrong parity (NetKet's messages).
    """
    if total_sz is None:
        return None
    if isinstance(total_sz, bool) or not isinstance(total_sz, int | float | np.number):
        raise TypeError(f"total_sz must be None or a number (0, 0.5, -1, ...), got {total_sz!r}")
    two_m = 2 * float(total_sz)
    if not np.isfinite(two_m) or two_m != round(two_m):
        raise ValueError(f"total_sz must be an integer or half-integer, got {total_sz!r}")
    m, two_s = round(two_m), round(2 * s)
    if abs(m) > n_sites * two_s:
        raise ValueError(
            "Cannot fix the total magnetization: 2|M| cannot exceed Nspins. "
            f"(total_sz={total_sz!r} with N={n_sites} spins s={s:g}: |total_sz| <= "
            f"{n_sites * two_s / 2:g})"
        )
    if two_s % 2 == 1 and (n_sites + m) % 2 != 0:
        raise ValueError(
            "Cannot fix the total magnetization: Nspins + 2*totalSz must be even. "
            f"(N={n_sites}, total_sz={total_sz!r})"
        )
    if two_s % 2 == 0 and m % 2 != 0:
        raise ValueError(
            "Cannot fix the total magnetization to a half-integer number "
            f"(spin s={s:g} sites only reach integer totals, got total_sz={total_sz!r})"
        )
    if isinstance(total_sz, int | np.integer):
        return int(total_sz)
    return float(total_sz)


@functools.lru_cache(maxsize=64)
def count(n_sites: int, local_size: int, total: int) -> int:
    """Number of index tuples ``(k_1..k_N)``, ``0 <= k_i < L``, with ``Σ k_i = total`` (exact)."""
    if total < 0 or total > n_sites * (local_size - 1):
        return 0
    # coefficients of (1 + x + ... + x^(L-1))^N, truncated at x^total
    row = [1] + [0] * total
    for _ in range(n_sites):
        prefix = [0]
        for c in row:
            prefix.append(prefix[-1] + c)
        row = [prefix[j + 1] - prefix[max(0, j - local_size + 1)] for j in range(total + 1)]
    return row[total]


def sorted_by_value(n_sites: int, local_size: int, total: int) -> bool:
    """Whether NetKet lists this constrained space sorted by value (else: bare order, filtered).

    NetKet 3.23 picks, for a sum constraint, the cheaper of two indices: a lookup table of
    the states sorted lexicographically by *value* (when ``C((L-1)N, total) < L^N``), or the
    unconstrained enumeration filtered by the constraint. We reproduce the resulting order.
    """
    return math.comb((local_size - 1) * n_sites, total) < local_size**n_sites


def is_indexable(n_sites: int, local_size: int, total: int | None) -> bool:
    """NetKet's `is_indexable`: the index it would build addresses at most 2^31 - 1 states."""
    bare = local_size**n_sites
    if total is None:
        return bare <= MAX_INDEXABLE_STATES
    return min(bare, math.comb((local_size - 1) * n_sites, total)) <= MAX_INDEXABLE_STATES


def enumerate_indices(n_sites: int, local_size: int, total: int) -> np.ndarray:
    """All index tuples with sum ``total``, ``(count, N)`` uint8, lexicographic (site 0 first)."""
    rows = np.zeros((1, 0), dtype=np.uint8)
    partial = np.zeros(1, dtype=np.int64)
    top = local_size - 1
    for i in range(n_sites):
        left = n_sites - i - 1  # sites after this one
        k = np.arange(local_size, dtype=np.int64)
        new_partial = (partial[:, None] + k[None, :]).ravel()
        keep = (new_partial <= total) & (new_partial + top * left >= total)
        rows = np.concatenate(
            [np.repeat(rows, local_size, axis=0), np.tile(k.astype(np.uint8), len(rows))[:, None]],
            axis=1,
        )[keep]
        partial = new_partial[keep]
    return rows


def row_keys(digits: np.ndarray) -> np.ndarray:
    """One sortable key per row of ``uint8`` digits (memcmp order = lexicographic order)."""
    digits = np.ascontiguousarray(digits, dtype=np.uint8)
    return digits.view(np.dtype((np.void, digits.shape[-1]))).reshape(digits.shape[:-1])


@functools.lru_cache(maxsize=64)
def log_count_table(n_sites: int, local_size: int, total: int) -> np.ndarray:
    """``(N + 1, total + 1)``: ``log`` of `count` ``(m, L, r)`` (``-inf`` where it is 0)."""
    table = np.full((n_sites + 1, total + 1), -np.inf)
    table[0, 0] = 0.0
    for m in range(1, n_sites + 1):
        shifted = [
            np.concatenate([np.full(k, -np.inf), table[m - 1, : total + 1 - k]])
            for k in range(min(local_size, total + 1))
        ]
        table[m] = np.logaddexp.reduce(np.stack(shifted), axis=0)
    table.setflags(write=False)
    return table


def uniform_indices(key, n_sites: int, local_size: int, total: int, batch: tuple) -> jax.Array:
    """Uniform samples among the index tuples with sum ``total``: ``(*batch, N)`` int32.

    Site by site, index ``k`` is drawn with probability ``count(rest, total_left - k) /
    count(rest + 1, total_left)``, which makes every admissible tuple equally likely
    (jit-compatible; the count table is a constant).
    """
    table = jnp.asarray(log_count_table(n_sites, local_size, total))
    k = jnp.arange(local_size, dtype=jnp.int32)
    keys = jax.random.split(key, n_sites)

    def step(left, inputs):
        i, step_key = inputs
        rest = n_sites - 1 - i
        target = left[..., None] - k  # (*batch, L)
        logits = jnp.where(target >= 0, table[rest, jnp.clip(target, 0, total)], -jnp.inf)
        choice = jax.random.categorical(step_key, logits, axis=-1)
        choice = choice.astype(jnp.int32)
        return left - choice, choice

    start = jnp.full(batch, total, dtype=jnp.int32)
    _, choices = jax.lax.scan(step, start, (jnp.arange(n_sites), keys))
    return jnp.moveaxis(choices, 0, -1).astype(jnp.int32)
