"""Checks panel: shows `compute.Session.checks` (the verdicts are decided in compute)."""

from __future__ import annotations

import ipywidgets as widgets

from ..compute import CheckResult as CheckResult
from ..plot.html import check_results_html
from ._state import AppState
from ._view import View


def run_checks(state: AppState) -> list[CheckResult]:
    """Every check of the panel on ``state``'s model, without widgets (`AppState.checks`)."""
    return state.checks()


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
        self.redraw_on(["setup", "parameters"], self._clear)
        self.root = widgets.VBox([self.run_button, self.message, self.table])
        self._clear()

    def run(self) -> list[CheckResult]:
        """Run every check (`AppState.checks`) and show the results."""
        self.results = self.state.checks()
        self.table.value = check_results_html(self.results)
        return self.results

    def _clear(self) -> None:
        self.results = []
        self.table.value = "<i>Press “run checks” to check the current model.</i>"
