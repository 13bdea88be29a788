"""Point and space groups of 3D lattices: which ones, names, geometry, characters, NetKet."""

import numpy as np
import pytest

from nqs_explorer import graph
from nqs_explorer.group import PermutationGroup

from .test_characters import assert_character_table_identities, same_rows
from .test_netket_parity import assert_same_group_as_netket

SQRT3 = np.sqrt(3.0)
FCC = np.array([[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
HEX = np.array([[1, 0, 0], [0.5, SQRT3 / 2, 0], [0, 0, 1]])

LATTICES_3D = {
    "Grid333": lambda: graph.Grid((3, 3, 3)),
    "Grid334": lambda: graph.Grid((3, 3, 4)),
    "Grid234-obc": lambda: graph.Grid((2, 3, 4), pbc=False),
    "Grid333-TTF": lambda: graph.Grid((3, 3, 3), pbc=(True, True, False)),
    "Grid222-obc": lambda: graph.Grid((2, 2, 2), pbc=False),
    "Grid331-obc": lambda: graph.Grid((3, 3, 1), pbc=False),
    "Fcc333": lambda: graph.Lattice(FCC, (3, 3, 3)),
    "Hex333": lambda: graph.Lattice(HEX, (3, 3, 3)),
    "Diamond333": lambda: graph.Lattice(FCC, (3, 3, 3), site_offsets=[[0, 0, 0], [0.25] * 3]),
}
PARAMS = [pytest.param(k, id=k) for k in LATTICES_3D]
# space groups whose Mackey tables are cheap (periodic extents >= 3 or open axes)
SPACE_PARAMS = [
    pytest.param(k, id=k)
    for k in ("Grid333", "Grid334", "Grid234-obc", "Grid333-TTF", "Fcc333", "Hex333")
]


@pytest.mark.parametrize(
    ("lattice_id", "available", "order"),
    [
        ("Grid333", ("Oh", "O", "C1"), 48),
        ("Grid334", ("D4h", "D4", "C1"), 16),
        ("Grid234-obc", ("D2h", "D2", "C1"), 8),
        ("Grid333-TTF", ("D4h", "D4", "C1"), 16),
        ("Grid222-obc", ("Oh", "O", "C1"), 48),
        # the mirror z -> -z moves no site of a single layer: only the rotations are offered
        ("Grid331-obc", ("D4", "C1"), 8),
        ("Fcc333", ("Oh", "O", "C1"), 48),
        ("Hex333", ("D6h", "D6", "C1"), 24),
        ("Diamond333", ("Td", "T", "C1"), 24),
    ],
)
def test_available_point_groups_3d(lattice_id, available, order):
    lattice = LATTICES_3D[lattice_id]()
    assert lattice.available_point_groups() == available
    P = lattice.point_group()
    assert P.name == P.schoenflies == available[0]
    assert len(P) == order
    assert P.matrices.shape == (order, 3, 3)
    assert P.center.shape == (3,)
    rotations = lattice.point_group(available[1])
    assert np.allclose(np.linalg.det(rotations.matrices), 1.0)
    assert len(lattice.point_group("C1")) == 1


def test_point_group_names_3d():
    lattice = graph.Grid((3, 3, 3))
    assert lattice.point_group("Oh") == lattice.point_group(None)
    assert lattice.point_group("oh") == lattice.point_group()
    assert lattice.space_group("O").name == "T(3x3x3)⋊O"
    assert len(lattice.space_group("O")) == 27 * 24
    # in 3D C4v is not D4, and subgroups other than the rotations are not offered
    for name in ("D4", "C4v", "D4h"):
        with pytest.raises(
            ValueError, match=r"not a symmetry .* available point groups: Oh, O, C1"
        ):
            lattice.point_group(name)
    for name in ("X", "D5h", "C7", ""):
        with pytest.raises(ValueError, match=r"unknown point group .* known 3D point groups: C1"):
            lattice.point_group(name)
    with pytest.raises(TypeError, match="must be a str or None"):
        lattice.point_group(48)
    # 2D spellings are unchanged
    assert graph.Square(4).point_group("C4v") == graph.Square(4).point_group("D4")


def test_element_names_and_matrices_3d():
    P = graph.Grid((3, 3, 3)).point_group()
    names = P.element_names
    assert len(set(names)) == 48
    assert names[:7] == (
        "Id",
        "Rot(90°)[1,0,0]",
        "Rot(-90°)[1,0,0]",
        "Rot(90°)[0,1,0]",
        "Rot(-90°)[0,1,0]",
        "Rot(90°)[0,0,1]",
        "Rot(-90°)[0,0,1]",
    )
    assert names[24:27] == ("Inv", "Refl[1,0,0]", "Refl[0,1,0]")
    assert names[-1] == "S(-90°)[0,0,1]"
    m = dict(zip(names, P.matrices))
    np.testing.assert_allclose(m["Rot(90°)[0,0,1]"], [[0, -1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(m["Rot(120°)[1,1,1]"], [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_allclose(m["Rot(180°)[1,-1,0]"], [[0, -1, 0], [-1, 0, 0], [0, 0, -1]])
    np.testing.assert_allclose(m["Inv"], -np.eye(3))
    np.testing.assert_allclose(m["Refl[1,0,0]"], np.diag([-1.0, 1, 1]))
    np.testing.assert_allclose(m["Refl[1,1,0]"], [[0, -1, 0], [-1, 0, 0], [0, 0, 1]])
    # S(φ)[n] = Refl[n] · Rot(φ)[n]
    np.testing.assert_allclose(m["S(90°)[0,0,1]"], m["Refl[0,0,1]"] @ m["Rot(90°)[0,0,1]"])
    np.testing.assert_allclose(m["S(60°)[1,1,1]"], -m["Rot(-120°)[1,1,1]"], atol=1e-12)
    assert P.class_names == (
        "Id",
        "6 Rot(90°)[1,0,0]",
        "8 Rot(120°)[1,1,1]",
        "3 Rot(180°)[1,0,0]",
        "6 Rot(180°)[1,1,0]",
        "Inv",
        "3 Refl[1,0,0]",
        "6 Refl[1,1,0]",
        "8 S(60°)[1,1,1]",
        "6 S(90°)[1,0,0]",
    )
    # a non-integer axis is shown with decimals
    hexagonal = graph.Lattice(HEX, (3, 3, 3)).point_group()
    assert "Rot(180°)[0.866,0.5,0]" in hexagonal.element_names


@pytest.mark.parametrize("lattice_id", PARAMS)
def test_point_group_axioms_and_geometry_3d(lattice_id):
    """A group (checked from scratch), Id first, W_{gh} = W_g W_h, p[j] carried onto j."""
    lattice = LATTICES_3D[lattice_id]()
    for name in lattice.available_point_groups():
        P = lattice.point_group(name)
        generic = PermutationGroup(P.to_array())  # validates closure and identity
        np.testing.assert_array_equal(generic.multiplication_table, P.multiplication_table)
        assert P.element_names[0] == "Id"
        np.testing.assert_allclose(P.matrices[0], np.eye(3))
        table = P.multiplication_table
        products = np.einsum("gij,hjk->ghik", P.matrices, P.matrices)
        np.testing.assert_allclose(P.matrices[table], products, atol=1e-12)
        assert np.all(table[np.arange(len(P)), P.inverse] == 0)
        inv = np.linalg.inv(lattice.basis_vectors)
        period = np.where(lattice.pbc, lattice.extent, 0)
        for perm, w in zip(P.to_array(), P.matrices):
            np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-12)
            image = (lattice.positions[perm] - P.center) @ w.T + P.center
            diff = (image - lattice.positions) @ inv
            wrapped = np.where(
                period > 0, diff - np.round(diff / np.maximum(period, 1)) * period, diff
            )
            np.testing.assert_allclose(wrapped, 0, atol=1e-9)


@pytest.mark.parametrize("lattice_id", PARAMS)
def test_point_group_character_tables_3d(lattice_id):
    lattice = LATTICES_3D[lattice_id]()
    for name in lattice.available_point_groups():
        assert_character_table_identities(lattice.point_group(name))


@pytest.mark.parametrize("lattice_id", SPACE_PARAMS)
def test_space_group_character_tables_3d(lattice_id):
    """Mackey tables: orthogonal, complete, and equal to the generic Dixon table."""
    S = LATTICES_3D[lattice_id]().space_group()
    assert_character_table_identities(S)
    generic = PermutationGroup(S.to_array())
    assert same_rows(S.character_table(), generic.character_table())
    np.testing.assert_array_equal(S.irrep_dims, generic.irrep_dims)


def _textbook_check(P, classes, rows):
    """Characters of ``P`` on the named elements equal the textbook rows, label by label."""
    idx = [P.element_names.index(name) for name in classes]
    sizes = [int(P.class_sizes[P.class_index[i]]) for i in idx]
    assert sorted(sizes) == sorted(P.class_sizes.tolist())
    table = P.character_table()[:, idx]
    assert set(P.irrep_labels) == set(rows)
    for label, row in zip(P.irrep_labels, table):
        np.testing.assert_allclose(row, rows[label], atol=1e-12, err_msg=label)


def _with_parity(gerade: dict, n_proper: int) -> dict:
    """g rows → g and u rows (χ_u = -χ_g on the improper half of the classes)."""
    out = {}
    for label, row in gerade.items():
        sign = np.r_[np.ones(n_proper), -np.ones(len(row) - n_proper)]
        out[label + "g"] = np.asarray(row, float)
        out[label + "u"] = np.asarray(row, float) * sign
    return out


def test_oh_textbook_table():
    P = graph.Grid((3, 3, 3)).point_group()
    # E, 8C3, 6C2, 6C4, 3C2=C4², i, 6S4, 8S6, 3σh, 6σd
    classes = (
        "Id",
        "Rot(120°)[1,1,1]",
        "Rot(180°)[1,1,0]",
        "Rot(90°)[0,0,1]",
        "Rot(180°)[0,0,1]",
        "Inv",
        "S(90°)[0,0,1]",
        "S(60°)[1,1,1]",
        "Refl[0,0,1]",
        "Refl[1,1,0]",
    )
    gerade = {
        "A1": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        "A2": [1, 1, -1, -1, 1, 1, -1, 1, 1, -1],
        "E": [2, -1, 0, 0, 2, 2, 0, -1, 2, 0],
        "T1": [3, 0, -1, 1, -1, 3, 1, 0, -1, -1],
        "T2": [3, 0, 1, -1, -1, 3, -1, 0, -1, 1],
    }
    _textbook_check(P, classes, _with_parity(gerade, 5))
    assert P.irrep_labels[0] == "A1g"
    rotations = graph.Grid((3, 3, 3)).point_group("O")
    proper = {k: v[:5] for k, v in gerade.items()}
    _textbook_check(rotations, classes[:5], proper)


@pytest.mark.parametrize("lattice_id", ["Grid334", "Grid333-TTF"])
def test_d4h_textbook_table(lattice_id):
    P = LATTICES_3D[lattice_id]().point_group()
    # E, 2C4, C2, 2C2' (lattice axes), 2C2'', i, 2S4, σh, 2σv, 2σd
    classes = (
        "Id",
        "Rot(90°)[0,0,1]",
        "Rot(180°)[0,0,1]",
        "Rot(180°)[1,0,0]",
        "Rot(180°)[1,1,0]",
        "Inv",
        "S(90°)[0,0,1]",
        "Refl[0,0,1]",
        "Refl[1,0,0]",
        "Refl[1,1,0]",
    )
    gerade = {
        "A1": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        "A2": [1, 1, 1, -1, -1, 1, 1, 1, -1, -1],
        "B1": [1, -1, 1, 1, -1, 1, -1, 1, 1, -1],
        "B2": [1, -1, 1, -1, 1, 1, -1, 1, -1, 1],
        "E": [2, 0, -2, 0, 0, 2, 0, -2, 0, 0],
    }
    _textbook_check(P, classes, _with_parity(gerade, 5))
    D4 = LATTICES_3D[lattice_id]().point_group("D4")
    _textbook_check(D4, classes[:5], {k: v[:5] for k, v in gerade.items()})


def test_d2h_textbook_table():
    P = graph.Grid((2, 3, 4), pbc=False).point_group()
    # E, C2z, C2y, C2x, i, σxy, σxz, σyz
    classes = (
        "Id",
        "Rot(180°)[0,0,1]",
        "Rot(180°)[0,1,0]",
        "Rot(180°)[1,0,0]",
        "Inv",
        "Refl[0,0,1]",
        "Refl[0,1,0]",
        "Refl[1,0,0]",
    )
    gerade = {
        "A": [1, 1, 1, 1, 1, 1, 1, 1],
        "B1": [1, 1, -1, -1, 1, 1, -1, -1],
        "B2": [1, -1, 1, -1, 1, -1, 1, -1],
        "B3": [1, -1, -1, 1, 1, -1, -1, 1],
    }
    _textbook_check(P, classes, _with_parity(gerade, 4))
    D2 = graph.Grid((2, 3, 4), pbc=False).point_group("D2")
    _textbook_check(D2, classes[:4], {k: v[:4] for k, v in gerade.items()})


def test_generic_labels_and_d6h():
    hexagonal = graph.Lattice(HEX, (3, 3, 3)).point_group()
    labels = set(hexagonal.irrep_labels)
    assert labels == {f"{x}{p}" for x in ("A1", "A2", "B1", "B2", "E1", "E2") for p in "gu"}
    # the weird basis only has the inversion: Ci
    skew = graph.Lattice([[1, 0.1, 0], [0.3, 1.2, 0], [0.2, 0, 0.9]], (3, 3, 3))
    assert skew.available_point_groups() == ("Ci", "C1")
    assert skew.point_group().irrep_labels == ("Ag", "Au")


def test_space_group_3d_structure_and_labels():
    lattice = graph.Grid((3, 3, 3))
    S = lattice.space_group()
    assert len(S) == 1296
    assert S.name == "T(3x3x3)⋊Oh"
    assert S.irrep_labels[0] == "k=(0,0,0) A1g"
    # stars of the 3x3x3 cube: Γ (Oh), Δ (C4v), Σ (C2v), Λ (C3v)
    assert set(S.irrep_labels) >= {
        "k=(0,0,0) T2u",
        "k=(1/3,0,0) B2",
        "k=(1/3,0,0) E",
        "k=(1/3,1/3,0) B1",
        "k=(1/3,1/3,1/3) E",
    }
    assert S.n_irreps == 22
    dims = dict(zip(S.irrep_labels, S.irrep_dims.tolist()))
    assert dims["k=(1/3,0,0) E"] == 12  # 6 momenta in the star × dim 2
    assert dims["k=(1/3,1/3,1/3) A2"] == 8


def test_periodic_extent_two_is_refused_for_the_space_group():
    with pytest.warns(UserWarning, match="extent 2"):
        lattice = graph.Grid((2, 2, 2))
    assert len(lattice.point_group()) == 48
    with pytest.raises(ValueError, match="does not act faithfully"):
        lattice.space_group()


NETKET_CASES = [
    pytest.param((3, 3, 3), True, id="Grid333"),
    pytest.param((3, 3, 4), True, id="Grid334"),
    pytest.param((2, 3, 4), False, id="Grid234-obc"),
    pytest.param((3, 3, 3), (True, True, False), id="Grid333-TTF"),
]


@pytest.mark.netket
@pytest.mark.parametrize(("extent", "pbc"), NETKET_CASES)
@pytest.mark.parametrize("group", ["point_group", "space_group"])
def test_3d_groups_match_netket(extent, pbc, group):
    nk = pytest.importorskip("netket")
    ours = getattr(graph.Grid(extent, pbc=pbc), group)()
    nk_pbc = list(pbc) if isinstance(pbc, tuple) else pbc
    theirs = getattr(nk.graph.Grid(list(extent), pbc=nk_pbc), group)()
    assert_same_group_as_netket(ours, theirs)


@pytest.mark.netket
def test_hypercube_space_group_matches_netket():
    nk = pytest.importorskip("netket")
    theirs = np.asarray(nk.graph.Hypercube(3, n_dim=3).space_group())
    ours = graph.Grid((3, 3, 3)).space_group().to_array()
    assert {tuple(p) for p in theirs.tolist()} == {tuple(p) for p in ours.tolist()}
