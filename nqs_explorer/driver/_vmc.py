"""Variational Monte Carlo driver (NetKet's `VMC`) around one pure, jitted step.

`vmc_step` is a module-level pure function: its static argument (`StepStructure`) holds the
structure (model, optimizer transformation, sampler, sample counts, operator structure,
SR on/off) and every value (parameters, optimizer state with the learning rate, sampler
state with its PRNG key, SR's diagonal shift, the operator's couplings) is traced, so a
value change never recompiles. The app's compute layer can compile the same function
through its ahead-of-time kernel cache.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterator

import flax.serialization
import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..optimizer import SR, sr_solve, with_learning_rate
from ..optimizer import learning_rate_of as _learning_rate_of
from ..vqs import FullSumState, MCState
from ..vqs import kernels as K


@dataclasses.dataclass(frozen=True)
class StepStructure:
    """The static part of a training step (hashable; a new one compiles a new step)."""

    model: object
    optimizer_update: object  # the optax ``update`` function (shared by nqx.optimizer kinds)
    op_static: object
    sr: bool
    holomorphic: bool
    full_sum: bool
    sampler: object = None
    n_samples: int = 0
    n_discard: int = 0


def vmc_step(
    structure: StepStructure,
    params,
    model_state,
    opt_state,
    sampler_state,
    diag_shift,
    op_leaves,
    full_sum_data,
):
    """One optimization step: estimate ``E`` and ``g``, precondition, update.

    Args:
        structure: the static `StepStructure` (model, optimizer's ``update``, sampler,
            sample counts, operator structure, SR on/off).
        params, model_state: the variables.
        opt_state: the optax state (learning rate inside when injected).
        sampler_state: the sampler's state (``None`` for a full sum).
        diag_shift: SR's ``ε`` (ignored without SR).
        op_leaves: the operator's traced couplings.
        full_sum_data: ``(states, rows, mels, orbits)`` for a full sum (see
            `FullSumState.connected_elements` and `FullSumState.full_sum_data`), else ``()``.

    Returns:
        ``(params, opt_state, sampler_state, stats)``; ``stats`` describes the energy of
        the parameters *before* the update, as NetKet logs it.
    """
    m = structure.model
    if structure.full_sum:
        states, rows, mels, orbits = full_sum_data
        stats, grad = K.full_sum_expect_and_grad(m, params, model_state, states, rows, mels, orbits)
        if structure.sr:
            # O(σ) is the same on an orbit: S from the representatives, orbit weights
            psi, log_psi = K.full_sum_psi(m, params, model_state, states, orbits)
            x = K.evaluated_states(states, orbits)
            weights = K.reduce_orbits(jnp.abs(psi) ** 2, orbits)
            log_psi = jnp.log(weights)  # -inf where every amplitude of the orbit is 0
            x, weights = K.safe_rows(x, log_psi, weights)
    else:
        samples, sampler_state = K.draw_samples(
            structure.sampler,
            m,
            params,
            model_state,
            sampler_state,
            structure.n_samples,
            structure.n_discard,
        )
        stats, grad = K.mc_expect_and_grad(
            m, params, model_state, samples, structure.op_static, op_leaves
        )
        x = samples.reshape(-1, samples.shape[-1])
        weights = jnp.full(x.shape[0], 1.0 / x.shape[0])
    if structure.sr:
        grad = sr_solve(m, params, model_state, x, weights, grad, diag_shift, structure.holomorphic)
    updates, opt_state = structure.optimizer_update(grad, opt_state, params)
    params = optax.apply_updates(params, updates)
    return params, opt_state, sampler_state, stats


vmc_step_jit = jax.jit(vmc_step, static_argnums=0)

_HISTORY_KEYS = ("Energy", "Variance", "Sigma", "R_hat", "acceptance")


class VMC:
    """Ground-state optimization of ``hamiltonian`` (NetKet's ``VMC`` driver).

    Args:
        hamiltonian: the operator to minimise (``get_conn_padded``, ``hilbert``).
        optimizer: an optax transformation; `nqs_explorer.optimizer.Adam`/`Sgd` keep
            the learning rate as a value (`learning_rate` can change between steps).
        variational_state: a `FullSumState` or an `MCState`.
        preconditioner: ``None`` (plain gradient) or `nqs_explorer.optimizer.SR`.

    Example:
        >>> import nqs_explorer as nqx
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1), seed=0)
        >>> # gs = nqx.driver.VMC(H, nqx.optimizer.Adam(0.01), variational_state=vs)
        >>> # gs.run(100); gs.energy.mean
    """

    #: What runs one step: ``step_runner(structure, *values)`` with `vmc_step`'s
    #: signature and result. Default: the driver's own ``jax.jit``; the explorer's
    #: compute layer sets it on an instance to run the step through its kernel cache.
    step_runner = staticmethod(vmc_step_jit)

    def __init__(self, hamiltonian, optimizer, *, variational_state, preconditioner=None):
        if not isinstance(variational_state, FullSumState | MCState):
            raise TypeError(
                "variational_state must be a FullSumState or an MCState, got "
                f"{type(variational_state).__name__}"
            )
        if not isinstance(optimizer, optax.GradientTransformation):
            raise TypeError(f"optimizer must be an optax transformation, got {optimizer!r}")
        if preconditioner is not None and not isinstance(preconditioner, SR):
            raise TypeError(f"preconditioner must be None or SR(...), got {preconditioner!r}")
        self.state = variational_state
        self.optimizer = optimizer
        self.preconditioner = preconditioner
        self.hamiltonian = hamiltonian
        self.reset()

    # --- values that may change between steps without recompiling -------------------
    @property
    def hamiltonian(self):
        return self._hamiltonian

    @hamiltonian.setter
    def hamiltonian(self, operator):
        self._op_static, self._op_leaves = self.state._check_operator(operator)
        self._hamiltonian = operator

    @property
    def learning_rate(self):
        """The learning rate in the optimizer state (``None`` when fixed)."""
        lr = _learning_rate_of(self._opt_state)
        return None if lr is None else float(lr)

    @learning_rate.setter
    def learning_rate(self, value):
        self._opt_state = with_learning_rate(self._opt_state, value)

    @property
    def diag_shift(self) -> float | None:
        return None if self.preconditioner is None else float(self.preconditioner.diag_shift)

    @diag_shift.setter
    def diag_shift(self, value):
        if self.preconditioner is None:
            raise ValueError("diag_shift needs an SR preconditioner")
        self.preconditioner = dataclasses.replace(self.preconditioner, diag_shift=value)

    # --- state ----------------------------------------------------------------------
    def reset(self) -> None:
        """Fresh optimizer state, step count 0, empty history (parameters kept)."""
        self._opt_state = self.optimizer.init(self.state.parameters)
        self.step_count = 0
        self.energy = None
        self.history: dict[str, list[float]] = {"step": [], **{k: [] for k in _HISTORY_KEYS}}
        self.state.reset()

    def _structure(self) -> StepStructure:
        vs = self.state
        sr = self.preconditioner is not None
        common = dict(
            model=vs.model,
            optimizer_update=self.optimizer.update,
            op_static=self._op_static,
            sr=sr,
            holomorphic=bool(sr and self.preconditioner.holomorphic),
        )
        if isinstance(vs, FullSumState):
            return StepStructure(full_sum=True, **common)
        return StepStructure(
            full_sum=False,
            sampler=vs.sampler,
            n_samples=vs.n_samples,
            n_discard=vs.n_discard_per_chain,
            **common,
        )

    def step_inputs(self) -> tuple:
        """``(structure, values)``: what the next step passes to `step_runner`
        (``step_runner(structure, *values)``), e.g. to compile it ahead of time."""
        vs = self.state
        full = isinstance(vs, FullSumState)
        if full:
            states, orbits = vs.full_sum_data
            data = (states, *vs.connected_elements(self._hamiltonian), orbits)
        else:
            data = ()
        sampler_state = None if full else vs.sampler.reset(vs.sampler_state)
        shift = jnp.asarray(0.0 if self.preconditioner is None else self.diag_shift)
        values = (
            vs.parameters,
            vs.model_state,
            self._opt_state,
            sampler_state,
            shift,
            self._op_leaves,
            data,
        )
        return self._structure(), values

    def _step(self):
        vs = self.state
        full = isinstance(vs, FullSumState)
        structure, values = self.step_inputs()
        params, self._opt_state, sampler_state, stats = self.step_runner(structure, *values)
        vs.parameters = params  # also drops cached samples / amplitudes
        if not full:
            vs.sampler_state = sampler_state
        self.energy = stats
        self._log(stats, None if full else sampler_state.acceptance)
        self.step_count += 1
        return stats

    def _log(self, stats, acceptance):
        h = self.history
        h["step"].append(self.step_count)
        h["Energy"].append(float(jnp.real(stats.mean)))
        h["Variance"].append(float(stats.variance))
        h["Sigma"].append(float(stats.error_of_mean))
        h["R_hat"].append(float(stats.R_hat))
        h["acceptance"].append(math.nan if acceptance is None else acceptance)

    # --- running ------------------------------------------------------------------------
    def advance(self, steps: int = 1):
        """Run ``steps`` steps; returns the last energy `Stats`."""
        for _ in range(_positive("steps", steps)):
            self._step()
        return self.energy

    def iter(self, n_steps: int, step: int = 1) -> Iterator[int]:
        """Yield the step count every ``step`` steps (run in chunks, NetKet's ``iter``)."""
        n_steps = _positive("n_steps", n_steps)
        step = _positive("step", step)
        done = 0
        while done < n_steps:
            k = min(step, n_steps - done)
            self.advance(k)
            done += k
            yield self.step_count

    def run(self, n_iter: int, out=None, callback: Callable | None = None, show_progress=False):
        """Run ``n_iter`` steps.

        Args:
            n_iter: number of steps.
            out: ``None``, or a path prefix: the history is written to ``{out}.log`` (JSON).
            callback: ``callback(step, log_data, driver) -> bool`` (or a list of them)
                after every step; returning ``False`` stops the run.
            show_progress: accepted for NetKet compatibility (no progress bar here).

        Returns:
            the driver.
        """
        callbacks = (
            []
            if callback is None
            else (list(callback) if isinstance(callback, list | tuple) else [callback])
        )
        for _ in self.iter(n_iter):
            log_data = {"Energy": self.energy}
            if not all([cb(self.step_count - 1, log_data, self) is not False for cb in callbacks]):
                break
        if out is not None:
            with open(f"{out}.log", "w", encoding="utf-8") as fh:
                json.dump(self.history, fh)
        return self

    # --- training state as data -------------------------------------------------------
    def training_state(self) -> dict:
        """Parameters, optimizer state, sampler state (with the PRNG key), step, history."""
        vs = self.state
        return {
            "params": vs.parameters,
            "model_state": vs.model_state,
            "opt_state": self._opt_state,
            "sampler_state": vs.sampler_state if isinstance(vs, MCState) else None,
            "step_count": self.step_count,
            "history": {k: np.asarray(v, float) for k, v in self.history.items()},
        }

    def to_bytes(self) -> bytes:
        """The `training_state` as msgpack (flax.serialization; never pickle)."""
        return flax.serialization.msgpack_serialize(
            flax.serialization.to_state_dict(self.training_state())
        )

    def from_bytes(self, data: bytes) -> None:
        """Restore a training state written by `to_bytes` (same model and optimizer)."""
        try:
            raw = flax.serialization.msgpack_restore(data)
        except Exception as err:  # msgpack raises many unrelated types on garbage
            raise ValueError(f"not a training state of this driver: {err}") from None
        self.from_state_dict(raw)

    def from_state_dict(self, raw) -> None:
        """Restore `training_state` from its state dict (``flax.serialization``); a
        ValueError leaves the driver as it was."""
        try:
            template = self.training_state()
            vs = self.state
            params = flax.serialization.from_state_dict(template["params"], raw["params"])
            opt_state = flax.serialization.from_state_dict(template["opt_state"], raw["opt_state"])
            if isinstance(vs, MCState):
                sampler_state = flax.serialization.from_state_dict(
                    template["sampler_state"], raw["sampler_state"]
                )
            history = {
                k: [float(v) for v in np.asarray(raw["history"][k])] for k in template["history"]
            }
            step_count = int(raw["step_count"])
            _check_like(template["params"], params, "params")
            _check_like(template["opt_state"], opt_state, "opt_state")
        except (KeyError, ValueError, TypeError, AttributeError) as err:
            raise ValueError(f"not a training state of this driver: {err}") from err
        vs.parameters = params
        if isinstance(vs, MCState):
            vs.sampler_state = sampler_state
        self._opt_state = opt_state
        self.history = history
        self.step_count = step_count

    def save(self, path) -> None:
        """Write the training state to ``path`` (msgpack)."""
        with open(path, "wb") as fh:
            fh.write(self.to_bytes())

    def load(self, path) -> None:
        """Read a training state written by `save` and resume from it."""
        with open(path, "rb") as fh:
            self.from_bytes(fh.read())

    def __repr__(self) -> str:
        return f"VMC(step_count={self.step_count}, state={self.state!r})"


def _check_like(template, tree, name: str) -> None:
    """ValueError unless every array leaf of ``tree`` has its template leaf's shape."""
    for (path, want), got in zip(
        jax.tree_util.tree_leaves_with_path(template),
        jax.tree_util.tree_leaves(tree),
        strict=True,
    ):
        if np.shape(want) != np.shape(got):
            where = jax.tree_util.keystr(path)
            raise ValueError(f"{name}{where} has shape {np.shape(got)}, expected {np.shape(want)}")


def _positive(name, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
