"""Live figures: ipympl canvases built without pyplot, updated in place, valid before display."""

import io

import matplotlib.pyplot as plt
import numpy as np
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


def test_encode_png_round_trips_through_pillow():
    from PIL import Image

    from nqs_explorer.widgets._png import encode_png

    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 13, 4), dtype=np.uint8)
    rgba[2:5] = 255  # flat rows as well as noise
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(rgba))))
    np.testing.assert_array_equal(decoded, rgba)
    with pytest.raises(ValueError, match=r"\(height, width, 4\) uint8"):
        encode_png(rgba[..., :3])


def _frame(live) -> np.ndarray:
    return np.asarray(live.canvas.get_renderer().buffer_rgba()).copy()


def _live_scatter():
    live = LiveFigure(figsize=(2, 2))
    ax = live.figure.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.plot([0, 1], [0, 1], lw=6, zorder=1)
    markers = ax.scatter([0.2, 0.5, 0.8], [0.2, 0.5, 0.8], s=300, c="C0", zorder=2)
    label = ax.text(0.5, 0.5, "x", zorder=3)  # stacked over a marker
    title = live.figure.suptitle("title")  # a figure-level artist
    return live, markers, label, title


@pytest.mark.skipif(not HAS_IPYMPL, reason="ipympl is not installed")
def test_dynamic_artists_are_blitted_like_a_full_render():
    live, markers, label, title = _live_scatter()
    live.set_dynamic(markers, label, title)
    live.update_dynamic()  # nothing rendered yet: no background, a full redraw is asked for
    assert (live.draws, live.blits) == (1, 0)
    live.redraw(force=True)
    for color in ("C1", "C2"):
        markers.set_facecolor(color)
        live.update_dynamic()
        blitted = _frame(live)
        live.canvas.draw()
        np.testing.assert_array_equal(blitted, _frame(live))
    assert (live.draws, live.blits) == (2, 2)
    # the same pixels as a figure without blitting: every artist drawn once, in z-order
    live.canvas.draw()
    blitting = _frame(live)
    live.set_dynamic()
    live.canvas.draw()
    np.testing.assert_array_equal(blitting, _frame(live))


@pytest.mark.skipif(not HAS_IPYMPL, reason="ipympl is not installed")
def test_saved_images_hold_the_dynamic_artists_once():
    from PIL import Image

    live, markers, label, title = _live_scatter()
    plain = np.asarray(Image.open(io.BytesIO(live.png())))
    live.set_dynamic(markers, label, title)
    live.redraw(force=True)
    saved = np.asarray(Image.open(io.BytesIO(live.png())))
    np.testing.assert_array_equal(saved, plain)
    live.figure.set_size_inches(3, 3)  # the cached background no longer fits
    markers.set_facecolor("C3")
    live.update_dynamic()
    assert (live.draws, live.blits) == (2, 0)


def test_static_fallback_renders_dynamic_artists_in_full():
    from PIL import Image

    live = LiveFigure(figsize=(2, 2), interactive=False)
    ax = live.figure.add_subplot()
    markers = ax.scatter([0, 1], [0, 1], s=200, zorder=2)
    title = live.figure.suptitle("title")
    plain = np.asarray(Image.open(io.BytesIO(live.png())))
    live.set_dynamic(markers, title)
    live.update_dynamic()  # no canvas to blit on: a full render into the Image widget
    assert (live.draws, live.blits) == (1, 0)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(live.widget.value))), plain)
