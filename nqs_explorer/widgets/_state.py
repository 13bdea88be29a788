"""The explorer's state: one compute session, the current configuration, observers, messages.

Widgets only translate events into calls on :class:`AppState` and redraw when it notifies
them; tests drive this object directly. Every call that can fail runs through
:meth:`AppState.run`, the error boundary: an exception becomes a message for its source,
the session keeps its last valid model, and nothing raises into the notebook.
"""

from __future__ import annotations

import numpy as np

from .. import compute
from ..compute import SAMPLE_CHUNK
from ._hub import ActionRecord as ActionRecord
from ._hub import Hub


class AppState(Hub):
    """State of the explorer, shared by all views.

    Args:
        setup: the initial :class:`compute.Setup` (default: ``compute.Setup()``).
        session: an existing :class:`compute.Session` to explore instead.

    Observers, messages, the error boundary and timing come from :class:`Hub`.

    Attributes:
        session: the :class:`compute.Session`; always holds the last valid model.
        configuration: ``(N,)`` float array of local states, the σ of the orbit and
            autoregressive views.
        parameters_path: the file the current parameters were loaded from or saved to.
    """

    def __init__(self, setup: compute.Setup | None = None, *, session=None):
        super().__init__()
        self.session = session if session is not None else compute.Session(setup)
        self.config_seed = 0
        self.parameters_path: str | None = None  # file the current parameters came from
        self.configuration = self._fresh_configuration(self.config_seed)

    # ------------------------------------------------------------------ configuration
    @property
    def setup(self) -> compute.Setup:
        """The session's current (always valid) setup."""
        return self.session.setup

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
            self._show_configuration(self._check_configuration(sigma))

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
            self._show_configuration(sigma)

        return self.run(source, f"Flip site {site}", apply)[0]

    def random_configuration(self, seed: int | None = None, source: str = "orbit") -> bool:
        """Draw a new uniformly random configuration (next seed when ``seed`` is None)."""

        def apply():
            self.config_seed = self.config_seed + 1 if seed is None else int(seed)
            self._show_configuration(self._fresh_configuration(self.config_seed))

        return self.run(source, "Random configuration", apply)[0]

    def _show_configuration(self, sigma: np.ndarray) -> None:
        """Make the checked ``sigma`` current and tell the views."""
        self.configuration = sigma
        self._bump()
        self.emit("configuration", configuration=sigma)

    # ------------------------------------------------------------------ model changes
    def update(self, source: str = "model", **changes) -> bool:
        """Apply setup ``changes`` with their rules (`compute.Setup.change`); False and a
        message if invalid.

        On failure the session keeps its last valid model and nothing is redrawn.
        """
        label = "Build model" if _rebuilds(changes) else "Update " + ", ".join(sorted(changes))
        return self.run(source, label, self._apply_update, changes)[0]

    def set_character(self, character_id: int | None, source: str = "character") -> bool:
        """Choose the irrep whose characters weight the orbit (``None``: all ones)."""
        return self.update(source, character_id=character_id)

    def _apply_update(self, changes: dict) -> None:
        old, old_variables = self.session.setup, self.session.variables
        self.timed(self.session.change, **changes)
        if self.session.variables is not old_variables:
            self.parameters_path = None  # re-initialised: no longer the loaded parameters
        self._after_model_change(old)

    def _after_model_change(self, old) -> None:
        new = self.session.setup
        n_changed = self.configuration.shape != (self.n_sites,)
        if n_changed or not np.all(np.isin(self.configuration, self.local_states)):
            self.configuration = self._fresh_configuration(self.config_seed)
        self._bump()
        self.clear_errors()
        self.emit("setup", old=old, new=new)

    def replace_setup(self, setup: compute.Setup, source: str = "export") -> bool:
        """Switch to a whole new setup (e.g. loaded from JSON); keeps the old one if invalid."""
        return self.update(source, **_setup_fields(setup))

    def parameters_changed(self) -> None:
        """Tell the views that the session's parameters were replaced."""
        self._bump()
        self.emit("parameters")

    def set_variables(self, variables, source: str = "parameters") -> bool:
        """Replace the model's parameters (same tree structure and shapes)."""

        def apply():
            self.timed(self.session.set_variables, variables)
            self.parameters_changed()

        return self.run(source, "Set parameters", apply)[0]

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

    def sample(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` exact samples and their log-probabilities, with a progress bar.

        More than :data:`SAMPLE_CHUNK` samples are drawn in chunks of that size (seeds
        ``seed, seed + 1, ...``), so the progress bar moves and only one shape compiles.
        """
        n, seed = int(n), int(seed)
        if n < 1:
            raise ValueError(f"number of samples must be >= 1, got {n}")
        if n <= SAMPLE_CHUNK:
            with self.progress_steps(f"sampling {n}", 1) as step:
                out = self.timed(self.session.sample, n, seed)
                step(1)
            return out
        chunks = -(-n // SAMPLE_CHUNK)
        samples, log_probs = [], []
        with self.progress_steps(f"sampling {n}", chunks) as step:
            for k in range(chunks):
                x, lp = self.timed(self.session.sample, SAMPLE_CHUNK, seed + k)
                samples.append(x)
                log_probs.append(lp)
                step(k + 1)
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


def _setup_fields(setup) -> dict:
    import dataclasses

    return {f.name: getattr(setup, f.name) for f in dataclasses.fields(setup)}


# Changing only these never changes a shape, so it never recompiles.
VALUE_ONLY_FIELDS = frozenset({"character_id", "seed"})


def _rebuilds(changes: dict) -> bool:
    return not set(changes) <= VALUE_ONLY_FIELDS
