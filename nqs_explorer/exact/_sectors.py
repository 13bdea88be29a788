r"""Spectra resolved by the irreps of a permutation group.

Conventions. ``T_g`` acts on basis states as ``T_g|σ⟩ = |σ[..., G.to_array()[g]]⟩`` (so
``T_a T_b = T_{ab}``) and the projector onto the irrep with character ``χ`` is
``P_χ = (d_χ/|G|) Σ_g conj(χ_g) T_g``. For a one-dimensional irrep a vector in its range
obeys ``T_g v = χ_g v``, i.e. as amplitudes ``v(T_g σ) = conj(χ_g) v(σ)``: the sector of
row ``c`` is the one a ``SymmExpSum(..., character_id=c)`` model lives in.

For ``d_χ > 1`` the range of ``P_χ`` (the isotypic component) holds every level ``d_χ``
times. We diagonalise ``H`` on the range of ``P_11 = (d/|G|) Σ_g conj(D_11(g)) T_g`` (the
states transforming like the first basis vector of the irrep, ``D`` unitary irrep
matrices with ``tr D = χ``), which holds every level once; so ``dim = d_χ · reduced_dim``.

Construction (orbit by orbit, vectorised over orbits): configurations get integer keys;
the orbit representative ``r`` of each state is the smallest key of ``T_g σ``; per orbit
the vectors ``w_k = P_1k|r⟩`` (``k = 1..d``) span the orbit's share of ``range(P_11)``, with
Gram matrix ``(d/|G|) conj(Σ_{h ∈ Stab(r)} D(h))``, orthonormalised by a batched ``eigh``
(for ``d = 1`` this is the normalised Bloch vector ``P_χ|r⟩``, zero when the stabiliser's
characters do not sum to ``|Stab|``). The reduced matrix is
``⟨u_a|H|u_b⟩ = Σ_k c_bk ⟨P_k1 u_a|H|r_b⟩``: only the columns of ``H`` at the
representatives are touched.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import scipy.sparse as sp

from ..group import PermutationGroup
from ..utils import run_steps
from ._irreps import irrep_matrices
from ._lanczos import lowest_eigenpairs
from ._matrix import as_csr, check_operator_size, operator_hilbert
from ._table import Sector, SectorSpectrum

#: ``max |T_g H T_g⁻¹ - H|`` (relative to ``max |H|``) above which ``g`` is not a symmetry.
COMMUTATION_TOLERANCE = 1e-9
#: Rows of the (states x |G|) key table computed at once.
_CHUNK_ENTRIES = 1 << 22


def sector_spectrum(
    operator,
    group: PermutationGroup,
    k: int = 1,
    total_sz: float | None = None,
    *,
    hilbert=None,
    compute_eigenvectors: bool = False,
    check_symmetry: bool = True,
) -> SectorSpectrum:
    r"""The lowest ``k`` energies of ``operator`` in every irrep of ``group``.

    Args:
        operator: an operator with ``.hilbert`` and ``.to_sparse()`` (CSR in the basis
            ``hilbert.all_states()``), or a scipy sparse matrix / 2-D array together with
            ``hilbert=``.
        group: a `PermutationGroup` of the sites (translation, point or space group) that
            commutes with the operator; ``group.degree`` must equal ``hilbert.size``.
        k: levels per sector (fewer when a sector is smaller, none when it is empty).
        total_sz: restrict to ``Σ_i σ_i = 2·total_sz`` (``σ_i`` the local values, ``2m``
            for spin ``s``); the operator must conserve it. None: every state of the
            hilbert (which may itself be constrained).
        hilbert: the space of a plain matrix (ignored for an operator, except that its
            size must agree).
        compute_eigenvectors: also store each sector's lowest eigenvector
            (`Sector.ground_state`, in the full basis of ``hilbert.all_states()``).
        check_symmetry: verify ``T_g H T_g⁻¹ = H`` for the group's generators first.

    Returns:
        A `SectorSpectrum`, one `Sector` per irrep in the order of ``group.irrep_labels``.
        Energies of a ``d_χ``-dimensional irrep are listed **once** (each is ``d_χ``-fold
        degenerate); ``Sector.dim`` is the rank of ``P_χ`` and the ranks add up to the
        dimension of the resolved space.

    Raises:
        ValueError: group degree ≠ ``hilbert.size``, a group that does not commute with
            the operator or does not map the basis to itself, an operator that does not
            conserve ``total_sz``, an invalid ``total_sz``, or a size the memory guard
            refuses.
        TypeError: a matrix without ``hilbert=``, or a non-group ``group``.

    Example:
        >>> import numpy as np
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.exact import sector_spectrum
        >>> chain = nqx.graph.Chain(4)
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> s = hi.all_states()
        >>> zz = sum(s[:, i] * s[:, j] for i, j in chain.edges())
        >>> spec = sector_spectrum(np.diag(zz), chain.translation_group(), k=2, hilbert=hi)
        >>> spec
        SectorSpectrum(T(4), 16 states, k=2)
            #  irrep    d      dim  lowest energies
            0  k=0      1        6  -4, 0
            1  k=1/4    1        3  0, 0
            2  k=1/2    1        4  -4, 0
            3  k=-1/4   1        3  0, 0
        >>> spec.ground_sector.label, spec.dims.tolist()
        ('k=0', [6, 3, 4, 3])
    """
    return run_steps(
        sector_spectrum_steps(
            operator,
            group,
            k,
            total_sz,
            hilbert=hilbert,
            compute_eigenvectors=compute_eigenvectors,
            check_symmetry=check_symmetry,
        )
    )


def sector_spectrum_steps(
    operator,
    group: PermutationGroup,
    k: int = 1,
    total_sz: float | None = None,
    *,
    hilbert=None,
    compute_eigenvectors: bool = False,
    check_symmetry: bool = True,
) -> Generator[tuple[int, int], None, SectorSpectrum]:
    """`sector_spectrum` in steps, for work that must stay cancellable.

    A generator yielding ``(done, total)`` after the basis is built (``done = 0``) and
    after each sector (``total = n_irreps``); its return value (``StopIteration.value``)
    is the `SectorSpectrum`. Abandoning it between steps leaves nothing behind. Checks
    (the memory guard included) run before the first yield.

    Example:
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.exact import sector_spectrum_steps
        >>> hi = nqx.hilbert.Spin(0.5, 4)
        >>> H = nqx.operator.Heisenberg(hi, nqx.graph.Chain(4))
        >>> steps = sector_spectrum_steps(H, nqx.graph.Chain(4).translation_group())
        >>> [next(steps) for _ in range(5)]
        [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    """
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a nqs_explorer.group.PermutationGroup, got {group!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    op_hilbert = operator_hilbert(operator)
    if op_hilbert is None and hilbert is None:
        raise TypeError("a plain matrix needs hilbert= (the space whose all_states() it uses)")
    if op_hilbert is not None:
        if hilbert is not None and hilbert.size != op_hilbert.size:
            raise ValueError(
                f"hilbert= has {hilbert.size} sites but operator.hilbert has {op_hilbert.size}"
            )
        hilbert = op_hilbert
    n_sites = int(hilbert.size)
    if group.degree != n_sites:
        raise ValueError(
            f"the group {group.name} acts on {group.degree} sites but the hilbert space has "
            f"{n_sites}; use a group of the operator's lattice"
        )
    fraction = _sz_fraction(hilbert, total_sz)
    n_full = int(hilbert.n_states)
    check_operator_size(
        operator,
        "sector_spectrum",
        n_basis=max(1, int(n_full * fraction)),
        per_state_extra=64 + 16 * int(np.max(group.irrep_dims)) ** 2,
        hint="; build the operator on a hilbert restricted to a total_sz sector "
        "(Spin(0.5, N, total_sz=0)) to go further",
    )
    mat = as_csr(operator)
    states = np.asarray(hilbert.all_states())
    if mat.shape[0] != states.shape[0]:
        raise ValueError(
            f"the matrix has {mat.shape[0]} rows but hilbert.all_states() has "
            f"{states.shape[0]} states"
        )
    rows = _sz_rows(states, total_sz)
    h_sub = _restrict(mat, rows)
    orbits = _Orbits(states[rows], group)
    if check_symmetry:
        _check_commutes(h_sub, orbits, group)

    h_cols = h_sub.tocsc()[:, orbits.rep_pos]
    sectors = []
    yield 0, group.n_irreps
    for c in range(group.n_irreps):
        sectors.append(
            _solve_sector(h_cols, orbits, group, c, k, compute_eigenvectors, rows, states.shape[0])
        )
        yield c + 1, group.n_irreps
    return SectorSpectrum(
        rows=tuple(sectors),
        group_name=group.name,
        total_sz=None if total_sz is None else float(total_sz),
        k=int(k),
        n_states=len(rows),
    )


# --------------------------------------------------------------------------- basis
def _sz_fraction(hilbert, total_sz) -> float:
    """Rough fraction of states in the sector (for the memory guard); validates total_sz."""
    if total_sz is None:
        return 1.0
    if isinstance(total_sz, bool) or not isinstance(total_sz, int | float | np.number):
        raise TypeError(f"total_sz must be a number or None, got {total_sz!r}")
    two = 2 * float(total_sz)
    if two != round(two):
        raise ValueError(f"total_sz must be an integer or half-integer, got {total_sz!r}")
    n = int(hilbert.size)
    return min(1.0, 1.0 / np.sqrt(max(n, 1)))


def _sz_rows(states: np.ndarray, total_sz) -> np.ndarray:
    if total_sz is None:
        return np.arange(states.shape[0])
    rows = np.flatnonzero(np.abs(states.sum(axis=1) - 2 * float(total_sz)) < 1e-9)
    if len(rows) == 0:
        sums = np.unique(np.round(states.sum(axis=1) / 2, 6))
        raise ValueError(
            f"no state has total_sz={total_sz}; possible values are "
            f"{[float(x) for x in sums[:8]]}{' ...' if len(sums) > 8 else ''}"
        )
    return rows


def _restrict(mat: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    if len(rows) == mat.shape[0]:
        return mat
    sub_rows = mat[rows]
    inside = np.zeros(mat.shape[0], dtype=bool)
    inside[rows] = True
    leak = np.abs(sub_rows.data[~inside[sub_rows.indices]])
    scale = max(1.0, float(np.abs(mat.data).max()) if mat.nnz else 1.0)
    if leak.size and leak.max() > COMMUTATION_TOLERANCE * scale:
        raise ValueError(
            f"the operator does not conserve total_sz (an element of size {leak.max():.2e} "
            "leaves the sector); use total_sz=None"
        )
    return sp.csr_matrix(sub_rows[:, rows])


class _Orbits:
    """Orbits of the basis states under the group.

    Attributes:
        rep_pos: ``(n_orbits,)`` basis position of each orbit's representative.
        images: ``(n_orbits, |G|)`` basis position of ``T_g r``.
        stab: ``(n_orbits, |G|)`` bool, ``T_g r = r``.
        generator_images: ``(n_gens, n_basis)`` position of ``T_g s`` for the generators.
    """

    def __init__(self, states: np.ndarray, group: PermutationGroup):
        values = np.unique(states)
        digits = np.searchsorted(values, states).astype(np.float64)
        base, n_sites = len(values), states.shape[1]
        if float(base) ** n_sites >= 2.0**53:
            raise ValueError(f"{base}^{n_sites} configurations are too many to key exactly")
        weights = float(base) ** np.arange(n_sites - 1, -1, -1)
        perms = group.to_array()
        # key(σ[p]) = Σ_j d[p_j] w_j = Σ_i d_i w[p⁻¹_i]
        wmat = weights[np.argsort(perms, axis=1)].T  # (N, |G|)
        keys = digits @ weights
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._order = order
        gens = np.asarray(group.generators, dtype=int)
        n = states.shape[0]
        rep_keys = np.empty(n)
        gen_keys = np.empty((len(gens), n))
        chunk = max(1, _CHUNK_ENTRIES // len(group))
        for start in range(0, n, chunk):
            block = digits[start : start + chunk] @ wmat
            rep_keys[start : start + chunk] = block.min(axis=1)
            gen_keys[:, start : start + chunk] = block[:, gens].T
        self.rep_pos = self._positions(np.unique(rep_keys))
        self.images = self._positions(digits[self.rep_pos] @ wmat)
        self.stab = self.images == self.rep_pos[:, None]
        self.generators = gens
        self.generator_images = self._positions(gen_keys)
        self.n_basis = n

    def _positions(self, keys: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self._sorted_keys, keys)
        idx = np.minimum(idx, len(self._sorted_keys) - 1)
        if not np.array_equal(self._sorted_keys[idx], keys):
            raise ValueError(
                "the group does not map the basis to itself (a transformed configuration is "
                "not among the states; a constrained hilbert space not invariant under it?)"
            )
        return self._order[idx]


def _check_commutes(h: sp.csr_matrix, orbits: _Orbits, group: PermutationGroup) -> None:
    """``T_g H T_g⁻¹ = H`` for every generator (exact on the whole basis)."""
    if h.nnz == 0:
        return
    coo = h.tocoo()
    scale = max(1.0, float(np.abs(coo.data).max()))
    for g, image in zip(orbits.generators, orbits.generator_images):
        moved = sp.csr_matrix((coo.data, (image[coo.row], image[coo.col])), shape=h.shape)
        diff = moved - h
        err = float(np.abs(diff.data).max()) if diff.nnz else 0.0
        if err > COMMUTATION_TOLERANCE * scale:
            raise ValueError(
                f"the operator does not commute with {group.element_names[g]} of {group.name} "
                f"(max |T_g H T_g⁻¹ - H| = {err:.2e}); sector_spectrum needs a symmetry group "
                "of the operator"
            )


# ------------------------------------------------------------------------- sectors
def _solve_sector(h_cols, orbits, group, c, k, want_vector, rows, n_full) -> Sector:
    label = group.irrep_labels[c]
    d = int(group.irrep_dims[c])
    n_group = len(group)
    mats = irrep_matrices(group, c)  # (|G|, d, d)
    stab_sum = orbits.stab.astype(np.complex128) @ mats.reshape(n_group, d * d)
    gram = (d / n_group) * np.conj(stab_sum.reshape(-1, d, d))
    gram = 0.5 * (gram + np.conj(np.swapaxes(gram, 1, 2)))
    if d == 1:  # the Bloch vector: no eigensolver needed
        lam, q = gram.real.reshape(-1, 1), np.ones((len(gram), 1, 1), dtype=np.complex128)
    else:
        lam, q = np.linalg.eigh(gram)
    r_idx, j_idx = np.nonzero(lam > 0.5 * d / n_group)
    n_sec = len(r_idx)
    if n_sec == 0:
        return Sector(c, label, d, 0, 0, np.zeros(0), None)
    coef = q[r_idx, :, j_idx] / np.sqrt(lam[r_idx, j_idx])[:, None]  # (n_sec, d)
    # partner k of u_s on T_g r: (d/|G|) Σ_m conj(D_km(g)) c_sm
    values = (d / n_group) * np.einsum("gkm,sm->ksg", np.conj(mats), coef, optimize=True)
    img = orbits.images[r_idx].ravel()
    col = np.repeat(np.arange(n_sec), n_group)
    shape = (orbits.n_basis, n_sec)
    h_reps = h_cols[:, r_idx]
    reduced = None
    first = None
    for kk in range(d):
        partner = sp.csr_matrix((values[kk].ravel(), (img, col)), shape=shape)
        term = partner.conj().T @ (h_reps @ sp.diags(coef[:, kk]))
        reduced = term if reduced is None else reduced + term
        if kk == 0:
            first = partner
    reduced = sp.csr_matrix(reduced)
    reduced = 0.5 * (reduced + reduced.conj().T)
    if np.abs(reduced.imag).max() <= 1e-14 * max(1.0, np.abs(reduced).max()):
        reduced = sp.csr_matrix(reduced.real)
    n_levels = min(k, n_sec)
    result = lowest_eigenpairs(reduced, n_levels, want_vector)
    energies, vecs = result if want_vector else (result, None)
    ground = None
    if want_vector:
        ground = np.zeros(n_full, dtype=np.complex128)
        ground[rows] = first @ vecs[:, 0]
    return Sector(c, label, d, d * n_sec, n_sec, np.asarray(energies, dtype=np.float64), ground)
