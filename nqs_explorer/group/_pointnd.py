"""Point groups of lattices in four and more dimensions: subgroups of the hyperoctahedral
group ``B_d`` (the signed permutation matrices, order ``2^d d!``; 384 in 4D).

Conventions (d ≥ 4):
- Candidate operations are the orthogonal ``W`` that are signed permutation matrices in
  the lattice basis (on ``Grid``: the signed permutations of the Cartesian axes).
- An element is named by the images of the coordinates, ``W(-x2,x1,x3,x4)`` meaning
  ``(x1, x2, x3, x4) ↦ (-x2, x1, x3, x4)`` (``Id`` for the identity); when ``W`` is not a
  signed permutation of the Cartesian axes, ``W#k`` (its index in the sorted group).
- Element order: ``Id``, proper operations (``det W = +1``), then improper ones; within
  each kind lexicographically by the matrix entries (largest first).
- Group names: ``"B{d}"`` for the full hyperoctahedral group, ``"B{d}+"`` for its proper
  rotations, ``"C1"`` for the trivial group, ``"G(n)"`` otherwise. Irreps come from the
  generic Dixon table with labels ``Γ1``, ``Γ2``, ... (``g``/``u`` suffix when the
  inversion ``-1`` is an element).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ._characters import dixon_character_table
from ._permutation import PermutationGroup


def signed_permutation_candidates(basis: np.ndarray) -> np.ndarray:
    """Orthogonal ``W`` ``(n, d, d)`` that are signed permutations in the lattice basis,
    in canonical element order (identity first)."""
    d = basis.shape[0]
    mats = []
    for perm in itertools.permutations(range(d)):
        for signs in itertools.product((1.0, -1.0), repeat=d):
            m = np.zeros((d, d))
            m[np.arange(d), perm] = signs
            mats.append(m)
    entries = np.array(mats)
    # rows a_i ↦ (M A)_i  <=>  Wᵀ = A⁻¹ M A
    wt = np.linalg.inv(basis)[None] @ entries @ basis[None]
    ws = np.transpose(wt, (0, 2, 1))
    orth = np.all(np.abs(ws @ wt - np.eye(d)) < 1e-9, axis=(1, 2))
    ws = np.round(ws[orth], 12) + 0.0
    return ws[sort_key_nd(ws)]


def sort_key_nd(matrices: np.ndarray) -> list[int]:
    """Canonical element order (see the module docstring)."""
    mats = np.asarray(matrices, dtype=float)
    d = mats.shape[-1]
    keys = []
    for w in mats:
        is_id = bool(np.allclose(w, np.eye(d)))
        improper = bool(np.linalg.det(w) < 0)
        keys.append((not is_id, improper, tuple(-np.round(w, 9).ravel())))
    return sorted(range(len(mats)), key=lambda e: keys[e])


def element_name_nd(w: np.ndarray, index: int) -> str:
    d = w.shape[0]
    if np.allclose(w, np.eye(d)):
        return "Id"
    rounded = np.rint(w)
    if np.allclose(w, rounded) and np.all(np.abs(rounded).sum(axis=1) == 1):
        parts = []
        for row in rounded:
            j = int(np.flatnonzero(row)[0])
            parts.append(("-" if row[j] < 0 else "") + f"x{j + 1}")
        return "W(" + ",".join(parts) + ")"
    return f"W#{index}"


def describe_nd(matrices: np.ndarray) -> dict:
    """``names`` per element and the group's name (see the module docstring)."""
    mats = np.asarray(matrices, dtype=float)
    d = mats.shape[-1]
    names = [element_name_nd(w, e) for e, w in enumerate(mats)]
    improper = np.linalg.det(mats) < 0
    n = len(mats)
    full = 2**d * math.factorial(d)
    if n == 1:
        name = "C1"
    elif n == full:
        name = f"B{d}"
    elif n == full // 2 and not improper.any():
        name = f"B{d}+"
    else:
        name = f"G({n})"
    return {"names": names, "schoenflies": name, "improper": improper}


def matrix_product_table_nd(matrices: np.ndarray) -> np.ndarray:
    """``(|P|, |P|)`` index of ``W_g W_h`` among ``matrices`` (which must form a group)."""
    mats = np.asarray(matrices, dtype=float)
    n, d = len(mats), mats.shape[-1]
    prods = np.einsum("gij,hjk->ghik", mats, mats).reshape(n * n, d * d)
    keys = np.round(np.concatenate([mats.reshape(n, d * d), prods]), 6) + 0.0
    _, label = np.unique(keys, axis=0, return_inverse=True)
    label = label.reshape(-1)
    position = np.full(label.max() + 1, -1, dtype=np.intp)
    position[label[:n]] = np.arange(n)
    table = position[label[n:]]
    if np.any(table < 0) or len(np.unique(label[:n])) != n:
        raise ValueError("the matrices are not closed under multiplication")
    return table.reshape(n, n)


def point_irreps_nd(matrices: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Character table ``(n_irreps, |P|)`` (Dixon, regular representation) and labels."""
    mats = np.asarray(matrices, dtype=float)
    table = matrix_product_table_nd(mats)
    inverse = np.argmax(table == 0, axis=1)
    regular = PermutationGroup(table[inverse], _trusted=True)
    chars = dixon_character_table(regular)[:, regular.class_index]
    d = mats.shape[-1]
    inv = [e for e, w in enumerate(mats) if np.allclose(w, -np.eye(d))]
    parity = [""] * len(chars)
    if inv:
        parity = ["g" if chars[r, inv[0]].real > 0 else "u" for r in range(len(chars))]
    return chars, tuple(f"Γ{r + 1}{parity[r]}" for r in range(len(chars)))
