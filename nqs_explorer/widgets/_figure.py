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
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import encode_png

try:  # ipympl is a dependency of the explorer; keep a static fallback all the same
    from ipympl.backend_nbagg import Canvas as _IpymplCanvas
    from ipympl.backend_nbagg import FigureManager as _IpymplManager
except ImportError:  # pragma: no cover - exercised only without ipympl
    _IpymplCanvas = _IpymplManager = None

HAS_IPYMPL = _IpymplCanvas is not None

#: CSS class of the canvases of fluid figures (see :class:`LiveFigure`).
FLUID_CLASS = "nqx-fluid-canvas"
#: Scales an ipympl canvas down to its container's width, keeping the aspect ratio.
#: ipympl 0.10 sizes its canvases with inline pixel styles (``canvas_div`` and both
#: canvases, which lie on top of each other); the rules cap the figure at the width
#: available and let the lower canvas set the height from its aspect ratio.
FLUID_CANVAS_CSS = f"""
.{FLUID_CLASS} {{ min-width: 0; max-width: 100%; }}
.{FLUID_CLASS} .jupyter-matplotlib-figure,
.{FLUID_CLASS} .jupyter-matplotlib-canvas-container {{ max-width: 100%; }}
.{FLUID_CLASS} .jupyter-matplotlib-canvas-div {{
    max-width: calc(100% - 4px); height: auto !important;
}}
.{FLUID_CLASS} .jupyter-matplotlib-canvas-div > canvas {{
    width: 100% !important; height: auto !important;
}}
.{FLUID_CLASS} .jupyter-matplotlib-canvas-div > canvas:first-child {{
    position: relative !important;
}}
.{FLUID_CLASS} .jupyter-matplotlib-canvas-div > canvas + canvas {{ height: 100% !important; }}
.{FLUID_CLASS}.widget-image {{ height: auto; }}
"""


def fluid_canvas_style() -> widgets.HTML:
    """An invisible widget holding :data:`FLUID_CANVAS_CSS`; put one in any layout that
    shows a fluid :class:`LiveFigure` (the rules apply to the whole page)."""
    style = widgets.HTML(
        f"<style>{FLUID_CANVAS_CSS}</style>", layout=widgets.Layout(display="none")
    )
    style.add_class("nqx-fluid-canvas-style")
    return style


#: rcParams in force while a live frame renders. Text is most of a frame's render time
#: (FreeType rasterises every glyph on every draw); unhinted glyphs render ~40 % faster
#: and read the same at screen resolution. Saved images (:meth:`LiveFigure.png`) keep
#: matplotlib's defaults.
LIVE_FRAME_RC = {"text.hinting": "no_hinting"}

if HAS_IPYMPL:

    class _Canvas(_IpymplCanvas):
        """ipympl's canvas, with a valid data URL for renders made before display.

        Until the browser connects, ipympl 0.10 stores each render as ``_data_url`` (for
        static embedding) but without the ``data:image/png;base64,`` prefix; the front end
        loads it as a broken image and never shows the figure. Same code, with the prefix.
        Frames render with :data:`LIVE_FRAME_RC` and are encoded by :func:`encode_png`
        (Pillow's encoder takes as long as the render itself).
        """

        rendering_frame = False  # True while draw() renders a frame for the browser

        def draw(self):
            """Render the frame the browser shows (see :data:`LIVE_FRAME_RC`)."""
            self.rendering_frame = True
            try:
                with matplotlib.rc_context(LIVE_FRAME_RC):
                    super().draw()
            finally:
                self.rendering_frame = False

        def get_diff_image(self):
            """matplotlib's frame protocol (whole frame, or only the changed pixels with
            the others transparent), encoded by the fast :func:`encode_png`."""
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)
            if (
                self._force_full
                or self.syncing_data_url  # no browser yet: whole frames, one encoding each
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
        max_width_px: widest the canvas may be, in pixels (the width of its column);
            larger sizes given to :meth:`layout`, :meth:`mirror` or :meth:`fill` are
            scaled down, keeping the aspect ratio. ``None``: no limit.
        fluid: show the canvas scaled down (by the browser, keeping its aspect ratio) to
            the width of its container when that is narrower than the figure; the
            figure keeps its size. Needs :func:`fluid_canvas_style` in the layout. A
            fluid figure takes no clicks: ipympl 0.10 reports clicks in the scaled
            pixels, which would miss the artists (:meth:`connect_pick` raises).

    Value-only updates that change a few artists (the spins of a clicked configuration)
    need not render the whole figure: declare those artists with :meth:`set_dynamic`,
    change them, and call :meth:`update_dynamic`, which redraws only them over a cached
    background (matplotlib's blitting) and sends the frame at once.

    Attributes:
        figure: the ``Figure``; draw into it with the ``plot.draw_*(..., ax=...)`` functions.
        dpi: figure pixels per inch in CSS pixels (``figure.dpi`` is this times the
            browser's device pixel ratio once a HiDPI browser has connected).
        widget: the widget to put in a layout (an ipympl ``Canvas`` or an ``Image``).
        draws: how many times :meth:`redraw` ran (tests assert on in-place updates).
        blits: how many frames :meth:`update_dynamic` rendered by blitting.
    """

    def __init__(
        self,
        figsize=(4.0, 4.0),
        dpi: int = 72,
        interactive: bool = True,
        max_width_px: int | None = None,
        fluid: bool = False,
    ):
        if max_width_px is not None and max_width_px <= 0:
            raise ValueError(
                f"max_width_px must be a positive pixel count or None, got {max_width_px}"
            )
        self.max_width_px = max_width_px
        self.dpi = dpi
        self.fluid = bool(fluid)
        self.figure = Figure(figsize=self.fit(figsize, dpi), dpi=dpi)
        self.interactive = bool(interactive and HAS_IPYMPL)
        self.draws = 0
        self.blits = 0
        self._dynamic: list = []
        self._background = None  # (renderer, region) of the last frame, without _dynamic
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
        if max_width_px is not None or self.fluid:
            # never wider than the column, even before the Python side resizes it
            self.widget.layout.max_width = "100%"
        if self.fluid:
            self.widget.add_class(FLUID_CLASS)
        self.canvas.mpl_connect("draw_event", self._on_draw)

    def fit(self, size, dpi: float | None = None) -> tuple[float, float]:
        """``size`` (inches), scaled down keeping its aspect so that it is at most
        :attr:`max_width_px` pixels wide at ``dpi`` (:attr:`dpi` by default).

        CSS pixels: on a HiDPI screen ipympl raises ``figure.dpi`` by the device pixel
        ratio (the canvas renders ``ratio²`` as many pixels into the same CSS box), which
        must not shrink the figure.
        """
        width, height = (float(v) for v in size)
        if self.max_width_px is None:
            return width, height
        dpi = self.dpi if dpi is None else dpi
        scale = min(1.0, self.max_width_px / (width * dpi))
        return width * scale, height * scale

    @property
    def canvas(self):
        return self.figure.canvas

    def reset(self, nrows: int = 1, ncols: int = 1):
        """Clear the figure and return fresh axes (for changes of structure, not of values)."""
        self.figure.clear()
        self.set_dynamic()
        if nrows == 1 and ncols == 1:
            return self.figure.add_subplot()
        return self.figure.subplots(nrows, ncols, squeeze=False)

    def mirror(self, natural: Figure) -> list:
        """Take the size and axes layout of ``natural`` (a figure the plot layer sized).

        Returns fresh axes of this figure at the positions of ``natural``'s axes, ready
        to be drawn into with ``ax=``; ``natural`` itself is dropped (never shown).
        """
        return self.layout(natural.get_size_inches(), [ax.get_position() for ax in natural.axes])

    def layout(self, size, rects) -> list:
        """Clear the figure, give it ``size`` (inches) and fresh axes at ``rects``
        (``(left, bottom, width, height)`` figure fractions), e.g. the layout a plot
        function reports without drawing (``plot.character_table_layout``)."""
        self.figure.clear()
        self.set_dynamic()
        self.figure.set_size_inches(self.fit(size))
        return [self.figure.add_axes(rect) for rect in rects]

    def fill(self, draw, size=None) -> None:
        """Fill this figure with a gallery: ``draw(fig)`` fills the figure ``fig``.

        The figure takes ``size`` (inches), the size the plot layer would give the gallery
        (e.g. ``plot.orbit_gallery_size``); without it ``draw(None)`` is drawn
        once just to learn that size (twice the work).
        """
        if size is None:
            size = draw(None).get_size_inches()
        self.figure.set_size_inches(self.fit(size))
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

    def set_dynamic(self, *artists, keep_background: bool = False) -> None:
        """Make ``artists`` (of this figure) the ones :meth:`update_dynamic` redraws.

        They are marked animated: every full render draws them last, over the rest, and
        keeps the rest as the background of later blits. Replaces earlier ones. Include
        the artists stacked above the changing ones (labels over markers) so that the
        frame looks exactly as a full render.

        Args:
            *artists: the artists that value-only updates change.
            keep_background: the new artists replace earlier dynamic ones that were
                removed from the figure, and nothing else changed: the cached
                background stays valid (otherwise the next update renders in full).
        """
        for artist in self._dynamic:
            artist.set_animated(False)
        # drawn in z-order, as a full render would stack them
        self._dynamic = sorted(artists, key=lambda artist: artist.get_zorder())
        for artist in self._dynamic:
            artist.set_animated(True)
        if not keep_background:
            self._background = None

    def update_dynamic(self) -> None:
        """Show the changes made to the dynamic artists: re-render only them and send the
        frame now (a blit; a few milliseconds). Without a valid background (before the first
        render, after a resize, without ipympl) it asks for a full :meth:`redraw` instead.
        """
        background = self._background
        if not self.interactive or background is None or not self._live_dynamic():
            self.redraw()
            return
        renderer, region = background
        if self.canvas.get_renderer() is not renderer:  # resized or re-created since
            self.redraw()
            return
        for ax in self.figure.axes:  # as a render does: the boxes of fixed-aspect axes
            locator = ax.get_axes_locator()
            ax.apply_aspect(locator(ax, renderer) if locator else None)
        with matplotlib.rc_context(LIVE_FRAME_RC):
            renderer.restore_region(region)
            for artist in self._live_dynamic():
                artist.draw(renderer)
        self.canvas.blit(self.figure.bbox)
        self.blits += 1

    def _live_dynamic(self) -> list:
        """The dynamic artists still in the figure (a clear() drops them) and animated."""
        axes = self.figure.axes
        return [a for a in self._dynamic if a.get_animated() and (a.axes is None or a.axes in axes)]

    def _on_draw(self, event) -> None:
        """After every render: keep the background of frames, then draw the dynamic artists
        (animated artists are skipped by ``Figure.draw``, saved images included)."""
        dynamic = self._live_dynamic()
        if not dynamic:
            return
        renderer = event.renderer
        if getattr(self.canvas, "rendering_frame", False):
            self._background = (renderer, renderer.copy_from_bbox(self.figure.bbox))
        # While saving, an Axes draws its animated children itself (in z-order); only
        # figure-level artists are left out then.
        saving = self.canvas.is_saving()
        for artist in dynamic:
            if not (saving and artist.axes is not None and not isinstance(artist, Axes)):
                artist.draw(renderer)

    def png(self) -> bytes:
        """The figure as PNG bytes (for reports and screenshots)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def connect_pick(self, callback) -> int:
        """Call ``callback(event)`` on matplotlib pick events (clicks on pickable artists)."""
        if self.fluid:
            raise ValueError(
                "a fluid LiveFigure takes no clicks: the browser scales its canvas and "
                "ipympl reports clicks in scaled pixels; use fluid=False for clickable figures"
            )
        return self.canvas.mpl_connect("pick_event", callback)

    def close(self) -> None:
        """Release the canvas (the figure is never registered with pyplot)."""
        if self.interactive:
            self.widget.close()
