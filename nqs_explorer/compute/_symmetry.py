"""Symmetry views of a `SessionState`: orbit terms and the covariance check."""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._constants import FORCED_ZERO_ATOL
from ._results import INVARIANCE_RTOL, OrbitResult, SectorCancellation, SymmetryCheck
from ._session_core import (
    KernelRun,
    SessionState,
    check_outputs,
    configurations,
    inner,
    need_group,
)


def orbit(state: SessionState, run: KernelRun, sigma) -> OrbitResult:
    """`Session.orbit` of ``state`` (kernels through ``run``) (documented there)."""
    group = need_group(state, "the orbit view")
    sigma = configurations(state, sigma, "sigma")
    if sigma.ndim != 1:
        raise ValueError(f"sigma: expected one configuration of shape (N,), got {sigma.shape}")
    module, variables, _ = inner(state)
    out = run(_kernels.orbit, variables, sigma, state.perms, state.device_characters, module=module)
    check_outputs(out["log_terms"], "orbit terms")
    check_outputs(out["terms"], "orbit terms")
    configs = np.asarray(out["configs"])
    stabilizer = np.flatnonzero(np.all(configs == sigma, axis=1))
    _, first = np.unique(configs, axis=0, return_index=True)
    chars = state.characters
    stab_sum = np.sum(chars[stabilizer])
    terms = np.asarray(out["terms"])
    log_terms = np.asarray(out["log_terms"])
    magnitude = float(np.sum(np.abs(terms)))
    amps = np.exp(log_terms - np.max(log_terms.real)) if magnitude > 0 else log_terms
    invariant = magnitude > 0 and bool(
        np.max(np.abs(amps - amps[0])) <= INVARIANCE_RTOL * np.max(np.abs(amps))
    )
    return OrbitResult(
        sigma=sigma.copy(),
        configs=configs,
        element_names=tuple(group.element_names),
        characters=chars.copy(),
        log_terms=log_terms,
        terms=terms,
        total=complex(out["total"]),
        log_total=complex(out["log_total"]),
        unique_configs=configs[np.sort(first)],
        stabilizer=stabilizer,
        orbit_size=len(group) // len(stabilizer),
        forced_zero=bool(abs(stab_sum) < FORCED_ZERO_ATOL * len(stabilizer)),
        cancelled=bool(abs(complex(out["total"])) <= FORCED_ZERO_ATOL * magnitude),
        invariant=invariant,
    )


def sector_cancellation(state: SessionState, run: KernelRun, x) -> SectorCancellation:
    """`Session.sector_cancellation` of ``state`` (kernels through ``run``) (documented there)."""
    need_group(state, "the cancellation check")
    x = configurations(state, x).reshape(-1, state.hilbert.size)
    module, variables, _ = inner(state)
    out = run(
        _kernels.sector_cancellation,
        variables,
        x,
        state.perms,
        state.device_characters,
        module=module,
    )
    return SectorCancellation(
        ratio=np.asarray(out["ratio"]),
        invariance=np.asarray(out["invariance"]),
        finite=np.asarray(out["finite"]),
    )


def symmetry_check(state: SessionState, run: KernelRun, x) -> SymmetryCheck:
    """`Session.symmetry_check` of ``state`` (kernels through ``run``) (documented there)."""
    group = need_group(state, "the symmetry check")
    x = configurations(state, x).reshape(-1, state.hilbert.size)
    if x.shape[0] == 0:
        raise ValueError("x: the symmetry check needs at least one configuration")
    module, variables, symmetrized = inner(state)
    kernel = _kernels.symm_symmetry_check if symmetrized else _kernels.symmetry_check
    static = {"module": module} if symmetrized else {"model": module}
    errors = run(kernel, variables, x, state.perms, state.device_characters, **static)
    check_outputs(errors, "symmetry check")
    cid = state.setup.character_id
    return SymmetryCheck(
        per_element=np.asarray(errors),
        max_error=float(np.max(errors)),
        element_names=tuple(group.element_names),
        n_configurations=int(x.shape[0]),
        irrep_dim=1 if cid is None else int(group.irrep_dims[cid]),
    )
