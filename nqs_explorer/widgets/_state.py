"""The explorer's typed state: one compute session and the traits every view observes.

`AppState` is a ``traitlets.HasTraits``: views observe its typed traits (``setup``,
``configuration``, ``character``, ``parameters``, ``revision``, ``busy``, ``progress``,
``messages``, ``last_error``, ``last_action``) with ``observe(handler, names=[...])``
(through :meth:`AppState.watch`, which runs the handler inside the error boundary).
There are no string events. Widgets only translate events into calls on `AppState`;
tests drive this object directly.

One user action changes the model fields together and bumps ``revision`` last, inside
``hold_trait_notifications``: observers only ever see a consistent state, and a view
that draws records the revision it drew (``View.drawn_revision``).

Atomic: an action computes everything first (the new session state, the configuration),
then commits. Any exception before the commit (MemoryError included) restores the
session's previous state; a view that fails to draw the new revision makes the action
roll back (session and traits back to the previous values, in one more revision that
every view draws), with the view's error shown as the action's message. A change either
fully applies or leaves the previous state, never a mix.

Every call that can fail runs through :meth:`AppState.run`, the error boundary
(`_boundary.py`): an exception becomes a message for its source, the session keeps its
last valid model, and nothing raises into the notebook.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import warnings
from collections.abc import Callable, Generator, Iterator
from typing import Any

import numpy as np
import traitlets

from .. import compute
from ..compute import SAMPLE_CHUNK, TIME_BUDGET_S
from ..utils import BackgroundWork, run_steps
from ._boundary import Message, describe_exception, unique_warnings

#: The traits whose change makes a new revision (what the views draw from).
MODEL_TRAITS = ("setup", "configuration", "character", "parameters")


@dataclasses.dataclass
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
        kernels: the kernels it ran, in order.
    """

    label: str
    wall_s: float = 0.0
    compiles: int = 0
    compile_s: float = 0.0
    run_s: float = 0.0
    ok: bool = True
    device: str = ""
    kernels: list[str] = dataclasses.field(default_factory=list)


class AppState(traitlets.HasTraits):
    """State of the explorer, shared by all views.

    Args:
        setup: the initial `compute.Setup` (default: ``compute.Setup()``).
        session: an existing `compute.Session` to explore instead.

    Traits (observe them with :meth:`watch` or ``observe(handler, names=...)``):
        setup: the session's current (always valid) `compute.Setup`.
        configuration: ``(N,)`` float array of local states, the σ of the orbit and
            autoregressive views.
        character: the chosen irrep (``setup.character_id``; None: all ones).
        parameters: bumped whenever the parameters are replaced.
        revision: bumped once per change of any of the above; what views draw from.
        busy: label of the action in progress ("" when idle).
        working: label of the background work in progress ("" when none; see
            :meth:`start_work`, :meth:`cancel_work`).
        progress: ``(done, total, label)`` of long work (``total == 0``: none).
        messages: current `Message` per source (a control or a view).
        last_error: the last error message (None before any).
        last_action: the `ActionRecord` of the last completed action.

    Attributes:
        session: the `compute.Session`; always holds the last valid model.
        log: the last messages, oldest first (the app's message area).
        parameters_path: the file the current parameters were loaded from or saved to.
        changed: the names of the traits the last revision changed.

    Example:
        >>> from nqs_explorer import compute
        >>> from nqs_explorer.widgets import AppState
        >>> state = AppState(compute.Setup(lattice="Chain", extent=(4,)))
        >>> seen = []
        >>> state.watch(lambda change: seen.append(change["new"].group), ["setup"], "doc")
        >>> state.update("group", group=None), seen, state.revision
        (True, [None], 1)
    """

    setup = traitlets.Instance(compute.Setup)
    configuration = traitlets.Instance(np.ndarray)
    character = traitlets.Int(None, allow_none=True)
    parameters = traitlets.Int(0)
    revision = traitlets.Int(0)
    busy = traitlets.Unicode("")
    progress = traitlets.Tuple(
        traitlets.Int(), traitlets.Int(), traitlets.Unicode(), default_value=(0, 0, "")
    )
    messages = traitlets.Dict()
    last_error = traitlets.Instance(Message, allow_none=True)
    last_action = traitlets.Instance(ActionRecord, allow_none=True)
    working = traitlets.Unicode("")

    def __init__(self, setup: compute.Setup | None = None, *, session=None):
        super().__init__()
        self.session = session if session is not None else compute.Session(setup)
        self.log: list[Message] = []
        self.config_seed = 0
        self.parameters_path: str | None = None  # file the current parameters came from
        self.changed: frozenset[str] = frozenset()
        self._action: ActionRecord | None = None
        self._timed_depth = 0
        self._memo: dict[str, Any] = {}  # results of the current revision
        self._failures: list[tuple[str, Exception]] | None = None  # observers failing a commit
        self.work: BackgroundWork | None = None  # the long work running in the background
        self.setup = self.session.setup
        self.character = self.setup.character_id
        self.configuration = self._fresh_configuration(self.config_seed)

    # ------------------------------------------------------------------ observing
    def watch(self, handler: Callable[[dict], None], names, source: str = "app") -> None:
        """``observe(handler, names=names)`` with ``handler``'s errors shown under ``source``."""
        names = [names] if isinstance(names, str) else list(names)
        unknown = sorted(set(names) - set(self.trait_names()))
        if unknown:
            raise ValueError(f"unknown trait(s) {unknown}; traits are {sorted(self.trait_names())}")
        self.observe(lambda change: self._observed(source, handler, change), names=names)

    def _observed(self, source: str, handler: Callable[[dict], None], change: dict) -> None:
        try:
            handler(change)
        except Exception as exc:  # the boundary; inside a commit the action decides
            if self._failures is not None:
                self._failures.append((source, exc))
            else:
                self.report(source, exc)

    def _commit(self, **fields) -> None:
        """Set model ``fields`` (traits of `MODEL_TRAITS`) and bump the revision, notifying
        the observers only once everything is consistent; a failing observer's error is
        shown under its source."""
        for source, exc in self._commit_collect(fields):
            self.report(source, exc)

    def _commit_collect(self, fields: dict) -> list[tuple[str, Exception]]:
        """`_commit`, returning the ``(source, exception)`` of every observer that failed
        on the new revision instead of reporting them (:meth:`_transaction` rolls back)."""
        self._memo.clear()
        if self.work is not None and self._failures is None:
            self.cancel_work(user=False)  # its result would belong to an older revision
        outer, self._failures = self._failures, []
        try:
            with self.hold_trait_notifications():
                changed = set()
                for name, value in fields.items():
                    old = getattr(self, name)
                    same = old is value if isinstance(value, np.ndarray) else old == value
                    if not same:
                        setattr(self, name, value)
                        changed.add(name)
                self.changed = frozenset(changed)
                self.revision += 1
        finally:
            failures, self._failures = self._failures, outer
        if outer is not None:  # a nested commit: the outer one decides
            outer.extend(failures)
            return []
        return failures

    def _transaction(self, prepare: Callable[[], dict]) -> None:
        """All or nothing: ``prepare()`` may change the session and returns the model
        fields to commit; on any exception (MemoryError included), or when a view fails
        to draw the new revision, the session and traits go back to what they were.

        Raises:
            the exception of ``prepare``, or `ChangeRejected` naming the view that failed.
        """
        snapshot = self.session.snapshot()
        old_fields = {name: getattr(self, name) for name in MODEL_TRAITS}
        old_private = (self.parameters_path, self.config_seed)
        try:
            fields = prepare()
        except BaseException:
            self.session.restore(snapshot)
            self.parameters_path, self.config_seed = old_private
            raise
        failures = self._commit_collect(fields)
        if not failures:
            return
        self.session.restore(snapshot)
        self.parameters_path, self.config_seed = old_private
        self._commit(**old_fields)  # the old state failing too would be shown
        source, exc = failures[0]
        text, _details = describe_exception(exc)
        raise ChangeRejected(
            f"the {source} view could not show this change ({text}); the previous state is kept"
        ) from exc

    # ------------------------------------------------------------------ configuration
    @property
    def n_sites(self) -> int:
        return int(self.session.hilbert.size)

    @property
    def local_states(self) -> np.ndarray:
        return np.asarray(self.session.hilbert.local_states, dtype=float)

    def _fresh_configuration(self, seed: int) -> np.ndarray:
        configs = self.session.random_configurations(1, seed)
        return np.asarray(configs, dtype=float).reshape(self.n_sites)

    def _check_configuration(self, sigma) -> np.ndarray:
        sigma = np.asarray(sigma, dtype=float)
        if sigma.shape != (self.n_sites,):
            raise ValueError(f"a configuration has shape ({self.n_sites},), got {sigma.shape}")
        if not np.all(np.isin(sigma, self.local_states)):
            raise ValueError(f"configuration values must be local states {self.local_states}")
        return sigma

    def set_configuration(self, sigma, source: str = "orbit") -> bool:
        """Make ``sigma`` (shape ``(N,)``) the current configuration."""

        def apply():
            self._transaction(lambda: {"configuration": self._check_configuration(sigma)})

        return self.run(source, "Set configuration", apply)[0]

    def flip_site(self, site: int, source: str = "orbit") -> bool:
        """Move site ``site`` to the next local state (a spin flip for spin 1/2)."""

        def apply():
            i = int(site)
            if not 0 <= i < self.n_sites:
                raise ValueError(f"site {site} does not exist; sites are 0..{self.n_sites - 1}")
            states = self.local_states
            sigma = self.configuration.copy()
            index = int(np.argmin(np.abs(states - sigma[i])))
            sigma[i] = states[(index + 1) % len(states)]
            self._transaction(lambda: {"configuration": sigma})

        return self.run(source, f"Flip site {site}", apply)[0]

    def random_configuration(self, seed: int | None = None, source: str = "orbit") -> bool:
        """Draw a new uniformly random configuration (next seed when ``seed`` is None)."""

        def apply():
            def prepare():
                self.config_seed = self.config_seed + 1 if seed is None else int(seed)
                return {"configuration": self._fresh_configuration(self.config_seed)}

            self._transaction(prepare)

        return self.run(source, "Random configuration", apply)[0]

    # ------------------------------------------------------------------ model changes
    def update(self, source: str = "model", **changes) -> bool:
        """Apply setup ``changes`` with their rules (`compute.Setup.change`); False and a
        message if invalid.

        On failure the session keeps its last valid model and nothing is redrawn.
        """
        label = "Build model" if _rebuilds(changes) else "Update " + ", ".join(sorted(changes))
        if self._action is None and self._estimate_s(changes) > TIME_BUDGET_S:
            return self.run(source, label, self._start_update, source, label, changes)[0]
        return self.run(source, label, self._apply_update, changes)[0]

    def _estimate_s(self, changes: dict) -> float:
        """Estimated seconds of a change (0 when invalid: it fails fast anyway)."""
        try:
            return compute.estimate_build_s(self.session.setup.change(**changes))
        except (TypeError, ValueError):
            return 0.0

    def _start_update(self, source: str, label: str, changes: dict) -> None:
        """A change estimated over `TIME_BUDGET_S`: built in steps with progress (in the
        background when an event loop runs), committed (atomically) only when complete;
        Cancel keeps the previous state."""

        def on_done(new_state) -> None:
            self._transaction(lambda: self._prepare_update(changes, new_state))
            self.clear_errors()

        steps = self.session.change_steps(**changes)
        self.start_work(source, label, steps, on_done, on_cancel=self.refresh)

    def set_character(self, character_id: int | None, source: str = "character") -> bool:
        """Choose the irrep whose characters weight the orbit (``None``: all ones)."""
        return self.update(source, character_id=character_id)

    def _apply_update(self, changes: dict) -> None:
        self._transaction(lambda: self._prepare_update(changes))
        self.clear_errors()

    def _prepare_update(self, changes: dict, new_state=None) -> dict:
        """Change the session (to ``new_state`` when built already) and compute every
        field of the new revision (no commit)."""
        old_variables = self.session.variables
        if new_state is None:
            self.timed(self.session.change, **changes)
        else:
            self.session.restore(new_state)
        fields = {"setup": self.session.setup, "character": self.session.setup.character_id}
        if self.session.variables is not old_variables:
            self.parameters_path = None  # re-initialised: no longer the loaded parameters
            fields["parameters"] = self.parameters + 1
        sigma = self.configuration
        if sigma.shape != (self.n_sites,) or not np.all(np.isin(sigma, self.local_states)):
            fields["configuration"] = self._fresh_configuration(self.config_seed)
        return fields

    def replace_setup(self, setup: compute.Setup, source: str = "export") -> bool:
        """Switch to a whole new setup (e.g. loaded from JSON); keeps the old one if invalid."""
        fields = {f.name: getattr(setup, f.name) for f in dataclasses.fields(setup)}
        return self.update(source, **fields)

    def parameters_changed(self, path: str | None = None) -> None:
        """Tell the views that the session's parameters were replaced (read from the file
        ``path``, or ``None``: new values no file holds, e.g. trained ones)."""
        self.parameters_path = path
        self._commit(parameters=self.parameters + 1)

    def set_variables(self, variables, source: str = "parameters") -> bool:
        """Replace the model's parameters (same tree structure and shapes)."""

        def apply():
            def prepare():
                self.timed(self.session.set_variables, variables)
                self.parameters_path = None  # values no file holds (e.g. trained ones)
                return {"parameters": self.parameters + 1}

            self._transaction(prepare)

        return self.run(source, "Set parameters", apply)[0]

    # ------------------------------------------------------------------ boundary
    def run(self, source: str, label: str | None, fn: Callable, /, *args, **kwargs):
        """Run ``fn`` inside the error boundary; return ``(ok, result)``.

        A top-level call with a ``label`` is one user action: it clears the old message
        of ``source``, shows the busy label while running, turns warnings into messages
        and records its timing in ``last_action``. An exception becomes the message of
        ``source``; it never propagates.
        """
        if self._action is not None or label is None:
            return self._guarded(source, fn, *args, **kwargs)
        self.clear_message(source)
        self._action = record = ActionRecord(label)
        start, compiles = time.perf_counter(), compute.compile_count()
        self.busy = label
        ok, result = False, None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ok, result = self._guarded(source, fn, *args, **kwargs)
        finally:
            self._action = None
            record.wall_s = time.perf_counter() - start
            record.compiles = compute.compile_count() - compiles
            # a callback returning False had a nested state call fail (its message shown)
            record.ok = ok and result is not False
            self.busy = ""
        for item in unique_warnings(caught):
            self.post(Message(source, str(item.message), "warning"))
        self.last_action = record
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
        self.log = [*self.log[-49:], message]
        if message.level == "error":
            self.last_error = message
        self.messages = {**self.messages, message.source: message}

    def clear_errors(self) -> None:
        """Remove every error message (the model is valid again after a successful change);
        the errors leave the log too: what they reported is fixed."""
        kept = {s: m for s, m in self.messages.items() if m.level != "error"}
        if kept != self.messages:
            self._resolve([m for m in self.messages.values() if m.level == "error"])
            self.messages = kept

    def clear_message(self, source: str) -> None:
        """Remove the message of ``source`` (after a successful action); an error leaves
        the log too."""
        if source in self.messages:
            message = self.messages[source]
            if message.level == "error":
                self._resolve([message])
            self.messages = {s: m for s, m in self.messages.items() if s != source}

    def _resolve(self, fixed: list[Message]) -> None:
        self.log = [m for m in self.log if not any(m is f for f in fixed)]

    @contextlib.contextmanager
    def progress_steps(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """Report progress of long work; yields ``step(done, total=total)``.

        ``total`` is the expected number of steps; a step may revise it when the work
        only knows its size once started (0 <= done <= total).
        """

        def step(done: int, total: int = total) -> None:
            self.progress = (int(done), int(total), label)

        step(0)
        try:
            yield step
        finally:
            self.progress = (0, 0, "")

    # ------------------------------------------------------------------ long work
    def start_work(
        self,
        source: str,
        label: str,
        steps: Generator,
        on_done: Callable[[Any], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> bool:
        """Run a step generator (yielding ``(done, total)``, returning a result) as
        cancellable background work; ``on_done(result)`` runs as one action when it ends.

        With a running asyncio event loop (a Jupyter kernel) the steps run as a
        `BackgroundWork` task, one step per chunk, yielding to the loop in between: the
        status line shows ``working`` with the progress and a Cancel button. Without one
        (plain Python, tests) they run to the end now. Cancelling, or a new revision,
        stops between steps and keeps the last valid state; the views re-show it.

        Returns:
            True when the work was started in the background, False when it ran now.
        """
        self.cancel_work(user=False)  # superseded
        if not _running_loop():
            with self.progress_steps(label, 1) as step:
                result = run_steps(steps, step)
            on_done(result)
            return False
        holder: dict[str, Any] = {}

        def chunk() -> bool:
            try:
                done, total = next(steps)
            except StopIteration as finished:
                holder["result"] = finished.value
                return False
            self.progress = (int(done), int(total), label)
            return True

        def on_stop(final: str) -> None:
            if self.work is work:  # else already cancelled (and maybe superseded)
                self._clear_work()
            if final == "done":
                self.run(source, label, on_done, holder["result"])
                return
            steps.close()
            if final == "failed":
                self.report(source, work.error)
                self.last_action = ActionRecord(label, ok=False)
                return
            if not getattr(work, "user_cancelled", False):
                return  # superseded by a new revision or new work: nothing to say
            self.post(Message(source, f"{label}: cancelled; the previous state is kept", "info"))
            self.last_action = ActionRecord(f"{label} (cancelled)", ok=False)
            if on_cancel is not None:
                self.run(source, None, on_cancel)

        work = BackgroundWork(chunk, on_stop=on_stop, name=label)
        self.work = work
        self.working = label
        self.progress = (0, 1, label)
        work.start()
        return True

    def cancel_work(self, user: bool = True) -> bool:
        """Stop the background work between two steps (the last valid state stays; a
        ``user`` cancel says so and re-shows it); False when none runs."""
        work = self.work
        if work is None:
            return False
        work.user_cancelled = user
        work.cancel()
        self._clear_work()
        return True

    def _clear_work(self) -> None:
        self.work = None
        self.working = ""
        self.progress = (0, 0, "")

    def refresh(self) -> None:
        """Make every view re-show the current state (e.g. after a cancelled change,
        whose controls still show what was asked): one revision, same values."""
        self._memo.clear()
        with self.hold_trait_notifications():
            self.changed = frozenset(MODEL_TRAITS)
            self.revision += 1

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

    # ------------------------------------------------------------------ shared computations
    def orbit(self):
        """``compute.OrbitResult`` of the current configuration (cached per revision)."""
        return self.memo("orbit", self.session.orbit, self.configuration)

    def conditionals(self) -> np.ndarray:
        """``(N, local_size)`` conditionals of the current configuration (AR models)."""
        return self.memo("conditionals", self.session.conditionals, self.configuration)

    def receptive_fields(self) -> np.ndarray:
        """``(N, N)`` bool receptive fields of the current AR model."""
        return self.memo("receptive_fields", self.session.receptive_fields)

    def receptive_reach(self):
        """``compute.ReceptiveReach`` of the current AR model: fields now and at any depth."""
        return self.memo("receptive_reach", self.session.receptive_reach)

    def sample(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` exact samples and their log-probabilities, with a progress bar.

        Samples are drawn in chunks of :data:`SAMPLE_CHUNK` (seeds ``seed, seed + 1, ...``),
        fewer than that as the first ones of a chunk, so only one shape ever compiles (a new
        sample count never recompiles) and the progress bar moves.
        """
        n, seed = int(n), int(seed)
        if n < 1:
            raise ValueError(f"number of samples must be >= 1, got {n}")
        if n <= SAMPLE_CHUNK:
            with self.progress_steps(f"sampling {n}", 1) as step:
                x, lp = self.timed(self.session.sample, SAMPLE_CHUNK, seed)
                step(1)
            return x[:n], lp[:n]
        steps = self.sample_steps(n, seed)
        with self.progress_steps(f"sampling {n}", -(-n // SAMPLE_CHUNK)) as step:
            return run_steps(steps, step)

    def sample_steps(self, n: int, seed: int) -> Generator:
        """`sample` as steps for `start_work`: one chunk of :data:`SAMPLE_CHUNK` samples per
        step (yielding ``(done, total)`` chunks), returning ``(samples, log_probs)``."""
        n, seed = int(n), int(seed)
        if n < 1:
            raise ValueError(f"number of samples must be >= 1, got {n}")
        chunks = -(-n // SAMPLE_CHUNK)
        samples, log_probs = [], []
        for k in range(chunks):
            x, lp = self.timed(self.session.sample, SAMPLE_CHUNK, seed + k)
            samples.append(x)
            log_probs.append(lp)
            yield k + 1, chunks
        return np.concatenate(samples)[:n], np.concatenate(log_probs)[:n]

    def checks(self) -> list[compute.CheckResult]:
        """`compute.Session.checks` of the current model (the exact state shared with
        :meth:`exact_state`, with its progress bar)."""
        return self.timed(self.session.checks, exact=self.exact_state)

    def exact_state(self):
        """``compute.ExactState`` by exhaustive enumeration (memory-guarded, cached)."""
        hilbert = self.session.hilbert
        label = f"enumerating {hilbert.local_size}^{hilbert.size} states"
        with self.progress_steps(label, 1) as step:
            return self.memo(
                "exact_state",
                self.session.exact_state,
                progress=lambda done, total: step(done, total),
            )


def _running_loop() -> bool:
    """Whether an asyncio event loop runs in this thread (a Jupyter kernel's)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ChangeRejected(ValueError):
    """A change that a view could not show; the app kept its previous state."""


# Changing only these never changes a shape, so it never recompiles.
VALUE_ONLY_FIELDS = frozenset({"character_id", "seed", "couplings", "total_sz"})


def _rebuilds(changes: dict) -> bool:
    return not set(changes) <= VALUE_ONLY_FIELDS
