"""A matplotlib figure shown as a live ipympl canvas, created once and updated in place.

The figure is built without pyplot (``matplotlib.figure.Figure`` + ipympl's ``Canvas`` and
``FigureManager``), so nothing is registered in pyplot's figure list and nothing leaks; the
canvas widget forwards browser clicks to matplotlib, where ``pick_event`` callbacks flip
spins. Without ipympl (not installed) the figure is rendered to a PNG ``Image`` widget
instead: everything works except clicking on the drawing.
"""

from __future__ import annotations

import io
import warnings
from base64 import b64encode

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import encode_png

try:  # ipympl is a dependency of the explorer; keep a static fallback all the same
    from ipympl.backend_nbagg import Canvas as _IpymplCanvas
    from ipympl.backend_nbagg import FigureManager as _IpymplManager
except ImportError:  # pragma: no cover - exercised only without ipympl
    _IpymplCanvas = _IpymplManager = None

HAS_IPYMPL = _IpymplCanvas is not None

if HAS_IPYMPL:

    class _Canvas(_IpymplCanvas):
        """ipympl's canvas, with a valid data URL for renders made before display.

        Until the browser connects, ipympl 0.10 stores each render as ``_data_url`` (for
        static embedding) but without the ``data:image/png;base64,`` prefix; the front end
        loads it as a broken image and never shows the figure. Same code, with the prefix.
        Frames are encoded by :func:`encode_png` (Pillow's encoder takes as long as the
        render itself).
        """

        def get_diff_image(self):
            """matplotlib's frame protocol (whole frame, or only the changed pixels with
            the others transparent), encoded by the fast :func:`encode_png`."""
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            if (
                self._force_full
                or buff.shape != self._last_buff.shape
                or (pixels[:, :, 3] != 255).any()  # a diff cannot overlay transparency
            ):
                self.set_image_mode("full")
                output = buff
            else:
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            return encode_png(output.view(np.uint8).reshape((*output.shape, 4)))

        def send_binary(self, data):
            if self.syncing_data_url:
                if self._current_image_mode == "full":
                    whole = data  # the frame sent is the whole image: reuse its encoding
                else:
                    last = self._last_buff
                    whole = encode_png(last.view(dtype=np.uint8).reshape((*last.shape, 4)))
                self._data_url = "data:image/png;base64," + b64encode(whole).decode()
            self.send({"data": '{"type": "binary"}'}, buffers=[data])


class LiveFigure:
    """One matplotlib ``Figure`` with a widget that displays it.

    Args:
        figsize: inches ``(width, height)``.
        dpi: resolution of the canvas.
        interactive: use an ipympl canvas (clickable) when ipympl is available.

    Attributes:
        figure: the ``Figure``; draw into it with the ``plot.draw_*(..., ax=...)`` functions.
        widget: the widget to put in a layout (an ipympl ``Canvas`` or an ``Image``).
        draws: how many times :meth:`redraw` ran (tests assert on in-place updates).
    """

    def __init__(self, figsize=(4.0, 4.0), dpi: int = 72, interactive: bool = True):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.interactive = bool(interactive and HAS_IPYMPL)
        self.draws = 0
        if self.interactive:
            canvas = _Canvas(self.figure)
            with warnings.catch_warnings():
                # ipympl's Toolbar passes the canvas on to traitlets' __init__; harmless.
                warnings.filterwarnings(
                    "ignore",
                    message=r"Passing unrecognized arguments to super\(Toolbar\)",
                    category=DeprecationWarning,
                )
                self._manager = _IpymplManager(canvas, 0)
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.resizable = False
            canvas.toolbar_visible = False
            canvas.capture_scroll = False
            self.widget = canvas
        else:
            FigureCanvasAgg(self.figure)
            self.widget = widgets.Image(format="png")

    @property
    def canvas(self):
        return self.figure.canvas

    def reset(self, nrows: int = 1, ncols: int = 1):
        """Clear the figure and return fresh axes (for changes of structure, not of values)."""
        self.figure.clear()
        if nrows == 1 and ncols == 1:
            return self.figure.add_subplot()
        return self.figure.subplots(nrows, ncols, squeeze=False)

    def mirror(self, natural: Figure) -> list:
        """Take the size and axes layout of ``natural`` (a figure the plot layer sized).

        Returns fresh axes of this figure at the positions of ``natural``'s axes, ready
        to be drawn into with ``ax=``; ``natural`` itself is dropped (never shown).
        """
        self.figure.clear()
        self.figure.set_size_inches(natural.get_size_inches())
        return [self.figure.add_axes(ax.get_position()) for ax in natural.axes]

    def fill(self, draw) -> None:
        """Fill this figure with a gallery: ``draw(fig)`` with ``fig=None`` sizes it.

        ``draw(None)`` gives the size the plot layer wants; the figure takes that size and
        ``draw(self.figure)`` fills it.
        """
        natural = draw(None)
        self.figure.set_size_inches(natural.get_size_inches())
        draw(self.figure)

    def redraw(self, force: bool = False) -> None:
        """Ask the view to redraw; ``force`` renders now (benchmarks, static fallback)."""
        self.draws += 1
        if self.interactive:
            if force:
                self.canvas.draw()
            else:
                self.canvas.draw_idle()
            return
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.widget.value = buffer.getvalue()

    def png(self) -> bytes:
        """The figure as PNG bytes (for reports and screenshots)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def connect_pick(self, callback) -> int:
        """Call ``callback(event)`` on matplotlib pick events (clicks on pickable artists)."""
        return self.canvas.mpl_connect("pick_event", callback)

    def close(self) -> None:
        """Release the canvas (the figure is never registered with pyplot)."""
        if self.interactive:
            self.widget.close()
