"""Helpers of the widget tests: reading what widgets and figures display."""

from __future__ import annotations

import re

import numpy as np
from matplotlib.backend_bases import MouseEvent

from nqs_explorer.plot import sites_of


def text_of(html: str) -> str:
    """The visible text of an HTML string (tags removed, entities for < > & undone)."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#x27;", "'")
    )
    return re.sub(r"\s+", " ", text).strip()


def table_rows(html: str, row_class: str) -> list[list[str]]:
    """Cells (visible text) of the ``<tr class="row_class">`` rows of an HTML table."""
    rows = re.findall(rf'<tr class="{row_class}"[^>]*>(.*?)</tr>', html, flags=re.S)
    return [
        [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows
    ]


def site_states(ax, local_states=(-1.0, 1.0)) -> np.ndarray:
    """The configuration a ``sites`` collection shows, read back from its facecolours.

    The colour of each local state is taken from a uniform probe drawing, so this checks
    the drawing, not the code that made it.
    """
    colors = sites_of(ax).get_facecolors()
    lattice_colors = _STYLES[tuple(local_states)]
    index = [int(np.argmin(np.abs(lattice_colors - c).sum(axis=1))) for c in colors]
    return np.asarray(local_states)[index]


class _Styles(dict):
    """Facecolour of each local state (keyed by the local states), from probe drawings."""

    def __missing__(self, key):
        from nqs_explorer import graph, plot

        states = np.asarray(key, dtype=float)
        lattice = graph.Chain(len(key), pbc=False)
        value = np.array(
            [
                sites_of(
                    plot.draw_configuration(
                        lattice, np.full(len(key), s), local_states=states, legend=False
                    ).axes[0]
                ).get_facecolors()[0]
                for s in states
            ]
        )
        self[key] = value
        return value


_STYLES = _Styles()


def click_site(figure, site: int) -> None:
    """Click on ``site`` of a live figure the way the browser does (an ipympl message).

    The front end sends ``button_press`` with pixel coordinates from the top-left corner;
    ipympl's canvas turns it into a matplotlib mouse event, which picks the site.
    """
    canvas = figure.canvas
    ax = figure.figure.axes[0]
    canvas.draw()
    x, y = ax.transData.transform(sites_of(ax).get_offsets()[site])
    if hasattr(canvas, "_handle_message"):  # ipympl
        height = figure.figure.bbox.height
        message = {
            "type": "button_press",
            "x": float(x),
            "y": float(height - y),
            "button": 0,
            "buttons": 1,
            "step": 0,
            "modifiers": [],
            "guiEvent": None,
        }
        canvas._handle_message(canvas, message, [])
    else:
        MouseEvent("button_press_event", canvas, x, y, button=1)._process()
