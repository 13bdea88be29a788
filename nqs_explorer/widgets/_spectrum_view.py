"""Spectrum view: the Hamiltonian, its lowest energies per irrep and the model's energy."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import plot
from ..compute import HAMILTONIANS, coupling_declarations, resolve_couplings
from ..plot.html import irrep_label_text
from ._controls import control_for, read_control, show_value
from ._figure import LiveFigure
from ._state import AppState
from ._view import PENDING, View, set_if_changed, set_options

#: Largest number of states whose spectrum and energy are computed without a progress bar
#: (3×3 = 512 states take well under 100 ms).
QUICK_STATES = 1 << 10
#: Levels per sector offered by the ``levels`` control.
MAX_LEVELS = 6
_NONE = "none"


def _resumed(first, steps):
    """The step generator ``steps`` whose first step ``first`` was already taken."""
    yield first
    return (yield from steps)


def _total_sz_options(n_sites: int) -> list[tuple[str, float | None]]:
    """``[("any", None), ("-N/2", -N/2), ..., ("N/2", N/2)]`` for ``n_sites`` spins 1/2."""
    values = np.arange(-n_sites, n_sites + 1, 2) / 2
    return [("any", None)] + [(f"{v:g}", float(v)) for v in values]


class SpectrumView(View):
    """Pick the Hamiltonian and its couplings; see its spectrum per symmetry sector.

    The level diagram shows the lowest energies of every irrep of the chosen group (only
    the full space without a group), the selected character's sector highlighted, the
    ground state marked and ``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` of the current model (exact enumeration)
    as a dashed line. Sizes beyond the exact limits show the limit's message here; the
    rest of the app keeps working.

    Attributes:
        hamiltonian: ``Dropdown`` of ``compute.HAMILTONIANS`` ("none" for None).
        couplings: ``{name: control}`` generated from ``compute.coupling_declarations``
            (``continuous_update=False``).
        total_sz: ``Dropdown`` of the magnetisation sectors (``any`` = None).
        levels: ``BoundedIntText``, levels per sector.
        summary: ``HTML`` with the ground energy, the selected sector's lowest energy and
            the model's energy.
        notice: ``HTML`` holding the exact limit's message when the size is too large.
        figure: :class:`LiveFigure` of the level diagram.
        table: the `SectorSpectrum` drawn last (None before any).
        energy: the `compute.ModelEnergy` shown last (None when not available).
    """

    source = "spectrum"
    title = "Spectrum"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.hamiltonian = widgets.Dropdown(
            options=[(_NONE if h is None else h, h) for h in HAMILTONIANS],
            description="Hamiltonian",
        )
        self.couplings_box = widgets.VBox()
        self.couplings: dict[str, widgets.Widget] = {}
        self.total_sz = widgets.Dropdown(
            description="total Sz", layout=widgets.Layout(width="220px")
        )
        self.levels = widgets.BoundedIntText(
            value=1,
            min=1,
            max=MAX_LEVELS,
            description="levels",
            layout=widgets.Layout(width="160px"),
        )
        self.summary = widgets.HTML()
        self.notice = widgets.HTML()
        self.figure = LiveFigure(figsize=(6.0, 3.4))
        self.table = None
        self.energy = None
        self._built_for: object = ()
        self.on_value(
            self.hamiltonian,
            lambda name: self.state.update(self.source, hamiltonian=name),
            "Change Hamiltonian",
        )
        self.on_value(
            self.total_sz,
            lambda value: self.state.update(self.source, total_sz=value),
            "Change total Sz",
        )
        self.on_value(self.levels, lambda _k: self._draw(), "Change levels")
        self.redraw_on(["setup", "parameters"])
        self.root = widgets.VBox(
            [
                widgets.HBox([self.hamiltonian, self.total_sz, self.levels]),
                self.couplings_box,
                self.message,
                self.notice,
                self.summary,
                self.figure.widget,
            ]
        )
        self.drawn_revision = -1  # nothing drawn yet (the spectrum may finish in the background)
        self._redraw(self.sync)

    # ---------------------------------------------------------------- events -> state
    def _set_coupling(self, spec, control) -> bool:
        setup = self.state.setup
        values = resolve_couplings(setup.hamiltonian, dict(setup.couplings))
        values[spec.name] = read_control(spec, control)
        return self.state.update(self.source, couplings=values)

    # ---------------------------------------------------------------- state -> widgets
    def _generate(self, name) -> None:
        """One control per coupling declaration of Hamiltonian ``name``."""
        for row in self.couplings_box.children:
            for child in row.children:
                child.close()
            row.close()
        self.couplings = {}
        values = resolve_couplings(name, dict(self.state.setup.couplings))
        rows = []
        for spec in coupling_declarations(name):
            control = control_for(spec, values[spec.name])
            control.continuous_update = False
            self.on_value(
                control,
                lambda _v, spec=spec, control=control: self._set_coupling(spec, control),
                f"Change {spec.name}",
            )
            self.couplings[spec.name] = control
            help_text = html.escape(spec.help)
            rows.append(
                widgets.HBox(
                    [control, widgets.HTML(f'<span style="color:#777">{help_text}</span>')]
                )
            )
        self.couplings_box.children = rows
        self._built_for = name

    def sync(self) -> None:
        setup = self.state.setup
        with self.muted():
            set_if_changed(self.hamiltonian, setup.hamiltonian)
            if self._built_for != setup.hamiltonian:
                self._generate(setup.hamiltonian)
            values = resolve_couplings(setup.hamiltonian, dict(setup.couplings))
            for spec in coupling_declarations(setup.hamiltonian):
                show_value(spec, self.couplings[spec.name], values[spec.name])
            set_options(self.total_sz, _total_sz_options(self.state.n_sites), setup.total_sz)
        return self._draw()

    def _draw(self):
        """Compute (memoised per revision) and draw; an exact-limit error is shown in
        :attr:`notice` and keeps the last drawing.

        A spectrum over `QUICK_STATES` states that is not cached yet is computed sector
        by sector as background work (`AppState.start_work`: progress and Cancel in the
        status line) when an event loop runs; the view then returns `PENDING` and draws
        when it completes.
        """
        session, setup = self.state.session, self.state.setup
        if setup.hamiltonian is None:
            self.notice.value = "<i>Choose a Hamiltonian to see its spectrum.</i>"
            self.summary.value = ""
            self.table = self.energy = None
            self.figure.figure.clear()
            self.figure.redraw()
            return
        k = int(self.levels.value)
        if session.hilbert.n_states > QUICK_STATES and not session.has_spectrum(k):
            revision = self.state.revision
            if self.state.work is not None:  # a setup build runs: its commit redraws
                self._show_pending("<i>waiting for the new setup…</i>")
                return PENDING

            def on_done(_table) -> None:
                if self.state.revision == revision:  # else a newer revision redraws
                    self._draw()  # from the cache now
                    self.finish_pending(revision)

            steps = session.spectrum_steps(k)
            try:
                first = next(steps)  # the checks and the exact guard run here, at once
            except StopIteration:
                first = None  # nothing left to do in steps: drawn below
            except ValueError as err:
                self._show_unavailable(err)
                return None
            if first is not None and self.state.start_work(
                self.source, "exact spectrum per sector", _resumed(first, steps), on_done
            ):
                self._show_pending(
                    "<i>computing the spectrum per sector… (Cancel: status line)</i>"
                )
                return PENDING
        try:
            self.table = self._spectrum(k)
        except ValueError as err:  # the exact guard: a message here, not an app error
            self._show_unavailable(err)
            return None
        try:
            self.energy = self._model_energy()
            energy_note = ""
        except ValueError as err:
            self.energy = None
            energy_note = html.escape(str(err))
        self.notice.value = ""
        highlight = None
        if session.group is not None and setup.character_id is not None:
            highlight = int(setup.character_id)
        elif session.group is not None:
            highlight = 0  # all ones: the trivial irrep
        model_energy = None if self.energy is None else self.energy.energy
        fig = self.figure.figure
        if fig.axes:  # value changes redraw into the same axes (cheaper than a new one)
            ax = fig.axes[0]
            ax.clear()
        else:
            ax = fig.add_subplot()
            fig.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.3)
        plot.draw_level_diagram(self.table, highlight=highlight, model_energy=model_energy, ax=ax)
        self.figure.redraw()
        self.summary.value = self._summary_html(highlight, energy_note)

    def _show_pending(self, notice: str) -> None:
        """No numbers or levels of an older setup while this one's are computed: the view's
        text and drawing never describe different revisions."""
        self.notice.value = notice
        self.summary.value = ""
        self.table = self.energy = None
        self.figure.figure.clear()
        self.figure.redraw()

    def _show_unavailable(self, err: Exception) -> None:
        self.notice.value = (
            f'<span style="color:#a00">Spectrum not available: {html.escape(str(err))}</span>'
        )
        self.summary.value = ""

    def _spectrum(self, k: int):
        session = self.state.session
        if session.hilbert.n_states <= QUICK_STATES:
            return self.state.memo(f"spectrum-{k}", session.spectrum, k)
        with self.state.progress_steps("exact spectrum per sector", 1) as step:
            table = self.state.memo(f"spectrum-{k}", session.spectrum, k)
            step(1)
        return table

    def _model_energy(self):
        session = self.state.session
        if session.hilbert.n_states <= QUICK_STATES:
            return self.state.memo("model_energy", session.model_energy)
        with self.state.progress_steps("energy of the model", 1) as step:
            return self.state.memo(
                "model_energy",
                session.model_energy,
                progress=lambda done, total: step(done, total),
            )

    def _summary_html(self, highlight, energy_note: str) -> str:
        table, setup = self.table, self.state.setup
        reciprocal = self.state.session.lattice.reciprocal_vectors

        def label(row) -> str:  # momenta in units, k = 2π·(1/8)
            return html.escape(irrep_label_text(row.label, reciprocal))

        ground = table.ground_sector
        parts = [
            f"<b>E₀ = {ground.ground_energy:.6f}</b> in sector "
            f"<b>{label(ground)}</b>"
            + ("" if setup.total_sz is None else f" (total Sz = {setup.total_sz:g})")
        ]
        if highlight is not None:
            row = table[highlight]
            lowest = "empty sector" if not len(row.energies) else f"{row.ground_energy:.6f}"
            parts.append(
                f"selected sector <b>{label(row)}</b> (dim {row.dim}): lowest energy {lowest}"
            )
        if self.energy is not None:
            parts.append(
                f"model ⟨ψ|H|ψ⟩/⟨ψ|ψ⟩ = <b>{html.escape(self.energy.text)}</b> "
                f"(exact sum over {self.energy.n_states:,} states)"
            )
        elif energy_note:
            parts.append(f"model energy not available: {energy_note}")
        return "<br>".join(parts)
