"""Projection of a log-amplitude onto a one-dimensional irrep of a permutation group."""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from ...utils import HashableArray
from ._dense_first import (
    first_layer_width,
    permuted_kernel_log_terms,
    supports_permuted_kernels,
)

#: Characters whose imaginary parts are all below this (relative) size count as real.
REAL_TOLERANCE = 1e-12

#: Evaluation strategies of the |G| terms (see `SymmExpSum.strategy`).
STRATEGIES = ("auto", "gather", "kernel")

#: Per backend, the bytes of intermediate data (``block·|G|·width``) evaluated at once: the
#: batch is cut into blocks that stay in cache (see `map_blocks`). A backend not listed
#: evaluates the whole batch at once (GPUs want large batches).
BLOCK_BYTES: dict[str, int] = {"cpu": 8 * 2**20}


def character_logsumexp(log_terms: jax.Array, weights: jax.Array, *, real: bool) -> jax.Array:
    """Stable ``log Σ_g w_g exp(l_g)`` over the leading axis, for any (complex) weights.

    The largest real part of ``l_g`` is factored out before exponentiating, so the sum
    never overflows. A sum that is exactly zero gives ``-inf`` (real part) and no NaN.

    Args:
        log_terms: ``(|G|, ...)`` log-amplitudes ``l_g`` (real or complex).
        weights: ``(|G|,)`` weights ``w_g`` (real or complex), broadcast over the batch.
        real: return a real result. Only valid when ``log_terms`` and ``weights`` are
            real and ``weights >= 0`` (the caller checks; it is a static choice).

    Returns:
        ``(...)`` array: real when ``real``, else complex, with a negative real sum
        giving ``log|s| + iπ``.
    """
    weights = jnp.asarray(weights)
    weights = weights.reshape(weights.shape + (1,) * (log_terms.ndim - 1))
    shift = jnp.max(log_terms.real, axis=0)
    # All terms -inf (every amplitude zero): shift by 0 so that -inf - shift is not NaN.
    shift = jax.lax.stop_gradient(jnp.where(jnp.isfinite(shift), shift, 0))
    total = jnp.sum(weights * jnp.exp(log_terms - shift), axis=0)
    if not real and not jnp.iscomplexobj(total):
        # Real but possibly negative: the phase is exactly 0 or π.
        phase = jnp.where(total < 0, jnp.pi, 0.0).astype(total.dtype)
        return jax.lax.complex(shift + jnp.log(jnp.abs(total)), phase)
    return shift + jnp.log(total)


def block_rows(bytes_per_row: int, backend: str | None = None) -> int | None:
    """Rows per block for `map_blocks` on ``backend`` (default backend if ``None``).

    ``None`` means no blocking (the backend is not in `BLOCK_BYTES`).
    """
    budget = BLOCK_BYTES.get(backend or jax.default_backend())
    if budget is None:
        return None
    return max(1, budget // max(1, bytes_per_row))


def map_blocks(fn, x: jax.Array, rows: int | None) -> jax.Array:
    """``fn`` applied to ``x`` ``(B, ...)`` by blocks of at most ``rows`` rows (`lax.map`).

    The blocks are as equal as possible; the last one is zero-padded and the padding
    dropped from the output, so ``fn`` must treat rows independently and accept zeros.
    ``rows=None`` (or ``B <= rows``) calls ``fn(x)`` once.

    Returns:
        ``fn``'s output for every row, ``(B, ...)``.
    """
    n = x.shape[0]
    if rows is None or n <= rows:
        return fn(x)
    n_blocks = -(-n // rows)
    rows = -(-n // n_blocks)
    padded = jnp.pad(x, [(0, n_blocks * rows - n)] + [(0, 0)] * (x.ndim - 1))
    out = jax.lax.map(fn, padded.reshape(n_blocks, rows, *x.shape[1:]))
    return out.reshape(n_blocks * rows, *out.shape[2:])[:n]


def auto_strategy(module) -> str:
    """``"kernel"`` or ``"gather"``: what ``strategy="auto"`` picks for ``module``.

    ``"kernel"`` exactly when the module implements `OrbitLogTerms`
    (`supports_permuted_kernels`), on every backend. Which modules are *worth* the kernel
    path on which device is the compute layer's choice, passed explicitly
    (`nqs_explorer.compute.orbit_strategy`; docs/PERFORMANCE.md).
    """
    return "kernel" if supports_permuted_kernels(module) else "gather"


def orbit_log_terms(module, variables, x: jax.Array, perms, strategy: str = "auto") -> jax.Array:
    """``log ψ_θ(T_g x)`` for every configuration and group element, ``(B, |G|)``.

    The pure function behind `SymmExpSum`: ``module`` is unbound, ``variables`` its
    variables (parameters only), ``x`` ``(B, N)``, ``perms`` ``(|G|, N)`` (may be traced,
    e.g. in a kernel that takes the group as an argument). The batch is cut into blocks
    on backends in `BLOCK_BYTES`.

    Args:
        strategy: ``"gather"``, ``"kernel"`` (modules implementing `OrbitLogTerms`,
            such as `RBM` and `MLP`) or ``"auto"`` (`auto_strategy`).
    """
    if strategy == "auto":
        strategy = auto_strategy(module)
    if strategy not in ("gather", "kernel"):
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    n_group, n_sites = perms.shape
    leaves = jax.tree_util.tree_leaves(variables)
    if strategy == "kernel":

        def evaluate(xb):
            return permuted_kernel_log_terms(module, variables, xb, perms)

        width = first_layer_width(module, variables)
    else:

        def evaluate(xb):
            xs = xb[:, perms].reshape(-1, n_sites)
            return module.apply(variables, xs).reshape(-1, n_group)

        width = n_sites + max((leaf.shape[-1] for leaf in leaves if leaf.ndim), default=1)
    x = jnp.asarray(x)
    itemsize = max([x.dtype.itemsize] + [leaf.dtype.itemsize for leaf in leaves])
    return map_blocks(evaluate, x, block_rows(n_group * width * itemsize))


class SymmExpSum(nn.Module):
    r"""Symmetrize a log-amplitude over a permutation group, projecting onto a character.

    .. math::
        \log\psi(\sigma) = \log\Big[\frac{1}{|G|}\sum_{g\in G}\chi_g
            \exp\big(\log\psi_\theta(T_g\sigma)\big)\Big],
        \qquad T_g\sigma = \sigma[..., G.to\_array()[g]],

    so that, for a one-dimensional irrep, :math:`\psi(T_h\sigma) = \overline{\chi_h}\,
    \psi(\sigma)`. The output is real when the wrapped module is real and every
    :math:`\chi_g` is real (imaginary parts below `REAL_TOLERANCE` are round-off) and
    non-negative; otherwise it is complex (a negative sum is :math:`\log|s| + i\pi`).
    Parameters live under ``params['module']`` as in NetKet.

    Attributes:
        module: the unsymmetrized Flax module mapping ``(..., N)`` to ``(...)``.
        symm_group: the permutation group; only ``to_array()`` (``(|G|, N)`` ints),
            ``character_table()`` (``(n_irreps, |G|)``) and ``len()`` are used.
        character_id: row of ``symm_group.character_table()`` to project onto; ``None``
            (and no ``characters``) means all ones, the symmetric state.
        characters: explicit ``(|G|,)`` characters (array-like; stored as a
            `HashableArray`). Give at most one of ``characters`` and ``character_id``.
        strategy: how the ``|G|`` terms are evaluated; the results agree to rounding.
            ``"gather"``: the reference formulation, the module applied to the ``|G|``
            permuted copies of the batch. ``"kernel"``: for a module whose first layer
            is dense and that implements `OrbitLogTerms` (`RBM`, `MLP`), one product of
            the batch with the ``|G|`` permuted first-layer kernels, with no gathered
            copies (see ``_dense_first.py``). ``"auto"`` (default): ``"kernel"`` when the
            module implements the protocol, else ``"gather"``, on every device (the
            explorer passes its measured per-device choice explicitly,
            `nqs_explorer.compute.orbit_strategy`). On CPU both cut the batch into blocks
            that stay in cache (`BLOCK_BYTES`). The parameter tree is the same, and every
            call (``init``, ``init_with_output``, ``apply``, any method) evaluates through
            the same path, so their outputs agree bit for bit on a given device.

    Example:
        >>> import jax, jax.numpy as jnp, numpy as np
        >>> from nqs_explorer.models import RBM
        >>> from nqs_explorer.nn.blocks import SymmExpSum
        >>> class Shift:  # any object with to_array / character_table / len
        ...     def to_array(self):
        ...         return np.array([[0, 1, 2], [2, 0, 1], [1, 2, 0]])
        ...     def character_table(self):
        ...         return np.exp(-2j * np.pi * np.outer(range(3), range(3)) / 3)
        ...     def __len__(self):
        ...         return 3
        >>> ma = SymmExpSum(module=RBM(alpha=1), symm_group=Shift())
        >>> x = jnp.array([1.0, -1.0, -1.0])
        >>> params = ma.init(jax.random.PRNGKey(0), x)
        >>> list(params["params"])
        ['module']
        >>> bool(jnp.isclose(ma.apply(params, x), ma.apply(params, jnp.roll(x, 1))))
        True
    """

    module: nn.Module
    symm_group: Any
    character_id: int | None = None
    characters: HashableArray | None = None
    strategy: str = "auto"

    def __post_init__(self):
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"SymmExpSum: strategy must be one of {STRATEGIES}, got {self.strategy!r}"
            )
        if self.strategy == "kernel" and not supports_permuted_kernels(self.module):
            raise ValueError(
                "SymmExpSum: strategy='kernel' needs a module whose first layer is dense "
                "and that implements orbit_log_terms (such as RBM or MLP), got "
                f"{type(self.module).__name__}; use 'gather' or 'auto'"
            )
        if self.characters is not None:
            if self.character_id is not None:
                raise ValueError("SymmExpSum: give either characters= or character_id=, not both")
            if not isinstance(self.characters, HashableArray):
                object.__setattr__(self, "characters", HashableArray(self.characters))
            n = len(self.symm_group)
            if self.characters.shape != (n,):
                raise ValueError(
                    f"SymmExpSum: characters must have shape ({n},) (one per group element), "
                    f"got {self.characters.shape}"
                )
            if not np.all(np.isfinite(self.characters.wrapped)):
                raise ValueError("SymmExpSum: characters must be finite")
        elif self.character_id is not None:
            n_irreps = np.asarray(self.symm_group.character_table()).shape[0]
            cid = self.character_id
            if isinstance(cid, bool) or not isinstance(cid, int | np.integer):
                raise TypeError(f"SymmExpSum: character_id must be an int or None, got {cid!r}")
            if not 0 <= cid < n_irreps:
                raise ValueError(
                    f"SymmExpSum: character_id={cid} is out of range; the group has "
                    f"{n_irreps} irreps, allowed ids are 0..{n_irreps - 1} (or None)"
                )
        super().__post_init__()

    def character_values(self) -> np.ndarray:
        """The ``(|G|,)`` characters χ_g in use (numpy; all ones by default)."""
        if self.characters is not None:
            return np.asarray(self.characters.wrapped)
        if self.character_id is None:
            return np.ones(len(self.symm_group))
        return np.asarray(self.symm_group.character_table())[self.character_id]

    def resolved_strategy(self) -> str:
        """``"gather"`` or ``"kernel"``: the strategy in use (``"auto"`` resolved)."""
        if self.strategy != "auto":
            return self.strategy
        return auto_strategy(self.module)

    def _symmetrized_log_terms(self, x: jax.Array) -> jax.Array:
        """``(|G|, ...)`` log-amplitudes ``log ψ_θ(T_g σ)`` for configurations ``(..., N)``."""
        x = jnp.asarray(x)
        perms = np.asarray(self.symm_group.to_array())
        n_group, n_sites = perms.shape
        if x.ndim == 0 or x.shape[-1] != n_sites:
            raise ValueError(
                f"SymmExpSum: configurations must have shape (..., {n_sites}) to match "
                f"the group's degree, got {x.shape}"
            )
        batch = x.shape[:-1]
        flat = x.reshape(-1, n_sites)
        # Initialisation runs the module itself on the gathered orbit (bound), so that
        # every strategy creates the same parameters from the same random numbers as
        # NetKet. The output then comes from the same path as in `apply`: init,
        # init_with_output and apply agree bit for bit. A module with state (collections
        # other than "params") is always run bound, once and unblocked.
        log_terms = None
        if self.is_initializing():
            log_terms = self.module(flat[:, perms].reshape(-1, n_sites))
        if set(self.module.variables) - {"params"}:
            if log_terms is None:
                log_terms = self.module(flat[:, perms].reshape(-1, n_sites))
        else:
            module, variables = self.module.unbind()
            log_terms = orbit_log_terms(module, variables, flat, perms, self.resolved_strategy())
        # Only the small (..., |G|) output is transposed, never the configurations.
        return jnp.moveaxis(log_terms.reshape(*batch, n_group), -1, 0)

    def __call__(self, x: jax.Array) -> jax.Array:
        """Symmetrized log-amplitude.

        Args:
            x: configurations of shape ``(..., N)``.

        Returns:
            ``log ψ(σ)`` of shape ``(...)``.
        """
        log_terms = self._symmetrized_log_terms(x)
        chi = self.character_values()
        # Round-off such as exp(iπ) = -1 + 1.2e-16j must not make a real irrep complex.
        chi_real = bool(
            np.all(np.abs(np.imag(chi)) <= REAL_TOLERANCE * max(1.0, np.abs(chi).max()))
        )
        if chi_real:
            chi = np.real(chi)
        real = (not jnp.iscomplexobj(log_terms)) and chi_real and bool(np.all(chi >= 0))
        dtype = log_terms.real.dtype
        weights = jnp.asarray(
            chi / len(chi), dtype=dtype if chi_real else jnp.result_type(dtype, 1j)
        )
        return character_logsumexp(log_terms, weights, real=real)
