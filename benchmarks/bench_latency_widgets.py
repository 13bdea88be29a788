"""Latency of the explorer's widgets: from setting a widget value to the redrawn view.

Each figure is the median wall time from assigning ``.value`` (or clicking) to every
figure the action touched being rendered (``canvas.draw()``, the Agg render ipympl sends
to the browser), for value-only changes (a new configuration by clicking a site, a new
character, a step of the sampling-order slider) and for architecture changes, cold (a
model never built in this process: its kernels compile) and warm (kernel cache hits).
The value-only changes are measured again on a HiDPI screen (device pixel ratio 2, as a
Retina display reports it: every canvas renders 4x the pixels into the same CSS box).

    python benchmarks/run.py --only latency_widgets
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from nqs_explorer.compute import Setup, compile_count
from nqs_explorer.widgets import Explorer, LiveFigure

REPEATS = 15
COLD_REPEATS = 3
HIDPI = 2


def _figures(app: Explorer) -> list[LiveFigure]:
    views = (*app.builder_views, *app.main_views)
    return [f for v in views for f in vars(v).values() if isinstance(f, LiveFigure)]


def _timed(app: Explorer, action) -> tuple[float, int, float]:
    """Seconds from ``action()`` to every touched figure rendered, compilations, and the
    seconds of the callback alone (compute + redraw: value-only changes blit the changed
    artists inside the callback; any figure left for a full render is drawn after it)."""
    figures = _figures(app)
    draws = [f.draws for f in figures]
    before = compile_count()
    start = time.perf_counter()
    action()
    callback = time.perf_counter() - start
    for figure, count in zip(figures, draws):
        if figure.draws != count:
            figure.canvas.draw()
    elapsed = time.perf_counter() - start
    assert all(m.level != "error" for m in app.state.messages.values()), app.state.messages
    return elapsed, compile_count() - before, callback


def _median_row(name: str, samples: list[tuple[float, int, float]], target: str) -> dict:
    seconds = statistics.median(s for s, _, _ in samples)
    callback = statistics.median(c for _, _, c in samples)
    compiles = sum(c for _, c, _ in samples)
    return dict(
        name=name,
        value=seconds,
        unit="s",
        better="lower",
        notes=(
            f"median of {len(samples)}; callback (compute + blitted redraw) "
            f"{1e3 * callback:.0f} ms, the rest full Agg renders; compilations: {compiles}; "
            f"target {target}"
        ),
    )


def _click(figure: LiveFigure, site: int) -> None:
    """A browser click on ``site``: the message ipympl's front end sends on a mouse press."""
    from nqs_explorer.plot import sites_of

    ax = figure.figure.axes[0]
    x, y = ax.transData.transform(sites_of(ax).get_offsets()[site])
    message = dict(
        type="button_press",
        x=float(x),
        y=float(figure.figure.bbox.height - y),
        button=0,
        buttons=1,
        step=0,
        modifiers=[],
        guiEvent=None,
    )
    figure.canvas._handle_message(figure.canvas, message, [])


def _set_pixel_ratio(app: Explorer, ratio: float) -> None:
    """What a browser at ``window.devicePixelRatio == ratio`` tells every ipympl canvas
    when it connects (ipympl 0.10 sends both messages); each then renders in full."""
    for figure in _figures(app):
        if not figure.interactive:
            continue
        canvas = figure.canvas
        for message in (
            {"type": "set_dpi_ratio", "dpi_ratio": ratio},
            {"type": "set_device_pixel_ratio", "device_pixel_ratio": ratio},
        ):
            canvas._handle_message(canvas, message, [])
        assert canvas.device_pixel_ratio == ratio
        canvas.draw()


def _value_only_rows(ratio: float = 1) -> list[dict]:
    suffix = "" if ratio == 1 else f", HiDPI (device pixel ratio {ratio:g})"
    app = Explorer(Setup(group="space", symmetrize=True, character_id=0))
    app.views.selected_index = 0  # the orbit view
    _set_pixel_ratio(app, ratio)
    n_sites = app.state.n_sites
    n_irreps = len(app.state.session.group.irrep_dims)
    canvas = app.orbit.configuration_figure
    _timed(app, lambda: _click(canvas, 0))  # warm
    clicks = [_timed(app, lambda i=i: _click(canvas, i % n_sites)) for i in range(REPEATS)]
    characters = [
        _timed(app, lambda i=i: setattr(app.character.irrep, "value", i % n_irreps))
        for i in range(REPEATS)
    ]
    ar = Explorer(Setup(group=None, architecture="FastARNNConv2D"))
    ar.views.selected_index = 1  # the autoregressive view
    _set_pixel_ratio(ar, ratio)
    slider = ar.autoregressive.site
    _timed(ar, lambda: setattr(slider, "value", 1))
    steps = [
        _timed(ar, lambda i=i: setattr(slider, "value", (i + 2) % n_sites)) for i in range(REPEATS)
    ]
    return [
        _median_row(f"widgets: new configuration (click), orbit view{suffix}", clicks, "<= 100 ms"),
        _median_row(f"widgets: new character, orbit view{suffix}", characters, "<= 100 ms"),
        _median_row(f"widgets: sampling-order slider step{suffix}", steps, "<= 100 ms"),
    ]


def _hidpi_rows() -> list[dict]:
    from nqs_explorer.widgets._figure import HAS_IPYMPL

    if not HAS_IPYMPL:  # the ratio comes from the browser through ipympl
        return []
    from ipympl.backend_nbagg import Canvas

    try:
        return _value_only_rows(HIDPI)
    finally:
        Canvas.current_dpi_ratio = 1.0  # ipympl keeps the last ratio class-wide


def _architecture_rows() -> list[dict]:
    app = Explorer()
    app.views.selected_index = 0
    cold = []
    for k in range(COLD_REPEATS):  # hidden widths never built before: every kernel compiles
        app.model.architecture.value = "RBM"
        cold.append(
            _timed(
                app,
                lambda k=k: app.state.update(
                    "model", architecture="MLP", hyperparameters={"hidden_dims": (23 + k,)}
                ),
            )
        )
    warm = []
    for _ in range(REPEATS // 3):
        for name, values in (("MLP", {"hidden_dims": (23,)}), ("RBM", {})):
            warm.append(
                _timed(
                    app,
                    lambda name=name, values=values: app.state.update(
                        "model", architecture=name, hyperparameters=values
                    ),
                )
            )
    return [
        _median_row("widgets: architecture change, cold", cold, "<= 1 s"),
        _median_row("widgets: architecture change, warm", warm, "<= 1 s"),
    ]


def run() -> list[dict]:
    """Median latencies (seconds) of widget actions to a redrawn view."""
    return _value_only_rows() + _hidpi_rows() + _architecture_rows()


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<50} {row['value'] * 1e3:9.1f} ms   {row['notes']}")
