"""The status line: JAX device, busy indicator, progress bar and the cost of the last action."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..plot.html import device_text as device_text
from ._state import ActionRecord, AppState
from ._view import View

BUSY_STYLE = "color:#7a4b00;background:#fff4d6;border-radius:3px;padding:1px 8px;font-weight:600"
IDLE_STYLE = "color:#2e6b30;padding:1px 8px"


def action_text(record: ActionRecord | None) -> str:
    """Wall time, compilations and compile/run split of the last action."""
    if record is None:
        return "ready"
    status = "" if record.ok else " (failed)"
    ms = 1e3 * record.wall_s
    if record.compiles:
        cost = (
            f"compiled {record.compiles} kernel{'s' if record.compiles > 1 else ''} in "
            f"{record.compile_s:.2f} s, ran {1e3 * record.run_s:.1f} ms"
        )
    else:
        cost = f"no compilation, ran {1e3 * record.run_s:.1f} ms"
    device = f" on {record.device}" if record.device else ""
    return f"{record.label}{status}: {ms:.0f} ms · {cost}{device}"


class StatusLine(View):
    """Device line, busy indicator, progress bar, Cancel and timing of the last action.

    Attributes:
        cancel: ``Button`` shown while background work runs (`AppState.working`); it
            calls `AppState.cancel_work`.

    Args:
        state: the shared :class:`AppState` (a fresh one when None).
    """

    source = "status"
    title = "Status"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.device = widgets.HTML()
        self.busy = widgets.HTML()
        self.timing = widgets.HTML()
        self.progress = widgets.IntProgress(
            value=0, min=0, max=1, description="", layout=widgets.Layout(width="160px")
        )
        self.progress.layout.visibility = "hidden"
        self.cancel = widgets.Button(
            description="Cancel",
            icon="stop",
            tooltip="stop the long work between two steps; the last valid state stays",
            layout=widgets.Layout(width="90px"),
        )
        self.cancel.layout.visibility = "hidden"
        self.cancel.on_click(lambda _b: self.state.run(self.source, None, self.state.cancel_work))
        self.state.watch(lambda c: self._on_working(c["new"]), "working", self.source)
        self.state.watch(lambda c: self._on_busy(c["new"]), "busy", self.source)
        self.state.watch(lambda c: self._on_action(c["new"]), "last_action", self.source)
        self.state.watch(lambda c: self._on_progress(*c["new"]), "progress", self.source)
        self.root = widgets.VBox(
            [
                widgets.HBox([self.busy, self.progress, self.cancel, self.timing]),
                self.device,
                self.message,
            ],
            layout=widgets.Layout(border_top="1px solid #ddd"),
        )
        self.sync()

    def sync(self) -> None:
        info = self.state.session.device_info()
        self.device.value = f'<span style="color:#555">{html.escape(device_text(info))}</span>'
        self._on_working(self.state.working)
        self._on_progress(*self.state.progress)
        self._on_action(self.state.last_action)

    def _on_working(self, label: str) -> None:
        self.cancel.layout.visibility = "visible" if label else "hidden"
        self._on_busy(self.state.busy)

    def _on_busy(self, label: str) -> None:
        label = label or self.state.working
        if label:
            text = f"⏳ {html.escape(label)}… (compiling if new shapes)"
            self.busy.value = f'<span class="nqx-busy" style="{BUSY_STYLE}">{text}</span>'
        else:
            self.busy.value = f'<span class="nqx-idle" style="{IDLE_STYLE}">● idle</span>'

    def _on_action(self, record: ActionRecord | None) -> None:
        self.timing.value = f"<span>{html.escape(action_text(record))}</span>"

    def _on_progress(self, done: int, total: int, label: str) -> None:
        if total <= 0:
            self.progress.layout.visibility = "hidden"
            self.progress.value = 0
            return
        self.progress.layout.visibility = "visible"
        self.progress.max = total
        self.progress.value = min(done, total)
        self.progress.description = label[:12]
