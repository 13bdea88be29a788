"""Lattices: geometry, numbering, bonds, bad input and warnings."""

import warnings

import numpy as np
import pytest

from nqs_explorer import graph

SQRT3 = 3**0.5


def test_square_numbering_and_positions():
    L = 4
    g = graph.Square(L)
    assert g.kind == "Square"
    assert g.n_nodes == L * L
    assert g.ndim == 2
    assert g.extent == (L, L)
    assert g.pbc == (True, True)
    for x in range(L):
        for y in range(L):
            np.testing.assert_array_equal(g.positions[x * L + y], [x, y])
            np.testing.assert_array_equal(g.cell_coords[x * L + y], [x, y])
    assert np.all(g.sublattice == 0)


@pytest.mark.parametrize(
    ("make", "n_sub", "first_positions"),
    [
        pytest.param(lambda: graph.Triangular((3, 3)), 1, [[0, 0], [0.5, SQRT3 / 2]], id="Tri"),
        pytest.param(
            lambda: graph.Honeycomb((3, 3)), 2, [[0.5, 0.5 / SQRT3], [1, 1 / SQRT3]], id="Honey"
        ),
        pytest.param(
            lambda: graph.Kagome((3, 3)),
            3,
            [[0.5, 0], [0.25, SQRT3 / 4], [0.75, SQRT3 / 4]],
            id="Kagome",
        ),
    ],
)
def test_hexagonal_geometry(make, n_sub, first_positions):
    g = make()
    np.testing.assert_allclose(g.basis_vectors, [[1, 0], [0.5, SQRT3 / 2]])
    assert g.n_sublattices == n_sub
    assert g.n_nodes == 9 * n_sub
    np.testing.assert_allclose(g.positions[: len(first_positions)], first_positions)
    # sublattice fastest, cells row-major
    assert g.sublattice[:n_sub].tolist() == list(range(n_sub))
    np.testing.assert_array_equal(g.cell_coords[n_sub], [0, 1])
    expected = g.cell_coords @ g.basis_vectors + g.site_offsets[g.sublattice]
    np.testing.assert_allclose(g.positions, expected)


def test_reciprocal_vectors():
    g = graph.Kagome((3, 3))
    np.testing.assert_allclose(
        g.basis_vectors @ g.reciprocal_vectors.T, 2 * np.pi * np.eye(2), atol=1e-14
    )


def test_arrays_are_read_only():
    g = graph.Square(3)
    for arr in (g.positions, g.basis_vectors, g.cell_coords, g.sublattice, g.edges()):
        with pytest.raises(ValueError):
            arr[0] = 0


@pytest.mark.parametrize(
    ("make", "coordination", "distance"),
    [
        pytest.param(lambda: graph.Chain(5), 2, 1.0, id="Chain"),
        pytest.param(lambda: graph.Square(4), 4, 1.0, id="Square"),
        pytest.param(lambda: graph.Grid((3, 4, 3)), 6, 1.0, id="Cubic"),
        pytest.param(lambda: graph.Triangular((3, 3)), 6, 1.0, id="Triangular"),
        pytest.param(lambda: graph.Honeycomb((3, 3)), 3, 1 / SQRT3, id="Honeycomb"),
        pytest.param(lambda: graph.Kagome((3, 3)), 4, 0.5, id="Kagome"),
    ],
)
def test_nearest_neighbours(make, coordination, distance):
    g = make()
    edges, disp = g.bond_vectors()
    assert np.all(edges[:, 0] < edges[:, 1])
    assert edges.tolist() == sorted(edges.tolist())
    degree = np.bincount(edges.ravel(), minlength=g.n_nodes)
    assert np.all(degree == coordination)
    np.testing.assert_allclose(np.linalg.norm(disp, axis=1), distance, atol=1e-12)
    np.testing.assert_array_equal(g.edges(), edges)


def test_chain_edges_and_wrapping():
    g = graph.Chain(4)
    edges, disp = g.bond_vectors()
    assert edges.tolist() == [[0, 1], [0, 3], [1, 2], [2, 3]]
    # the bond 0-3 wraps around: displacement -1, not +3
    np.testing.assert_allclose(disp[:, 0], [1, -1, 1, 1])
    wraps = ~np.all(np.isclose(g.positions[edges[:, 0]] + disp, g.positions[edges[:, 1]]), axis=1)
    assert wraps.tolist() == [False, True, False, False]
    assert graph.Chain(4, pbc=False).edges().tolist() == [[0, 1], [1, 2], [2, 3]]


def test_further_neighbours():
    g = graph.Square(5)
    e2, d2 = g.bond_vectors(order=2)
    np.testing.assert_allclose(np.linalg.norm(d2, axis=1), 2**0.5)
    assert len(e2) == 2 * 25
    e3 = graph.Triangular((4, 4)).bond_vectors(3)[1]
    np.testing.assert_allclose(np.linalg.norm(e3, axis=1), 2.0)
    assert len(graph.Square(3, pbc=False).edges(2)) == 8
    with pytest.raises(ValueError, match="order must be a positive integer"):
        g.edges(0)


def test_open_lattice_bonds_do_not_wrap():
    g = graph.Honeycomb((3, 2), pbc=False)
    edges, disp = g.bond_vectors()
    np.testing.assert_allclose(g.positions[edges[:, 0]] + disp, g.positions[edges[:, 1]])
    assert len(edges) == 3 * 3 * 2 - 3 - 2  # open L1 x L2 honeycomb: 3 L1 L2 - L1 - L2 bonds


def test_grid_alias_and_mixed_pbc():
    assert graph.Rectangle is graph.Grid
    g = graph.Grid((3, 4), pbc=(True, False))
    assert g.pbc == (True, False)
    assert g.kind == "Grid"
    degree = np.bincount(g.edges().ravel(), minlength=12)
    assert sorted(set(degree.tolist())) == [3, 4]


def test_generic_lattice():
    g = graph.Lattice([[1.0, 0.0], [0.0, 2.0]], extent=(3, 3), site_offsets=[[0, 0], [0.5, 0]])
    assert g.kind == "Lattice"
    assert g.n_nodes == 18
    assert repr(g) == "Lattice(extent=(3, 3), pbc=True, n_nodes=18)"
    assert g.point_group().name == "D2"


def test_equality_and_hash():
    assert graph.Square(3) == graph.Square(3)
    assert hash(graph.Square(3)) == hash(graph.Square(3))
    assert graph.Square(3) != graph.Square(3, pbc=False)
    assert graph.Square(3) != graph.Grid((3, 3))  # a different kind


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("make", "match"),
    [
        pytest.param(lambda: graph.Square(0), r"axis 0 must be an integer >= 1, got 0", id="zero"),
        pytest.param(lambda: graph.Chain(-2), "integer >= 1", id="negative"),
        pytest.param(lambda: graph.Chain(2.5), r"integer >= 1, got 2\.5", id="float"),
        pytest.param(lambda: graph.Chain(True), "integer >= 1", id="bool"),
        pytest.param(lambda: graph.Grid((3, "4")), "axis 1 must be an integer", id="str"),
        pytest.param(lambda: graph.Triangular((3, 3, 3)), "extent with 2 entries", id="3-axes"),
        pytest.param(lambda: graph.Kagome((3,)), "extent with 2 entries", id="1-axis"),
        pytest.param(lambda: graph.Grid(3), "one extent per axis", id="grid-int"),
        pytest.param(lambda: graph.Grid(()), "at least one axis", id="grid-empty"),
        pytest.param(
            lambda: graph.Grid((3, 3), pbc=(True,)), "sequence of 2 bools", id="pbc-length"
        ),
        pytest.param(lambda: graph.Square(3, pbc="yes"), "sequence of 2 bools", id="pbc-str"),
        pytest.param(
            lambda: graph.Lattice([[1, 0], [2, 0]], (3, 3)), "linearly independent", id="basis"
        ),
        pytest.param(
            lambda: graph.Lattice(np.eye(2), (3, 3), site_offsets=[[0, 0], [1, 0]]),
            "same site",
            id="offsets",
        ),
    ],
)
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: graph.Chain(1), id="Chain1"),
        pytest.param(lambda: graph.Chain(2), id="Chain2"),
        pytest.param(lambda: graph.Square(2), id="Square2"),
        pytest.param(lambda: graph.Triangular((3, 2)), id="Tri3x2"),
        pytest.param(lambda: graph.Grid((4, 2), pbc=(False, True)), id="Grid-mixed"),
    ],
)
def test_small_periodic_extent_warns(make):
    with pytest.warns(UserWarning, match="periodic axis .* neighbours coincide"):
        make()


def test_no_warning_for_open_small_or_periodic_three():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph.Chain(2, pbc=False)
        graph.Grid((4, 2), pbc=(True, False))
        graph.Square(3)


def test_periodic_extent_one_has_no_self_bonds():
    with pytest.warns(UserWarning, match="extent 1"):
        g = graph.Grid((1, 3))
    edges = g.edges()
    assert np.all(edges[:, 0] != edges[:, 1])
    assert edges.tolist() == [[0, 1], [0, 2], [1, 2]]
