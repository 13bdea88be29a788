"""Lattice picker: kind, extent and periodic boundaries per axis, and the lattice drawing."""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import plot
from ..compute import LATTICES
from ._figure import LiveFigure
from ._state import AppState
from ._view import View, set_if_changed

AXIS_NAMES = ("x", "y", "z")
MAX_AXES = 2
#: Widest the lattice drawing may be (pixels): the controls column is 340 px, less padding.
FIGURE_MAX_PX = 310


class LatticePicker(View):
    """Choose the lattice kind, its extent and periodic boundaries per axis; draw it.

    ``Square`` takes one extent ``L`` (an L×L lattice); use ``Grid`` for rectangles.
    What a change does to the other fields is `compute.Setup.change`'s business.

    Attributes:
        kind: ``Dropdown`` of lattice kinds.
        extents: one ``IntText`` per axis (only the first is shown for Square and Chain).
        pbcs: one ``Checkbox`` per axis.
        figure: the :class:`LiveFigure` with the lattice drawing.
        info: ``HTML`` with the number of sites, bonds and sublattices.
    """

    source = "lattice"
    title = "Lattice"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.kind = widgets.Dropdown(
            options=list(LATTICES),
            description="lattice",
            layout=widgets.Layout(width="240px"),
            style={"description_width": "50px"},
        )
        self.extents = [
            widgets.IntText(
                description=f"L{AXIS_NAMES[i]}",
                layout=widgets.Layout(width="130px"),
                style={"description_width": "40px"},
            )
            for i in range(MAX_AXES)
        ]
        self.pbcs = [
            widgets.Checkbox(
                description=f"periodic {AXIS_NAMES[i]}",
                indent=False,
                layout=widgets.Layout(width="auto", margin="2px 16px 2px 4px"),
            )
            for i in range(MAX_AXES)
        ]
        self.figure = LiveFigure(figsize=(3.6, 3.2), max_width_px=FIGURE_MAX_PX)
        self.info = widgets.HTML()
        self.on_value(self.kind, self._set_kind, "Change lattice")
        for control in self.extents:
            self.on_value(control, lambda _v: self._set_geometry(), "Change extent")
        for control in self.pbcs:
            self.on_value(control, lambda _v: self._set_geometry(), "Change boundaries")
        self.redraw_on(["setup"])
        controls = widgets.VBox(
            [
                self.kind,
                widgets.HBox(self.extents),
                widgets.HBox(self.pbcs),
                self.message,
                self.info,
            ]
        )
        self.root = widgets.VBox([controls, self.figure.widget])
        self._drawn = None
        self.sync()

    # ---------------------------------------------------------------- events -> state
    def _set_kind(self, kind: str) -> bool:
        return self.state.update(self.source, lattice=kind)  # False: revert the controls

    def _set_geometry(self) -> bool:
        setup = self.state.setup
        n_axes = len(setup.extent)
        if setup.lattice == "Square":
            extent = (int(self.extents[0].value),)  # L×L (`Setup.change`)
        else:
            extent = tuple(int(self.extents[i].value) for i in range(n_axes))
        pbc = tuple(bool(self.pbcs[i].value) for i in range(n_axes))
        return self.state.update(self.source, extent=extent, pbc=pbc)

    # ---------------------------------------------------------------- state -> widgets
    def sync(self) -> None:
        setup = self.state.setup
        n_axes = len(setup.extent)
        with self.muted():
            set_if_changed(self.kind, setup.lattice)
            shown = 1 if setup.lattice in ("Square", "Chain") else n_axes
            for i, control in enumerate(self.extents):
                control.layout.display = None if i < shown else "none"
                if i < n_axes:
                    set_if_changed(control, int(setup.extent[i]))
            self.extents[0].description = "L" if setup.lattice in ("Square", "Chain") else "Lx"
            for i, control in enumerate(self.pbcs):
                control.layout.display = None if i < n_axes else "none"
                if i < n_axes:
                    set_if_changed(control, bool(setup.pbc[i]))
        self._draw()

    def _draw(self) -> None:
        setup = self.state.setup
        key = (setup.lattice, tuple(setup.extent), tuple(setup.pbc))
        if key == self._drawn:
            return
        lattice = self.state.session.lattice
        ax = self.figure.mirror(plot.draw_lattice(lattice))[0]  # sized for this lattice
        plot.draw_lattice(lattice, ax=ax)
        self.figure.redraw()
        self._drawn = key
        n_bonds = len(lattice.edges())
        self.info.value = (
            f"<span>{html.escape(lattice.kind)}: N = {lattice.n_nodes} sites, "
            f"{n_bonds} nearest-neighbour bonds, {lattice.n_sublattices} site(s) per cell</span>"
        )
