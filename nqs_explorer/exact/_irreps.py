"""Unitary matrices of the irreducible representations of a permutation group.

The character table gives only traces. To resolve a spectrum into one copy per level of a
``d``-dimensional irrep we need the matrices ``D(g)`` themselves (any unitary basis will do).
They are cut out of the left regular representation: its ``χ``-isotypic component
(dimension ``d²``) is split into ``d`` irreducible copies by the eigenspaces of a random
Hermitian element of the commutant (the right regular action), and ``D(g) = U† L_g U``.
"""

from __future__ import annotations

import numpy as np

from ..group import PermutationGroup

#: Deviation of ``tr D(g)`` from ``χ(g)`` (and of ``D`` from unitarity) that is an error.
IRREP_TOLERANCE = 1e-8

_CACHE: dict[tuple[PermutationGroup, int], np.ndarray] = {}
_CACHE_SIZE = 64


_TABLES: dict[PermutationGroup, np.ndarray] = {}


def multiplication_table(group: PermutationGroup) -> np.ndarray:
    """``(|G|, |G|)`` indices of ``a·b``, with ``T_a T_b = T_{ab}`` (so ``p_ab = p_b[p_a]``).

    Computed from the permutations themselves, so it does not depend on the convention of
    ``group.product_table``.
    """
    cached = _TABLES.get(group)
    if cached is not None:
        return cached
    perms = group.to_array()
    n = len(group)
    table = np.empty((n, n), dtype=np.int64)
    for a in range(n):
        table[a] = group.index_of(perms[:, perms[a]])
    if np.any(table < 0):  # pragma: no cover - PermutationGroup checks closure
        raise ValueError(f"{group.name} is not closed under composition")
    table.setflags(write=False)
    if len(_TABLES) >= _CACHE_SIZE:
        _TABLES.pop(next(iter(_TABLES)))
    _TABLES[group] = table
    return table


def irrep_matrices(group: PermutationGroup, character_id: int) -> np.ndarray:
    """Unitary matrices ``D(g)`` of one irrep, ``(|G|, d, d)`` complex128.

    ``D(a) D(b) = D(ab)`` with ``T_a T_b = T_{ab}`` and ``tr D(g) = χ(g)``, ``χ`` the row
    ``character_id`` of ``group.character_table()``. A one-dimensional irrep gives
    ``χ[:, None, None]``. Irreps of real type (real characters, Frobenius-Schur
    indicator 1) get real matrices (stored as complex128 with zero imaginary part).
    Results are cached per (group, character_id).

    Raises:
        ValueError: when no representation with these characters can be built (the
            character table is inconsistent with the permutations).
    """
    key = (group, int(character_id))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    chi = np.asarray(group.character_table()[int(character_id)], dtype=np.complex128)
    d = int(group.irrep_dims[int(character_id)])
    if d == 1:
        mats = chi[:, None, None].copy()
    else:
        mats = _regular_irrep(group, chi, d)
    mats.setflags(write=False)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = mats
    return mats


def _regular_irrep(group: PermutationGroup, chi: np.ndarray, d: int) -> np.ndarray:
    n = len(group)
    mult = multiplication_table(group)
    inv = np.argmax(mult == 0, axis=1)  # a·inv[a] = identity (element 0)
    # isotypic projector of the left regular action L_g e_x = e_{gx}:
    # P[y, x] = (d/|G|) conj(χ(y x⁻¹))
    # real type (real χ, Frobenius-Schur indicator +1): real matrices exist; we build them so
    # that sectors of real operators stay real (half the work in ARPACK)
    indicator = np.mean(chi[mult[np.arange(n), np.arange(n)]])
    real = np.abs(chi.imag).max() < 1e-12 and abs(indicator - 1) < 1e-8
    proj = (d / n) * np.conj(chi[mult[:, inv]])
    if real:
        proj = proj.real
    rng = np.random.default_rng(12345)
    # range of the rank-d² projector from d² random columns (no |G|x|G| eigensolver)
    basis, _ = np.linalg.qr(proj @ rng.normal(size=(n, d * d)))
    range_err = np.abs(proj @ basis - basis).max()
    if range_err > IRREP_TOLERANCE:
        raise ValueError(
            f"irrep of dimension {d} of {group.name}: its character does not project onto a "
            f"{d * d}-dimensional component of the regular representation ({range_err:.1e})"
        )
    # X[y, x] = c[x⁻¹ y]: right multiplication, commutes with every L_g
    xy = mult[inv][:, :].T  # xy[y, x] = index of x⁻¹·y
    for _ in range(8):
        c = rng.normal(size=n) if real else rng.normal(size=n) + 1j * rng.normal(size=n)
        x_op = c[xy]
        x_op = x_op + x_op.conj().T
        small = basis.conj().T @ x_op @ basis
        ev, q = np.linalg.eigh(small)
        scale = max(1.0, float(np.abs(ev).max()))
        if ev[d] - ev[d - 1] > 1e-4 * scale and ev[d - 1] - ev[0] < 1e-9 * scale:
            break
    else:  # pragma: no cover - a random element separates the copies with probability 1
        raise ValueError(f"could not split an irrep of dimension {d} of {group.name}")
    u = basis @ q[:, :d]  # (|G|, d) orthonormal, spans one irreducible copy
    # D(g)[i, j] = Σ_y conj(U[y, i]) U[g⁻¹ y, j]
    mats = np.einsum("yi,gyj->gij", u.conj(), u[mult[inv]], optimize=True).astype(np.complex128)
    trace_err = np.abs(np.einsum("gii->g", mats) - chi).max()
    unit_err = np.abs(np.einsum("gki,gkj->gij", mats.conj(), mats) - np.eye(d)).max()
    if trace_err > IRREP_TOLERANCE or unit_err > IRREP_TOLERANCE:
        raise ValueError(
            f"irrep matrices of {group.name} do not reproduce the characters "
            f"(trace error {trace_err:.1e}, unitarity error {unit_err:.1e})"
        )
    return mats
