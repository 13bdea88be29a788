"""NetKet's names on groups without NetKet: element objects, apply_to_id, element_indices,
and the character_id bridge (exercised with a reordered copy of our own group)."""

import sys

import numpy as np
import pytest

from nqs_explorer import graph
from nqs_explorer.group import Permutation, PermutationGroup

from ._cases import GROUP_PARAMS, make_group


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_elements_act_as_the_group(lattice_id, kind, rng):
    G = make_group(lattice_id, kind)
    elements = list(G)
    assert len(elements) == len(G)
    assert [repr(g) for g in elements] == list(G.element_names)
    sigma = rng.choice([-1.0, 1.0], size=(2, 3, G.degree))
    np.testing.assert_array_equal(G @ sigma, G.apply(sigma))
    np.testing.assert_array_equal(G(sigma), G.apply(sigma))
    for a, b in rng.integers(len(G), size=(6, 2)):
        ga, gb = G[a], G[b]
        np.testing.assert_array_equal(ga @ sigma, G.apply(sigma, a))  # batches too
        np.testing.assert_array_equal(ga(sigma[0, 0]), G.apply(sigma[0, 0], a))
        # composition is g·h, and acts as T_g T_h
        assert ga @ gb == G[G.multiplication_table[a, b]]
        np.testing.assert_array_equal((ga @ gb) @ sigma, ga @ (gb @ sigma))
        # T_g carries the value at site j to site g(j)
        j = np.arange(G.degree)
        moved = ga @ sigma[0, 0]
        np.testing.assert_array_equal(moved[ga.apply_to_id(j)], sigma[0, 0])
        np.testing.assert_array_equal(G.apply_to_id(j)[a], ga.apply_to_id(j))
    assert G[-1] == G[len(G) - 1]
    assert G[1:3] == [G[i] for i in range(1, min(3, len(G)))]


def test_apply_to_id_shapes_and_values():
    G = PermutationGroup([[0, 1, 2], [1, 2, 0], [2, 0, 1]])
    # element 1: p = g⁻¹ = [1, 2, 0], so g maps 0 -> 2, 1 -> 0, 2 -> 1
    assert G.apply_to_id(0).tolist() == [0, 2, 1]
    assert G.apply_to_id(np.array([[0, 1]])).shape == (3, 1, 2)
    assert G[1].apply_to_id([0, 1, 2]).tolist() == [2, 0, 1]
    assert G[1].permutation_array.tolist() == [2, 0, 1]
    assert G[1].cycle_decomposition() == [[2, 1, 0]]


def test_permutation_validation_and_errors():
    with pytest.raises(ValueError, match="Exactly one"):
        Permutation()
    with pytest.raises(ValueError, match="Exactly one"):
        Permutation(permutation_array=[0, 1], inverse_permutation_array=[0, 1])
    with pytest.raises(ValueError, match="invalid"):
        Permutation(permutation_array=[0, 0, 1])
    g = Permutation(inverse_permutation_array=[1, 2, 0])
    assert repr(g) == "Permutation([2, 0, 1])"
    assert g == Permutation(permutation_array=[2, 0, 1])
    assert hash(g) == hash(Permutation(permutation_array=[2, 0, 1]))
    with pytest.raises(ValueError, match=r"expected \(\.\.\., 3\)"):
        g @ np.ones(4)
    with pytest.raises(ValueError, match="compose"):
        g @ Permutation(permutation_array=[0, 1])
    G = PermutationGroup([[0, 1, 2], [1, 2, 0], [2, 0, 1]], name="C3")
    with pytest.raises(IndexError, match="out of range for C3"):
        G[3]
    with pytest.raises(TypeError, match="int or a slice"):
        G[np.array([0, 1])]
    with pytest.raises(ValueError, match=r"expected \(\.\.\., 3\)"):
        G @ np.ones((2, 4))


def test_element_indices():
    G = graph.Square(3).space_group()
    rng = np.random.default_rng(3)
    idx = rng.permutation(len(G))[:10]
    np.testing.assert_array_equal(G.element_indices(G.to_array()[idx]), idx)
    assert G.element_indices(G.to_array()[idx]).shape == (10,)
    assert int(G.element_indices(G.to_array()[5])) == 5
    np.testing.assert_array_equal(G.element_indices([G[i] for i in idx]), idx)
    np.testing.assert_array_equal(G.element_indices(G), np.arange(len(G)))
    T = graph.Square(3).translation_group()
    np.testing.assert_array_equal(
        G.element_indices(T.to_array()), G.element_indices(G.to_array()[G.index_of(T.to_array())])
    )
    bad = G.to_array()[[0, 1, 2]].copy()
    bad[1] = bad[1][[1, 0, *range(2, 9)]]  # swap two sites: not a symmetry
    with pytest.raises(ValueError, match=r"permutation 1 \[.*\] is not an element of"):
        G.element_indices(bad)
    with pytest.raises(ValueError, match=r"expected \(k, 9\)"):
        G.element_indices(np.zeros((2, 4), dtype=int))
    with pytest.raises(TypeError, match="integer"):
        G.element_indices(np.zeros((2, 9)))


@pytest.mark.parametrize(
    ("lattice_id", "kind"),
    [("Square4-pbc", "space"), ("Triangular3-pbc", "space"), ("Kagome3-pbc", "point")],
)
def test_character_id_bridge_with_a_reordered_group(lattice_id, kind):
    """Any object with to_array()/character_table() in another element and irrep order."""
    G = make_group(lattice_id, kind)
    rng = np.random.default_rng(0)
    order = np.concatenate([[0], 1 + rng.permutation(len(G) - 1)])  # identity stays first
    H = PermutationGroup(G.to_array()[order])  # its own irrep order (generic Dixon labels)
    seen = set()
    for k in range(H.n_irreps):
        ours = G.character_id_from_netket(H, k)
        np.testing.assert_allclose(G.characters(ours)[order], H.characters(k), atol=1e-9)
        seen.add(ours)
    assert seen == set(range(G.n_irreps))
    with pytest.raises(ValueError, match="out of range"):
        G.character_id_from_netket(H, H.n_irreps)
    with pytest.raises(ValueError, match="same elements"):
        G.character_id_from_netket(graph.Square(4).translation_group(), 0)


def test_from_netket_like_object_and_missing_netket(monkeypatch):
    G = graph.Chain(4).space_group()
    copy = PermutationGroup.from_netket(G)  # anything with to_array()
    np.testing.assert_array_equal(copy.to_array(), G.to_array())
    with pytest.raises(ValueError, match="remove_duplicates"):
        PermutationGroup.from_netket(PermutationGroupLike(np.tile(G.to_array(), (2, 1))))
    with pytest.raises(TypeError, match=r"netket\.utils\.group\.PermutationGroup"):
        PermutationGroup.from_netket([[0, 1]])
    monkeypatch.setitem(sys.modules, "netket", None)
    monkeypatch.setitem(sys.modules, "netket.utils.group", None)
    with pytest.raises(ImportError, match="pip install netket"):
        G.to_netket()


class PermutationGroupLike:
    def __init__(self, perms):
        self.perms = perms

    def to_array(self):
        return self.perms
