"""The event hub under the app state: observers, the error boundary, actions and timing.

Widget callbacks and state observers all run through :meth:`Hub.run`: an exception
becomes the message of its source (shown next to the control) instead of escaping into
the notebook, where JupyterLab would show it nowhere. A top-level call is one user
action: it shows a busy label, turns warnings into messages and records what it cost.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import compute
from ._boundary import Message, describe_exception

EVENTS = ("setup", "parameters", "configuration", "message", "busy", "progress", "action")


@dataclass
class ActionRecord:
    """What the last user action cost.

    Attributes:
        label: what the action was ("Build model", "New configuration", ...).
        wall_s: seconds from the event to the redrawn views.
        compiles: XLA compilations it triggered (``compute.compile_count()`` delta).
        compile_s: seconds spent compiling (sum over the kernels it called).
        run_s: seconds spent running compiled kernels.
        ok: False when it ended in an error message.
        device: the device the kernels ran on ("" if none ran).
    """

    label: str
    wall_s: float = 0.0
    compiles: int = 0
    compile_s: float = 0.0
    run_s: float = 0.0
    ok: bool = True
    device: str = ""
    kernels: list[str] = field(default_factory=list)


class Hub:
    """Observers, messages, the error boundary and per-action timing.

    Attributes:
        messages: current message per source (a control or a view).
        log: the last messages, oldest first (the app's message area).
        busy: label of the action in progress ("" when idle).
        progress: ``(done, total, label)`` of long work (``total == 0``: none).
        last_action: the :class:`ActionRecord` of the last completed action.
        revision: bumped whenever what the views show changes (invalidates :meth:`memo`).
    """

    session: Any  # the compute.Session whose kernel timings actions record

    def __init__(self):
        self.messages: dict[str, Message] = {}
        self.log: list[Message] = []
        self.busy = ""
        self.progress: tuple[int, int, str] = (0, 0, "")
        self.last_action: ActionRecord | None = None
        self.revision = 0
        self._observers: dict[str, list[tuple[str, Callable]]] = defaultdict(list)
        self._action: ActionRecord | None = None
        self._timed_depth = 0
        self._memo: dict[str, Any] = {}  # results of the current revision (cleared by _bump)

    # ------------------------------------------------------------------ observers
    def observe(self, event: str, callback: Callable[..., None], source: str = "app") -> None:
        """Call ``callback(**payload)`` on ``event``; its errors are shown under ``source``."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
        self._observers[event].append((source, callback))

    def unobserve(self, event: str, callback: Callable[..., None]) -> None:
        """Stop calling ``callback`` on ``event``."""
        self._observers[event] = [(s, c) for s, c in self._observers[event] if c != callback]

    def emit(self, event: str, **payload) -> None:
        """Notify the observers of ``event``; each one runs inside its own error boundary."""
        for source, callback in list(self._observers[event]):
            self._guarded(source, callback, **payload)

    # ------------------------------------------------------------------ boundary
    def run(self, source: str, label: str | None, fn: Callable, /, *args, **kwargs):
        """Run ``fn`` inside the error boundary; return ``(ok, result)``.

        A top-level call with a ``label`` is one user action: it clears the old message
        of ``source``, shows the busy label while running, turns warnings into messages
        and records its timing in :attr:`last_action`. An exception becomes the message
        of ``source``; it never propagates.
        """
        top = self._action is None and label is not None
        if not top:
            return self._guarded(source, fn, *args, **kwargs)
        self.clear_message(source)
        self._action = record = ActionRecord(label)
        start, compiles = time.perf_counter(), compute.compile_count()
        self._set_busy(label)
        ok = False
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ok, result = self._guarded(source, fn, *args, **kwargs)
        finally:
            self._action = None
            record.wall_s = time.perf_counter() - start
            record.compiles = compute.compile_count() - compiles
            record.ok = ok
            self.last_action = record
            self._set_busy("")
        for item in _unique_warnings(caught):
            self.post(Message(source, str(item.message), "warning"))
        self.emit("action", record=record)
        return ok, result

    def _guarded(self, source: str, fn: Callable, /, *args, **kwargs):
        try:
            return True, fn(*args, **kwargs)
        except Exception as exc:  # the boundary: nothing escapes into the notebook
            self.report(source, exc)
            return False, None

    def callback(self, source: str, label: str, fn: Callable, on_error: Callable | None = None):
        """Wrap ``fn`` as a widget callback: runs in :meth:`run`, calls ``on_error`` on failure.

        ``fn`` failing means raising, or returning ``False`` (a nested state call failed
        and already posted its message).
        """

        def wrapped(*args, **kwargs):
            ok, result = self.run(source, label, fn, *args, **kwargs)
            if (not ok or result is False) and on_error is not None:
                self.run(source, None, on_error)

        return wrapped

    def report(self, source: str, exc: BaseException) -> None:
        """Turn ``exc`` into the message of ``source``."""
        text, details = describe_exception(exc)
        self.post(Message(source, text, "error", details))

    def post(self, message: Message) -> None:
        """Show ``message`` next to its source and append it to the log."""
        self.messages[message.source] = message
        self.log = [*self.log[-49:], message]
        self.emit("message", source=message.source, message=message)

    def clear_errors(self) -> None:
        """Remove every error message (the model is valid again after a successful change)."""
        for source, message in list(self.messages.items()):
            if message.level == "error":
                self.clear_message(source)

    def clear_message(self, source: str) -> None:
        """Remove the message of ``source`` (after a successful action)."""
        if self.messages.pop(source, None) is not None:
            self.emit("message", source=source, message=None)

    def _set_busy(self, label: str) -> None:
        self.busy = label
        self.emit("busy", label=label)

    @contextlib.contextmanager
    def progress_steps(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """Report progress of long work; yields ``step(done, total=total)``.

        ``total`` is the expected number of steps; a step may revise it when the work
        only knows its size once started (0 <= done <= total).
        """

        def step(done: int, total: int = total) -> None:
            self.progress = (int(done), int(total), label)
            self.emit("progress", done=int(done), total=int(total), label=label)

        step(0)
        try:
            yield step
        finally:
            self.progress = (0, 0, "")
            self.emit("progress", done=0, total=0, label="")

    # ------------------------------------------------------------------ compute calls
    def timed(self, fn: Callable, *args, **kwargs):
        """Call a session method (`compute.Session.timed`) and add its kernel timing to the
        current action (once: a nested call's timing is part of its caller's)."""
        self._timed_depth += 1
        try:
            out = self.session.timed(fn, *args, **kwargs)
        finally:
            self._timed_depth -= 1
        timing = out.timing
        if self._timed_depth == 0 and self._action is not None and timing.kernel:
            self._action.compile_s += float(timing.compile_s)
            self._action.run_s += float(timing.run_s)
            self._action.device = str(timing.device)
            self._action.kernels.append(str(timing.kernel))
        return out.value

    def memo(self, key: str, fn: Callable, *args, **kwargs):
        """Compute ``fn`` once per :attr:`revision` (shared by every view)."""
        if key not in self._memo:
            self._memo[key] = self.timed(fn, *args, **kwargs)
        return self._memo[key]

    def _bump(self) -> None:
        self.revision += 1
        self._memo.clear()


def _unique_warnings(caught) -> list:
    seen, out = set(), []
    for item in caught:
        text = str(item.message)
        if text not in seen and not issubclass(item.category, DeprecationWarning):
            seen.add(text)
            out.append(item)
    return out
