"""Checks panel: symmetry covariance over all g, AR normalization and autoregressiveness."""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from ._state import AppState
from ._view import View

TOLERANCE = 1e-10
CHECK_BATCH = 16
CHECK_SEED = 20240


@dataclass(frozen=True)
class CheckResult:
    """One line of the checks panel.

    Attributes:
        name: what is checked.
        value: the measured number (None when the check does not apply).
        verdict: ``"pass"``, ``"fail"``, ``"info"`` (expected to fail) or ``"n/a"``.
        detail: how the number was obtained and what it means.
    """

    name: str
    value: float | None
    verdict: str
    detail: str


def symmetry_result(state: AppState) -> CheckResult:
    """Max covariance error |ψ(T_g σ) − conj(χ_g) ψ(σ)| over every g and a random batch."""
    session, setup = state.session, state.setup
    name = CHECK_NAMES[symmetry_result]
    if session.group is None:
        return CheckResult(name, None, "n/a", "no group chosen")
    batch = session.random_configurations(CHECK_BATCH, CHECK_SEED)
    check = state.timed(session.symmetry_check, batch)
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
    verdict = "pass" if check.max_error < TOLERANCE else "fail"
    return CheckResult(name, check.max_error, verdict, detail)


def normalization_result(state: AppState) -> CheckResult:
    """|Σ_σ |ψ(σ)|^p − 1| by exhaustive enumeration for autoregressive models."""
    name = CHECK_NAMES[normalization_result]
    if not state.session.autoregressive:
        return CheckResult(name, None, "n/a", "the model is not autoregressive")
    exact = state.exact_state()
    error = abs(exact.normalization - 1.0)
    verdict = "pass" if error < TOLERANCE else "fail"
    detail = f"|Σ_σ |ψ(σ)|^{exact.machine_pow} − 1| over {len(exact.states):,} states"
    return CheckResult(name, error, verdict, detail)


def autoregressive_result(state: AppState) -> CheckResult:
    """Number of inputs j ≥ i that can change p(σ_i | ·) (0 for an autoregressive model)."""
    name = CHECK_NAMES[autoregressive_result]
    if not state.session.autoregressive:
        return CheckResult(name, None, "n/a", "the model is not autoregressive")
    fields = state.receptive_fields()
    violations = int(np.sum(np.triu(fields)))
    verdict = "pass" if violations == 0 else "fail"
    detail = "pairs (i, j ≥ i) where input j changes p(σ_i | ·), from the model's Jacobian"
    return CheckResult(name, float(violations), verdict, detail)


CHECK_NAMES = {
    symmetry_result: "symmetry covariance",
    normalization_result: "AR normalization",
    autoregressive_result: "autoregressiveness",
}
CHECKS = tuple(CHECK_NAMES)


def run_checks(state: AppState) -> list[CheckResult]:
    """Every check of the panel on ``state``'s model, without widgets.

    A check that cannot run (an exact enumeration too large for memory, say) gives an
    ``"n/a"`` result whose detail is the reason, so the list always has one result per
    check.
    """
    results = []
    for check in CHECKS:
        try:
            results.append(check(state))
        except ValueError as err:
            results.append(CheckResult(CHECK_NAMES[check], None, "n/a", str(err)))
    return results


MARKS = {"pass": "✓", "fail": "✗", "info": "·", "n/a": "—"}
COLORS = {"pass": "#2e7d32", "fail": "#c62828", "info": "#555", "n/a": "#999"}


def results_html(results: list[CheckResult]) -> str:
    """The results as an HTML table (one row per check, with the numbers)."""
    rows = []
    for r in results:
        value = "—" if r.value is None else f"{r.value:.3e}"
        rows.append(
            f'<tr class="nqx-check nqx-{r.verdict.replace("/", "")}">'
            f'<td style="color:{COLORS[r.verdict]};font-weight:700">{MARKS[r.verdict]}</td>'
            f"<td>{html.escape(r.name)}</td><td>{value}</td><td>{r.verdict}</td>"
            f'<td style="color:#555">{html.escape(r.detail)}</td></tr>'
        )
    return (
        '<table class="nqx-checks" cellpadding="4" style="font-size:90%;border-collapse:collapse">'
        "<tr><th></th><th>check</th><th>value</th><th>verdict</th><th>how</th></tr>"
        f"{''.join(rows)}</table>"
    )


class ChecksPanel(View):
    """Run the model's correctness checks and show the numbers.

    Attributes:
        run_button: ``Button`` running every check.
        results: the last :class:`CheckResult` list (empty until run, cleared on changes).
        table: ``HTML`` with the results.
    """

    source = "checks"
    title = "Checks"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.run_button = widgets.Button(description="run checks", icon="check")
        self.table = widgets.HTML()
        self.results: list[CheckResult] = []
        self.on_click(self.run_button, self.run, "Run checks")
        self.state.observe("setup", self._stale, self.source)
        self.state.observe("parameters", self._stale, self.source)
        self.root = widgets.VBox([self.run_button, self.message, self.table])
        self._stale()

    def run(self) -> list[CheckResult]:
        """Run every check (each one inside the error boundary) and show the results."""
        results = []
        for check in CHECKS:
            ok, result = self.state.run(self.source, None, check, self.state)
            if ok:
                results.append(result)
        self.results = results
        self.table.value = results_html(results)
        return results

    def _stale(self, **_payload) -> None:
        self.results = []
        self.table.value = "<i>Press “run checks” to check the current model.</i>"
