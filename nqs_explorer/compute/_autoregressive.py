"""Autoregressive and exact views of a `SessionState`.

Conditionals, receptive fields and sampling of autoregressive models; the exact state of
any model on a small lattice.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _kernels
from ._constants import EXACT_CHUNK, EXACT_MAX_BYTES, MAX_SAMPLES
from ._results import ExactState, ReceptiveReach
from ._session_core import (
    KernelRun,
    SessionState,
    batch_bucket,
    check_outputs,
    check_seed,
    configurations,
    human_bytes,
    is_autoregressive,
    log_psi_batch,
    need_autoregressive,
)


def conditionals(state: SessionState, run: KernelRun, sigma) -> np.ndarray:
    """``(N, local_size)`` conditionals ``p(σ_i = s | σ_<i)`` of one configuration."""
    need_autoregressive(state, "conditionals")
    sigma = configurations(state, sigma, "sigma")
    if sigma.ndim != 1:
        raise ValueError(f"sigma: expected one configuration of shape (N,), got {sigma.shape}")
    out = run(_kernels.conditionals, state.device_variables, sigma[None], model=state.model)
    check_outputs(out, "conditionals")
    return np.asarray(out)[0]


def receptive_fields(
    state: SessionState, run: KernelRun, n_points: int = 2, seed: int = 0
) -> np.ndarray:
    """`Session.receptive_fields` of ``state`` (kernels through ``run``) (documented there)."""
    need_autoregressive(state, "receptive fields")
    key = ("receptive", int(n_points), int(seed))
    if key not in state.memo:
        lo, hi = np.min(state.hilbert.local_states), np.max(state.hilbert.local_states)
        rng = np.random.default_rng(check_seed(seed))
        points = rng.uniform(lo, hi, size=(int(n_points), state.hilbert.size))
        fields = run(_kernels.receptive_fields, state.device_variables, points, model=state.model)
        state.memo[key] = np.asarray(fields, dtype=bool)
    return state.memo[key].copy()


def receptive_reach(state: SessionState, run: KernelRun) -> ReceptiveReach:
    """`Session.receptive_reach` of ``state`` (kernels through ``run``) (documented there)."""
    need_autoregressive(state, "receptive reach")
    if "reach" not in state.memo:
        model = state.model
        layers = int(model.layers)
        one_layer = model.clone(layers=1, features=state.hilbert.local_size)
        x = np.zeros((1, state.hilbert.size))
        variables = run(_kernels.init, np.uint32(0), x, model=one_layer)
        lo, hi = np.min(state.hilbert.local_states), np.max(state.hilbert.local_states)
        points = np.random.default_rng(0).uniform(lo, hi, size=(2, state.hilbert.size))
        first = np.asarray(
            run(_kernels.receptive_fields, variables, points, model=one_layer), dtype=bool
        )
        state.memo["reach"] = reach_from_first_layer(first, layers)
    return state.memo["reach"]


def sample(
    state: SessionState, run: KernelRun, n: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` exact autoregressive samples ``(n, N)`` and their ``log p`` ``(n,)``."""
    need_autoregressive(state, "sampling")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n must be an integer in 1..{MAX_SAMPLES}, got {n!r}")
    samples, log_prob = run(
        _kernels.sample,
        state.device_variables,
        np.uint32(check_seed(seed)),
        model=state.model,
        n_samples=int(n),
    )
    check_outputs(log_prob, "sample log-probabilities")
    return np.asarray(samples), np.asarray(log_prob)


def bytes_per_state(state: SessionState) -> int:
    """Bytes per state of `exact_state`: a float64 configuration, complex log ψ, the
    weight and the probability."""
    return state.hilbert.size * 8 + 16 + 8 + 8


def exact_bytes(state: SessionState) -> int:
    """Bytes `exact_state` needs: states ``(n_states, N)`` float64 plus three outputs."""
    return int(state.hilbert.n_states) * bytes_per_state(state)


def exact_state(
    state: SessionState,
    run: KernelRun,
    max_bytes: int = EXACT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ExactState:
    """`Session.exact_state` of ``state`` (kernels through ``run``) (documented there)."""
    hilbert = state.hilbert
    need = exact_bytes(state)
    if need > max_bytes:
        raise ValueError(
            f"exact enumeration refused: {hilbert.local_size}^{hilbert.size} = "
            f"{hilbert.n_states:,} states would need about {human_bytes(need)} "
            f"({bytes_per_state(state)} bytes per state), above the limit of "
            f"{human_bytes(max_bytes)}; use a smaller lattice"
        )
    states = hilbert.all_states()
    # A symmetrized model evaluates |G| configurations per state: keep chunks small.
    terms = len(state.group) if state.setup.symmetrize else 1
    chunk = min(batch_bucket(max(1, EXACT_CHUNK // terms)), batch_bucket(len(states)))
    starts = range(0, len(states), chunk)
    parts = []
    for done, i in enumerate(starts):
        if progress is not None:
            progress(done, len(starts))
        parts.append(log_psi_batch(state, run, states[i : i + chunk], pad_to=chunk))
    if progress is not None:
        progress(len(starts), len(starts))
    log_psi = np.concatenate(parts)
    check_outputs(log_psi, "exact log ψ")
    power = int(getattr(state.model, "machine_pow", 2)) if is_autoregressive(state) else 2
    log_weights = power * np.real(log_psi)
    shift = np.max(log_weights)
    if not np.isfinite(shift):
        raise ValueError("exact state: every amplitude is zero; the state cannot be normalised")
    weights = np.exp(log_weights - shift)
    total = np.sum(weights)
    return ExactState(
        states=states,
        log_psi=log_psi,
        probabilities=weights / total,
        log_norm=float(shift + np.log(total)),
        machine_pow=power,
        autoregressive=is_autoregressive(state),
    )


def grow_receptive_fields(first_layer, depth: int) -> np.ndarray:
    """Receptive fields of ``depth`` masked layers from those of the first one.

    Args:
        first_layer: ``(N, N)`` bool, ``[i, j]``: output ``i`` of the first (exclusive)
            layer reads input ``j``.
        depth: number of layers, ``>= 1``; each layer after the first is the same mask
            made inclusive (``first_layer`` plus the site itself).

    Returns:
        ``(N, N)`` bool fields ``F_depth = S^(depth-1) F_1`` with ``S = F_1 ∪ 1``.

    Example:
        >>> import numpy as np
        >>> first = np.eye(3, k=-1, dtype=bool)  # each site reads its predecessor
        >>> grow_receptive_fields(first, 2).astype(int)
        array([[0, 0, 0],
               [1, 0, 0],
               [1, 1, 0]])
    """
    first = np.asarray(first_layer, dtype=bool)
    if first.ndim != 2 or first.shape[0] != first.shape[1]:
        raise ValueError(f"first_layer must be a square (N, N) bool array, got {first.shape}")
    if isinstance(depth, bool) or not isinstance(depth, int | np.integer) or depth < 1:
        raise ValueError(f"depth must be an integer >= 1, got {depth!r}")
    field = first.copy()
    for _ in range(int(depth) - 1):
        grown = _grow(first, field)
        if np.array_equal(grown, field):
            break
        field = grown
    return field


def _grow(first: np.ndarray, field: np.ndarray) -> np.ndarray:
    """One more inclusive layer: site ``i`` reads the fields of ``first[i]`` and its own."""
    step = (first | np.eye(len(first), dtype=bool)).astype(np.int64)
    return (step @ field.astype(np.int64)) > 0


def reach_from_first_layer(first_layer, layers: int) -> ReceptiveReach:
    """`ReceptiveReach` of a ``layers``-deep stack from its first layer's fields ``(N, N)``."""
    first = np.asarray(first_layer, dtype=bool)
    n = len(first)
    field = grow_receptive_fields(first, layers)
    saturation = np.ones(n, dtype=np.int64)
    current, depth = first, 1
    while True:
        grown = _grow(first, current)
        if np.array_equal(grown, current):
            break
        depth += 1
        saturation[np.any(grown != current, axis=1)] = depth
        current = grown
    earlier = np.tril(np.ones((n, n), dtype=bool), k=-1)
    return ReceptiveReach(
        layers=int(layers),
        field=field,
        reachable=current,
        never_seen=earlier & ~current,
        not_yet=current & ~field,
        saturation_depth=saturation,
    )
