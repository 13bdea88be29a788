"""Which point operations are symmetries of a finite lattice, and about which center.

Candidate operations are the holohedry of the Bravais lattice: the orthogonal maps that
send the primitive vectors to integer combinations of themselves. An operation ``W``
about a center ``c`` is a symmetry of the finite lattice when it maps the periodic
super-lattice ``{L_i a_i : axis i periodic}`` onto itself and every site to a site
(open axes: inside the box). Centers: open axes force the centroid of the sites;
periodic axes allow any point of a fine fractional grid (1/12) of the unit cell (d ≥ 4:
the half-cell grid).
"""

from __future__ import annotations

import itertools

import numpy as np

from ._point import describe, sort_key
from ._pointnd import signed_permutation_candidates

_GRID = 12
_ATOL = 1e-8


def holohedry(basis: np.ndarray) -> np.ndarray:
    """Orthogonal ``W`` (``(n, d, d)``) with ``W a_i ∈ Z a_1 + ... + Z a_d``; d ≤ 3.

    Searched among the integer matrices in the lattice basis with entries in {-2, ..., 2}
    (d = 2) or {-1, 0, 1} (d = 3: enough for the cubic, tetragonal, orthorhombic,
    hexagonal and fcc/bcc primitive bases), in the element order of
    :func:`~._point.sort_key` (identity first). d ≥ 4: the signed permutation matrices
    in the lattice basis (the hyperoctahedral group ``B_d`` on ``Grid``).
    """
    d = basis.shape[0]
    if d == 1:
        return np.array([[[1.0]], [[-1.0]]])
    if d > 3:
        return signed_permutation_candidates(basis)
    values = range(-2, 3) if d == 2 else (-1.0, 0.0, 1.0)
    entries = np.array(list(itertools.product(values, repeat=d * d)), dtype=float)
    # rows a_i ↦ (M A)_i  <=>  A Wᵀ = M A  <=>  Wᵀ = A⁻¹ M A  (distinct M give distinct W)
    wt = np.linalg.inv(basis)[None] @ entries.reshape(-1, d, d) @ basis[None]
    ws = np.transpose(wt, (0, 2, 1))
    orth = np.all(np.abs(ws @ wt - np.eye(d)) < 1e-9, axis=(1, 2))
    ws = np.round(ws[orth], 12) + 0.0
    return ws[sort_key(ws)]


def candidate_centers(lattice) -> np.ndarray:
    """Cartesian centers to try, ``(n_c, d)``, origin-most first.

    d ≥ 4: the half-cell grid ``{0, 1/2}`` per periodic axis (enough for signed
    permutations of a lattice with its sites at cell corners; 12^d points would not fit).
    """
    d = lattice.ndim
    grid = _GRID if d <= 3 else 2
    frac_sites = lattice.positions @ np.linalg.inv(lattice.basis_vectors)
    centroid = frac_sites.mean(axis=0)
    axes = [np.arange(grid) / grid if lattice.pbc[i] else np.array([centroid[i]]) for i in range(d)]
    frac = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    return frac @ lattice.basis_vectors


def keeps_superlattice(lattice, w: np.ndarray) -> bool:
    basis = lattice.basis_vectors
    inv = np.linalg.inv(basis)
    for i, periodic in enumerate(lattice.pbc):
        if not periodic:
            continue
        image = (lattice.extent[i] * basis[i]) @ w.T @ inv  # cell coordinates of W(L_i a_i)
        for val, L, p in zip(image, lattice.extent, lattice.pbc):
            if abs(val - round(val)) > _ATOL:
                return False
            val = round(val)
            if (p and val % L != 0) or (not p and val != 0):
                return False
    return True


def site_maps(
    lattice, w: np.ndarray, centers: np.ndarray, n_sites: int | None = None
) -> np.ndarray:
    """Image site of every site (or of the first ``n_sites``) under ``r ↦ W(r - c) + c``.

    Returns ``(n_c, N)`` int (``(n_c, n_sites)``), -1 where the image is not a site.
    """
    basis = lattice.basis_vectors
    inv = np.linalg.inv(basis)
    pos = lattice.positions[:n_sites]
    shift = centers - centers @ w.T  # (I - W) c
    images = pos @ w.T  # (N, d)
    frac = (images[None] + shift[:, None, :]) @ inv  # (n_c, N, d)
    frac_off = lattice.site_offsets @ inv  # (n_sub, d)
    extent = np.asarray(lattice.extent)
    pbc = np.asarray(lattice.pbc)
    result = np.full(frac.shape[:2], -1, dtype=np.intp)
    for s, off in enumerate(frac_off):
        cell = frac - off
        rounded = np.rint(cell)
        is_int = np.all(np.abs(cell - rounded) < _ATOL, axis=-1)
        cells = rounded.astype(np.int64)
        inside = np.all(pbc | ((cells >= 0) & (cells < extent)), axis=-1)
        cells = np.where(pbc, cells % extent, cells)
        ok = is_int & inside
        flat = np.zeros(ok.shape, dtype=np.intp)
        for axis in range(lattice.ndim):
            flat = flat * extent[axis] + np.where(ok, cells[..., axis], 0)
        result = np.where(ok, flat * lattice.n_sublattices + s, result)
    return result


def symmetric_operations(lattice):
    """(ops ``(n_ops, d, d)``, centers ``(n_c, d)``, maps ``(n_c, n_ops, N)`` with -1 = not a symmetry)."""
    ops = holohedry(lattice.basis_vectors)
    centers = candidate_centers(lattice)
    n = lattice.n_nodes
    maps = np.full((len(centers), len(ops), n), -1, dtype=np.intp)
    n_probe = min(n, 4 * lattice.n_sublattices)
    for o, w in enumerate(ops):
        if not keeps_superlattice(lattice, w):
            continue
        # cheap filter: most centers already fail on the first few sites
        hopeful = np.all(site_maps(lattice, w, centers, n_probe) >= 0, axis=1)
        m = np.full((len(centers), n), -1, dtype=np.intp)
        if hopeful.any():
            m[hopeful] = site_maps(lattice, w, centers[hopeful])
        valid = np.all(m >= 0, axis=1)
        # bijective (an isometry on a finite set is injective unless images coincide)
        sorted_m = np.sort(m, axis=1)
        valid &= np.all(sorted_m == np.arange(n), axis=1)
        maps[valid, o] = m[valid]
    return ops, centers, maps


def subgroups(ops: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """All C_n / D_n subgroups of the holohedry ``ops``: (D-style name, element indices)."""
    if ops.shape[-1] == 1:
        return [("C1", np.array([0])), ("D1", np.array([0, 1]))]
    if ops.shape[-1] != 2:
        return [("C1", np.array([0]))]
    info = describe(ops)
    n_rot = info["n"]
    refl, j = info["is_refl"], info["j"]
    rot_index = {int(j[e]): e for e in range(len(ops)) if not refl[e]}
    out = []
    seen = set()
    for n in range(n_rot, 0, -1):
        if n_rot % n:
            continue
        step = n_rot // n
        rots = [rot_index[k * step] for k in range(n)]
        out.append((f"C{n}", np.array(sorted(rots))))
        for e in np.flatnonzero(refl):
            # D_n(σ) = C_n ∪ C_n·σ ; σ_k = Rot^k σ_0, so C_n σ_e = {σ_{j_e + k step}}
            members = {
                int(np.flatnonzero(refl & (j == (j[e] + k * step) % n_rot))[0]) for k in range(n)
            }
            elems = tuple(sorted(set(rots) | members))
            if elems not in seen:
                seen.add(elems)
                out.append((f"D{n}", np.array(elems)))
    return out
