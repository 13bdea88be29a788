"""Character tables of any finite group (Burnside–Dixon), exact to float precision.

Method: the class sums ``C_r`` multiply as ``C_r C_s = Σ_t c_rst C_t``. The normalised
characters ``ω_i(C_r) = |C_r| χ_i(g_r) / d_i`` are common eigenvectors of the class
matrices ``(M_r)_{st} = c_rst``. Rescaled by ``|C_t|^{-1/2}`` the class matrices become
normal, so a Hermitian random combination is diagonalised with ``eigh`` (degenerate
eigenvalues are split with fresh random combinations). Dimensions follow from the
orthogonality relation, and each value is then made exact: the eigenvalues of ``ρ(g)``
are ``m``-th roots of unity (``m`` the order of ``g``), whose multiplicities
``n_j = (1/m) Σ_k χ(g^k) e^{-2πi jk/m}`` are rounded to integers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._permutation import PermutationGroup

_SEED = 0x5EED


def dixon_character_table(group: PermutationGroup) -> np.ndarray:
    """Character table by class ``(n_irreps, n_classes)``, rows sorted by dimension, trivial first."""
    n_el = len(group)
    classes = group.class_index
    sizes = group.class_sizes.astype(float)
    n_cls = len(sizes)
    rng = np.random.default_rng(_SEED)

    # y[t, x] = class of x⁻¹ z_t  (z_t representative of class t), used for every combination
    y_class = classes[
        group.multiplication_table[group.inverse[None, :], group.class_representatives[:, None]]
    ]
    scale = np.sqrt(sizes[None, :] / sizes[:, None])  # N_r = D^-1/2 M_r D^1/2

    def hermitian_combination() -> np.ndarray:
        weights = rng.normal(size=n_cls) + 1j * rng.normal(size=n_cls)
        w_x = weights[classes]  # weight of the class of x
        mat = np.zeros((n_cls, n_cls), dtype=complex)
        for t in range(n_cls):
            # (Σ_r w_r M_r)[s, t] = Σ_{x} w_{class(x)} [class(x⁻¹ z_t) = s]
            mat[:, t] = np.bincount(y_class[t], weights=w_x.real, minlength=n_cls)
            mat[:, t] += 1j * np.bincount(y_class[t], weights=w_x.imag, minlength=n_cls)
        mat *= scale
        return (mat + mat.conj().T) / 2

    vectors = _split(np.eye(n_cls, dtype=complex), hermitian_combination, depth=0)
    # vectors[:, i] ∝ sqrt(|C_t|) χ_i(t) / d_i, orthonormal
    u = vectors.T
    dims = np.abs(u[:, 0]) * np.sqrt(n_el)
    chars = u / u[:, :1] * dims[:, None] / np.sqrt(sizes)[None, :]
    dims = np.rint(dims)
    chars[:, 0] = dims
    chars = _make_exact(group, chars)
    _check_orthogonality(chars, sizes, n_el)
    return sort_irreps(chars)


def _split(basis: np.ndarray, combination, depth: int) -> np.ndarray:
    """Eigenvectors (columns) of random Hermitian combinations restricted to ``basis``."""
    if basis.shape[1] == 1:
        return basis
    if depth > 20:
        raise RuntimeError("could not separate the irreducible characters (degenerate spectrum)")
    herm = basis.conj().T @ combination() @ basis
    vals, vecs = np.linalg.eigh(herm)
    vecs = basis @ vecs
    tol = 1e-8 * max(1.0, np.abs(vals).max())
    cuts = np.flatnonzero(np.diff(vals) > tol) + 1
    blocks = np.split(np.arange(len(vals)), cuts)
    return np.concatenate(
        [vecs[:, b] if len(b) == 1 else _split(vecs[:, b], combination, depth + 1) for b in blocks],
        axis=1,
    )


def _make_exact(group: PermutationGroup, chars: np.ndarray) -> np.ndarray:
    """Snap each value to a sum of roots of unity with integer multiplicities."""
    table = group.multiplication_table
    classes = group.class_index
    exact = np.empty_like(chars)
    for c, rep in enumerate(group.class_representatives):
        powers = [0]
        g = int(rep)
        while g != 0:
            powers.append(g)
            g = int(table[g, rep])
        m = len(powers)  # order of rep; powers[k] = rep^k
        values = chars[:, classes[np.asarray(powers)]]  # (n_irreps, m): χ(g^k)
        # multiplicity of eigenvalue e^{2πi j/m}: (1/m) Σ_k χ(g^k) e^{-2πi jk/m}
        mult = np.fft.fft(values, axis=1) / m
        rounded = np.rint(mult.real)
        if np.max(np.abs(mult - rounded), initial=0.0) > 1e-6:
            raise RuntimeError(
                "character table is numerically inaccurate (non-integer multiplicities)"
            )
        roots = np.exp(2j * np.pi * np.arange(m) / m)
        exact[:, c] = rounded @ roots
    return exact


def _check_orthogonality(chars: np.ndarray, sizes: np.ndarray, n_el: int) -> None:
    gram = (chars * sizes) @ chars.conj().T / n_el
    if not np.allclose(gram, np.eye(len(chars)), atol=1e-8):
        raise RuntimeError("character table failed the orthogonality check")


def sort_irreps(chars: np.ndarray) -> np.ndarray:
    """Sort rows canonically: by dimension, trivial first, then by character values."""
    rounded = np.round(chars, 8) + 0.0
    # np.lexsort: the last key is primary -> dimension, then -Re χ on classes 1, 2, ...,
    # then -Im χ; the trivial irrep (all ones) is the smallest among dimension 1.
    n_cls = chars.shape[1]
    sort_keys = [-rounded[:, c].imag for c in range(n_cls - 1, 0, -1)]
    sort_keys += [-rounded[:, c].real for c in range(n_cls - 1, 0, -1)]
    sort_keys.append(rounded[:, 0].real)
    return chars[np.lexsort(sort_keys)]


def generic_irrep_labels(table: np.ndarray) -> tuple[str, ...]:
    """Labels ``"Γ1"``, ``"Γ2"``, ... (in row order) for groups without a known structure."""
    return tuple(f"Γ{i + 1}" for i in range(len(table)))
