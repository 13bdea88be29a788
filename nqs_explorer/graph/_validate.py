"""Input checks for lattices: clear messages that say what is allowed."""

from __future__ import annotations

import numbers

import numpy as np


def check_basis(basis_vectors) -> np.ndarray:
    basis = np.array(basis_vectors, dtype=float)
    if basis.ndim != 2 or basis.shape[0] != basis.shape[1] or basis.shape[0] < 1:
        raise ValueError(
            f"basis_vectors must be a square (d, d) array (rows are the primitive vectors), "
            f"got shape {basis.shape}"
        )
    if not np.all(np.isfinite(basis)) or abs(np.linalg.det(basis)) < 1e-12:
        raise ValueError("basis_vectors must be finite and linearly independent")
    return basis


def check_extent(extent, ndim: int, kind: str = "Lattice") -> tuple[int, ...]:
    if isinstance(extent, numbers.Number) or np.ndim(extent) == 0:
        extent = [extent]
    extent = list(extent) if not isinstance(extent, np.ndarray) else extent.tolist()
    if len(extent) != ndim:
        raise ValueError(
            f"{kind} needs an extent with {ndim} entr{'y' if ndim == 1 else 'ies'} "
            f"(one per axis), got {len(extent)}: {extent!r}"
        )
    out = []
    for axis, value in enumerate(extent):
        ok_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        if not ok_int or value < 1:
            raise ValueError(
                f"{kind}: extent along axis {axis} must be an integer >= 1, got {value!r}"
            )
        out.append(int(value))
    return tuple(out)


def check_pbc(pbc, ndim: int) -> tuple[bool, ...]:
    if isinstance(pbc, bool | np.bool_):
        return (bool(pbc),) * ndim
    try:
        values = list(pbc)
    except TypeError:
        raise ValueError(f"pbc must be a bool or a sequence of {ndim} bools, got {pbc!r}") from None
    if len(values) != ndim or not all(isinstance(v, bool | np.bool_) for v in values):
        raise ValueError(
            f"pbc must be a bool or a sequence of {ndim} bools (one per axis), got {pbc!r}"
        )
    return tuple(bool(v) for v in values)


def check_offsets(site_offsets, basis: np.ndarray) -> np.ndarray:
    ndim = basis.shape[0]
    if site_offsets is None:
        return np.zeros((1, ndim))
    offsets = np.array(site_offsets, dtype=float)
    if offsets.ndim == 1 and ndim == 1:
        offsets = offsets[:, None]
    if offsets.ndim != 2 or offsets.shape[1] != ndim or offsets.shape[0] < 1:
        raise ValueError(
            f"site_offsets must have shape (n_sublattices, {ndim}), got {offsets.shape}"
        )
    frac = offsets @ np.linalg.inv(basis)
    diff = frac[:, None, :] - frac[None, :, :]
    same = np.all(np.abs(diff - np.round(diff)) < 1e-8, axis=-1)
    np.fill_diagonal(same, False)
    if same.any():
        i, j = np.argwhere(same)[0]
        raise ValueError(
            f"site_offsets {i} and {j} describe the same site (they differ by a lattice vector)"
        )
    return offsets
