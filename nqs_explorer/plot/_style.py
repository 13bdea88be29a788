"""Colours, the phase colormap and figure/axes helpers shared by every drawing.

Colours follow the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies). Complex phases use a rolled ``twilight`` colormap (cyclic, perceptually
uniform) so that arg z = 0 is blue and arg z = π is red, as in the usual sign convention.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize, to_rgba
from matplotlib.figure import Figure, SubFigure

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#7F7F7F"

#: Site colours by sublattice index (cycled when a lattice has more sublattices).
SUBLATTICE_COLORS = (SKY_BLUE, ORANGE, GREEN, PURPLE, YELLOW)
#: Spin-1/2 colours: down (lower local state) and up (higher local state).
DOWN_COLOR = BLUE
UP_COLOR = VERMILLION
#: Colormap of sequential quantities (probabilities, magnitudes).
SEQUENTIAL_CMAP = "cividis"
#: Colormap of signed real quantities (parameters); centred on zero by the callers.
DIVERGING_CMAP = "RdBu_r"

PHASE_NORM = Normalize(vmin=-np.pi, vmax=np.pi)
PHASE_TICKS = (-np.pi, -np.pi / 2, 0.0, np.pi / 2, np.pi)
PHASE_TICK_LABELS = ("−π", "−π/2", "0", "π/2", "π")


@functools.cache
def phase_colormap() -> ListedColormap:
    """Cyclic colormap for arg z ∈ [-π, π]: 0 blue, π/2 dark, ±π red, -π/2 light."""
    base = mpl.colormaps["twilight"](np.linspace(0.0, 1.0, 256))
    # twilight is light at 0, blue at 1/4, dark at 1/2 and red at 3/4; rolling by a
    # quarter turn puts arg z = 0 (the middle of [-π, π]) on the blue quarter.
    return ListedColormap(np.roll(base, 64, axis=0), name="nqx_phase")


def phase_colors(z) -> np.ndarray:
    """RGBA colours, shape ``z.shape + (4,)``, of the phases of the complex array ``z``."""
    return phase_colormap()(PHASE_NORM(np.angle(np.asarray(z))))


def text_color_on(face) -> str:
    """Black or white, whichever reads better on the colour ``face``."""
    r, g, b, _ = to_rgba(face)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return BLACK if luminance > 0.45 else "#FFFFFF"


def format_phase(angle: float) -> str:
    """arg z as a multiple of π, e.g. ``0.5π``, ``-2π/3`` (plain text)."""
    frac = Fraction(float(angle) / np.pi).limit_denominator(12)
    if abs(float(frac) * np.pi - angle) < 1e-9:
        if frac == 0:
            return "0"
        num = "" if abs(frac.numerator) == 1 else str(abs(frac.numerator))
        sign = "−" if frac < 0 else ""
        den = "" if frac.denominator == 1 else f"/{frac.denominator}"
        return f"{sign}{num}π{den}"
    return f"{angle / np.pi:.3g}π".replace("-", "−")


def new_figure(figsize: tuple[float, float], **kwargs) -> Figure:
    """A pyplot-free ``Figure`` (nothing global is registered, nothing is shown)."""
    return Figure(figsize=(float(figsize[0]), float(figsize[1])), **kwargs)


def check_axes(ax, name: str = "ax") -> Axes:
    """Raise ``TypeError`` unless ``ax`` is a matplotlib ``Axes``."""
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes (or None), got {type(ax).__name__}")
    return ax


def check_figure(fig, name: str = "fig") -> Figure | SubFigure:
    """Raise ``TypeError`` unless ``fig`` is a matplotlib ``Figure`` or ``SubFigure``."""
    if not isinstance(fig, Figure | SubFigure):
        raise TypeError(f"{name} must be a matplotlib Figure (or None), got {type(fig).__name__}")
    return fig


def root_figure(ax_or_fig) -> Figure:
    """The top-level ``Figure`` that holds an Axes or a (sub)figure."""
    fig = ax_or_fig if isinstance(ax_or_fig, Figure | SubFigure) else ax_or_fig.figure
    while isinstance(fig, SubFigure):
        fig = fig.figure
    return fig


def axes_size_points(ax: Axes) -> tuple[float, float]:
    """Width and height of the axes box in points (before any aspect adjustment)."""
    fig = root_figure(ax)
    return ax.bbox.width / fig.dpi * 72.0, ax.bbox.height / fig.dpi * 72.0


def add_colorbar(
    ax: Axes,
    mappable,
    *,
    label: str | None = None,
    ticks=None,
    tick_labels=None,
    min_inches: float = 1.5,
):
    """A slim colour bar in an inset just right of ``ax`` (works for any axes, any layout).

    The bar is at least ``min_inches`` tall (centred on the axes) so its ticks stay legible
    next to short axes.
    """
    ax.apply_aspect()  # measure the box as drawn (an equal aspect may shrink it)
    w_pt, h_pt = axes_size_points(ax)
    height = max(1.0, min_inches * 72.0 / max(h_pt, 1e-9))
    width = 0.16 * 72.0 / max(w_pt, 1e-9)
    cax = ax.inset_axes((1.0 + 0.1 * 72.0 / max(w_pt, 1e-9), 0.5 - height / 2, width, height))
    cbar = ax.figure.colorbar(mappable, cax=cax)
    if ticks is not None:
        cbar.set_ticks(list(ticks))
        if tick_labels is not None:
            cbar.set_ticklabels(list(tick_labels))
    if label:
        cbar.set_label(label)
    cbar.ax.tick_params(labelsize=8)
    return cbar


def add_phase_colorbar(ax: Axes, label: str = "phase arg z"):
    """Colour bar of :func:`phase_colormap` with ticks at multiples of π/2."""
    mappable = ScalarMappable(norm=PHASE_NORM, cmap=phase_colormap())
    return add_colorbar(ax, mappable, label=label, ticks=PHASE_TICKS, tick_labels=PHASE_TICK_LABELS)
