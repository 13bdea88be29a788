"""``draw_training``: live training curves (energy, relative error, variance, fidelity).

Returns a `TrainingHandle` whose `TrainingHandle.update` redraws in place (line data and
limits only), so a running training updates the plot a few times per second without
rebuilding the figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure, SubFigure

from ._style import BLACK, BLUE, GREEN, GREY, ORANGE, VERMILLION, check_figure, new_figure

#: Columns a training history must have (more are ignored).
REQUIRED_KEYS = ("step", "energy")
_OPTIONAL = ("variance", "rel_error", "rel_error_sector", "fidelity")


def _column(history: Mapping, key: str, n: int) -> np.ndarray:
    values = history.get(key)
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values, dtype=float).reshape(-1)
    if len(arr) != n:
        raise ValueError(f"history[{key!r}] has {len(arr)} entries, history['step'] has {n}")
    return arr


def _check_history(history) -> dict[str, np.ndarray]:
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a mapping of lists, got {type(history).__name__}")
    missing = [k for k in REQUIRED_KEYS if k not in history]
    if missing:
        raise ValueError(f"history needs the columns {list(REQUIRED_KEYS)}; missing {missing}")
    step = np.asarray(history["step"], dtype=float).reshape(-1)
    return {"step": step, **{k: _column(history, k, len(step)) for k in ("energy", *_OPTIONAL)}}


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive and non-finite entries become NaN (gaps)."""
    out = np.asarray(values, dtype=float).copy()
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


def _optional(value, name: str) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite or None, got {value}")
    return value


def _limits(ax, x: np.ndarray, ys: list[np.ndarray], log: bool) -> None:
    finite = [y[np.isfinite(y)] for y in ys]
    finite = np.concatenate(finite) if finite else np.array([])
    xmax = float(np.nanmax(x)) if len(x) else 1.0
    ax.set_xlim(0.0, max(1.0, xmax * 1.02 + 0.5))
    if not len(finite):
        if log:
            ax.set_ylim(1e-6, 1.0)
        return
    lo, hi = float(np.min(finite)), float(np.max(finite))
    if log:
        ax.set_ylim(lo / 2.0, hi * 2.0)
    else:
        pad = 0.05 * (hi - lo) if hi > lo else max(1e-3, 0.05 * abs(hi))
        ax.set_ylim(lo - pad, hi + pad)


class TrainingHandle:
    """The training figure and its artists; `update` redraws in place.

    Attributes:
        figure: the ``Figure`` (or ``SubFigure``) drawn into.
        axes: dict ``energy``, ``error``, ``variance``, ``fidelity`` -> ``Axes``.
        lines: dict of the data ``Line2D`` s (``energy``, ``exact``, ``sector``,
            ``rel_error``, ``rel_error_sector``, ``variance``, ``fidelity``).
        n_points: steps currently drawn.
    """

    def __init__(self, figure: Figure | SubFigure, sector_label: str | None):
        self.figure = figure
        axs = figure.subplots(2, 2, sharex=True)
        self.axes = {
            "energy": axs[0, 0],
            "error": axs[0, 1],
            "variance": axs[1, 0],
            "fidelity": axs[1, 1],
        }
        ax = self.axes["energy"]
        sector_name = f"lowest in {sector_label}" if sector_label else "sector's lowest"
        self.lines = {
            "energy": ax.plot([], [], color=BLUE, lw=1.5, label="⟨H⟩", gid="energy")[0],
            "exact": ax.axhline(np.nan, color=BLACK, ls="--", lw=1.0, label="exact ground state"),
            "sector": ax.axhline(np.nan, color=VERMILLION, ls=":", lw=1.2, label=sector_name),
        }
        ax.set_ylabel("energy")
        ax.legend(loc="upper right", fontsize="small")
        ax = self.axes["error"]
        self.lines["rel_error"] = ax.semilogy([], [], color=BLUE, label="vs ground state")[0]
        self.lines["rel_error_sector"] = ax.semilogy(
            [], [], color=VERMILLION, ls=":", label="vs sector"
        )[0]
        ax.set_ylabel("relative error")
        ax.legend(loc="upper right", fontsize="small")
        ax = self.axes["variance"]
        self.lines["variance"] = ax.semilogy([], [], color=GREEN)[0]
        ax.set_ylabel("variance of H")
        ax.set_xlabel("step")
        ax = self.axes["fidelity"]
        self.lines["fidelity"] = ax.plot([], [], color=ORANGE, marker=".", ms=4, ls="-")[0]
        ax.set_ylabel("fidelity |⟨ψ₀|ψ⟩|²")
        ax.set_xlabel("step")
        ax.set_ylim(0.0, 1.02)
        self.fidelity_note = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color=GREY
        )
        for a in self.axes.values():
            a.grid(True, alpha=0.3)
        self.n_points = 0

    def update(self, history, exact: float | None = None, sector: float | None = None) -> None:
        """Redraw with ``history`` (same columns as `draw_training`) in place."""
        data = _check_history(history)
        exact = _optional(exact, "exact")
        sector = _optional(sector, "sector")
        x = data["step"]
        self.lines["energy"].set_data(x, data["energy"])
        self.lines["exact"].set_ydata([np.nan if exact is None else exact] * 2)
        self.lines["sector"].set_ydata([np.nan if sector is None else sector] * 2)
        refs = [np.array([v]) for v in (exact, sector) if v is not None]
        _limits(self.axes["energy"], x, [data["energy"], *refs], log=False)
        err, err_s = _positive(data["rel_error"]), _positive(data["rel_error_sector"])
        self.lines["rel_error"].set_data(x, err)
        self.lines["rel_error_sector"].set_data(x, err_s)
        _limits(self.axes["error"], x, [err, err_s], log=True)
        var = _positive(data["variance"])
        self.lines["variance"].set_data(x, var)
        _limits(self.axes["variance"], x, [var], log=True)
        fid = data["fidelity"]
        keep = np.isfinite(fid)
        self.lines["fidelity"].set_data(x[keep], fid[keep])
        self.fidelity_note.set_text("" if np.any(keep) or not len(x) else "fidelity: n/a")
        self.n_points = len(x)


def draw_training(
    history,
    exact: float | None = None,
    sector: float | None = None,
    *,
    sector_label: str | None = None,
    fig: Figure | SubFigure | None = None,
) -> TrainingHandle:
    """Training curves against the step: energy with the exact ground energy and the
    chosen sector's lowest energy as horizontal lines, the relative errors (log axis),
    the variance of H (log axis) and the fidelity with the exact ground state.

    Args:
        history: mapping of equal-length columns: ``step`` and ``energy`` required;
            ``variance``, ``rel_error``, ``rel_error_sector``, ``fidelity`` optional
            (NaN entries are gaps; the fidelity column is drawn at its finite entries).
        exact: the exact ground energy (a line), or None.
        sector: the lowest energy of the chosen sector (a line), or None.
        sector_label: the sector's name in the legend.
        fig: the figure to draw into (default: a new one, 8×5 inches).

    Returns:
        a `TrainingHandle` (``handle.figure`` is the figure).

    Example:
        >>> h = draw_training({"step": [0, 1, 2], "energy": [-1.0, -1.5, -1.8]}, exact=-2.0)
        >>> h.n_points, sorted(h.axes)
        (3, ['energy', 'error', 'fidelity', 'variance'])
    """
    fig = new_figure((8.0, 5.0), layout="constrained") if fig is None else check_figure(fig)
    handle = TrainingHandle(fig, sector_label)
    handle.update(history, exact, sector)
    return handle
