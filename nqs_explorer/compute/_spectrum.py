"""Exact spectra of the setup's Hamiltonian and the energy of the current model.

`spectrum` gives the lowest energies per irrep of the setup's group
(`nqs_explorer.exact.sector_spectrum`; without a group one row for the full space),
cached per (lattice, group, Hamiltonian structure, couplings, total_sz, k) in this
process. `model_energy` is ``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` of the current model by exact
enumeration, through the jit-compiled `energy_terms` kernel (the operator is a traced
argument: a couplings change never recompiles).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from ..utils import run_steps
from . import _build, _kernels
from ._autoregressive import exact_state
from ._constants import EXACT_MAX_BYTES
from ._hamiltonian import hamiltonian_key, resolve_couplings
from ._session_core import KernelRun, SessionState, batch_bucket, identity_group, inner

#: Spectra kept in the process-wide cache (least recently used dropped beyond it).
SPECTRUM_CACHE_SIZE = 32
#: Model evaluations (configurations x connected elements x group elements) per
#: `energy_terms` call: a fixed chunk, so one compilation per structure.
ENERGY_CHUNK_EVALUATIONS = 1 << 16
#: In-sector amplitudes all below this fraction of the largest amplitude: ψ ≡ 0 there.
FORCED_ZERO_RELATIVE = 1e-7

#: Up to this many states (after the total_sz restriction) `spectrum` uses
#: dense orthonormal bases of every sector, cached per (group, basis): a couplings change
#: then only projects H on them (3×3: ~10 ms instead of ~100 ms for `sector_spectrum`).
DENSE_SECTOR_STATES = 1 << 10

_SPECTRA: OrderedDict = OrderedDict()
_BASES: OrderedDict = OrderedDict()
_BASES_MAX = 8


def _sector_bases(group, states: np.ndarray) -> list[np.ndarray]:
    """Orthonormal bases ``(n, reduced_dim)`` of the range of ``P_11`` of every irrep, on
    the rows of ``states`` (T_g|σ⟩ = |σ[..., p_g]⟩, the convention of `sector_spectrum`)."""
    from ..exact import irrep_matrices

    keys = (states > 0).astype(np.int64) @ (1 << np.arange(states.shape[1], dtype=np.int64))
    order = np.argsort(keys)
    sorted_keys = keys[order]
    n, size = len(states), len(group)
    perms = group.to_array()
    targets = np.empty((size, n), dtype=np.intp)
    for g, perm in enumerate(perms):
        moved = (states[:, perm] > 0).astype(np.int64) @ (
            1 << np.arange(states.shape[1], dtype=np.int64)
        )
        targets[g] = order[np.searchsorted(sorted_keys, moved)]
    columns = np.arange(n)
    bases = []
    for c, d in enumerate(group.irrep_dims):
        d = int(d)
        if d == 1:
            coef = np.conj(group.character_table()[c]) / size
        else:
            coef = d * np.conj(irrep_matrices(group, c)[:, 0, 0]) / size
        proj = np.zeros((n, n), dtype=np.complex128)
        for g in range(size):
            np.add.at(proj, (targets[g], columns), coef[g])
        proj = 0.5 * (proj + proj.conj().T)
        w, v = np.linalg.eigh(proj)
        bases.append(v[:, w > 0.5])
    return bases


def _dense_sector_spectrum(op, group, k: int, total_sz):
    """`sector_spectrum` for small spaces from cached dense sector bases."""
    from ..exact import Sector, SectorSpectrum

    hilbert = op.hilbert
    states = np.asarray(hilbert.all_states())
    rows = np.arange(len(states))
    if total_sz is not None:
        rows = np.flatnonzero(np.sum(states, axis=-1) == 2 * total_sz)
    key = (group, hilbert, total_sz)
    bases = _BASES.get(key)
    if bases is None:
        bases = _sector_bases(group, states[rows])
        _BASES[key] = bases
        while len(_BASES) > _BASES_MAX:
            _BASES.popitem(last=False)
    _BASES.move_to_end(key)
    h = op.to_sparse()[rows][:, rows]
    sectors = []
    for c, (u, label, d) in enumerate(zip(bases, group.irrep_labels, group.irrep_dims)):
        r = u.shape[1]
        energies = np.zeros(0)
        if r:
            reduced = u.conj().T @ (h @ u)
            energies = np.linalg.eigvalsh(0.5 * (reduced + reduced.conj().T))[: int(k)]
        sectors.append(Sector(c, str(label), int(d), int(d) * r, r, energies))
    return SectorSpectrum(tuple(sectors), group.name, total_sz, int(k), len(rows))


def clear_spectrum_cache() -> None:
    """Forget every cached spectrum."""
    _SPECTRA.clear()


def spectrum_cache_size() -> int:
    """Number of spectra in the cache."""
    return len(_SPECTRA)


@dataclasses.dataclass(frozen=True)
class ModelEnergy:
    """``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` of the current model, by exact enumeration.

    Attributes:
        energy: the real energy, or None when ψ ≡ 0 in the resolved space.
        imag: imaginary part of ``⟨ψ|H|ψ⟩/⟨ψ|ψ⟩`` (rounding only, H is Hermitian).
        forced_zero: ψ vanishes on every configuration of the resolved space (a character
            or total_sz sector the model cannot have amplitude in).
        total_sz: the magnetisation sector summed over (None: every configuration).
        n_states: configurations summed over.
    """

    energy: float | None
    imag: float
    forced_zero: bool
    total_sz: float | None
    n_states: int

    @property
    def text(self) -> str:
        """``"-12.345678"`` or ``"ψ ≡ 0 in this sector"``."""
        return "ψ ≡ 0 in this sector" if self.forced_zero else f"{self.energy:.6f}"


def need_hamiltonian(state: SessionState, what: str):
    """The operator; ValueError saying that ``what`` needs one."""
    op = state.hamiltonian
    if op is None:
        raise ValueError(f"{what} needs a Hamiltonian; choose one (hamiltonian=...)")
    return op


def spectrum_key(setup, k: int = 1) -> tuple:
    """What `spectrum` of a session with ``setup`` depends on (its cache key)."""
    return (
        _build.group_key(setup) if setup.group is not None else _build.lattice_key(setup),
        hamiltonian_key(setup),
        tuple(resolve_couplings(setup.hamiltonian, dict(setup.couplings)).items()),
        setup.total_sz,
        int(k),
    )


def spectrum(state: SessionState, k: int = 1):
    """`Session.spectrum` of ``state`` (documented there)."""
    return run_steps(spectrum_steps(state, k))


def has_spectrum(setup, k: int = 1) -> bool:
    """Whether the spectrum of a session with ``setup`` is cached (returns at once)."""
    return spectrum_key(setup, k) in _SPECTRA


def spectrum_steps(state: SessionState, k: int = 1):
    """`Session.spectrum_steps` of ``state`` (documented there)."""
    from ..exact import sector_spectrum_steps

    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    op = need_hamiltonian(state, "a spectrum")
    key = spectrum_key(state.setup, k)
    table = _SPECTRA.get(key)
    if table is None:
        group = state.group if state.group is not None else identity_group(op.hilbert.size)
        total_sz = state.setup.total_sz
        n = op.hilbert.n_states
        if total_sz is not None:
            from math import comb

            n_up = round(op.hilbert.size / 2 + total_sz)
            n = comb(op.hilbert.size, n_up)
        if n <= DENSE_SECTOR_STATES:
            table = _dense_sector_spectrum(op, group, int(k), total_sz)
        else:
            # lattice groups commute with every Hamiltonian built on the lattice's bonds
            table = yield from sector_spectrum_steps(
                op, group, k=int(k), total_sz=total_sz, check_symmetry=False
            )
        _SPECTRA[key] = table
        while len(_SPECTRA) > SPECTRUM_CACHE_SIZE:
            _SPECTRA.popitem(last=False)
    _SPECTRA.move_to_end(key)
    return table


# ---------------------------------------------------------------------- model energy


def _all_log_psi(
    state: SessionState, run: KernelRun, cache: dict, max_bytes: int, progress
) -> tuple[np.ndarray, np.ndarray]:
    """Every configuration and its ``log ψ``; kept in ``cache`` while the model, its
    parameters and its character stay (a couplings change builds a new state but
    keeps them)."""
    chars = None if state.characters is None else state.characters.tobytes()
    key = (state.model, state.hilbert, chars if state.setup.symmetrize else None)
    cached = cache.get("log_psi")
    if cached is not None and cached[0] == key and cached[1] is state.device_variables:
        return cached[2], cached[3]
    exact = exact_state(state, run, max_bytes, progress)
    cache["log_psi"] = (key, state.device_variables, exact.states, exact.log_psi)
    return exact.states, exact.log_psi


def model_energy(
    state: SessionState,
    run: KernelRun,
    cache: dict,
    max_bytes: int = EXACT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ModelEnergy:
    """`Session.model_energy` of ``state`` (kernels through ``run``) (documented there)."""
    op = need_hamiltonian(state, "the model energy")
    states, log_psi = _all_log_psi(state, run, cache, max_bytes, progress)
    total_sz = state.setup.total_sz
    shift_all = float(np.max(np.real(log_psi)))
    if total_sz is not None:
        keep = np.sum(states, axis=-1) == 2 * total_sz
        states, log_psi = states[keep], log_psi[keep]
    n = len(states)
    shift = float(np.max(np.real(log_psi))) if n else -np.inf
    if not np.isfinite(shift) or shift - shift_all < np.log(FORCED_ZERO_RELATIVE):
        return ModelEnergy(None, 0.0, True, total_sz, n)
    module, variables, symmetrized = inner(state)
    perms = state.perms if symmetrized else None
    chars = state.device_characters if symmetrized else None
    static = {"module": module}
    if symmetrized:
        static["strategy"] = state.model.resolved_strategy()
    evals = op.max_conn_size * (len(state.group) if symmetrized else 1)
    chunk = min(batch_bucket(max(1, ENERGY_CHUNK_EVALUATIONS // evals)), batch_bucket(n))
    num, den = 0.0 + 0.0j, 0.0
    for start in range(0, n, chunk):
        x = states[start : start + chunk]
        lp = log_psi[start : start + chunk]
        m = len(x)
        weights = np.zeros(chunk)
        weights[:m] = 1.0
        x = np.concatenate([x, np.repeat(x[:1], chunk - m, axis=0)])
        lp = np.concatenate([lp, np.repeat(lp[:1], chunk - m)])
        a, b = run(
            _kernels.energy_terms,
            variables,
            x,
            lp,
            weights,
            np.float64(shift),
            perms,
            chars,
            op,
            **static,
        )
        num += complex(a)
        den += float(b)
    if not den > 0 or not np.isfinite(num):
        return ModelEnergy(None, 0.0, True, total_sz, n)
    value = num / den
    return ModelEnergy(float(value.real), float(value.imag), False, total_sz, n)
