"""Three-dimensional point groups: element names, Schoenflies names, Mulliken labels.

Conventions (3D):
- Every orthogonal ``W`` is written ``R_n(φ)`` (proper, ``det W = +1``) or
  ``R_n(φ)·σ_n`` (improper), a rotation by ``φ`` about the unit axis ``n``, right-handed,
  followed for improper ones by the mirror across the plane normal to ``n``.
- Names: ``Id``; ``Rot(φ)[n]`` for proper rotations; ``Inv`` (``φ = 180°``, improper);
  ``Refl[n]`` for mirrors (``φ = 0``, ``n`` the normal); ``S(φ)[n]`` for the other
  rotoreflections. ``n`` is shown as the smallest integer vector along the axis in
  Cartesian coordinates (three decimals when it has none), sign-normalised so that its
  first non-zero component is positive; ``φ ∈ (-180°, 180°]`` is measured about that ``n``.
- Element order: Id, proper rotations, Inv, mirrors, rotoreflections; within each kind by
  ``|φ|``, then the axis (fewer non-zero components first, then ``[1,0,0]`` before
  ``[0,1,0]`` before ``[0,0,1]``), then ``+φ`` before ``-φ``.
- Group names are Schoenflies names (``"Oh"``, ``"D4h"``, ``"C4v"``, ...), found from the
  numbers of elements of each kind (which tell the 32 crystallographic groups apart);
  any other group is called ``"G(order)"``. Note that in 3D ``D4`` and ``C4v`` are
  different groups (in 2D ``D4`` is ``C4v``).
- Irreps come from the generic Dixon table (rows by dimension, trivial first). Mulliken
  labels are read off the characters: letter ``A``/``B``/``E``/``T`` by dimension, and for
  1D irreps ``B`` when ``χ`` of the principal element (``C4``, ``C6``, ``C3``, ``C2``;
  ``S4`` in ``D2d``) is negative; index ``1``/``2`` by the sign of ``χ`` of a secondary
  element: ``C4`` (``O``, ``Oh``), ``S4`` (``Td``), a 2-fold axis ``C2'`` perpendicular
  to the principal axis (``D4``, ``D4h``, ``D2d``, ``D3``, ``D3d``, ``D6``, ``D6h``) or a
  mirror ``σ_v`` containing it (``C4v``, ``C3v``, ``C2v``), always the first such element
  in element order, Cartesian axes/normals preferred (on ``Grid`` the ``C2'`` axes and
  ``σ_v`` normals are the lattice axes); ``E1``/``E2`` by ``χ(C6)`` in ``D6(h)``;
  ``g``/``u`` by the sign of ``χ(Inv)``; ``A'``/``A''`` in ``Cs``. In ``D2``/``D2h``
  the 2-fold axes are called x, y, z in element order and ``B1``, ``B2``, ``B3`` are
  even under ``C2z``, ``C2y``, ``C2x``. Other groups, and groups with complex characters,
  get ``Γ1``, ``Γ2``, ... (row number), with a ``g``/``u`` suffix when ``Inv`` is an
  element.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from ._characters import dixon_character_table
from ._permutation import PermutationGroup

_TOL = 1e-6

# kinds: C2 C3 C4 C6 Inv σ S4 S6 S3  (counts of elements; the identity is not counted)
_SIGNATURES = {
    (0, 0, 0, 0, 0, 0, 0, 0, 0): "C1",
    (0, 0, 0, 0, 1, 0, 0, 0, 0): "Ci",
    (0, 0, 0, 0, 0, 1, 0, 0, 0): "Cs",
    (1, 0, 0, 0, 0, 0, 0, 0, 0): "C2",
    (0, 2, 0, 0, 0, 0, 0, 0, 0): "C3",
    (1, 0, 2, 0, 0, 0, 0, 0, 0): "C4",
    (1, 2, 0, 2, 0, 0, 0, 0, 0): "C6",
    (1, 0, 0, 0, 1, 1, 0, 0, 0): "C2h",
    (1, 0, 2, 0, 1, 1, 2, 0, 0): "C4h",
    (1, 2, 0, 2, 1, 1, 0, 2, 2): "C6h",
    (1, 0, 0, 0, 0, 0, 2, 0, 0): "S4",
    (0, 2, 0, 0, 1, 0, 0, 2, 0): "S6",
    (0, 2, 0, 0, 0, 1, 0, 0, 2): "C3h",
    (3, 0, 0, 0, 0, 0, 0, 0, 0): "D2",
    (3, 2, 0, 0, 0, 0, 0, 0, 0): "D3",
    (5, 0, 2, 0, 0, 0, 0, 0, 0): "D4",
    (7, 2, 0, 2, 0, 0, 0, 0, 0): "D6",
    (1, 0, 0, 0, 0, 2, 0, 0, 0): "C2v",
    (0, 2, 0, 0, 0, 3, 0, 0, 0): "C3v",
    (1, 0, 2, 0, 0, 4, 0, 0, 0): "C4v",
    (1, 2, 0, 2, 0, 6, 0, 0, 0): "C6v",
    (3, 0, 0, 0, 1, 3, 0, 0, 0): "D2h",
    (3, 2, 0, 0, 0, 4, 0, 0, 2): "D3h",
    (5, 0, 2, 0, 1, 5, 2, 0, 0): "D4h",
    (7, 2, 0, 2, 1, 7, 0, 2, 2): "D6h",
    (3, 0, 0, 0, 0, 2, 2, 0, 0): "D2d",
    (3, 2, 0, 0, 1, 3, 0, 2, 0): "D3d",
    (3, 8, 0, 0, 0, 0, 0, 0, 0): "T",
    (3, 8, 0, 0, 1, 3, 0, 8, 0): "Th",
    (3, 8, 0, 0, 0, 6, 6, 0, 0): "Td",
    (9, 8, 6, 0, 0, 0, 0, 0, 0): "O",
    (9, 8, 6, 0, 1, 9, 6, 8, 0): "Oh",
}
KNOWN_3D = tuple(sorted(set(_SIGNATURES.values()), key=lambda s: (s[0], len(s), s)))
_PROPER_KIND = {180: 0, 120: 1, 90: 2, 60: 3}
_IMPROPER_KIND = {180: 4, 0: 5, 90: 6, 60: 7, 120: 8}


def _axis_angle(w: np.ndarray) -> tuple[bool, np.ndarray, float]:
    """(improper, unit axis n sign-normalised, φ in (-180°, 180°]) with W = R_n(φ)[·σ_n]."""
    improper = np.linalg.det(w) < 0
    proper = -w if improper else w  # R_n(φ)σ_n = -R_n(φ + 180°)
    cos_phi = np.clip((np.trace(w) - (-1.0 if improper else 1.0)) / 2, -1, 1)
    n = np.linalg.svd(proper - np.eye(3))[2][-1]  # the rotation axis: null vector of R - 1
    first = n[np.flatnonzero(np.abs(n) > _TOL)[0]]
    n = n * np.sign(first)
    # (W - Wᵀ)/2 = sin φ [n]_× for both kinds (σ_n commutes with R_n and fixes n^⊥)
    anti = (w - w.T) / 2
    sin_phi = float(n @ np.array([anti[2, 1], anti[0, 2], anti[1, 0]]))
    phi = float(np.degrees(np.arctan2(sin_phi, cos_phi)))
    phi = round(phi, 6) + 0.0
    if phi <= -180 + _TOL:
        phi = 180.0
    return bool(improper), n, phi


def _integer_axis(n: np.ndarray) -> tuple[tuple, str]:
    """(sort key, text) of the axis: smallest integer vector along ``n`` if one exists."""
    nonzero = np.abs(n) > _TOL
    key = (int(nonzero.sum()), tuple(-round(float(x), 6) + 0.0 for x in n))
    smallest = np.abs(n[nonzero]).min()
    for scale in range(1, 13):
        v = n / smallest * scale
        if np.all(np.abs(v - np.rint(v)) < 1e-6):
            ints = np.rint(v).astype(int)
            div = gcd(*(abs(int(x)) for x in ints))
            ints = ints // div
            return key, "[" + ",".join(str(int(x)) for x in ints) + "]"
    return key, "[" + ",".join(f"{x:.3f}".rstrip("0").rstrip(".") for x in n + 0.0) + "]"


def format_angle(deg: float) -> str:
    """``90°``, ``-120°``, ``22.5°``: degrees rounded to 1e-6, integers without decimals."""
    deg = round(float(deg), 6) + 0.0
    return f"{round(deg)}°" if abs(deg - round(deg)) < 1e-6 else f"{deg:g}°"


def describe_3d(matrices: np.ndarray) -> dict:
    """Per element: ``names``, ``kind`` (0 Id, 1 rotation, 2 Inv, 3 mirror, 4 rotoreflection),
    ``improper``, ``axis`` ``(|P|, 3)``, ``angle`` (degrees) and ``sort_keys``; and the
    group's ``schoenflies`` name."""
    mats = np.asarray(matrices, dtype=float)
    names, kinds, keys, axes, angles, improper = [], [], [], [], [], []
    for w in mats:
        imp, n, phi = _axis_angle(w)
        axis_key, axis_text = _integer_axis(n)
        if not imp and abs(phi) < _TOL:
            kind, name = 0, "Id"
        elif not imp:
            kind, name = 1, f"Rot({format_angle(phi)}){axis_text}"
        elif abs(phi - 180) < _TOL:
            kind, name = 2, "Inv"
        elif abs(phi) < _TOL:
            kind, name = 3, f"Refl{axis_text}"
        else:
            kind, name = 4, f"S({format_angle(phi)}){axis_text}"
        names.append(name)
        kinds.append(kind)
        keys.append((kind, round(abs(phi), 4), axis_key if kind not in (0, 2) else (), phi < 0))
        axes.append(n)
        angles.append(phi)
        improper.append(imp)
    info = {
        "names": names,
        "kind": np.array(kinds),
        "improper": np.array(improper, dtype=bool),
        "axis": np.array(axes).reshape(-1, 3),
        "angle": np.array(angles),
        "sort_keys": keys,
    }
    info["schoenflies"] = _schoenflies_name(_kind_codes(info))
    return info


def sort_key_3d(matrices: np.ndarray) -> list[int]:
    """Canonical element order (see the module docstring)."""
    keys = describe_3d(matrices)["sort_keys"]
    return sorted(range(len(keys)), key=lambda e: keys[e])


def _kind_codes(info: dict) -> np.ndarray:
    """Per element: index into the _SIGNATURES counts (-1: identity, -2: non-crystallographic)."""
    codes = np.full(len(info["kind"]), -2)
    for e, (imp, phi) in enumerate(zip(info["improper"], np.abs(info["angle"]))):
        table = _IMPROPER_KIND if imp else _PROPER_KIND
        if not imp and phi < _TOL:
            codes[e] = -1
            continue
        for angle, code in table.items():
            if abs(phi - angle) < _TOL:
                codes[e] = code
    return codes


def _schoenflies_name(codes: np.ndarray) -> str:
    """Schoenflies name (``"Oh"``, ``"D4h"``, ...) or ``"G(order)"`` when not identified."""
    if np.any(codes == -2):
        return f"G({len(codes)})"
    counts = tuple(int(np.sum(codes == k)) for k in range(9))
    return _SIGNATURES.get(counts, f"G({len(codes)})")


def _first(info: dict, kind: int, angle: float, keep=None) -> int | None:
    """First element (element order) of ``kind`` with ``|φ| = angle`` whose axis passes
    ``keep``, preferring Cartesian axes (parallel to a coordinate axis)."""
    hits = [
        e
        for e in range(len(info["kind"]))
        if info["kind"][e] == kind
        and abs(abs(info["angle"][e]) - angle) < _TOL
        and (keep is None or keep(info["axis"][e]))
    ]
    cartesian = [e for e in hits if int(np.sum(np.abs(info["axis"][e]) > _TOL)) == 1]
    return (cartesian or hits or [None])[0]


def _perpendicular_to(info: dict, e: int):
    axis = info["axis"][e]
    return lambda a: abs(a @ axis) < _TOL


# group: (element deciding A/B, element deciding 1/2), as (kind, |φ|) with "perp" = a
# 2-fold axis perpendicular to / a mirror containing the principal axis
_RULES = {
    "O": (None, (1, 90)),
    "Td": (None, (4, 90)),
    "D4": ((1, 90), (1, 180, "perp")),
    "D2d": ((4, 90), (1, 180, "perp")),
    "C4v": ((1, 90), (3, 0, "perp")),
    "D6": ((1, 60), (1, 180, "perp")),
    "D3": ((1, 120), (1, 180, "perp")),
    "D3d": ((1, 120), (1, 180, "perp")),
    "C3v": ((1, 120), (3, 0, "perp")),
    "C2v": ((1, 180), (3, 0, "perp")),
    "C2": ((1, 180), None),
    "C2h": ((1, 180), None),
    "Ci": (None, None),
    "C1": (None, None),
}


def mulliken_labels_3d(info: dict, table: np.ndarray) -> tuple[str, ...]:
    """Labels of the rows of the full character table ``(n_irreps, |P|)`` (see module doc).

    ``info`` is :func:`describe_3d` of the group's matrices.
    """
    name = info["schoenflies"]
    table = np.asarray(table)
    chi = np.real(table)
    dims = np.rint(chi[:, 0]).astype(int)
    inv = np.flatnonzero(info["kind"] == 2)
    parity = [""] * len(chi)
    if inv.size:
        parity = ["g" if chi[r, inv[0]] > 0 else "u" for r in range(len(chi))]
    rule_name = {"Oh": "O", "D6h": "D6", "D4h": "D4", "D2h": "D2"}.get(name, name)
    complex_chars = np.any(np.abs(table.imag) > 1e-9)
    if complex_chars or (rule_name not in _RULES and rule_name not in ("D2", "Cs")):
        return tuple(f"Γ{r + 1}{parity[r]}" for r in range(len(chi)))
    if rule_name == "Cs":
        mirror = _first(info, 3, 0.0)
        return tuple("A'" if chi[r, mirror] > 0 else "A''" for r in range(len(chi)))
    if rule_name == "D2":
        c2 = [e for e in range(len(chi[0])) if info["kind"][e] == 1]  # x, y, z (element order)
        labels = []
        for r in range(len(chi)):
            even = [chi[r, e] > 0 for e in c2]
            labels.append(("A" if all(even) else f"B{3 - even.index(True)}") + parity[r])
        return tuple(labels)
    principal_rule, secondary_rule = _RULES[rule_name]
    principal = _first(info, *principal_rule) if principal_rule else None
    secondary = None
    if secondary_rule:
        keep = _perpendicular_to(info, principal) if len(secondary_rule) == 3 else None
        secondary = _first(info, *secondary_rule[:2], keep)
    labels = []
    for r, d in enumerate(dims):
        letter = {1: "A", 2: "E", 3: "T"}.get(int(d), f"Γ{r + 1}")
        if d == 1 and principal is not None and chi[r, principal] < 0:
            letter = "B"
        if d == 2:  # E1/E2 by the sign of χ(C6) in D6(h); a single E elsewhere
            sub = "" if rule_name != "D6" else ("1" if chi[r, principal] > 0 else "2")
        else:
            sub = "" if secondary is None else ("1" if chi[r, secondary] > 0 else "2")
        labels.append(letter + sub + parity[r])
    return tuple(labels)


def matrix_product_table(matrices: np.ndarray) -> np.ndarray:
    """``(|P|, |P|)`` index of ``W_g W_h`` among ``matrices`` (which must form a group)."""
    mats = np.asarray(matrices, dtype=float)
    prods = np.einsum("gij,hjk->ghik", mats, mats).reshape(-1, 9)
    dist = np.abs(prods[:, None, :] - mats.reshape(1, -1, 9)).max(axis=-1)
    found = dist < 1e-8
    if not np.all(found.sum(axis=1) == 1):
        raise ValueError("the matrices are not closed under multiplication")
    return np.argmax(found, axis=1).reshape(len(mats), len(mats))


def point_irreps_3d(matrices: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Character table ``(n_irreps, |P|)`` (Dixon, on the regular representation) and labels.

    ``matrices[0]`` must be the identity.
    """
    table = matrix_product_table(matrices)
    inverse = np.argmax(table == 0, axis=1)
    # regular representation: element g permutes the elements x ↦ g x; p[j] = g⁻¹(x_j)
    regular = PermutationGroup(table[inverse], _trusted=True)
    by_class = dixon_character_table(regular)
    chars = by_class[:, regular.class_index]
    return chars, mulliken_labels_3d(describe_3d(matrices), chars)
