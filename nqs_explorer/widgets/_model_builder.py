"""Model builder: architecture, generated hyperparameter controls, SymmExpSum, dtype, seed."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..compute import ARCHITECTURES, MAX_SEED, current_values, declarations
from ._controls import control_for, read_control, show_value
from ._state import AppState
from ._view import View, set_if_changed

__all__ = ["ModelBuilder", "current_values", "declarations"]


class ModelBuilder(View):
    """Build the model live: every control is generated from the architecture's declaration.

    Attributes:
        architecture: ``Dropdown`` of ``compute.ARCHITECTURES``.
        hyperparameters: ``{name: control}`` of the current architecture.
        symmetrize: ``Checkbox``, wrap the model in ``SymmExpSum(group, character)``.
        seed: ``BoundedIntText``, the initialisation seed (a new seed never recompiles).
        summary: ``HTML`` naming the model and its number of parameters.
    """

    source = "model"
    title = "Model"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.architecture = widgets.Dropdown(
            options=list(ARCHITECTURES),
            description="architecture",
            layout=widgets.Layout(width="300px"),
            style={"description_width": "120px"},
        )
        self.help = widgets.HTML()
        self.controls_box = widgets.VBox()
        self.hyperparameters: dict[str, widgets.Widget] = {}
        self.symmetrize = widgets.Checkbox(
            description="symmetrize (SymmExpSum)",
            indent=False,
            layout=widgets.Layout(width="auto", margin="2px 12px 2px 4px"),
        )
        self.seed = widgets.BoundedIntText(
            description="seed",
            min=0,
            max=MAX_SEED,
            layout=widgets.Layout(width="150px"),
            style={"description_width": "40px"},
        )
        self.summary = widgets.HTML()
        self._built_for = None
        # architecture -> ({name: control}, rows): controls are generated once and reused
        self._panels: dict[str, tuple[dict, list]] = {}
        self.on_value(self.architecture, self._set_architecture, "Change architecture")
        self.on_value(self.symmetrize, self._set_symmetrize, "Symmetrize")
        self.on_value(self.seed, lambda seed: self.state.update(self.source, seed=seed), "New seed")
        self.redraw_on(["setup", "parameters"])
        self.root = widgets.VBox(
            [
                self.architecture,
                self.help,
                self.controls_box,
                widgets.HBox([self.symmetrize, self.seed]),
                self.message,
                self.summary,
            ]
        )
        self.sync()

    # ---------------------------------------------------------------- events -> state
    def _set_architecture(self, name: str) -> bool:
        return self.state.update(self.source, architecture=name)

    def _set_symmetrize(self, value: bool) -> bool:
        return self.state.update(self.source, symmetrize=bool(value))

    def _set_hyperparameter(self, spec, control) -> bool:
        value = read_control(spec, control)
        if spec.name == "param_dtype":
            return self.state.update(self.source, param_dtype=value)
        values = current_values(self.state.setup)
        values.pop("param_dtype")
        values[spec.name] = value
        return self.state.update(self.source, hyperparameters=values)

    # ---------------------------------------------------------------- state -> widgets
    def _generate(self, name: str) -> None:
        """Show the controls of architecture ``name``, generated once per architecture.

        Each architecture's controls are built the first time it is chosen and reused
        afterwards (`sync` then shows the setup's values), so switching architectures back
        and forth creates no widgets: the live widget count stays bounded.
        """
        if name not in self._panels:
            values = current_values(self.state.setup)
            controls, rows = {}, []
            for spec in declarations(ARCHITECTURES[name]):
                control = control_for(spec, values[spec.name])
                self.on_value(
                    control,
                    lambda _v, spec=spec, control=control: self._set_hyperparameter(spec, control),
                    f"Change {spec.name}",
                )
                controls[spec.name] = control
                rows.append(widgets.HBox([control]))  # the help is the control's tooltip
            self._panels[name] = (controls, rows)
        self.hyperparameters, rows = self._panels[name]
        self.controls_box.children = rows
        self._built_for = name

    def sync(self) -> None:
        setup = self.state.setup
        spec = ARCHITECTURES[setup.architecture]
        with self.muted():
            set_if_changed(self.architecture, setup.architecture)
            if self._built_for != setup.architecture:
                self._generate(setup.architecture)
            values = current_values(setup)
            for h in declarations(spec):
                show_value(h, self.hyperparameters[h.name], values[h.name])
            set_if_changed(self.symmetrize, bool(setup.symmetrize))
            self.symmetrize.disabled = not spec.supports_symmetrization or setup.group is None
            set_if_changed(self.seed, int(setup.seed))
        self.architecture.tooltip = spec.help
        self.help.value = (
            f'<div style="color:#555;font-size:90%;line-height:1.3">{html.escape(spec.help)}</div>'
        )
        self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        setup, session = self.state.setup, self.state.session
        summary = session.parameter_summary()
        name = setup.architecture
        if setup.symmetrize:
            group = session.group.name if session.group is not None else "?"
            name = f"SymmExpSum({name}, {group}, character {setup.character_id})"
        kind = "autoregressive, normalised" if session.autoregressive else "unnormalised"
        return (
            f"<b>{html.escape(name)}</b> · {summary.total_count:,} parameters "
            f"({summary.total_bytes:,} bytes, {setup.param_dtype}) · {kind}"
        )
