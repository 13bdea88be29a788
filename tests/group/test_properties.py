"""Hypothesis property tests on random small lattices (all kinds, any pbc, extents 1..4)."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nqs_explorer import graph
from nqs_explorer.group import PermutationGroup

from .test_characters import same_rows

KINDS_2D = {
    "Square": lambda e, p: graph.Square(e[0], pbc=p),
    "Grid": lambda e, p: graph.Grid(e, pbc=p),
    "Triangular": lambda e, p: graph.Triangular(e, pbc=p),
    "Honeycomb": lambda e, p: graph.Honeycomb(e, pbc=p),
    "Kagome": lambda e, p: graph.Kagome(e, pbc=p),
}


@st.composite
def lattices(draw):
    kind = draw(st.sampled_from(["Chain", *KINDS_2D]))
    if kind == "Chain":
        length = draw(st.integers(1, 8))
        pbc = draw(st.booleans())
        make = lambda: graph.Chain(length, pbc=pbc)  # noqa: E731
    else:
        extent = tuple(draw(st.lists(st.integers(1, 4), min_size=2, max_size=2)))
        pbc = tuple(draw(st.lists(st.booleans(), min_size=2, max_size=2)))
        make = lambda: KINDS_2D[kind](extent, pbc)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # periodic extents 1, 2 warn by design
        return make()


SETTINGS = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(lattice=lattices(), seed=st.integers(0, 2**16))
def test_space_group_properties(lattice, seed):
    rng = np.random.default_rng(seed)
    message = None
    try:
        S = lattice.space_group()
    except ValueError as err:
        message = str(err)
    if message is not None:
        # only tiny periodic lattices, where a point operation equals a translation
        assert "does not act faithfully" in message
        assert any(p and L <= 2 for p, L in zip(lattice.pbc, lattice.extent))
        return
    n = len(S)
    perms, table = S.to_array(), S.multiplication_table
    assert len(S) == len(lattice.translation_group()) * len(lattice.point_group())
    # multiplication table is composition, Latin square, inverses
    g, h = rng.integers(n, size=(2, 20))
    assert np.array_equal(perms[table[g, h]], perms[h[:, None], perms[g]])
    assert np.all(np.sort(table, axis=1) == np.arange(n))
    assert np.all(table[np.arange(n), S.inverse] == 0)
    # characters: orthogonal, Σd² = |G|, one irrep per class, equal to the generic table
    chi = S.character_table()
    np.testing.assert_allclose(chi @ chi.conj().T / n, np.eye(len(chi)), atol=1e-10)
    assert np.sum(S.irrep_dims**2) == n
    assert S.n_irreps == S.n_classes
    assert same_rows(chi, PermutationGroup(perms).character_table())
    # orbit-stabilizer on a random configuration
    sigma = rng.choice([-1, 1], size=S.degree)
    assert len(S.orbit(sigma)) * len(S.stabilizer(sigma)) == n


@SETTINGS
@given(lattice=lattices())
def test_point_groups_preserve_bonds_and_numbering(lattice):
    edges = {tuple(e) for e in lattice.edges().tolist()}
    for name in lattice.available_point_groups():
        P = lattice.point_group(name)
        assert P.name == name
        for perm in P.to_array():
            assert {tuple(sorted((int(perm[i]), int(perm[j])))) for i, j in edges} == edges
    # numbering: row-major over cells, sublattice fastest
    cells, sub = lattice.cell_coords, lattice.sublattice
    flat = np.ravel_multi_index(tuple(cells.T), lattice.extent) * lattice.n_sublattices + sub
    assert np.array_equal(flat, np.arange(lattice.n_nodes))
