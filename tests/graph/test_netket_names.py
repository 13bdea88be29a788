"""The lattice names NetKet users reach for, checked without NetKet (exact small cases)."""

import numpy as np
import pytest

from nqs_explorer import graph


def test_counts_nodes_and_basis_coords():
    g = graph.Kagome((3, 4))
    assert g.n_edges == len(g.edges()) == 72  # every kagome site has 4 bonds: 36 * 4 / 2
    assert list(g.nodes()) == list(range(36))
    assert g.basis_coords.shape == (36, 3)
    np.testing.assert_array_equal(g.basis_coords[:, :2], g.cell_coords)
    np.testing.assert_array_equal(g.basis_coords[:, 2], g.sublattice)
    assert not g.basis_coords.flags.writeable


def test_max_neighbor_order_and_colors():
    g = graph.Square(4, max_neighbor_order=3)
    assert g.max_neighbor_order == 3
    colored = g.edges(return_color=True)
    # shell 3 (distance 2) on L=4: the images +2 and -2 coincide, so 16 distinct pairs
    assert colored.shape == (32 + 32 + 16, 3)
    for order in (1, 2, 3):
        np.testing.assert_array_equal(g.edges(filter_color=order - 1), g.edges(order))
        np.testing.assert_array_equal(
            colored[colored[:, 2] == order - 1, :2], g.bond_vectors(order)[0]
        )
    assert len(g.edges(filter_color=3)) == 0
    np.testing.assert_array_equal(g.edge_colors, colored[:, 2])
    assert g.n_edges == 80
    # default: nearest neighbours only, as before
    np.testing.assert_array_equal(graph.Square(4).edges(), g.edges(1))
    assert graph.Square(4).n_edges == 32
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_neighbor_order must be a positive integer"):
            graph.Chain(4, max_neighbor_order=bad)


def test_adjacency_distances_connectivity_bipartiteness():
    chain = graph.Chain(6)
    assert chain.adjacency_list()[0] == [1, 5]
    d = chain.distances()
    assert d.dtype == np.int64
    np.testing.assert_array_equal(d[0], [0, 1, 2, 3, 2, 1])
    assert chain.is_connected()
    assert chain.is_bipartite()
    assert not graph.Chain(5).is_bipartite()  # odd ring
    assert graph.Chain(5, pbc=False).is_bipartite()
    assert graph.Honeycomb((3, 3)).is_bipartite()
    assert not graph.Triangular((3, 3)).is_bipartite()
    assert not graph.Square(3).is_bipartite()  # a periodic extent of 3 closes odd loops
    assert graph.Square(4).is_bipartite()
    # two rows 5 apart: nearest-neighbour bonds never join them
    split = graph.Lattice(np.diag([1.0, 5.0]), extent=(3, 2), pbc=False)
    assert not split.is_connected()
    assert split.is_bipartite()
    dist = split.distances()
    assert np.isinf(dist[0, 1])
    assert dist[0, 4] == 2
    # distances agree with BFS over the adjacency list on an irregular case
    g = graph.Kagome((2, 2), pbc=False)
    adj = g.adjacency_list()
    for start in range(g.n_nodes):
        seen = {start: 0}
        frontier = [start]
        while frontier:
            nxt = []
            for i in frontier:
                for j in adj[i]:
                    if j not in seen:
                        seen[j] = seen[i] + 1
                        nxt.append(j)
            frontier = nxt
        assert [seen[j] for j in range(g.n_nodes)] == g.distances()[start].tolist()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: graph.Honeycomb((3, 4), pbc=(True, False)), id="Honey-mixed"),
        pytest.param(lambda: graph.Grid((3, 3, 4)), id="Grid3D"),
        pytest.param(lambda: graph.Kagome((3, 3)), id="Kagome"),
    ],
)
def test_site_lookup_round_trips(make):
    g = make()
    ids = np.arange(g.n_nodes)
    np.testing.assert_array_equal(g.id_from_position(g.positions), ids)
    np.testing.assert_array_equal(g.id_from_basis_coords(g.basis_coords), ids)
    assert g.id_from_position(g.positions[5]) == 5
    assert isinstance(g.id_from_basis_coords(g.basis_coords[5]), int)
    # periodic images wrap, open axes do not
    shift = np.zeros(g.ndim)
    shift[0] = g.extent[0]
    shifted = g.positions + shift @ g.basis_vectors
    if g.pbc[0]:
        np.testing.assert_array_equal(g.id_from_position(shifted), ids)
    with pytest.raises(graph.InvalidSiteError, match="valid lattice site"):
        g.id_from_position(g.positions[0] + 0.3)


def test_site_lookup_errors():
    g = graph.Square(3, pbc=False)
    with pytest.raises(ValueError, match="valid lattice site"):
        g.id_from_position([3.0, 0.0])  # open axis: no wrapping
    with pytest.raises(ValueError, match="valid lattice site"):
        g.id_from_basis_coords([0, 0, 1])  # one sublattice
    with pytest.raises(ValueError, match=r"shape \(3,\) or \(k, 3\)"):
        g.id_from_basis_coords([0, 0])
    assert issubclass(graph.InvalidSiteError, ValueError)


def test_translation_group_along_some_axes():
    g = graph.Grid((3, 4))
    full = g.translation_group()
    assert len(full) == 12
    assert full is g.translation_group(None)
    along0 = g.translation_group(0)
    assert len(along0) == 3
    assert len(g.translation_group((1,))) == 4
    assert g.translation_group((0, 1)) == full
    # a subgroup of the full group, moving cells along axis 0 only
    assert np.all(full.index_of(along0.to_array()) >= 0)
    np.testing.assert_array_equal(along0.translations[:, 1], 0)
    mixed = graph.Grid((3, 4), pbc=(True, False))
    assert len(mixed.translation_group(1)) == 1  # an open axis adds nothing
    for bad, match in (((0, 0), "unique"), (2, r"range \[0, 2\)"), ("x", "axis")):
        with pytest.raises(ValueError, match=match):
            g.translation_group(bad)


def test_point_group_keyword_sets_the_default():
    g = graph.Square(4, point_group="C4v")
    assert g.point_group().name == "D4"
    h = graph.Square(4, point_group="C4")
    assert h.point_group().name == "C4"
    assert len(h.space_group()) == 16 * 4
    assert h.point_group("D4").name == "D4"  # an explicit name still wins
    assert h != graph.Square(4)
    with pytest.raises(ValueError, match="unknown point group"):
        graph.Square(4, point_group="Q7")
    with pytest.raises(TypeError, match="point-group name"):
        graph.Square(4, point_group=object())
    with pytest.raises(ValueError, match="not a symmetry"):
        graph.Grid((3, 4), point_group="D4").point_group()
