"""Autoregressive view: conditionals per site, the sampling order, receptive fields, samples."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import compute, plot
from ..compute import SAMPLE_CHUNK
from ._figure import LiveFigure, fluid_canvas_style
from ._state import AppState
from ._view import View, set_if_changed, set_options

#: Widest the conditional map may be (pixels): the views' width at 1280x720 with
#: JupyterLab's file browser open, less padding.
CONDITIONALS_MAX_PX = 440
#: Samples drawn as lattice panels (all of them enter the statistics below the panels).
SAMPLES_SHOWN = 16

NOT_AUTOREGRESSIVE = (
    "<i>{name} is not autoregressive: it has no conditionals p(σ_i | σ_&lt;i) and cannot be "
    "sampled exactly. Choose FastARNNConv2D, FastARNNConv1D (chains) or FastARNNDense in the "
    "model builder (without SymmExpSum) to explore sampling.</i>"
)


def conditionals_html(probs, site: int, sigma, fields, local_states, reach=None) -> str:
    """The current site's conditional, log p(σ) and the receptive field as text.

    ``probs`` has shape ``(N, local_size)`` with columns in the order of ``local_states``
    (the Hilbert space's order, ``(+1, −1)`` by default for spin 1/2). ``reach`` (a
    ``compute.ReceptiveReach``) adds the earlier sites that no depth lets the site see.
    """
    states = np.asarray(local_states, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    index = np.argmin(np.abs(sigma[:, None] - states[None, :]), axis=1)
    log_p = float(np.sum(np.log(probs[np.arange(len(sigma)), index])))
    inputs = np.flatnonzero(fields[site])
    field = ", ".join(str(j) for j in inputs) if len(inputs) else "none (the first site)"
    row = ", ".join(f"p(σ_i = {s:+g}) = {p:.4f}" for s, p in zip(states, probs[site]))
    reach_text = ""
    if reach is not None:
        never = np.flatnonzero(reach.never_seen[site])
        later = np.flatnonzero(reach.not_yet[site])
        if len(later):
            reach_text += (
                f"seen with more layers: {', '.join(map(str, later))} "
                f"(all of them from {reach.saturation_depth[site]} layers on)<br>"
            )
        if len(never):
            reach_text += (
                f"never seen, at any depth: {', '.join(map(str, never))} "
                "(the masked kernels' blind spot)<br>"
            )
    return (
        f"site i = {site}: {row}; σ_i = {sigma[site]:+g}<br>"
        f"receptive field of site {site}: {field}<br>{reach_text}"
        f"log p(σ) = Σ_i log p(σ_i | σ_&lt;i) = {log_p:.6f}"
    )


#: Above this many samples, drawing runs as cancellable background work (16 chunks of
#: `SAMPLE_CHUNK`: ~0.3 s for FastARNNConv2D 10x10 at the measured 12 k samples/s).
BACKGROUND_SAMPLES = 16 * SAMPLE_CHUNK


class AutoregressiveView(View):
    """Conditionals p(σ_i | σ_<i) of the current configuration, site by site.

    Hidden behind an explanation for models that are not autoregressive.

    Attributes:
        site: ``IntSlider`` through the sampling order (site index order).
        state_choice: ``Dropdown`` of the local state whose probability is mapped.
        conditionals_figure: :class:`LiveFigure` of the conditional map and receptive field.
        n_samples, sample_seed, draw: sampling controls; samples go to
            :attr:`samples_figure` and, for N <= 12, their frequencies against the exact
            probabilities to :attr:`histogram_figure`.
        normalize: ``Button`` computing Σ_σ |ψ(σ)|^p exactly (small N); result in
            :attr:`normalization`.
    """

    source = "autoregressive"
    title = "Autoregressive"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.explanation = widgets.HTML()
        self.site = widgets.IntSlider(description="site i", min=0, continuous_update=False)
        self.state_choice = widgets.Dropdown(description="show p of")
        # redrawn in place by blitting, so sized (not fluid) to fit the narrowest view
        self.conditionals_figure = LiveFigure(figsize=(4.2, 3.8), max_width_px=CONDITIONALS_MAX_PX)
        self.details = widgets.HTML()
        self.n_samples = widgets.BoundedIntText(
            value=16, min=1, max=65536, description="samples", layout=widgets.Layout(width="170px")
        )
        self.sample_seed = widgets.BoundedIntText(
            value=0, min=0, max=2**31 - 1, description="seed", layout=widgets.Layout(width="170px")
        )
        self.draw = widgets.Button(description="draw samples", icon="random")
        self.samples_figure = LiveFigure(figsize=(6.0, 3.0), fluid=True)
        self.samples_info = widgets.HTML()
        # small N: the samples' frequencies against the exact distribution (fluid: no clicks)
        self.histogram_figure = LiveFigure(figsize=(6.0, 2.6), fluid=True)
        self.normalize = widgets.Button(description="exact normalization")
        self.normalization = widgets.HTML()
        self.on_value(self.site, lambda _v: self._draw_conditionals(), "Step sampling order")
        self.on_value(self.state_choice, lambda _v: self._draw_conditionals(), "Choose state")
        self.on_click(self.draw, self._draw_samples, "Draw samples")
        self.on_click(self.normalize, self._normalize, "Exact normalization")
        self.redraw_on(["setup", "parameters"])
        self.redraw_on(["configuration"], self._draw_conditionals)
        self.body = widgets.VBox(
            [
                widgets.HBox([self.site, self.state_choice]),
                widgets.HBox([self.conditionals_figure.widget, self.details]),
                widgets.HBox([self.n_samples, self.sample_seed, self.draw]),
                self.samples_info,
                self.samples_figure.widget,
                self.histogram_figure.widget,
                widgets.HBox([self.normalize, self.normalization]),
            ]
        )
        self.root = widgets.VBox([self.explanation, self.message, self.body, fluid_canvas_style()])
        self._lattice_key = self._map_key = None
        self.sync()

    @property
    def available(self) -> bool:
        return bool(self.state.session.autoregressive)

    def sync(self) -> None:
        setup = self.state.setup
        available = self.available
        self.body.layout.display = None if available else "none"
        for control in (self.site, self.state_choice, self.draw, self.normalize):
            control.disabled = not available
        if not available:
            name = setup.architecture + (" in SymmExpSum" if setup.symmetrize else "")
            self.explanation.value = NOT_AUTOREGRESSIVE.format(name=html.escape(name))
            return
        self.explanation.value = (
            "Sites are sampled in index order; slide through the order to see each "
            "conditional and the inputs it may depend on."
        )
        states = self.state.local_states
        with self.muted():
            self.site.max = self.state.n_sites - 1
            set_options(
                self.state_choice,
                [(f"σ = {s:+g}", k) for k, s in enumerate(states)],
                # by default the up state (the highest), wherever the order puts it
                self.state_choice.value
                if self.state_choice.value is not None
                else int(np.argmax(states)),
            )
        key = (setup.lattice, tuple(setup.extent), tuple(setup.pbc))
        if key != self._lattice_key:  # a new lattice: old samples and sums no longer apply
            self._lattice_key = key
            self.samples_figure.figure.clear()
            self.samples_figure.redraw()
            self.histogram_figure.figure.clear()
            self.histogram_figure.redraw()
            self.samples_info.value = ""
        self.normalization.value = ""
        self._draw_conditionals()

    def _draw_conditionals(self) -> None:
        if not self.available:
            return
        probs = self.state.conditionals()
        fields = self.state.receptive_fields()
        reach = self.state.receptive_reach()
        site = int(self.site.value)
        figure = self.conditionals_figure
        lattice = self.state.session.lattice
        options = dict(
            receptive_field=fields[site],
            never_seen=reach.never_seen[site],
            not_yet=reach.not_yet[site],
            local_state_index=int(self.state_choice.value),
            local_states=self.state.local_states,
        )
        # the bonds and the colour bar belong to the lattice and the local state shown;
        # a new site, configuration or model only changes the values drawn over them
        key = (self._lattice_key, options["local_state_index"], tuple(options["local_states"]))
        if key == self._map_key and figure.figure.axes:
            ax = figure.figure.axes[0]
            plot.update_conditionals(ax, lattice, probs, site, **options)
            figure.set_dynamic(*self._dynamic_artists(ax), keep_background=True)
            figure.update_dynamic()
        else:
            ax = figure.reset()
            plot.draw_conditionals(lattice, probs, site, ax=ax, **options)
            self._map_key = key
            figure.set_dynamic(*self._dynamic_artists(ax))
            figure.redraw()
        self.details.value = conditionals_html(
            probs, site, self.state.configuration, fields, self.state.local_states, reach
        )

    @staticmethod
    def _dynamic_artists(ax) -> list:
        """What a new site or configuration changes (see `LiveFigure.set_dynamic`)."""
        return [*plot.conditionals_value_artists(ax), ax.title]

    def _draw_samples(self) -> None:
        """Draw the samples; more than `BACKGROUND_SAMPLES` run as cancellable background
        work (progress and Cancel in the status line) and are shown when complete."""
        n, seed = int(self.n_samples.value), int(self.sample_seed.value)
        if n <= BACKGROUND_SAMPLES:
            self._show_samples(*self.state.sample(n, seed))
            return
        revision = self.state.revision

        def on_done(result) -> None:
            if self.state.revision == revision:  # else the model changed meanwhile
                self._show_samples(*result)

        steps = self.state.sample_steps(n, seed)
        self.state.start_work(self.source, f"sampling {n}", steps, on_done)

    def _show_samples(self, samples, log_probs) -> None:
        lattice, states = self.state.session.lattice, self.state.local_states
        self.samples_figure.fill(
            lambda fig: plot.draw_samples(
                lattice,
                samples,
                fig,
                log_probs=log_probs,
                local_states=states,
                max_samples=SAMPLES_SHOWN,
            ),
            size=plot.samples_gallery_size(lattice, min(len(samples), SAMPLES_SHOWN)),
        )
        self.samples_figure.redraw()
        up = float(np.max(states))
        mean_up = float(np.mean(samples == up))
        self.samples_info.value = (
            f"{len(samples)} samples drawn by fast autoregressive sampling: mean log p = "
            f"{np.mean(log_probs):.4f}, fraction of σ = {up:+g}: {mean_up:.3f}"
        )
        self._draw_histogram(samples)
        set_if_changed(self.sample_seed, int(self.sample_seed.value) + 1)

    def _draw_histogram(self, samples) -> None:
        """Frequencies against the exact |ψ|^p (N <= `compute.HISTOGRAM_MAX_SITES`)."""
        figure = self.histogram_figure
        figure.figure.clear()
        if self.state.n_sites <= compute.HISTOGRAM_MAX_SITES:
            exact = self.state.exact_state()
            histogram = compute.sample_histogram(samples, exact.states, exact.probabilities)
            plot.draw_sample_histogram(
                histogram, ax=figure.figure.add_subplot(), local_states=self.state.local_states
            )
        figure.redraw()

    def _normalize(self) -> None:
        exact = self.state.exact_state()
        total = exact.normalization
        self.normalization.value = (
            f'<span class="nqx-normalization">Σ_σ |ψ(σ)|^{exact.machine_pow} = {total:.15f} over '
            f"{len(exact.states):,} states (|Σ − 1| = {abs(total - 1.0):.2e})</span>"
        )
