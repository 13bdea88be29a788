"""Point groups of 4-D grids: the hyperoctahedral group B4 (384 elements) and its subgroups."""

import math

import numpy as np
import pytest

from nqs_explorer import graph

from .test_characters import assert_character_table_identities
from .test_netket_parity import assert_same_group_as_netket


@pytest.fixture(scope="module")
def hypercube():
    return graph.Grid((3, 3, 3, 3))


def assert_realises_matrices(lattice, P):
    """Each permutation is the site map r ↦ W (r - c) + c (modulo the periodic box), and
    W_{g·h} = W_g W_h."""
    period = np.where(lattice.pbc, lattice.extent, 0)
    for perm, w in zip(P.to_array(), P.matrices):
        # p[j] = g⁻¹(j): the site carried onto j
        image = (lattice.positions[perm] - P.center) @ w.T + P.center
        diff = image - lattice.positions
        wrapped = np.where(period > 0, diff - np.round(diff / np.maximum(period, 1)) * period, diff)
        np.testing.assert_allclose(wrapped, 0, atol=1e-9)
    table = P.multiplication_table
    products = np.einsum("gij,hjk->ghik", P.matrices, P.matrices)
    np.testing.assert_allclose(P.matrices[table], products, atol=1e-12)


def test_hypercube_point_group_is_b4(hypercube):
    assert hypercube.available_point_groups() == ("B4", "B4+", "C1")
    P = hypercube.point_group()
    assert P.name == "B4"
    assert len(P) == 2**4 * math.factorial(4) == 384
    assert P.matrices.shape == (384, 4, 4)
    # every signed permutation matrix, once
    assert np.all(np.abs(P.matrices).sum(axis=1) == 1)
    assert len({m.tobytes() for m in np.rint(P.matrices).astype(int)}) == 384
    assert P.element_names[0] == "Id"
    assert "W(-x1,-x2,-x3,-x4)" in P.element_names
    assert len(set(P.element_names)) == 384
    assert_realises_matrices(hypercube, P)
    assert_character_table_identities(P)
    assert P.n_irreps == 20  # B4 has 20 conjugacy classes
    assert all(label.startswith("Γ") and label[-1] in "gu" for label in P.irrep_labels)
    rotations = hypercube.point_group("b4+")
    assert len(rotations) == 192
    assert np.allclose(np.linalg.det(rotations.matrices), 1.0)
    assert len(hypercube.point_group("C1")) == 1


@pytest.mark.parametrize(
    ("extent", "pbc", "order"),
    [
        ((3, 3, 4, 4), True, 64),  # axes swap only within equal extents: 2^4 · 2 · 2
        ((3, 3, 3, 3), (True, True, False, False), 64),
        ((2, 3, 3, 4), False, 32),
    ],
)
def test_lower_symmetry_4d_grids(extent, pbc, order):
    lattice = graph.Grid(extent, pbc=pbc)
    P = lattice.point_group()
    assert len(P) == order
    assert P.name == f"G({order})"
    assert_realises_matrices(lattice, P)
    assert_character_table_identities(P)


def test_4d_space_group_is_translations_times_b4(hypercube):
    S = hypercube.space_group()
    assert len(S) == 81 * 384
    assert S.name == "T(3x3x3x3)⋊B4"
    sigma = np.random.default_rng(0).choice([-1.0, 1.0], size=81)
    assert len(np.unique(S.apply(sigma), axis=0)) == len(S.orbit(sigma))


def test_4d_point_group_names_are_checked(hypercube):
    with pytest.raises(ValueError, match=r"B4 \(hyperoctahedral\), B4\+"):
        hypercube.point_group("Oh")
    with pytest.raises(ValueError, match="available point groups: B4, B4\\+, C1"):
        hypercube.point_group("G(7)")


@pytest.mark.netket
def test_b4_matches_netket(hypercube):
    """NetKet's Hypercube(3, n_dim=4).point_group(): the same 384 permutations and the
    same character table (NetKet takes ~20 s to build it)."""
    nk = pytest.importorskip("netket")
    theirs = nk.graph.Hypercube(3, n_dim=4).point_group()
    assert len(theirs) == 384
    assert_same_group_as_netket(hypercube.point_group(), theirs)


@pytest.mark.netket
def test_lower_symmetry_4d_grid_matches_netket():
    nk = pytest.importorskip("netket")
    ours = graph.Grid((3, 3, 4, 4)).point_group()
    theirs = nk.graph.Grid([3, 3, 4, 4]).point_group()
    assert_same_group_as_netket(ours, theirs)
