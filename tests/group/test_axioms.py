"""Group axioms and the permutation convention on every lattice/group pair."""

import numpy as np
import pytest

from ._cases import GROUP_PARAMS, make_group


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_multiplication_table_is_composition(lattice_id, kind):
    G = make_group(lattice_id, kind)
    perms = G.to_array()
    table = G.multiplication_table
    n = len(G)
    assert table.shape == (n, n)
    # to_array()[g·h] == to_array()[h][to_array()[g]]   (T_g T_h = T_{gh})
    composed = perms[np.arange(n)[:, None, None], perms[None, :, :]]  # [h, g] = perms[h][perms[g]]
    assert np.array_equal(perms[table.T], composed)


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_product_table_is_netkets_inverse_product(lattice_id, kind, rng):
    """NetKet's definition: T_{product_table[g, h]} = T_g⁻¹ T_h, on configurations."""
    G = make_group(lattice_id, kind)
    perms = G.to_array()
    n = len(G)
    table = G.product_table
    assert table.shape == (n, n)
    inverse_perms = np.argsort(perms, axis=1)  # T_g⁻¹ σ = σ[..., argsort(perms[g])]
    # perm(T_a T_b) = perms[b][perms[a]] with a = g⁻¹, b = h
    expected = perms[np.arange(n)[None, :, None], inverse_perms[:, None, :]]  # [g, h]
    assert np.array_equal(perms[table], expected)
    sigma = rng.choice([-1.0, 1.0], size=G.degree)
    g, h = rng.integers(n, size=(2, 6))
    for a, b in zip(g, h):
        lhs = G.apply(sigma, table[a, b])
        rhs = G.apply(G.apply(sigma, b), G.inverse[a])
        assert np.array_equal(lhs, rhs)
    assert np.array_equal(np.diag(table), np.zeros(n))  # g⁻¹·g = Id


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_conjugacy_table_is_h_inverse_g_h(lattice_id, kind):
    G = make_group(lattice_id, kind)
    perms = G.to_array()
    n = len(G)
    inverse_perms = np.argsort(perms, axis=1)
    table = G.conjugacy_table
    # perm(h⁻¹ g h) = perms[h][perms[g][perms[h⁻¹]]]
    g_after_hinv = perms[np.arange(n)[:, None, None], inverse_perms[None, :, :]]  # [g, h]
    expected = np.take_along_axis(perms[None, :, :], g_after_hinv, axis=2)
    assert np.array_equal(perms[table], expected)
    assert np.array_equal(G.class_index[table], np.repeat(G.class_index[:, None], n, 1))


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_group_axioms(lattice_id, kind):
    G = make_group(lattice_id, kind)
    n = len(G)
    table = G.multiplication_table
    perms = G.to_array()
    assert np.array_equal(perms[0], np.arange(G.degree))  # element 0 is the identity
    assert np.array_equal(table[0], np.arange(n))
    assert np.array_equal(table[:, 0], np.arange(n))
    # every row/column is a permutation of the elements (Latin square: closure + cancellation)
    assert np.all(np.sort(table, axis=1) == np.arange(n))
    assert np.all(np.sort(table, axis=0) == np.arange(n)[:, None])
    # inverse
    assert np.all(table[np.arange(n), G.inverse] == 0)
    assert np.array_equal(np.argsort(perms, axis=1), perms[G.inverse])
    # associativity over all triples
    left = table[table[:, :, None], np.arange(n)[None, None, :]]  # (gh)k
    right = table[np.arange(n)[:, None, None], table[None, :, :]]  # g(hk)
    assert np.array_equal(left, right)


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_action_on_configurations(lattice_id, kind, rng):
    """T_g T_h σ = T_{gh} σ, and T_g σ = σ[..., to_array()[g]]."""
    G = make_group(lattice_id, kind)
    sigma = rng.choice([-1.0, 1.0], size=(3, G.degree))
    g, h = rng.integers(len(G), size=(2, 8))
    for a, b in zip(g, h):
        lhs = G.apply(G.apply(sigma, b), a)
        rhs = G.apply(sigma, G.multiplication_table[a, b])
        assert np.array_equal(lhs, rhs)
        assert np.array_equal(G.apply(sigma, a), sigma[..., G.to_array()[a]])


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_conjugacy_classes_partition_the_group(lattice_id, kind):
    G = make_group(lattice_id, kind)
    table, inv = G.multiplication_table, G.inverse
    classes = G.class_index
    assert classes[0] == 0
    assert G.class_sizes[0] == 1
    assert G.class_sizes.sum() == len(G)
    assert np.array_equal(np.bincount(classes), G.class_sizes)
    assert np.array_equal(classes[G.class_representatives], np.arange(G.n_classes))
    # h g h⁻¹ stays in the class of g, and each class is one orbit
    conj = table[table, inv[:, None]]  # conj[h, g]
    assert np.all(classes[conj] == classes[None, :])
    for c, rep in enumerate(G.class_representatives):
        assert set(np.unique(conj[:, rep])) == set(np.flatnonzero(classes == c))
    assert len(G.class_names) == G.n_classes
    assert G.class_names[0] == "Id"


@pytest.mark.parametrize(("lattice_id", "kind"), GROUP_PARAMS)
def test_generators_generate(lattice_id, kind):
    G = make_group(lattice_id, kind)
    reached = {0}
    frontier = [0]
    while frontier:
        new = {int(G.multiplication_table[g, s]) for g in frontier for s in G.generators} - reached
        reached |= new
        frontier = list(new)
    assert reached == set(range(len(G)))
    assert len(G.element_names) == len(G)
    assert G.element_names[0] == "Id"
    assert len(set(G.element_names)) == len(G)
