"""Irrep matrices cut out of the regular representation: a unitary homomorphism with the table's traces."""

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.exact import irrep_matrices
from nqs_explorer.exact._irreps import multiplication_table

GROUPS = {
    "Square4-space": lambda: nqx.graph.Square(4).space_group(),
    "Triangular3x3-space": lambda: nqx.graph.Triangular((3, 3)).space_group(),
    "Chain6-space": lambda: nqx.graph.Chain(6).space_group(),
    "Cube2obc-Oh": lambda: nqx.graph.Grid((2, 2, 2), pbc=False).point_group(),
}


@pytest.mark.parametrize("name", list(GROUPS))
def test_unitary_homomorphism_with_the_characters(name):
    group = GROUPS[name]()
    perms = group.to_array()
    table = multiplication_table(group)
    # T_a T_b = T_ab with p_ab = p_b[p_a]
    np.testing.assert_array_equal(perms[table[3 % len(group)]], perms[:, perms[3 % len(group)]])
    for c in range(group.n_irreps):
        d = int(group.irrep_dims[c])
        mats = irrep_matrices(group, c)
        assert mats.shape == (len(group), d, d)
        np.testing.assert_allclose(
            np.trace(mats, axis1=1, axis2=2), group.character_table()[c], atol=1e-10
        )
        np.testing.assert_allclose(mats[0], np.eye(d), atol=1e-10)
        np.testing.assert_allclose(
            np.einsum("gki,gkj->gij", mats.conj(), mats),
            np.broadcast_to(np.eye(d), mats.shape),
            atol=1e-10,
        )
        rng = np.random.default_rng(c)
        a, b = rng.integers(len(group), size=(2, 20))
        np.testing.assert_allclose(mats[a] @ mats[b], mats[table[a, b]], atol=1e-10)
        assert irrep_matrices(group, c) is mats  # cached
