"""Parameter table: one row per leaf with totals; the selected leaf's heatmap and histogram."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plot
from ..plot.html import module_tree_html as module_tree_html
from ..plot.html import parameter_table_html as table_html
from ._figure import LiveFigure
from ._state import AppState
from ._view import View, set_options


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
        modules: ``HTML`` tree of the modules (`compute.ModuleRow`: shapes, parameters,
            bytes, FLOPs per configuration), collapsible.
        table: ``HTML`` table, one row per leaf (with min/max, non-finite flagged), totals.
        leaf: ``Select`` of the leaf paths.
        figure: :class:`LiveFigure` with the heatmap (left) and histogram (right).
    """

    source = "parameters"
    title = "Parameters"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.table = widgets.HTML()
        self.modules = widgets.HTML()
        self.leaf = widgets.Select(
            description="leaf", layout=widgets.Layout(width="420px", max_width="100%")
        )
        # not clickable: scaled down to the view's width in a narrow window
        self.figure = LiveFigure(figsize=(8.0, 3.0), fluid=True)
        self.on_value(self.leaf, lambda _path: self._draw(), "Select parameter")
        self.redraw_on(["setup", "parameters"])
        self.root = widgets.VBox(
            [self.modules, self.table, self.leaf, self.message, self.figure.widget]
        )
        self.sync()

    @property
    def summary(self):
        return self.state.memo("parameter_summary", self.state.session.parameter_summary)

    @property
    def module_rows(self):
        return self.state.memo("module_rows", self.state.session.module_rows)

    def sync(self) -> None:
        self.modules.value = module_tree_html(self.module_rows)
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
        if array.ndim == 4:  # a 2D convolution kernel (h, w, in, out)
            owner = path.split("/")[1:-1]
            row = next((r for r in self.module_rows if r.path.split("/") == owner), None)
            mask = None if row is None else row.mask
            plot.draw_kernel_panels(array, mask, fig=self.figure.figure, title=path)
            self.figure.redraw()
            return
        heat_ax, hist_ax = self.figure.figure.subplots(1, 2, width_ratios=(1.4, 1))
        plot.draw_parameter_heatmap(array, ax=heat_ax, title=path)
        plot.draw_parameter_histogram(array, ax=hist_ax, title=path.rsplit("/", 1)[-1])
        self.figure.redraw()
