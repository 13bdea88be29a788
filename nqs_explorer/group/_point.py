"""Point groups C_n and D_n (= C_nv): element names, analytic characters, Mulliken labels.

Conventions (2D):
- ``Rot(φ)`` rotates counter-clockwise by ``φ`` (shown in ``(-180°, 180°]``);
  ``Refl(θ)`` reflects across the line through the center at angle ``θ ∈ [0°, 180°)``
  to the x axis. A chain has the single reflection ``Refl`` (x → -x).
- In ``D_n`` the reflection with the smallest angle ``θ_0`` is ``σ_0``; the reflections
  ``Refl(θ_0 + j·180°/n)`` with even ``j`` form the class ``σ_v`` and those with odd
  ``j`` the class ``σ_d`` (n even). ``B1`` is symmetric under ``σ_v`` and ``B2`` under
  ``σ_d``. On the square lattice ``σ_v`` are the reflections across the bonds
  (``Refl(0°)``, ``Refl(90°)``), on the hexagonal lattices those across ``a_1``
  (``Refl(0°)``, ``Refl(60°)``, ``Refl(120°)``).
- ``C_n`` with ``n ≥ 3``: complex-conjugate pairs are labelled ``E+``/``E-`` (or
  ``E1+``, ``E1-``, ``E2+``, ... when there are several), where ``E{m}±`` has
  ``χ(Rot(360°/n)) = exp(±2πi m/n)``.

3D point groups (names, order, labels) are handled by :mod:`._point3d`, those of 4D and
higher lattices (subgroups of the hyperoctahedral group ``B_d``) by :mod:`._pointnd`; the
functions below dispatch on the matrix size.
"""

from __future__ import annotations

import numpy as np

from ._permutation import PermutationGroup
from ._point3d import describe_3d, format_angle, point_irreps_3d, sort_key_3d
from ._pointnd import describe_nd, point_irreps_nd, sort_key_nd


def describe(matrices: np.ndarray) -> dict:
    """Structure of a point group given by orthogonal matrices ``(|P|, d, d)``, d ≤ 2.

    Returns a dict with ``n`` (number of rotations), ``is_refl`` and ``j`` per element
    (element = ``Rot(360° j/n)`` or ``Rot(360° j/n)·σ_0``), ``theta0`` (degrees) and
    ``names``.
    """
    mats = np.asarray(matrices, dtype=float)
    d = mats.shape[-1]
    if d == 3:
        return describe_3d(mats)
    if d >= 4:
        return describe_nd(mats)
    if d == 1:
        is_refl = mats[:, 0, 0] < 0
        names = ["Refl" if r else "Id" for r in is_refl]
        return {
            "n": 1,
            "is_refl": is_refl,
            "j": np.zeros(len(mats), int),
            "theta0": None,
            "names": names,
        }
    dets = np.linalg.det(mats)
    is_refl = dets < 0
    n = int(np.sum(~is_refl))
    angle = np.degrees(np.arctan2(mats[:, 1, 0], mats[:, 0, 0]))
    j = np.zeros(len(mats), dtype=int)
    names = []
    theta = np.round(angle / 2, 6) % 180.0
    theta = np.where(np.abs(theta - 180.0) < 1e-6, 0.0, theta)
    theta0 = float(theta[is_refl].min()) if is_refl.any() else None
    for e in range(len(mats)):
        if is_refl[e]:
            j[e] = round((theta[e] - theta0) * n / 180.0) % n
            names.append(f"Refl({format_angle(theta[e])})")
        else:
            j[e] = round(angle[e] * n / 360.0) % n
            if j[e] == 0:
                names.append("Id")
            else:
                phi = angle[e] if angle[e] > -180 + 1e-6 else 180.0
                names.append(f"Rot({format_angle(phi)})")
    return {"n": n, "is_refl": is_refl, "j": j, "theta0": theta0, "names": names}


def schoenflies(matrices: np.ndarray) -> tuple[str, str]:
    """(D-name, Schoenflies name) of the group, e.g. ``("D4", "C4v")``, ``("C3", "C3")``.

    In 3D both are the Schoenflies name (``("Oh", "Oh")``).
    """
    return _group_names(describe(matrices))


def _group_names(info: dict) -> tuple[str, str]:
    """:func:`schoenflies` from the :func:`describe` of the matrices."""
    if "schoenflies" in info:  # 3D
        return info["schoenflies"], info["schoenflies"]
    n = info["n"]
    if not info["is_refl"].any():
        return f"C{n}", f"C{n}"
    return f"D{n}", ("Cs" if n == 1 else f"C{n}v")


def sort_key(matrices: np.ndarray) -> list[int]:
    """Canonical element order: Id, rotations by increasing angle, reflections by axis angle."""
    if np.shape(matrices)[-1] == 3:
        return sort_key_3d(matrices)
    if np.shape(matrices)[-1] >= 4:
        return sort_key_nd(matrices)
    info = describe(matrices)
    keys = [(int(r), int(j)) for r, j in zip(info["is_refl"], info["j"])]
    return sorted(range(len(keys)), key=lambda e: keys[e])


def _cis(m_j: np.ndarray, n: int) -> np.ndarray:
    """exp(2πi m_j / n) with exact zeros/ones on the axes."""
    z = np.exp(2j * np.pi * (np.asarray(m_j) % n) / n)
    re, im = np.round(z.real, 15), np.round(z.imag, 15)
    re = np.where(np.abs(re) < 1e-14, 0.0, re)
    im = np.where(np.abs(im) < 1e-14, 0.0, im)
    return re + 1j * im


def point_irreps(matrices: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Analytic character table ``(n_irreps, |P|)`` and Mulliken labels of C_n / D_n.

    3D groups: Dixon table and the labels of :mod:`._point3d` (``matrices[0]`` = Id).
    """
    if np.shape(matrices)[-1] == 3:
        return point_irreps_3d(matrices)
    if np.shape(matrices)[-1] >= 4:
        return point_irreps_nd(matrices)
    info = describe(matrices)
    n, refl, j = info["n"], info["is_refl"], info["j"]
    rows: list[np.ndarray] = []
    labels: list[str] = []
    if not refl.any():  # cyclic C_n
        rows.append(np.ones(len(j), complex))
        labels.append("A")
        if n % 2 == 0 and n > 1:
            rows.append(_cis(j * (n // 2), n))
            labels.append("B")
        pairs = [m for m in range(1, (n + 1) // 2)]
        for m in pairs:
            suffix = "" if len(pairs) == 1 else str(m)
            rows += [_cis(j * m, n), _cis(-j * m, n)]
            labels += [f"E{suffix}+", f"E{suffix}-"]
        return np.array(rows), tuple(labels)
    sign_refl = np.where(refl, -1.0, 1.0)
    rows += [np.ones(len(j)), sign_refl]
    labels += ["A'", "A''"] if n == 1 else ["A1", "A2"]
    if n % 2 == 0:
        alt = np.where(j % 2 == 0, 1.0, -1.0)
        rows += [alt, alt * sign_refl]
        labels += ["B1", "B2"]
    n_e = (n - 1) // 2
    for m in range(1, n_e + 1):
        rows.append(np.where(refl, 0.0, np.rint(2 * np.cos(2 * np.pi * m * j / n) * 1e12) / 1e12))
        labels.append("E" if n_e == 1 else f"E{m}")
    return np.array(rows, dtype=complex), tuple(labels)


class PointGroup(PermutationGroup):
    """A point group ``C_n``/``D_n`` (3D: any crystallographic point group, e.g. ``Oh``)
    acting on lattice sites about a fixed center.

    Element ``g`` maps the site at ``r`` to the site at ``W_g (r - c) + c`` (modulo the
    periodic box), and is stored as the inverse site map (see :class:`PermutationGroup`),
    so ``W_{g·h} = W_g W_h``.

    Attributes:
        matrices: ``(|G|, d, d)`` orthogonal matrices ``W_g`` (Cartesian).
        center: ``(d,)`` Cartesian center ``c`` of the operations.
        schoenflies: ``"C4v"``-style name (``name`` is the ``"D4"`` spelling).
    """

    def __init__(self, permutations, matrices, center, name: str | None = None):
        matrices = np.array(matrices, dtype=float)
        center = np.array(center, dtype=float)
        for arr in (matrices, center):
            arr.setflags(write=False)
        info = describe(matrices)
        d_name, s_name = _group_names(info)
        self.__dict__["matrices"] = matrices
        self.__dict__["center"] = center
        self.__dict__["schoenflies"] = s_name
        super().__init__(permutations, info["names"], name=name or d_name, _trusted=True)

    def _compute_irreps(self):
        return point_irreps(self.matrices)
