"""`Explorer`: every view of the app composed into one display."""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from .. import compute
from ._autoregressive_view import AutoregressiveView
from ._boundary import Message
from ._character_picker import CharacterPicker
from ._checks_panel import ChecksPanel
from ._export_panel import ExportPanel
from ._figure import fluid_canvas_style
from ._group_picker import GroupPicker
from ._lattice_picker import LatticePicker
from ._model_builder import ModelBuilder
from ._orbit_view import OrbitView
from ._parameter_table import ParameterTable
from ._spectrum_view import SpectrumView
from ._state import AppState
from ._status import StatusLine
from ._train_view import TrainView
from ._view import STALE_STYLE, View

LOG_LINES = 6
#: Width of the controls column (the pickers' tabs), pixels. The views take the rest of the
#: row and never go below it: at 1280 px with JupyterLab's file browser open the output
#: area is ~840 px wide, which leaves the views ~480 px.
BUILDERS_PX = 340
#: CSS class of the explorer's root; :data:`EXPLORER_CSS` applies inside it only.
ROOT_CLASS = "nqx-explorer"
#: Compact layout rules for everything inside the explorer (ipywidgets' defaults give
#: fixed-width labels, buttons and tabs that truncate their text with an ellipsis, and rows
#: of controls that overflow a narrow column instead of wrapping).
EXPLORER_CSS = f"""
.{ROOT_CLASS} .widget-box {{ overflow: visible; }}
.{ROOT_CLASS} .widget-hbox {{ flex-wrap: wrap; }}
.{ROOT_CLASS} .widget-label {{ min-width: fit-content; }}
.{ROOT_CLASS} .widget-inline-hbox .widget-label {{ padding-right: 4px; }}
.{ROOT_CLASS} .jupyter-button {{ width: auto; min-width: fit-content; }}
.{ROOT_CLASS} .widget-dropdown > select {{ min-width: fit-content; }}
.{ROOT_CLASS} .widget-toggle-buttons .widget-toggle-button {{ min-width: fit-content; }}
.{ROOT_CLASS} .widget-toggle-buttons .btn-group {{ flex-wrap: wrap; }}
.{ROOT_CLASS} .widget-tab > .lm-TabBar .lm-TabBar-content {{ flex-wrap: wrap; }}
.{ROOT_CLASS} .widget-tab > .lm-TabBar .lm-TabBar-tab {{
    flex: 0 0 auto; min-width: fit-content; padding: 0 8px;
}}
.{ROOT_CLASS} .widget-tab > .widget-tab-contents {{ padding: 8px; }}
.{ROOT_CLASS} .jupyter-widget-TabPanel-tabContents {{
    overflow: visible !important; height: auto !important;
}}
.{ROOT_CLASS} .nqx-collapse {{ padding: 0 6px; min-width: 28px; }}
"""
LEVEL_COLORS = {"error": "#c62828", "warning": "#9a6700", "info": "#1e6fb8"}


class MessageLog(View):
    """The app's message area: the last messages of every view, newest last."""

    source = "log"
    title = "Messages"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.html = widgets.HTML()
        self.state.watch(lambda _change: self.sync(), "messages", self.source)
        self.root = self.html
        self.sync()

    def sync(self) -> None:
        messages: list[Message] = self.state.log[-LOG_LINES:]
        lines = [
            f'<div class="nqx-log-{m.level}" style="color:{LEVEL_COLORS.get(m.level, "#333")}">'
            f"[{html.escape(m.source)}] {html.escape(m.text)}</div>"
            for m in messages
        ]
        self.html.value = "".join(lines)


#: The explorer's tabs: the pickers (left), then the views (right).
TABS = (
    "Lattice",
    "Group",
    "Character",
    "Model",
    "Orbit",
    "Autoregressive",
    "Spectrum",
    "Train",
    "Parameters",
    "Checks",
    "Export",
)


def _check_tabs(tabs: Sequence[str] | None) -> frozenset[str]:
    """The set of tab titles to show; ``ValueError`` for unknown titles or none at all."""
    if tabs is None:
        return frozenset(TABS)
    if isinstance(tabs, str):
        tabs = (tabs,)
    unknown = [t for t in tabs if t not in TABS]
    if unknown:
        raise ValueError(f"tabs: unknown tab(s) {unknown}; choose from {list(TABS)}")
    if not tabs:
        raise ValueError(f"tabs: give at least one of {list(TABS)}")
    return frozenset(tabs)


class Explorer:
    """The whole explorer: a collapsible column of pickers, the views beside it, status below.

    Args:
        setup: the initial ``compute.Setup`` (default: a translation-group RBM on Square 3×3).
        state: an existing :class:`AppState` to show (shares its session with other views).
        tabs: titles of the tabs to show, e.g. ``("Lattice", "Character", "Orbit")`` for a
            lesson on characters (default: all of `TABS`). Hidden tabs are not shown and,
            after the first drawing every view makes when the explorer opens, never
            recomputed; the state they would set stays as ``setup`` gives it. Pickers
            and views keep their usual order.
        **changes: ``Setup`` fields applied to ``setup``, e.g. ``lattice="Chain",
            extent=(8,)``; invalid values raise ``ValueError`` here (the widgets
            themselves never raise).

    Attributes:
        state: the :class:`AppState` every view observes.
        lattice, group, character, model, orbit, autoregressive, spectrum, train,
        parameters, checks, export, status: the views (all of them exist, shown or not).
        shown_builders, shown_views: the pickers and the views that have a tab.
        controls: the pickers' column; ``collapse`` (a ``ToggleButton``) folds it away.
        root: the top-level widget (CSS class ``nqx-explorer``).

    Example:
        >>> import nqs_explorer as nqx
        >>> app = nqx.Explorer(lattice="Chain", extent=(6,), pbc=(True,))
        >>> app.state.setup.extent
        (6,)
    """

    def __init__(
        self,
        setup: compute.Setup | None = None,
        *,
        state: AppState | None = None,
        tabs: Sequence[str] | None = None,
        **changes,
    ):
        shown = _check_tabs(tabs)
        if state is None:
            setup = compute.Setup() if setup is None else setup
            setup = setup.replace(**changes) if changes else setup
            state = AppState(setup)
        elif setup is not None or changes:
            raise TypeError("give either state= or a setup (and changes), not both")
        self.state = state
        self.lattice = LatticePicker(state)
        self.group = GroupPicker(state)
        self.character = CharacterPicker(state)
        self.model = ModelBuilder(state)
        self.orbit = OrbitView(state)
        self.autoregressive = AutoregressiveView(state)
        self.spectrum = SpectrumView(state)
        self.parameters = ParameterTable(state)
        self.checks = ChecksPanel(state)
        self.train = TrainView(state)
        self.export = ExportPanel(state)
        self.status = StatusLine(state)
        self.log = MessageLog(state)
        self.shown_builders = tuple(v for v in self.builder_views if v.title in shown)
        self.shown_views = tuple(v for v in self.main_views if v.title in shown)
        self.builders = widgets.Tab(
            [v.root for v in self.shown_builders], titles=[v.title for v in self.shown_builders]
        )
        self.views = widgets.Tab(
            [v.root for v in self.shown_views], titles=[v.title for v in self.shown_views]
        )
        for tab, views in ((self.builders, self.shown_builders), (self.views, self.shown_views)):
            if not views:
                tab.layout.display = "none"
        # the views stay beside the controls at any width (a result beside the control
        # that changes it); their figures scale down to the width left to them
        self.views.layout.flex = "1 1 0%"
        self.views.layout.min_width = "0"
        self.views.add_class("nqx-views")
        self.collapse = widgets.ToggleButton(
            value=False,
            description="◀",
            tooltip="hide the controls (the views take the whole width)",
            layout=widgets.Layout(width="auto", height="22px", align_self="flex-end"),
        )
        self.collapse.add_class("nqx-collapse")
        self.collapse.observe(self._on_collapse, "value")
        self.controls = widgets.VBox(
            [self.collapse, self.builders],
            layout=widgets.Layout(width=f"{BUILDERS_PX}px", flex="0 0 auto"),
        )
        self.controls.add_class("nqx-controls")
        if not self.shown_builders:
            self.controls.layout.display = "none"
        # The pickers are cheap and always kept in sync; the views compute, so only the
        # selected one keeps up and the others catch up when their tab is shown.
        self.views.observe(self._on_tab, "selected_index")
        self._on_tab({"new": self.views.selected_index})
        header = widgets.HTML(
            "<b style='font-size:120%'>nqs_explorer</b> · lattice → group → character → "
            "model, then look inside"
        )
        self.row = widgets.HBox(
            [self.controls, self.views],
            layout=widgets.Layout(flex_flow="row nowrap", align_items="flex-start"),
        )
        self.root = widgets.VBox(
            [
                header,
                self.row,
                self.status.root,
                self.log.root,
                widgets.HTML(STALE_STYLE),
                fluid_canvas_style(),
                widgets.HTML(f"<style>{EXPLORER_CSS}</style>", layout={"display": "none"}),
            ]
        )
        self.root.add_class(ROOT_CLASS)

    @property
    def builder_views(self) -> tuple[View, ...]:
        return (self.lattice, self.group, self.character, self.model)

    @property
    def main_views(self) -> tuple[View, ...]:
        return (
            self.orbit,
            self.autoregressive,
            self.spectrum,
            self.train,
            self.parameters,
            self.checks,
            self.export,
        )

    def _on_collapse(self, change) -> None:
        """Fold the controls column to its button, or unfold it."""
        folded = bool(change["new"])
        self.builders.layout.display = "none" if folded else None
        self.controls.layout.width = "auto" if folded else f"{BUILDERS_PX}px"
        self.collapse.description = "▶ controls" if folded else "◀"
        self.collapse.tooltip = (
            "show the controls" if folded else "hide the controls (the views take the whole width)"
        )

    def _on_tab(self, change) -> None:
        selected = change["new"]
        for view in self.main_views:
            shown = view in self.shown_views
            view.set_active(shown and self.shown_views.index(view) == selected)

    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Explorer({self.state.session!r})"
