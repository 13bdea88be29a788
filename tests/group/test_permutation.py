"""PermutationGroup API: validation, identity, orbits, stabilizers, site orbits."""

import numpy as np
import pytest

from nqs_explorer import graph
from nqs_explorer.group import PermutationGroup

S3 = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]]


def test_small_group_tables():
    G = PermutationGroup(S3, name="S3")
    assert len(G) == 6
    assert G.degree == 3
    assert G.name == "S3"
    # perm(g·h) = perm_h[perm_g]
    perms = G.to_array()
    for g in range(6):
        for h in range(6):
            assert np.array_equal(perms[G.multiplication_table[g, h]], perms[h][perms[g]])
    assert G.inverse.tolist() == [0, 2, 1, 3, 4, 5]
    assert sorted(G.class_sizes.tolist()) == [1, 2, 3]
    assert sorted(G.irrep_dims.tolist()) == [1, 1, 2]
    assert G.irrep_dims[0] == 1
    assert np.allclose(G.character_table()[0], 1)


@pytest.mark.parametrize(
    ("perms", "match"),
    [
        pytest.param([[0, 1, 1]], "not a permutation", id="repeated-site"),
        pytest.param([[1, 0, 2], [0, 1, 2]], "identity", id="identity-not-first"),
        pytest.param([[0, 1, 2], [1, 2, 0]], "not closed", id="not-closed"),
        pytest.param([[0, 1, 2], [1, 0, 2], [1, 0, 2]], "more than once", id="duplicate"),
        pytest.param([0, 1, 2], r"shape \(\|G\|, N\)", id="1d"),
        pytest.param([[0.0, 1.5]], "integer", id="non-integer"),
    ],
)
def test_invalid_permutations(perms, match):
    with pytest.raises(ValueError, match=match):
        PermutationGroup(perms)


def test_closure_checked_beyond_the_base():
    """The product (0 1)·(0 1)(2 3) = (2 3) agrees with (2 3)(4 5) on the base sites {0, 2}
    but is not in the list: the full-permutation check must catch it."""
    identity = [0, 1, 2, 3, 4, 5]
    a = [1, 0, 2, 3, 4, 5]
    b = [1, 0, 3, 2, 4, 5]
    c = [0, 1, 3, 2, 5, 4]
    with pytest.raises(ValueError, match="not closed"):
        PermutationGroup([identity, a, b, c])


def test_element_names_length_checked():
    with pytest.raises(ValueError, match="one name per row"):
        PermutationGroup(S3, element_names=["Id"])


def test_immutable_hashable_equal_by_content():
    G = PermutationGroup(S3)
    H = PermutationGroup(np.array(S3))
    assert G == H
    assert hash(G) == hash(H)
    assert PermutationGroup(S3[:3]) != G
    assert {G: 1}[H] == 1
    with pytest.raises(AttributeError, match="immutable"):
        G.name = "x"
    with pytest.raises(ValueError):
        G.to_array()[0, 0] = 5
    g1, g2 = graph.Square(3).translation_group(), graph.Square(3).translation_group()
    assert g1 == g2
    assert hash(g1) == hash(g2)
    assert g1 != PermutationGroup(g1.to_array())  # different type, different character order


def test_apply_shapes_and_values(rng):
    G = graph.Square(3).translation_group()
    sigma = rng.choice([-1, 1], size=(4, 2, 9))
    assert G.apply(sigma).shape == (9, 4, 2, 9)
    assert G.apply(sigma, 3).shape == (4, 2, 9)
    assert G.apply(sigma, np.array([1, 2])).shape == (2, 4, 2, 9)
    np.testing.assert_array_equal(G.apply(sigma)[5], sigma[..., G.to_array()[5]])
    with pytest.raises(ValueError, match=r"expected \(\.\.\., 9\)"):
        G.apply(np.zeros(8))


def test_translation_moves_configuration_by_r():
    """(T_r σ) at cell c equals σ at cell c - r."""
    L = 4
    G = graph.Square(L).translation_group()
    sigma = np.zeros(L * L)
    sigma[0 * L + 0] = 1.0  # a single up spin at (0, 0)
    g = G.element_names.index("Translation(1,2)")
    moved = G.apply(sigma, g)
    assert np.flatnonzero(moved).tolist() == [1 * L + 2]


def test_orbit_and_stabilizer():
    G = graph.Chain(4).space_group()  # |G| = 8
    up_down = np.array([1, -1, 1, -1])
    orbit = G.orbit(up_down)
    assert orbit.tolist() == [[1, -1, 1, -1], [-1, 1, -1, 1]]
    stab = G.stabilizer(up_down)
    assert len(stab) * len(orbit) == len(G)  # orbit-stabilizer theorem
    assert 0 in stab
    for g in stab:
        assert np.array_equal(G.apply(up_down, g), up_down)
    with pytest.raises(ValueError, match=r"expected \(4,\)"):
        G.orbit(np.ones((2, 4)))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda: graph.Square(3).translation_group(), [9], id="Square3-T"),
        pytest.param(lambda: graph.Kagome((3, 3)).translation_group(), [9, 9, 9], id="Kagome-T"),
        pytest.param(lambda: graph.Kagome((3, 3)).space_group(), [27], id="Kagome-S"),
        pytest.param(lambda: graph.Honeycomb((3, 3)).translation_group(), [9, 9], id="Honey-T"),
        pytest.param(
            lambda: graph.Square(3, pbc=False).point_group(), [1, 4, 4], id="Square3obc-P"
        ),
    ],
)
def test_site_orbits(make, expected):
    G = make()
    orbits = G.site_orbits()
    assert sorted(len(o) for o in orbits) == sorted(expected)
    assert np.array_equal(np.sort(np.concatenate(orbits)), np.arange(G.degree))
    assert [o[0] for o in orbits] == sorted(o[0] for o in orbits)


def test_index_of():
    G = graph.Square(3).space_group()
    perms = G.to_array()
    np.testing.assert_array_equal(G.index_of(perms[[5, 7]]), [5, 7])
    assert G.index_of(np.array([[1, 0, 2, 3, 4, 5, 6, 7, 8]]))[0] == -1
