"""Point groups of finite lattices: which ones exist, their geometry, names and errors."""

import numpy as np
import pytest

from nqs_explorer import graph

from ._cases import GROUP_PARAMS, LATTICES, make_group


@pytest.mark.parametrize(
    ("lattice_id", "available"),
    [
        pytest.param("Chain6-pbc", ("D1", "C1"), id="Chain6-pbc"),
        pytest.param("Chain5-obc", ("D1", "C1"), id="Chain5-obc"),
        pytest.param("Square4-pbc", ("D4", "D2", "C4", "D1", "C2", "C1"), id="Square4-pbc"),
        pytest.param("Square3-obc", ("D4", "D2", "C4", "D1", "C2", "C1"), id="Square3-obc"),
        pytest.param("Grid3x4-pbc", ("D2", "D1", "C2", "C1"), id="Grid3x4-pbc"),
        pytest.param("Grid3x4-mixed", ("D2", "D1", "C2", "C1"), id="Grid3x4-mixed"),
        pytest.param(
            "Triangular3-pbc", ("D6", "D3", "C6", "D2", "C3", "D1", "C2", "C1"), id="Tri3-pbc"
        ),
        pytest.param("Triangular3x4-pbc", ("C2", "C1"), id="Tri3x4-pbc"),
        pytest.param("Triangular3-obc", ("D2", "D1", "C2", "C1"), id="Tri3-obc"),
        pytest.param(
            "Honeycomb3-pbc", ("D6", "D3", "C6", "D2", "C3", "D1", "C2", "C1"), id="Honey3-pbc"
        ),
        pytest.param(
            "Kagome3-pbc", ("D6", "D3", "C6", "D2", "C3", "D1", "C2", "C1"), id="Kagome3-pbc"
        ),
    ],
)
def test_available_point_groups(lattice_id, available):
    lattice = LATTICES[lattice_id]()
    assert lattice.available_point_groups() == available
    assert lattice.point_group().name == available[0]
    assert len(lattice.point_group()) == {"C": 1, "D": 2}[available[0][0]] * int(available[0][1:])


def test_point_group_not_a_symmetry_names_the_available_ones():
    g = graph.Triangular((3, 4))
    with pytest.raises(
        ValueError, match=r"'D6' is not a symmetry .* available point groups: C2, C1"
    ):
        g.point_group("D6")
    with pytest.raises(ValueError, match="not a symmetry"):
        g.space_group("C6v")


@pytest.mark.parametrize("name", ["D5", "X", "D4v", "C7", ""])
def test_unknown_point_group_name(name):
    with pytest.raises(ValueError, match=r"unknown point group .* known point groups: C1, C2"):
        graph.Square(4).point_group(name)


def test_point_group_name_type():
    with pytest.raises(TypeError, match="must be a str or None"):
        graph.Square(4).point_group(4)


@pytest.mark.parametrize(
    ("a", "b"), [("D4", "C4v"), ("D4", "d4"), ("D1", "Cs"), ("D2", "C2v"), ("D1", "C1v")]
)
def test_point_group_spellings(a, b):
    lattice = graph.Square(4)
    assert lattice.point_group(a) == lattice.point_group(b)


def test_element_names_and_matrices():
    P = graph.Square(4).point_group()
    assert P.element_names == (
        "Id",
        "Rot(90°)",
        "Rot(180°)",
        "Rot(-90°)",
        "Refl(0°)",
        "Refl(45°)",
        "Refl(90°)",
        "Refl(135°)",
    )
    np.testing.assert_allclose(P.matrices[1], [[0, -1], [1, 0]], atol=1e-12)
    np.testing.assert_allclose(P.matrices[5], [[0, 1], [1, 0]], atol=1e-12)
    assert graph.Triangular((3, 3)).point_group().element_names[-1] == "Refl(150°)"


def test_open_lattice_center_is_centroid():
    np.testing.assert_allclose(graph.Square(3, pbc=False).point_group().center, [1, 1])
    np.testing.assert_allclose(graph.Square(4, pbc=False).point_group().center, [1.5, 1.5])
    np.testing.assert_allclose(graph.Chain(4, pbc=False).point_group().center, [1.5])


@pytest.mark.parametrize("lattice_id", list(LATTICES))
def test_operations_are_isometries_about_the_center(lattice_id):
    """Site p[j] is carried by W(r - c) + c onto site j (modulo the periodic box)."""
    lattice = LATTICES[lattice_id]()
    P = lattice.point_group()
    basis = lattice.basis_vectors
    inv = np.linalg.inv(basis)
    period = np.where(lattice.pbc, lattice.extent, 0)
    for perm, w in zip(P.to_array(), P.matrices):
        image = (lattice.positions[perm] - P.center) @ w.T + P.center
        diff = (image - lattice.positions) @ inv  # in cell units
        # along periodic axes the difference is a multiple of the extent, zero otherwise
        wrapped = np.where(period > 0, diff - np.round(diff / np.maximum(period, 1)) * period, diff)
        np.testing.assert_allclose(wrapped, 0, atol=1e-9)
    table = P.multiplication_table
    for g in range(len(P)):
        for h in range(len(P)):
            np.testing.assert_allclose(
                P.matrices[table[g, h]], P.matrices[g] @ P.matrices[h], atol=1e-12
            )


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_groups_preserve_the_bonds(lattice_id, kind):
    lattice = LATTICES[lattice_id]()
    G = make_group(lattice_id, kind)
    for order in (1, 2):
        edges = {tuple(e) for e in lattice.edges(order).tolist()}
        for perm in G.to_array():
            mapped = {tuple(sorted((int(perm[i]), int(perm[j])))) for i, j in edges}
            assert mapped == edges


def test_space_group_structure():
    lattice = graph.Honeycomb((3, 3))
    S, T, P = lattice.space_group(), lattice.translation_group(), lattice.point_group()
    assert len(S) == len(T) * len(P)
    assert S.translation_group == T
    assert S.point_group == P
    perms = S.to_array()
    for t in (0, 4):
        for p in (0, 3, 7):
            assert np.array_equal(perms[t * len(P) + p], P.to_array()[p][T.to_array()[t]])
    assert S.element_names[4 * len(P) + 1] == f"{T.element_names[4]}·{P.element_names[1]}"
    assert S.name == "T(3x3)⋊D6"


def test_space_group_of_open_lattice_is_point_group():
    lattice = graph.Square(3, pbc=False)
    assert len(lattice.translation_group()) == 1
    assert len(lattice.space_group()) == 8
    assert lattice.space_group().irrep_labels[0] == "k=(0,0) A1"


def test_groups_are_cached_on_the_lattice():
    lattice = graph.Square(4)
    assert lattice.space_group() is lattice.space_group()
    assert lattice.point_group("D2") is lattice.point_group("D2")
