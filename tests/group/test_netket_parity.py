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


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args"), CASES)
@pytest.mark.parametrize("group", ["point_group", "space_group"])
def test_tables_and_element_objects_match_netket(kind, args, group, rng):
    """product_table (g⁻¹·h), conjugacy_table (h⁻¹·g·h), apply_to_id and ``g @ σ`` are
    NetKet's, element for element once NetKet's element order is mapped to ours."""
    nk = pytest.importorskip("netket")
    ours = getattr(getattr(graph, kind)(*args), group)()
    theirs = getattr(getattr(nk.graph, kind)(*args), group)()
    order = ours.element_indices(np.asarray(theirs.to_array()))  # NetKet i -> our order[i]
    assert sorted(order.tolist()) == list(range(len(ours)))
    ix = np.ix_(order, order)
    np.testing.assert_array_equal(ours.product_table[ix], order[np.asarray(theirs.product_table)])
    np.testing.assert_array_equal(
        ours.conjugacy_table[ix], order[np.asarray(theirs.conjugacy_table)]
    )
    np.testing.assert_array_equal(ours.inverse[order], order[np.asarray(theirs.inverse)])
    # conjugacy_classes: NetKet's (classes, representatives, inverse); the same partition,
    # classes in each side's own order, and character_table_by_class on the same classes
    classes, reps, class_of = ours.conjugacy_classes
    ref_classes, ref_reps, ref_class_of = (np.asarray(a) for a in theirs.conjugacy_classes)
    assert classes.shape == ref_classes.shape
    assert classes.dtype == ref_classes.dtype == bool
    assert np.array_equal(classes.sum(axis=0), np.ones(len(ours)))  # a partition
    assert classes[class_of, np.arange(len(ours))].all()
    assert np.array_equal(class_of[reps], np.arange(len(reps)))
    ours_sets = {frozenset(np.flatnonzero(row).tolist()) for row in classes}
    ref_sets = {frozenset(order[np.flatnonzero(row)].tolist()) for row in ref_classes}
    assert ours_sets == ref_sets
    assert np.array_equal(ref_class_of[np.asarray(ref_reps)], np.arange(len(ref_reps)))
    by_class, ref_by_class = (
        ours.character_table_by_class,
        np.asarray(theirs.character_table_by_class),
    )
    assert by_class.shape == ref_by_class.shape
    assert same_rows(by_class[:, class_of[order[np.asarray(ref_reps)]]], ref_by_class)
    sites = np.arange(ours.degree).reshape(-1, 1)
    np.testing.assert_array_equal(
        ours.apply_to_id(sites)[order], np.asarray(theirs.apply_to_id(sites))
    )
    sigma = rng.choice([-1.0, 1.0], size=(3, ours.degree))
    np.testing.assert_array_equal((ours @ sigma)[order], np.asarray(theirs @ sigma))
    for i, j in rng.integers(len(ours), size=(8, 2)):
        mine, ref = ours[order[i]], theirs[i]
        np.testing.assert_array_equal(mine @ sigma, np.asarray(ref @ sigma))
        if hasattr(ref, "apply_to_id"):  # NetKet's Identity() element has neither
            np.testing.assert_array_equal(mine.apply_to_id(sites), ref.apply_to_id(sites))
            np.testing.assert_array_equal(mine.permutation_array, ref.permutation_array)
        # composition in the same direction (the groups are not abelian)
        prod_ref = ref @ theirs[j]
        np.testing.assert_array_equal((mine @ ours[order[j]]) @ sigma, np.asarray(prod_ref @ sigma))
        if hasattr(prod_ref, "inverse_permutation_array"):
            np.testing.assert_array_equal(
                (mine @ ours[order[j]]).inverse_permutation_array,
                np.asarray(prod_ref.inverse_permutation_array),
            )


@pytest.mark.netket
def test_non_abelian_direction_of_action():
    """On D4 g·h ≠ h·g for some pairs; NetKet's ``g @ h @ σ`` and ours agree on all of them."""
    nk = pytest.importorskip("netket")
    ours = graph.Square(3).point_group()
    theirs = nk.graph.Square(3).point_group()
    order = ours.element_indices(np.asarray(theirs.to_array()))
    sigma = np.arange(9)
    differ = 0
    for i in range(len(ours)):
        for j in range(len(ours)):
            ref = np.asarray(theirs[i] @ (theirs[j] @ sigma))
            np.testing.assert_array_equal(ours[order[i]] @ (ours[order[j]] @ sigma), ref)
            differ += not np.array_equal(ref, np.asarray(theirs[j] @ (theirs[i] @ sigma)))
    assert differ > 0


@pytest.mark.netket
@pytest.mark.parametrize(("kind", "args"), CASES)
def test_netket_round_trip_and_character_ids(kind, args):
    nk = pytest.importorskip("netket")
    ours = getattr(graph, kind)(*args).space_group()
    theirs = getattr(nk.graph, kind)(*args).space_group()
    # from_netket keeps NetKet's element order, so indices (and tables) agree with NetKet
    copy = type(ours).from_netket(theirs)
    np.testing.assert_array_equal(copy.to_array(), np.asarray(theirs.to_array()))
    np.testing.assert_array_equal(copy.product_table, np.asarray(theirs.product_table))
    # to_netket keeps ours
    back = ours.to_netket()
    np.testing.assert_array_equal(np.asarray(back.to_array()), ours.to_array())
    np.testing.assert_array_equal(np.asarray(back.product_table), ours.product_table)
    assert [str(g) for g in back] == list(ours.element_names)
    # character ids: the same characters, element by element
    order = ours.element_indices(np.asarray(theirs.to_array()))
    table = np.asarray(theirs.character_table())
    ids = [ours.character_id_from_netket(theirs, k) for k in range(len(table))]
    assert sorted(ids) == list(range(ours.n_irreps))
    for k, ours_id in enumerate(ids):
        np.testing.assert_allclose(ours.characters(ours_id)[order], table[k], atol=1e-8)
