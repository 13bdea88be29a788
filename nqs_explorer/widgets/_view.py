"""Base class of the explorer's views: a plain object with a root widget.

A view is not itself a widget: it owns widgets, maps their events to :class:`AppState` calls
through the error boundary, and redraws when the state's ``revision`` trait moves and one
of the traits it draws from changed (:meth:`View.redraw_on`). It displays in Jupyter by
delegating ``_repr_mimebundle_`` to its root widget.

Never stale: every view records the revision its text and drawings describe
(:attr:`View.drawn_revision`); while it recomputes, or while it is hidden and behind,
its root has the CSS class ``nqx-stale`` (dimmed, "updating…").
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import ipywidgets as widgets

from ._boundary import message_html
from ._state import AppState


class View:
    """A view over an :class:`AppState` (a fresh one when ``state`` is None).

    Subclasses set :attr:`source` (the key of their messages), build :attr:`root`,
    implement :meth:`sync` (make every control show what the session holds) and say which
    traits they draw from with :meth:`redraw_on`.

    Attributes:
        drawn_revision: the state revision the view's text and drawings describe.
        stale: True while the view recomputes or is hidden behind the state.
    """

    source = "view"
    title = "View"

    def __init__(self, state: AppState | None = None):
        self.state = state if state is not None else AppState()
        # "auto": the box's width less the margins ("100%" overflows it by them)
        self.message = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.state.watch(self._on_messages, "messages", self.source)
        self.state.watch(self._on_revision, "revision", self.source)
        self._redraws: list[tuple[frozenset[str], Callable[[], None]]] = []
        self._muted = 0
        self.active = True  # False while hidden in an unselected tab of the Explorer
        self._pending: int | None = None  # index in _redraws of the redraw a hidden view owes
        self.stale = False
        # subclasses draw the current state in their __init__
        self.drawn_revision = self.state.revision
        self.root: widgets.Widget = widgets.VBox()

    # -- state -> view
    def redraw_on(self, names, handler: Callable[[], None] | None = None) -> None:
        """Run ``handler`` (default :meth:`sync`) when a revision changes any trait of
        ``names`` (see `AppState.MODEL_TRAITS`).

        When several registrations match one revision only the first runs: register the
        most complete redraw first.
        """
        self._redraws.append((frozenset(names), handler or self.sync))

    def _on_revision(self, _change) -> None:
        changed = self.state.changed
        index = next((i for i, (names, _) in enumerate(self._redraws) if names & changed), None)
        if index is None:  # nothing this view shows changed
            if self._pending is None:
                self.drawn_revision = self.state.revision
            return
        if not self.active:  # catch up when shown, with the most complete pending redraw
            self._pending = index if self._pending is None else min(index, self._pending)
            self._set_stale(True)
            return
        self._redraw(self._redraws[index][1])

    def _redraw(self, handler: Callable[[], None]) -> None:
        revision = self.state.revision
        self._set_stale(True)
        # an error leaves the view marked stale, with its message shown
        if handler() is PENDING:  # finishing in the background: stale until then
            return
        self.drawn_revision = revision
        self._set_stale(False)

    def finish_pending(self, revision: int) -> None:
        """A redraw that returned `PENDING` has drawn ``revision`` (background work done)."""
        if revision == self.state.revision:
            self.drawn_revision = revision
            self._set_stale(False)

    def _set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            (self.root.add_class if stale else self.root.remove_class)(STALE_CLASS)

    # -- events -> state
    def on_value(self, control: widgets.Widget, handler: Callable, label: str, name="value"):
        """Observe ``control.name``; ``handler(new)`` runs in the error boundary.

        On failure the controls revert to what the session holds (:meth:`sync`).
        Programmatic updates made inside :meth:`muted` do not trigger ``handler``.
        """
        wrapped = self.state.callback(self.source, label, handler, on_error=self.sync)

        def observer(change):
            if not self._muted:
                wrapped(change["new"])

        control.observe(observer, names=[name])

    def on_click(self, button: widgets.Button, handler: Callable, label: str) -> None:
        """Run ``handler()`` in the error boundary when ``button`` is clicked."""
        wrapped = self.state.callback(self.source, label, handler, on_error=self.sync)
        button.on_click(lambda _button: wrapped())

    @contextlib.contextmanager
    def muted(self):
        """Set control values without triggering their handlers."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def sync(self) -> None:
        """Make every control show what the session holds (override)."""

    def set_active(self, active: bool) -> None:
        """Show/hide bookkeeping: a hidden view defers its work until it is shown again."""
        self.active = bool(active)
        if self.active and self._pending is not None:
            handler = self._redraws[self._pending][1]
            self._pending = None
            self.state.run(self.source, f"Show {self.title}", self._redraw, handler)

    def _on_messages(self, change) -> None:
        html = message_html(change["new"].get(self.source))
        if self.message.value != html:
            self.message.value = html

    # -- display
    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        setup = self.state.setup
        return (
            f"{type(self).__name__}(lattice={setup.lattice!r}, extent={tuple(setup.extent)!r}, "
            f"architecture={setup.architecture!r})"
        )


#: What a redraw handler returns when it finishes later, in background work (the view
#: stays stale until `View.finish_pending`).
PENDING = object()

#: CSS class of a view whose drawings are being recomputed (see `STALE_STYLE`).
STALE_CLASS = "nqx-stale"
#: Dims a stale view and says "updating…" over it.
STALE_STYLE = (
    "<style>.nqx-stale{opacity:.55;transition:opacity .15s}"
    ".nqx-stale::before{content:'updating…';font-style:italic;color:#7a4b00}</style>"
)


def set_options(control, options, value) -> None:
    """Replace a selection widget's options (if they changed) and select ``value``.

    ``value`` falls back to the first option when it is not among them. Call inside
    :meth:`View.muted`: assigning options makes the widget select its first option.
    """
    options = list(options)
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if [tuple(o) if isinstance(o, list) else o for o in control.options] != options:
        control.options = options
    # by index: ipywidgets reads ``value = None`` as "nothing selected" (a blank dropdown)
    # even when None is an option's value, e.g. "no character" or "no group"
    index = values.index(value) if value in values else (0 if values else None)
    if control.index != index:
        control.index = index


def set_if_changed(control, value, name: str = "value") -> None:
    """Assign only on change (avoids redundant comm messages and observer calls)."""
    if getattr(control, name) != value:
        setattr(control, name, value)
