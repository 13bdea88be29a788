"""Variational states: exact enumeration (`FullSumState`) and Monte Carlo (`MCState`)."""

from __future__ import annotations

import flax
import jax
import jax.numpy as jnp
import numpy as np

from . import _kernels as K
from ._local_energy import operator_parts
from ._orbits import orbit_reduction
from ._stats import Stats


def _orbit_data(model, states, local_states, row_of_number):
    reduction = orbit_reduction(model, states, local_states, row_of_number)
    if reduction is None:
        return ()
    rep_rows, rep_index, factor = reduction
    trivial = np.allclose(factor, 1, atol=1e-12, rtol=0)
    phase = None if trivial else jnp.asarray(np.angle(factor))
    return (jnp.asarray(states[rep_rows]), jnp.asarray(rep_index), phase)


class _VariationalState:
    """What both states share: the model, its variables, and log ψ."""

    def __init__(self, hilbert, model, variables, seed):
        self.hilbert = hilbert
        self.model = model
        self._seed = seed
        if variables is None:
            x = jnp.full((1, hilbert.size), float(np.asarray(hilbert.local_states)[0]))
            variables = model.init(jax.random.PRNGKey(seed), x)
        self.variables = variables

    @property
    def variables(self) -> dict:
        """All the model's variables, ``{"params": ..., **model_state}``."""
        return {"params": self._params, **self._model_state}

    @variables.setter
    def variables(self, variables):
        variables = flax.core.unfreeze(variables)
        if "params" not in variables:
            raise ValueError("variables must be a mapping with a 'params' entry")
        self._params = jax.tree_util.tree_map(jnp.asarray, variables["params"])
        self._model_state = {k: v for k, v in variables.items() if k != "params"}
        self.reset()

    @property
    def parameters(self):
        """The trainable parameters (a pytree, ``variables["params"]``)."""
        return self._params

    @parameters.setter
    def parameters(self, params):
        old = jax.tree_util.tree_structure(self._params)
        if jax.tree_util.tree_structure(params) != old:
            raise ValueError("new parameters must have the structure of the old ones")
        self._params = jax.tree_util.tree_map(jnp.asarray, params)
        self.reset()

    @property
    def model_state(self) -> dict:
        """The non-trainable variables (usually empty)."""
        return self._model_state

    @property
    def n_parameters(self) -> int:
        return sum(int(np.prod(p.shape)) for p in jax.tree_util.tree_leaves(self._params))

    def reset(self) -> None:
        """Forget what depends on the parameters (samples, cached amplitudes)."""

    def log_value(self, σ) -> jax.Array:
        """``log ψ(σ)`` for configurations ``(..., N)``."""
        σ = jnp.asarray(σ)
        return K.log_value_jit(self.model, self._params, self._model_state, σ)

    def _check_operator(self, operator):
        hilbert = getattr(operator, "hilbert", None)
        if hilbert is not None and hilbert != self.hilbert:
            raise ValueError(
                f"the operator acts on {hilbert}, the variational state on {self.hilbert}"
            )
        return operator_parts(operator)


class FullSumState(_VariationalState):
    """A variational state whose expectations are exact sums over every configuration.

    Args:
        hilbert: the Hilbert space (``all_states()`` must fit in memory; ``N = 16`` is
            comfortable).
        model: a flax module mapping ``(..., N)`` to ``log ψ``.
        variables: initial variables (default: ``model.init`` with ``seed``).
        seed: seed of the parameter initialisation.

    Example:
        >>> import nqs_explorer as nqx
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1), seed=0)
        >>> vs.to_array().shape
        (16,)
        >>> round(float(jnp.sum(jnp.abs(vs.to_array()) ** 2)), 12)
        1.0
    """

    def __init__(self, hilbert, model, *, variables=None, seed: int = 0):
        states = np.asarray(hilbert.all_states())
        local_states = np.asarray(hilbert.local_states)
        base = len(local_states)
        idx = np.argmax(states[..., None] == local_states, axis=-1)
        numbers = idx @ (base ** np.arange(hilbert.size - 1, -1, -1))
        row_of_number = np.zeros(base**hilbert.size, np.int32)
        row_of_number[numbers] = np.arange(len(states))
        self._states = jnp.asarray(states)
        self._local_states = jnp.asarray(local_states)
        self._row_of_number = jnp.asarray(row_of_number)
        self._rows = {}  # operator structure -> rows of its connected configurations
        self._elements = {}  # operator structure -> (its leaves, their matrix elements)
        self._array = None
        self._orbits = _orbit_data(model, states, local_states, row_of_number)
        super().__init__(hilbert, model, variables, seed)

    @property
    def states(self) -> jax.Array:
        """Every configuration, ``hilbert.all_states()`` ``(n_states, N)``."""
        return self._states

    def reset(self) -> None:
        self._array = None

    def to_array(self, normalize: bool = True) -> jax.Array:
        """ψ over ``hilbert.all_states()`` ``(n_states,)`` (normalized; real for a real model)."""
        if self._array is None:
            self._array, _ = K.full_sum_psi_jit(
                self.model, self._params, self._model_state, self._states, self._orbits
            )
        if not normalize:
            raise NotImplementedError("only the normalized wave function is available")
        return self._array

    def probability_distribution(self) -> jax.Array:
        """``|ψ(σ)|²`` over ``hilbert.all_states()``."""
        return jnp.abs(self.to_array()) ** 2

    def connected_rows(self, operator) -> jax.Array:
        """Rows ``(n_states, n_conn)`` of ``all_states`` connected by ``operator``.

        Computed once per operator *structure* (new couplings reuse them): the connected
        configurations of ``get_conn_padded`` must not depend on the coupling values.
        """
        static, leaves = self._check_operator(operator)
        if static not in self._rows:
            self._rows[static] = K.full_sum_rows_jit(
                static, leaves, self._states, self._local_states, self._row_of_number
            )
        return self._rows[static]

    def connected_elements(self, operator) -> tuple[jax.Array, jax.Array]:
        """``(rows, mels)``: `connected_rows` and their matrix elements ``(n_states, n_conn)``.

        The elements are kept for the last couplings seen per operator structure (the
        same leaf objects: operators are immutable), so a training step never recomputes
        them; ``H ψ`` is then one sparse product with ``ψ`` of every state.
        """
        static, leaves = self._check_operator(operator)
        rows = self.connected_rows(operator)
        cached = self._elements.get(static)
        if (
            cached is None
            or len(cached[0]) != len(leaves)
            or any(a is not b for a, b in zip(cached[0], leaves))
        ):
            cached = (leaves, K.full_sum_elements_jit(static, leaves, self._states))
            self._elements[static] = cached
        return rows, cached[1]

    def _full_sum_args(self, operator):
        rows, mels = self.connected_elements(operator)
        return (self.model, self._params, self._model_state, self._states, rows, mels, self._orbits)

    @property
    def full_sum_data(self):
        """What a jitted full sum needs besides the model: ``(states, orbits)``.

        ``orbits`` is ``()``, or for a `SymmExpSum` over a 1D representation
        ``(rep_states (R, N), rep_index (n_states,), phase (n_states,) | None)``: the
        model is evaluated on one configuration per orbit (see ``vqs/_orbits.py``).
        """
        return self._states, self._orbits

    def expect(self, operator) -> Stats:
        """Exact ``<O>``, its variance ``<|O_loc - <O>|²>``, ``error_of_mean = 0``."""
        return K.full_sum_expect_jit(*self._full_sum_args(operator))

    def expect_and_grad(self, operator) -> tuple[Stats, dict]:
        """Exact `expect` and NetKet's gradient (``2 F``; ``2 Re F`` for real leaves)."""
        return K.full_sum_expect_and_grad_jit(*self._full_sum_args(operator))

    def __repr__(self) -> str:
        return f"FullSumState(hilbert={self.hilbert}, n_parameters={self.n_parameters})"


class MCState(_VariationalState):
    """A variational state whose expectations are Monte Carlo averages over samples.

    Args:
        sampler: a sampler (`MetropolisLocal`, `MetropolisExchange`, `ARDirectSampler`).
        model: a flax module mapping ``(..., N)`` to ``log ψ``.
        n_samples: number of samples per estimate (rounded up to a multiple of the
            number of chains; default 1000 as NetKet).
        n_discard_per_chain: sweeps discarded at the start of each draw (default 5,
            0 for an exact sampler).
        variables: initial variables (default: ``model.init`` with ``seed``).
        seed: seed of the parameter initialisation.
        sampler_seed: seed of the sampler (default: derived from ``seed``).

    Example:
        >>> import nqs_explorer as nqx
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> sa = nqx.sampler.MetropolisLocal(hi, n_chains=8)
        >>> vs = nqx.vqs.MCState(sa, nqx.models.RBM(alpha=1), n_samples=64, seed=0)
        >>> vs.samples.shape
        (8, 8, 4)
    """

    def __init__(
        self,
        sampler,
        model,
        *,
        n_samples: int = 1000,
        n_discard_per_chain: int | None = None,
        variables=None,
        seed: int = 0,
        sampler_seed: int | None = None,
    ):
        if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
            raise TypeError(f"n_samples must be a positive integer, got {n_samples!r}")
        if n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
        self.sampler = sampler
        n_chains = sampler.n_chains or 1
        self.n_samples = -(-int(n_samples) // n_chains) * n_chains
        if sampler.is_exact:
            n_discard_per_chain = 0
        self.n_discard_per_chain = 5 if n_discard_per_chain is None else int(n_discard_per_chain)
        if self.n_discard_per_chain < 0:
            raise ValueError(f"n_discard_per_chain must be >= 0, got {n_discard_per_chain}")
        self._samples = None
        seed_s = (int(seed) + 1) * 7919 if sampler_seed is None else int(sampler_seed)
        self.sampler_state = sampler.init_state(seed_s)
        super().__init__(sampler.hilbert, model, variables, seed)

    @property
    def chain_length(self) -> int:
        """Samples per chain."""
        return self.n_samples // (self.sampler.n_chains or self.n_samples)

    def reset(self) -> None:
        """Drop the cached samples; the chains go on from where they are."""
        self._samples = None
        if hasattr(self, "sampler_state"):
            self.sampler_state = self.sampler.reset(self.sampler_state)

    def sample(self, *, n_samples: int | None = None, n_discard_per_chain: int | None = None):
        """Draw new samples ``(n_chains, chain_length, N)`` (and cache them)."""
        n = self.n_samples if n_samples is None else int(n_samples)
        d = self.n_discard_per_chain if n_discard_per_chain is None else n_discard_per_chain
        self._samples, self.sampler_state = K.draw_samples_jit(
            self.sampler, self.model, self._params, self._model_state, self.sampler_state, n, d
        )
        return self._samples

    @property
    def samples(self) -> jax.Array:
        """The current samples ``(n_chains, chain_length, N)``, drawn if needed."""
        if self._samples is None:
            self.sample()
        return self._samples

    @property
    def acceptance(self) -> float:
        """Acceptance rate of the moves since the last `reset`."""
        return self.sampler_state.acceptance

    def expect(self, operator) -> Stats:
        """Monte Carlo ``<O>`` with error of the mean, variance and R̂."""
        static, leaves = self._check_operator(operator)
        return K.mc_expect_jit(
            self.model, self._params, self._model_state, self.samples, static, leaves
        )

    def expect_and_grad(self, operator) -> tuple[Stats, dict]:
        """`expect` and NetKet's gradient estimator from the same samples."""
        static, leaves = self._check_operator(operator)
        return K.mc_expect_and_grad_jit(
            self.model, self._params, self._model_state, self.samples, static, leaves
        )

    def __repr__(self) -> str:
        return (
            f"MCState(sampler={type(self.sampler).__name__}, n_samples={self.n_samples}, "
            f"n_parameters={self.n_parameters})"
        )
