"""The model's correctness checks as data: what the checks panel and the report display.

`run_checks(session)` (also `Session.checks()`) returns one `CheckResult` per check, in
`CHECK_NAMES` order: symmetry covariance over every group element, normalisation of
autoregressive models by exact enumeration, and autoregressiveness read off the model's
Jacobian. Verdicts are decided here, with `CHECK_TOLERANCE`; views only show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._constants import CHECK_BATCH, CHECK_SEED, CHECK_TOLERANCE

#: Verdicts a check can give: passed, failed, expected not to hold (info), not applicable.
VERDICTS = ("pass", "fail", "info", "n/a")


@dataclass(frozen=True)
class CheckResult:
    """One verdict of `Session.checks`.

    Attributes:
        name: what is checked (a value of `CHECK_NAMES`).
        value: the measured number (None when the check does not apply).
        verdict: ``"pass"``, ``"fail"``, ``"info"`` (expected to fail) or ``"n/a"``.
        detail: how the number was obtained and what it means (or why it is n/a).
    """

    name: str
    value: float | None
    verdict: str
    detail: str


def symmetry_result(session, exact=None) -> CheckResult:
    """Max covariance error |ψ(T_g σ) − conj(χ_g) ψ(σ)| over every g and a random batch."""
    name = CHECK_NAMES["symmetry"]
    setup = session.setup
    if session.group is None:
        return CheckResult(name, None, "n/a", "no group chosen")
    batch = session.random_configurations(CHECK_BATCH, CHECK_SEED)
    if setup.symmetrize:
        vanishing = _vanishing_result(session, batch)
        if vanishing is not None:
            return vanishing
    check = session.symmetry_check(batch)
    worst = check.element_names[int(np.argmax(check.per_element))]
    detail = (
        f"max over {len(check.per_element)} elements × {check.n_configurations} configurations, "
        f"relative to max |ψ|; worst element {worst}"
    )
    if not setup.symmetrize:
        return CheckResult(name, check.max_error, "info", detail + " (not symmetrized)")
    if check.irrep_dim > 1:
        return CheckResult(
            name,
            check.max_error,
            "info",
            detail + f" (a {check.irrep_dim}-dimensional irrep mixes partners: no covariance law)",
        )
    verdict = "pass" if check.max_error < CHECK_TOLERANCE else "fail"
    return CheckResult(name, check.max_error, verdict, detail)


def _vanishing_result(session, batch) -> CheckResult | None:
    """A failed symmetry check when the symmetrized model is non-finite or identically zero
    on ``batch`` (a covariance error of 0 would say "pass" about ψ ≡ 0); else None."""
    name = CHECK_NAMES["symmetry"]
    setup, group = session.setup, session.group
    cancellation = session.sector_cancellation(batch)
    n = len(batch)
    bad = int(np.sum(~cancellation.finite))
    if bad:
        return CheckResult(
            name,
            None,
            "fail",
            f"the model gives non-finite values (NaN or overflow) on {bad} of {n} "
            "configurations: ψ is not defined there; check the parameters",
        )
    if not cancellation.vanishes:
        return None
    cid = setup.character_id
    label = "the trivial irrep" if cid is None else f"{group.irrep_labels[cid]} (id {cid})"
    largest = float(np.max(cancellation.ratio))
    detail = (
        f"ψ ≡ 0 in the sector of {label}: Σ_g χ_g ψ_θ(T_g σ) cancels on all {n} "
        f"configurations checked (largest |ψ| / Σ_g |χ_g ψ_θ(T_g σ)| = {largest:.1e})"
    )
    if cancellation.invariant:
        what = (
            "DeepSetMLP is permutation invariant"
            if setup.architecture == "DeepSetMLP"
            else f"{setup.architecture} is invariant under {group.name}"
        )
        detail = (
            f"{what}: ψ_θ(T_g σ) = ψ_θ(σ) for every g, so ψ = ψ_θ Σ_g χ_g / |G| and every "
            f"term of the sector of {label} cancels. " + detail
        )
    return CheckResult(name, largest, "fail", detail)


def normalization_result(session, exact=None) -> CheckResult:
    """|Σ_σ |ψ(σ)|^p − 1| by exhaustive enumeration for autoregressive models.

    ``exact`` is a zero-argument callable giving the `ExactState` (default
    ``session.exact_state``), so a caller can share or report the enumeration.
    """
    name = CHECK_NAMES["normalization"]
    if not session.autoregressive:
        return CheckResult(name, None, "n/a", "the model is not autoregressive")
    state = (exact or session.exact_state)()
    error = abs(state.normalization - 1.0)
    verdict = "pass" if error < CHECK_TOLERANCE else "fail"
    detail = f"|Σ_σ |ψ(σ)|^{state.machine_pow} − 1| over {len(state.states):,} states"
    return CheckResult(name, error, verdict, detail)


def autoregressive_result(session, exact=None) -> CheckResult:
    """Number of inputs j ≥ i that can change p(σ_i | ·) (0 for an autoregressive model)."""
    name = CHECK_NAMES["autoregressive"]
    if not session.autoregressive:
        return CheckResult(name, None, "n/a", "the model is not autoregressive")
    fields = session.receptive_fields()
    violations = int(np.sum(np.triu(fields)))
    verdict = "pass" if violations == 0 else "fail"
    detail = "pairs (i, j ≥ i) where input j changes p(σ_i | ·), from the model's Jacobian"
    return CheckResult(name, float(violations), verdict, detail)


#: Every check, by key, with its display name (the order of `run_checks`).
CHECK_NAMES = {
    "symmetry": "symmetry covariance",
    "normalization": "AR normalization",
    "autoregressive": "autoregressiveness",
}
CHECKS: dict[str, Callable] = {
    "symmetry": symmetry_result,
    "normalization": normalization_result,
    "autoregressive": autoregressive_result,
}


def run_checks(session, exact: Callable | None = None) -> list[CheckResult]:
    """Every check on ``session``'s model, one `CheckResult` each.

    A check that cannot run (an exact enumeration too large for memory, say) gives an
    ``"n/a"`` result whose detail is the reason, so the list always has one result per
    check. ``exact``: see `normalization_result`.
    """
    results = []
    for key, check in CHECKS.items():
        try:
            results.append(check(session, exact))
        except ValueError as err:
            results.append(CheckResult(CHECK_NAMES[key], None, "n/a", str(err)))
    return results
