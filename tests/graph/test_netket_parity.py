"""Same geometry, numbering and bonds as NetKet (so checkpoints and plots transfer)."""

import numpy as np
import pytest

from nqs_explorer import graph

CASES = [
    pytest.param("Chain", (5,), True, id="Chain5-pbc"),
    pytest.param("Chain", (4,), False, id="Chain4-obc"),
    pytest.param("Square", (4,), True, id="Square4-pbc"),
    pytest.param("Square", (3,), False, id="Square3-obc"),
    pytest.param("Grid", ((3, 4),), (True, False), id="Grid3x4-mixed"),
    pytest.param("Triangular", ((3, 4),), True, id="Tri3x4-pbc"),
    pytest.param("Triangular", ((3, 3),), False, id="Tri3-obc"),
    pytest.param("Honeycomb", ((3, 3),), True, id="Honey3-pbc"),
    pytest.param("Honeycomb", ((3, 4),), (False, True), id="Honey3x4-mixed"),
    pytest.param("Kagome", ((3, 3),), True, id="Kagome3-pbc"),
    pytest.param("Kagome", ((2, 3),), False, id="Kagome2x3-obc"),
]


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args", "pbc"), CASES)
def test_lattice_matches_netket(kind, args, pbc):
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args, pbc=pbc)
    theirs = getattr(nk.graph, kind)(*args, pbc=pbc)
    assert ours.n_nodes == theirs.n_nodes
    np.testing.assert_allclose(ours.positions, theirs.positions, atol=1e-12)
    np.testing.assert_allclose(ours.basis_vectors, theirs.basis_vectors, atol=1e-12)
    np.testing.assert_array_equal(ours.cell_coords, theirs.basis_coords[:, :-1])
    np.testing.assert_array_equal(ours.sublattice, theirs.basis_coords[:, -1])
    for order in (1, 2, 3):
        ref = nk.graph.Lattice(
            basis_vectors=theirs.basis_vectors,
            extent=theirs.extent,
            pbc=[bool(p) for p in theirs.pbc],
            site_offsets=theirs.site_offsets,
            max_neighbor_order=order,
        )
        expected = sorted(
            {
                tuple(sorted(map(int, e)))
                for e, c in zip(ref.edges(), ref.edge_colors)
                if c == order - 1
            }
        )
        assert [tuple(e) for e in ours.edges(order).tolist()] == expected, f"order {order}"


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args", "pbc"), CASES)
@pytest.mark.parametrize("max_order", [1, 2])
def test_graph_names_match_netket(kind, args, pbc, max_order):
    """n_edges, edges with colors, nodes, adjacency_list, distances, is_connected,
    is_bipartite and basis_coords are NetKet's (max_neighbor_order= as in NetKet)."""
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args, pbc=pbc, max_neighbor_order=max_order)
    theirs = getattr(nk.graph, kind)(*args, pbc=pbc, max_neighbor_order=max_order)
    assert ours.n_edges == theirs.n_edges
    expected = sorted((min(i, j), max(i, j), c) for i, j, c in theirs.edges(return_color=True))
    assert [tuple(e) for e in ours.edges(return_color=True).tolist()] == expected
    for color in range(max_order):
        assert sorted(map(tuple, ours.edges(filter_color=color).tolist())) == sorted(
            (min(i, j), max(i, j)) for i, j in theirs.edges(filter_color=color)
        )
    assert list(ours.nodes()) == list(theirs.nodes())
    assert ours.adjacency_list() == [sorted(a) for a in theirs.adjacency_list()]
    np.testing.assert_array_equal(ours.distances(), theirs.distances())
    assert ours.distances().dtype == np.asarray(theirs.distances()).dtype
    assert ours.is_connected() == theirs.is_connected()
    assert ours.is_bipartite() == theirs.is_bipartite()
    np.testing.assert_array_equal(ours.basis_coords, theirs.basis_coords)


@pytest.mark.netket
def test_disconnected_distances_match_netket():
    nk = pytest.importorskip("netket")
    basis = np.diag([1.0, 5.0])
    ours = graph.Lattice(basis, extent=(3, 2), pbc=False)
    theirs = nk.graph.Lattice(basis_vectors=basis, extent=[3, 2], pbc=False)
    assert ours.is_connected() == theirs.is_connected() is False
    np.testing.assert_array_equal(ours.distances(), theirs.distances())


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args", "pbc"), CASES)
def test_site_lookup_matches_netket(kind, args, pbc):
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args, pbc=pbc)
    theirs = getattr(nk.graph, kind)(*args, pbc=pbc)
    rng = np.random.default_rng(0)
    ids = rng.integers(ours.n_nodes, size=7)
    shift = np.where(ours.pbc, ours.extent, 0) * rng.integers(-2, 3, size=ours.ndim)
    positions = theirs.positions[ids] + shift @ ours.basis_vectors  # periodic images
    np.testing.assert_array_equal(
        ours.id_from_position(positions), theirs.id_from_position(positions)
    )
    assert ours.id_from_position(positions[0]) == theirs.id_from_position(positions[0])
    coords = theirs.basis_coords[ids]
    np.testing.assert_array_equal(
        ours.id_from_basis_coords(coords), theirs.id_from_basis_coords(coords)
    )
    assert ours.id_from_basis_coords(coords[0]) == theirs.id_from_basis_coords(coords[0])
    with pytest.raises(ValueError):
        ours.id_from_position(positions[0] + 0.3)
    with pytest.raises(Exception, match="valid lattice site"):
        theirs.id_from_position(positions[0] + 0.3)


@pytest.mark.netket
@pytest.mark.parametrize(
    ("kind", "args", "pbc", "dim"),
    [
        ("Square", (4,), True, 0),
        ("Square", (4,), True, (1,)),
        ("Grid", ((3, 4),), (True, False), (0, 1)),
        ("Grid", ((3, 4),), (True, False), 1),
        ("Honeycomb", ((3, 4),), True, 1),
        ("Kagome", ((3, 3),), True, None),
    ],
)
def test_translation_group_dim_matches_netket(kind, args, pbc, dim):
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args, pbc=pbc).translation_group(dim)
    theirs = getattr(nk.graph, kind)(*args, pbc=pbc).translation_group(dim)
    np.testing.assert_array_equal(ours.to_array(), np.asarray(theirs.to_array()))  # same order


@pytest.mark.netket
@pytest.mark.parametrize(
    ("kind", "args", "ours_name", "nk_point_group"),
    [
        ("Square", (4,), "C4", lambda nk: nk.utils.group.planar.C(4)),
        ("Square", (4,), "D2", lambda nk: nk.utils.group.planar.D(2)),
        ("Triangular", ((3, 3),), "C6", lambda nk: nk.utils.group.planar.C(6)),
    ],
)
def test_point_group_keyword_matches_netket(kind, args, ours_name, nk_point_group):
    """The constructor's point_group= is the default of point_group()/space_group()."""
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args, point_group=ours_name)
    theirs = getattr(nk.graph, kind)(*args, point_group=nk_point_group(nk))
    for method in ("point_group", "space_group"):
        mine = getattr(ours, method)()
        ref = np.asarray(getattr(theirs, method)().to_array())
        assert len(mine) == len(ref)
        assert {tuple(p) for p in mine.to_array().tolist()} == {tuple(p) for p in ref.tolist()}
