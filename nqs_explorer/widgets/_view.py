"""Base class of the explorer's views: a plain object with a root widget.

A view is not itself a widget: it owns widgets, maps their events to :class:`AppState` calls
through the error boundary, and redraws when the state notifies it. It displays in Jupyter
by delegating ``_repr_mimebundle_`` to its root widget.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import ipywidgets as widgets

from ._boundary import message_html
from ._state import AppState


class View:
    """A view over an :class:`AppState` (a fresh one when ``state`` is None).

    Subclasses set :attr:`source` (the key of their messages), build :attr:`root` and
    implement :meth:`sync` (make every control show what the session holds).
    """

    source = "view"
    title = "View"

    def __init__(self, state: AppState | None = None):
        self.state = state if state is not None else AppState()
        self.message = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.state.observe("message", self._on_message, self.source)
        self._muted = 0
        self.active = True  # False while hidden in an unselected tab of the Explorer
        self._pending = False
        self.root: widgets.Widget = widgets.VBox()

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

    def refresh(self, **_payload) -> None:
        """State observer: :meth:`sync` now, or when next shown if the view is hidden."""
        if self.active:
            self.sync()
        else:
            self._pending = True

    def set_active(self, active: bool) -> None:
        """Show/hide bookkeeping: a hidden view defers its work until it is shown again."""
        self.active = bool(active)
        if self.active and self._pending:
            self._pending = False
            self.state.run(self.source, f"Show {self.title}", self.sync)

    def _on_message(self, source: str, message) -> None:
        if source == self.source:
            self.message.value = message_html(message)

    # -- display
    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        setup = self.state.setup
        return (
            f"{type(self).__name__}(lattice={setup.lattice!r}, extent={tuple(setup.extent)!r}, "
            f"architecture={setup.architecture!r})"
        )


def set_options(control, options, value) -> None:
    """Replace a selection widget's options (if they changed) and select ``value``.

    ``value`` falls back to the first option when it is not among them. Call inside
    :meth:`View.muted`: assigning options makes the widget select its first option.
    """
    options = list(options)
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if value not in values:
        value = values[0] if values else None
    labels = [o[0] if isinstance(o, tuple) else str(o) for o in options]
    if list(control._options_labels) != labels or list(control._options_values) != values:
        control.options = options
    if control.value != value:
        control.value = value


def set_if_changed(control, value, name: str = "value") -> None:
    """Assign only on change (avoids redundant comm messages and observer calls)."""
    if getattr(control, name) != value:
        setattr(control, name, value)
