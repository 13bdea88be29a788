"""Plain result records returned by the compute layer (numpy arrays, no jax objects)."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Timing:
    """What one kernel call cost.

    Attributes:
        kernel: the kernel's name (``"log_psi"``, ``"orbit"``, ...); several joined by
            ``+`` when a call ran several; ``""`` when it needed none.
        compiled: True when this call had to trace, lower and compile the kernel (or wait
            for another thread compiling it).
        compile_s: seconds spent tracing, lowering and compiling (0.0 on a cache hit).
        run_s: seconds from the call to the outputs being ready on the device.
        device: the device the outputs live on, e.g. ``"cpu:0"`` or ``"gpu:0"``.
    """

    kernel: str
    compiled: bool
    compile_s: float
    run_s: float
    device: str


@dataclasses.dataclass(frozen=True)
class OrbitResult:
    """The orbit of a configuration σ and the terms of the symmetrized amplitude.

    The symmetrized amplitude is ``ψ(σ) = (1/|G|) Σ_g χ_g exp(log ψ_θ(T_g σ))``
    (`nqs_explorer.nn.blocks.SymmExpSum`), with ``T_g σ = σ[perms[g]]``.

    Attributes:
        sigma: ``(N,)`` the configuration.
        configs: ``(|G|, N)`` the configurations ``T_g σ``, in group-element order.
        element_names: ``|G|`` readable names of the group elements.
        characters: ``(|G|,)`` complex, the χ_g used.
        log_terms: ``(|G|,)`` ``log ψ_θ(T_g σ)`` of the unsymmetrized module.
        terms: ``(|G|,)`` complex, ``χ_g exp(log ψ_θ(T_g σ)) / |G|``.
        total: complex, ``Σ_g terms``.
        log_total: complex, ``log(total)`` computed stably (``-inf`` real part when zero).
        unique_configs: ``(orbit_size, N)`` the distinct ``T_g σ`` in order of first appearance.
        stabilizer: ``(k,)`` indices of the elements with ``T_g σ = σ``.
        orbit_size: ``|G| / |Stab(σ)|``.
        forced_zero: True when ``Σ_{h ∈ Stab(σ)} χ_h = 0``: the character forces
            ``ψ(σ) = 0`` whatever the parameters.
        cancelled: True when the terms cancel, ``|total| <= FORCED_ZERO_ATOL · Σ_g |terms|``,
            for this model (forced zero or not): ψ(σ) = 0 up to rounding.
        invariant: True when ``ψ_θ(T_g σ)`` is the same for every g (relative 1e-12):
            the sum is then ``ψ_θ(σ) Σ_g χ_g / |G|``, zero for every non-trivial character.
    """

    sigma: np.ndarray
    configs: np.ndarray
    element_names: tuple[str, ...]
    characters: np.ndarray
    log_terms: np.ndarray
    terms: np.ndarray
    total: complex
    log_total: complex
    unique_configs: np.ndarray
    stabilizer: np.ndarray
    orbit_size: int
    forced_zero: bool
    cancelled: bool = False
    invariant: bool = False


@dataclasses.dataclass(frozen=True)
class SymmetryCheck:
    """Covariance error ``|ψ(T_g σ) − conj(χ_g) ψ(σ)|`` of a model over a batch.

    Errors are relative to the amplitude scale met in the batch: the largest
    ``|ψ(T_g σ)|`` for a plain model, the largest ``Σ_g' |χ_g' ψ_θ(T_g' T_g σ)| / |G|`` (the
    unsymmetrized scale, which sets the rounding error) for a symmetrized one. A covariant
    model gives ~1e-15 and a generic unsymmetrized one gives O(1).

    Attributes:
        per_element: ``(|G|,)`` maximum relative error over the batch, per group element.
        max_error: the maximum of ``per_element``.
        element_names: names of the group elements.
        n_configurations: size of the batch checked.
        irrep_dim: dimension of the irrep of the character (the covariance law only holds
            for one-dimensional irreps; for ``irrep_dim > 1`` errors are expected).
    """

    per_element: np.ndarray
    max_error: float
    element_names: tuple[str, ...]
    n_configurations: int
    irrep_dim: int


@dataclasses.dataclass(frozen=True)
class SectorCancellation:
    """Whether a symmetrized model survives its character sum on a batch of configurations.

    Attributes:
        ratio: ``(B,)`` ``|Σ_g χ_g ψ_θ(T_g σ)| / Σ_g |χ_g ψ_θ(T_g σ)|``: 0 when the terms
            cancel, 1 when they all add up.
        invariance: ``(B,)`` ``max_g |ψ_θ(T_g σ) − ψ_θ(σ)| / max_g |ψ_θ(T_g σ)|``: 0 when the
            inner module is invariant on the orbit of σ.
        finite: ``(B,)`` no term is NaN or overflows.
    """

    ratio: np.ndarray
    invariance: np.ndarray
    finite: np.ndarray

    @property
    def vanishes(self) -> bool:
        """ψ = 0 (up to rounding, `FORCED_ZERO_ATOL`) on every configuration of the batch."""
        from ._constants import FORCED_ZERO_ATOL

        return bool(np.all(self.finite) and np.all(self.ratio <= FORCED_ZERO_ATOL))

    @property
    def invariant(self) -> bool:
        """The inner module is invariant (relative 1e-12) on every orbit of the batch."""
        return bool(np.all(self.invariance <= INVARIANCE_RTOL))


#: ψ_θ(T_g σ) equal to ψ_θ(σ) within this relative error counts as invariant.
INVARIANCE_RTOL = 1e-12


@dataclasses.dataclass(frozen=True)
class ReceptiveReach:
    """What each conditional of an autoregressive model sees now, and could ever see.

    A stack of masked layers grows the receptive field layer by layer: the first
    (exclusive) layer gives ``first_layer``, every further (inclusive) layer lets site
    ``i`` read what its kernel's sites saw one layer below. The growth stops at a fixed
    point, ``reachable``: the earlier sites outside it are a *structural* blind spot that
    no number of layers removes (with 3x3 kernels on a 4x4 square, site 5 never sees
    site 3), unlike ``not_yet``, which more layers would bring in.

    Attributes:
        layers: the model's depth.
        field: ``(N, N)`` bool, ``[i, j]``: input ``j`` can change ``p(σ_i | ·)`` now.
        reachable: ``(N, N)`` bool, the same at any depth (the fixed point).
        never_seen: ``(N, N)`` bool, earlier sites ``j < i`` outside ``reachable``.
        not_yet: ``(N, N)`` bool, sites in ``reachable`` but not in ``field``.
        saturation_depth: ``(N,)`` int, the fewest layers with which site ``i`` sees all
            of ``reachable[i]`` (1 for sites whose field does not grow).
    """

    layers: int
    field: np.ndarray
    reachable: np.ndarray
    never_seen: np.ndarray
    not_yet: np.ndarray
    saturation_depth: np.ndarray


@dataclasses.dataclass(frozen=True)
class ExactState:
    """The model's state enumerated over the whole Hilbert space.

    Attributes:
        states: ``(n_states, N)`` every configuration (site 0 most significant digit).
        log_psi: ``(n_states,)`` ``log ψ(σ)`` as the model gives it (not normalised).
        probabilities: ``(n_states,)`` ``|ψ(σ)|^p / Σ_σ' |ψ(σ')|^p``, summing to 1.
        log_norm: ``log Σ_σ |ψ(σ)|^p`` of the raw model.
        machine_pow: the exponent ``p`` (the AR model's ``machine_pow``, otherwise 2).
        autoregressive: whether the model is autoregressive (then ``exp(log_norm)`` should
            be 1 to machine precision).
    """

    states: np.ndarray
    log_psi: np.ndarray
    probabilities: np.ndarray
    log_norm: float
    machine_pow: int
    autoregressive: bool

    @property
    def normalization(self) -> float:
        """``Σ_σ |ψ(σ)|^p`` of the raw model (1 for a normalised autoregressive model)."""
        return float(np.exp(self.log_norm))


@dataclasses.dataclass(frozen=True)
class ParameterRow:
    """Summary of one parameter leaf.

    Attributes:
        path: ``"params/Dense_0/kernel"``-style path (collection first).
        module: class name of the module that owns the leaf (``"Dense"``).
        shape: the leaf's shape.
        dtype: the leaf's dtype name.
        count: number of entries.
        bytes: ``count * itemsize``.
        mean: mean of the entries (complex for complex leaves).
        std: ``sqrt(mean |x - mean|²)``.
        min: smallest entry (of ``|x|`` for complex leaves).
        max: largest entry (of ``|x|`` for complex leaves).
        finite: whether every entry is finite.
        nonfinite: number of NaN or ±inf entries.
    """

    path: str
    module: str
    shape: tuple[int, ...]
    dtype: str
    count: int
    bytes: int
    mean: complex | float
    std: float
    min: float
    max: float
    finite: bool
    nonfinite: int = 0


@dataclasses.dataclass(frozen=True)
class ParameterSummary:
    """Every leaf of a variables tree, with totals (as ``flax`` ``tabulate`` counts them).

    Attributes:
        rows: one `ParameterRow` per leaf, in the tree's (sorted) order.
        total_count: number of entries over all leaves and collections.
        total_bytes: bytes over all leaves and collections.
        finite: whether every leaf is finite.
    """

    rows: tuple[ParameterRow, ...]
    total_count: int
    total_bytes: int
    finite: bool

    def row(self, path: str) -> ParameterRow:
        """The row of the leaf at ``path``; ValueError listing the paths otherwise."""
        for r in self.rows:
            if r.path == path:
                return r
        raise ValueError(f"no parameter at {path!r}; paths are {[r.path for r in self.rows]}")
