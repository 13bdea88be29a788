"""Symmetry groups of a lattice: translations, point groups and space groups.

Functions take any object with the :class:`~nqs_explorer.graph.Lattice` interface
(``basis_vectors``, ``site_offsets``, ``extent``, ``pbc``, ``positions``, ...), so
this layer does not import ``graph``.
"""

from __future__ import annotations

import re

import numpy as np

from ._budget import check_group_budget
from ._point import PointGroup, schoenflies, sort_key
from ._point3d import KNOWN_3D
from ._space import SpaceGroup
from ._symmetry_search import subgroups, symmetric_operations
from ._translation import TranslationGroup

_KNOWN = ("C1", "C2", "C3", "C4", "C6", "D1", "D2", "D3", "D4", "D6")
_SPELLINGS = "C1, C2, C3, C4, C6, D1 (= Cs = C1v), D2 (= C2v), D3 (= C3v), D4 (= C4v), D6 (= C6v)"


def translation_group(lattice) -> TranslationGroup:
    """Translations of ``lattice`` along its periodic axes (trivial when all axes are open)."""
    return TranslationGroup(lattice.extent, lattice.pbc, lattice.n_sublattices)


def normalize_point_group_name(name: str, ndim: int = 2) -> str:
    """``"C4v"`` → ``"D4"``, ``"Cs"`` → ``"D1"``, ``"d4"`` → ``"D4"``; ValueError otherwise.

    With ``ndim=3`` the Schoenflies names of the 32 crystallographic point groups
    (``"oh"`` → ``"Oh"``; ``D4`` and ``C4v`` are different groups in 3D) and ``"G(n)"``.
    """
    if not isinstance(name, str):
        raise TypeError(f"point group name must be a str or None, got {type(name).__name__}")
    key = name.strip()
    if ndim >= 4:
        for known in (f"B{ndim}", f"B{ndim}+", "C1"):
            if key.lower() == known.lower():
                return known
        if re.fullmatch(r"G\(\d+\)", key):
            return key
        raise ValueError(
            f"unknown point group {name!r}; point groups of {ndim}D lattices are called "
            f"B{ndim} (hyperoctahedral), B{ndim}+ (its rotations), C1, and G(n) for other "
            "groups of order n"
        )
    if ndim == 3:
        for known in KNOWN_3D:
            if key.lower() == known.lower():
                return known
        if re.fullmatch(r"G\(\d+\)", key):
            return key
        raise ValueError(
            f"unknown point group {name!r}; known 3D point groups: {', '.join(KNOWN_3D)} "
            "and G(n) for unnamed groups of order n"
        )
    match = re.fullmatch(r"([CcDd])(\d+)([vV]?)", key)
    if key.lower() == "cs":
        return "D1"
    if match:
        letter, n, v = match.groups()
        canonical = ("D" if (letter in "Dd" or v) else "C") + n
        if not (letter in "Dd" and v) and canonical in _KNOWN:
            return canonical
    raise ValueError(f"unknown point group {name!r}; known point groups: {_SPELLINGS}")


def _check(lattice, kind: str) -> None:
    """`check_group_budget` of ``kind`` on ``lattice`` (before anything is allocated)."""
    n_sub = int(getattr(lattice, "n_sublattices", 1))
    check_group_budget(kind, lattice.extent, lattice.pbc, n_sub, repr(lattice))


def _realizations(lattice) -> dict[str, tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
    """name -> (op indices, center index, ops, maps, centers) of the first working realization."""
    cache = getattr(lattice, "_group_cache", None)
    if cache is not None and "realizations" in cache:
        return cache["realizations"]
    _check(lattice, "point")
    ops, centers, maps = symmetric_operations(lattice)
    ok = np.all(maps >= 0, axis=2)  # (n_c, n_ops)
    # an operation other than Id that moves no site (tiny lattices) would make the
    # permutation representation unfaithful: such groups are not offered
    trivial = np.all(maps == np.arange(maps.shape[2]), axis=2)
    trivial[:, 0] = False  # the identity is op 0 of the holohedry
    choose = _choose_3d if lattice.ndim >= 3 else _choose_2d
    found = choose(ops, ok, trivial)
    ordered = {name: (elems, c, ops, maps, centers) for name, (elems, c) in found.items()}
    if cache is not None:
        cache["realizations"] = ordered
    return ordered


def _choose_2d(ops, ok, trivial) -> dict[str, tuple[np.ndarray, int]]:
    """Every C_n / D_n subgroup realized about some center, largest first (D before C)."""
    found: dict[str, tuple] = {}
    groups = subgroups(ops)
    for name in dict.fromkeys(n for n, _ in groups):
        members = [elems for n, elems in groups if n == name]
        valid = np.array(
            [ok[:, elems].all(axis=1) & ~trivial[:, elems].any(axis=1) for elems in members]
        )  # (n_sg, n_c)
        if not valid.any():
            continue
        center = int(np.argmax(valid.any(axis=0)))
        found[name] = (members[int(np.argmax(valid[:, center]))], center)
    return dict(sorted(found.items(), key=lambda kv: (-len(kv[1][0]), kv[0][0] != "D")))


def _choose_3d(ops, ok, trivial) -> dict[str, tuple[np.ndarray, int]]:
    """3D and higher: the largest group of valid operations about one center, its
    rotations, C1.

    The operations that are symmetries of the finite lattice about a fixed center form a
    group; the largest such group over the candidate centers is offered (first center on
    ties), then its proper-rotation subgroup, then C1. A group containing an operation
    other than Id that moves no site (unfaithful action) is replaced by its rotations.
    """
    proper = np.linalg.det(ops) > 0
    # per center: all valid operations, or their rotations when that group is unfaithful
    use_all = ~np.any(ok & trivial, axis=1)
    offered = np.where(
        use_all[:, None], ok, ok & proper & ~np.any(ok & proper & trivial, axis=1)[:, None]
    )
    sizes = offered.sum(axis=1)
    best_center = int(np.argmax(sizes)) if sizes.max() > 1 else 0  # first center on ties
    best = np.flatnonzero(offered[best_center]) if sizes.max() > 1 else np.array([0])
    found: dict[str, tuple] = {}
    for elems in (best, best[proper[best]], np.array([0])):
        name = schoenflies(ops[elems])[0]
        if name not in found:
            found[name] = (elems, best_center)
    return found


def available_point_groups(lattice) -> tuple[str, ...]:
    """Names (``"D4"`` style) of the point groups of ``lattice``, largest first."""
    return tuple(_realizations(lattice))


def point_group(lattice, name: str | None = None) -> PointGroup:
    """Point group ``name`` of ``lattice`` (``None``: the largest available).

    Raises:
        ValueError: for an unknown name, or one that is not a symmetry of this finite
            lattice (the message lists the available ones).
    """
    real = _realizations(lattice)
    if name is None:
        key = next(iter(real))
    else:
        key = normalize_point_group_name(name, lattice.ndim)
        if key not in real:
            hint = "" if lattice.ndim >= 3 else " (D_n may also be written C_nv, D1 as Cs)"
            raise ValueError(
                f"point group {name!r} is not a symmetry of {lattice!r}; available point "
                f"groups: {', '.join(real)}{hint}"
            )
    elems, center, ops, maps, centers = real[key]
    matrices = ops[elems]
    order = sort_key(matrices)
    elems, matrices = elems[order], matrices[order]
    site_map = maps[center, elems]  # (|P|, N): site i -> f_g(i)
    perms = np.argsort(site_map, axis=1)  # p = f_g⁻¹
    return PointGroup(perms, matrices, centers[center], name=key)


def space_group(lattice, name: str | None = None) -> SpaceGroup:
    """Space group ``T ⋊ P`` of ``lattice`` with point group ``name`` (default: the largest).

    Raises:
        ValueError: tables over `MAX_TABLE_BYTES` (before building anything), or ``name``
            not a symmetry of the lattice.
    """
    _check(lattice, "space")
    translations = lattice.translation_group() if hasattr(lattice, "translation_group") else None
    if translations is None:
        translations = translation_group(lattice)
    points = (
        lattice.point_group(name) if hasattr(lattice, "point_group") else point_group(lattice, name)
    )
    return SpaceGroup(translations, points)
