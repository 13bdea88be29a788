"""Same group elements (as permutations) and the same character tables as NetKet."""

import numpy as np
import pytest

from nqs_explorer import graph

from .test_characters import same_rows


def assert_same_group_as_netket(ours, theirs) -> list[int]:
    """Same set of permutations (same site convention) and the same character table once
    NetKet's element order is aligned to ours; returns that alignment."""
    ref_perms = np.asarray(theirs)
    assert len(ours) == len(ref_perms)
    position = {tuple(p): i for i, p in enumerate(ref_perms.tolist())}
    order = [position[tuple(p)] for p in ours.to_array().tolist()]
    ref_table = np.asarray(theirs.character_table())[:, order]
    assert same_rows(ours.character_table(), ref_table)
    return order


CASES = [
    pytest.param("Chain", (6,), id="Chain6"),
    pytest.param("Square", (4,), id="Square4"),
    pytest.param("Grid", ((3, 4),), id="Grid3x4"),
    pytest.param("Triangular", ((3, 3),), id="Tri3"),
    pytest.param("Honeycomb", ((3, 3),), id="Honey3"),
    pytest.param("Kagome", ((3, 3),), id="Kagome3"),
]


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args"), CASES)
@pytest.mark.parametrize("group", ["translation_group", "point_group", "space_group"])
def test_groups_match_netket(kind, args, group):
    nk = pytest.importorskip("netket")
    ours = getattr(getattr(graph, kind)(*args), group)()
    theirs = getattr(getattr(nk.graph, kind)(*args), group)()
    order = assert_same_group_as_netket(ours, theirs)
    if group == "translation_group":
        np.testing.assert_array_equal(order, np.arange(len(ours)))  # same element order
