"""Live figures: ipympl canvases built without pyplot, updated in place, valid before display."""

import matplotlib.pyplot as plt
import pytest

from nqs_explorer.widgets import LiveFigure
from nqs_explorer.widgets._figure import HAS_IPYMPL


@pytest.mark.skipif(not HAS_IPYMPL, reason="ipympl is not installed")
def test_canvas_is_an_ipympl_widget_outside_pyplot():
    from ipympl.backend_nbagg import Canvas

    live = LiveFigure(figsize=(2, 2))
    assert isinstance(live.widget, Canvas)
    assert live.figure.canvas is live.widget
    assert plt.get_fignums() == []
    assert live.widget.header_visible is False


@pytest.mark.skipif(not HAS_IPYMPL, reason="ipympl is not installed")
def test_render_before_display_stores_a_loadable_data_url():
    live = LiveFigure(figsize=(2, 2))
    live.figure.add_subplot().plot([0, 1], [1, 0])
    live.redraw(force=True)
    assert live.widget._data_url.startswith("data:image/png;base64,iVBOR")


def test_static_fallback_renders_png():
    live = LiveFigure(figsize=(2, 2), interactive=False)
    live.figure.add_subplot().plot([0, 1], [1, 0])
    live.redraw()
    assert live.widget.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert live.draws == 1


def test_mirror_takes_the_natural_size_and_layout():
    from matplotlib.figure import Figure

    natural = Figure(figsize=(5, 3))
    natural.add_axes((0.1, 0.2, 0.5, 0.6))
    live = LiveFigure(figsize=(2, 2))
    (ax,) = live.mirror(natural)
    assert tuple(live.figure.get_size_inches()) == (5, 3)
    assert tuple(ax.get_position().bounds) == pytest.approx((0.1, 0.2, 0.5, 0.6))
