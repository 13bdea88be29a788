"""Parameter table: one row per leaf with totals; the selected leaf's heatmap and histogram."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import plot
from ._figure import LiveFigure
from ._state import AppState
from ._view import View, set_options

COLUMNS = ("path", "module", "shape", "dtype", "count", "bytes", "mean", "std")


def format_number(x) -> str:
    """Compact text of a (possibly complex) statistic."""
    x = complex(x) if np.iscomplexobj(x) else float(x)
    if isinstance(x, complex):
        if abs(x.imag) < 1e-300:
            return f"{x.real:.3g}"
        return f"{x.real:.3g}{'+' if x.imag >= 0 else '-'}{abs(x.imag):.3g}i"
    return f"{x:.3g}"


def row_cells(row) -> tuple[str, ...]:
    """The displayed cells of a ``compute.ParameterRow``, in :data:`COLUMNS` order."""
    return (
        row.path,
        row.module,
        str(tuple(row.shape)),
        row.dtype,
        f"{row.count:,}",
        f"{row.bytes:,}",
        format_number(row.mean),
        format_number(row.std),
    )


def table_html(summary, selected: str | None) -> str:
    """HTML table of a ``compute.ParameterSummary``; non-finite leaves are flagged."""
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    body = []
    for row in summary.rows:
        style = ' style="background:#fff1c1"' if row.path == selected else ""
        cells = [f"<td>{html.escape(c)}</td>" for c in row_cells(row)]
        if not row.finite:
            cells.append('<td><b style="color:#c62828">non-finite!</b></td>')
        body.append(f'<tr class="nqx-leaf"{style}>{"".join(cells)}</tr>')
    total = (
        f'<tr class="nqx-total" style="font-weight:600;border-top:1px solid #999">'
        f"<td>total ({len(summary.rows)} leaves)</td><td></td><td></td><td></td>"
        f"<td>{summary.total_count:,}</td><td>{summary.total_bytes:,}</td><td></td><td></td></tr>"
    )
    return (
        '<table class="nqx-parameters" cellpadding="3" style="font-size:88%;font-family:monospace;'
        f'border-collapse:collapse"><tr>{head}</tr>{"".join(body)}{total}</table>'
    )


def leaf_at(variables, path: str) -> np.ndarray:
    """The array at ``"params/Dense/kernel"``-style ``path`` of a variables tree."""
    node = variables
    for key in path.split("/"):
        if key not in node:
            raise ValueError(f"no parameter at {path!r}")
        node = node[key]
    return np.asarray(node)


class ParameterTable(View):
    """Every parameter leaf (path, module, shape, dtype, count, bytes, mean, std) and totals.

    Selecting a leaf in :attr:`leaf` draws its heatmap and histogram.

    Attributes:
        table: ``HTML`` table, one row per leaf, plus the totals row.
        leaf: ``Select`` of the leaf paths.
        figure: :class:`LiveFigure` with the heatmap (left) and histogram (right).
    """

    source = "parameters"
    title = "Parameters"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.table = widgets.HTML()
        self.leaf = widgets.Select(description="leaf", layout=widgets.Layout(width="420px"))
        self.figure = LiveFigure(figsize=(8.0, 3.0))
        self.on_value(self.leaf, lambda _path: self._draw(), "Select parameter")
        self.state.observe("setup", self.refresh, self.source)
        self.state.observe("parameters", self.refresh, self.source)
        self.root = widgets.VBox([self.table, self.leaf, self.message, self.figure.widget])
        self.sync()

    @property
    def summary(self):
        return self.state.memo("parameter_summary", self.state.session.parameter_summary)

    def sync(self) -> None:
        summary = self.summary
        paths = [row.path for row in summary.rows]
        with self.muted():
            set_options(self.leaf, paths, self.leaf.value)
            self.leaf.rows = min(max(len(paths), 2), 8)
        self._draw()

    def _draw(self) -> None:
        path = self.leaf.value
        self.table.value = table_html(self.summary, path)
        self.figure.figure.clear()
        if path is None:
            self.figure.redraw()
            return
        array = leaf_at(self.state.session.variables, path)
        heat_ax, hist_ax = self.figure.figure.subplots(1, 2, width_ratios=(1.4, 1))
        plot.draw_parameter_heatmap(array, ax=heat_ax, title=path)
        plot.draw_parameter_histogram(array, ax=hist_ax, title=path.rsplit("/", 1)[-1])
        self.figure.redraw()
