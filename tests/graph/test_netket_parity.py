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
