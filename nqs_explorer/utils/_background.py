"""Cancellable background work on the asyncio event loop (a Jupyter kernel's own loop).

Long work (training, big enumerations) runs as an asyncio task in chunks with
``await asyncio.sleep(0)`` between them, so that the kernel handles other messages
(a Pause click, a tab switch) while it runs: ipywidgets' "asynchronous widgets" pattern.
A chunk is atomic: pausing or cancelling stops *between* chunks, so the last valid state
stays.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator
from typing import Any

#: The states of a `BackgroundWork`.
WORK_STATES = ("idle", "running", "paused", "done", "failed")


def run_steps(steps: Generator[Any, None, Any], progress: Callable[..., None] | None = None) -> Any:
    """Run a step generator to its end and return its return value (blocking);
    ``progress(*item)`` gets what each step yields (e.g. ``(done, total)``).

    Example:
        >>> def steps():
        ...     yield 1
        ...     return "done"
        >>> run_steps(steps())
        'done'
    """
    while True:
        try:
            item = next(steps)
        except StopIteration as finished:
            return finished.value
        if progress is not None:
            progress(*item)


class BackgroundWork:
    """Run ``chunk()`` repeatedly as an asyncio task until it says it is done.

    Args:
        chunk: does one atomic unit of work; returns True while more remains, False
            when finished.
        on_progress: called after a chunk at most every ``progress_interval_s`` seconds,
            and once when the work stops (done, paused, failed): redraw plots there.
        on_stop: ``on_stop(state)`` once the task ends (``"done"``, ``"paused"``,
            ``"failed"``).
        progress_interval_s: least time between two ``on_progress`` calls.
        name: the task's name.

    Attributes:
        state: one of `WORK_STATES`.
        error: the exception that ended the work (state ``"failed"``), else None.
        chunks: chunks done since the last `start`.
        task: the running ``asyncio.Task`` (None when idle).

    Example:
        >>> import asyncio
        >>> left = [3]
        >>> def chunk():
        ...     left[0] -= 1
        ...     return left[0] > 0
        >>> async def main():
        ...     work = BackgroundWork(chunk)
        ...     await work.start()
        ...     return work.state, work.chunks
        >>> asyncio.run(main())
        ('done', 3)
    """

    def __init__(
        self,
        chunk: Callable[[], bool],
        *,
        on_progress: Callable[[], None] | None = None,
        on_stop: Callable[[str], None] | None = None,
        progress_interval_s: float = 0.25,
        name: str = "background work",
    ):
        self._chunk = chunk
        self._on_progress = on_progress
        self._on_stop = on_stop
        self.progress_interval_s = float(progress_interval_s)
        self.name = name
        self.state = "idle"
        self.error: BaseException | None = None
        self.chunks = 0
        self.task: asyncio.Task | None = None
        self._stop = False

    @property
    def running(self) -> bool:
        """True while the task runs (between `start` and its end)."""
        return self.state == "running"

    def start(self) -> asyncio.Task:
        """Start the work as a task on the running event loop; returns the task.

        Raises:
            RuntimeError: no running event loop (outside a Jupyter kernel or an
                ``async`` function), or the work is already running.
        """
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                f"{self.name} needs a running asyncio event loop (a Jupyter kernel or an "
                "async function); outside one, call the work step by step instead"
            ) from None
        self._stop = False
        self.error = None
        self.chunks = 0
        self.state = "running"
        self.task = loop.create_task(self.run(), name=self.name)
        return self.task

    def pause(self) -> None:
        """Stop after the current chunk (the work can be started again)."""
        self._stop = True

    cancel = pause

    async def run(self) -> str:
        """The coroutine the task runs: chunks, yielding to the loop between them."""
        self.state = "running"
        last = time.perf_counter()
        final = "done"
        try:
            while True:
                await asyncio.sleep(0)  # let the loop handle clicks before each chunk
                if self._stop:
                    final = "paused"
                    break
                more = self._chunk()
                self.chunks += 1
                if not more:
                    break
                now = time.perf_counter()
                if self._on_progress is not None and now - last >= self.progress_interval_s:
                    await asyncio.sleep(0)  # a click may come between the chunk and the redraw
                    if self._stop:
                        continue
                    self._on_progress()
                    last = time.perf_counter()
        except Exception as exc:  # reported through on_stop; the state stays valid
            self.error = exc
            final = "failed"
        self.state = final
        self.task = None
        if self._on_progress is not None:
            self._on_progress()
        if self._on_stop is not None:
            self._on_stop(final)
        return final

    def __repr__(self) -> str:
        return f"BackgroundWork({self.name!r}, state={self.state!r}, chunks={self.chunks})"
