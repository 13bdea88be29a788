"""nqs_explorer.hilbert.Spin: NetKet >= 3.16 local-state order, total_sz, numbering."""

import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.hilbert import Spin

ORDERINGS = [pytest.param(False, id="new"), pytest.param(True, id="inverted")]


@pytest.mark.parametrize(
    ("s", "states"),
    [(0, [0.0]), (0.5, [1.0, -1.0]), (1, [2.0, 0.0, -2.0]), (1.5, [3.0, 1.0, -1.0, -3.0])],
    ids=["s=0", "s=1/2", "s=1", "s=3/2"],
)
def test_local_states_are_2m_from_up_down(s, states):
    hi = Spin(s, 3)
    assert hi.local_states.tolist() == states
    assert Spin(s, 3, inverted_ordering=True).local_states.tolist() == states[::-1]
    assert hi.local_size == len(states)
    assert hi.size == 3
    assert hi.shape == (len(states),) * 3
    assert hi.n_states == len(states) ** 3
    assert hi.is_finite
    assert not hi.constrained
    for i in range(3):
        assert hi.states_at_index(i).tolist() == states


def test_defaults_and_keywords():
    assert Spin(0.5) == Spin(0.5, 1)
    with pytest.raises(TypeError):
        Spin(0.5, 4, 0)  # total_sz is keyword-only, as in NetKet
    with pytest.raises(TypeError, match="inverted_ordering must be True or False"):
        Spin(0.5, 4, inverted_ordering="yes")


def test_frozen_hashable_and_repr():
    assert Spin(0.5, 4) == Spin(0.5, 4)
    assert hash(Spin(0.5, 4)) == hash(Spin(0.5, 4))
    assert Spin(0.5, 4) != Spin(1, 4)
    assert Spin(0.5, 4) != Spin(0.5, 4, inverted_ordering=True)
    assert Spin(0.5, 4) != Spin(0.5, 4, total_sz=0)
    assert Spin(0.5, 4, total_sz=0) == Spin(0.5, 4, total_sz=0.0)
    assert len({Spin(0.5, 4), Spin(0.5, 4), Spin(0.5, 5), Spin(0.5, 4, total_sz=1)}) == 3
    with pytest.raises(AttributeError):
        Spin(0.5, 4).N = 3
    assert repr(Spin(0.5, 4)) == "Spin(s=1/2, N=4, ordering=new)"
    assert repr(Spin(1, 2, inverted_ordering=True)) == "Spin(s=1, N=2, ordering=inverted)"
    assert repr(Spin(0.5, 4, total_sz=0)) == "Spin(s=1/2, N=4, ordering=new, total_sz=0)"
    assert repr(Spin(1.5, 3, total_sz=0.5)) == "Spin(s=3/2, N=3, ordering=new, total_sz=0.5)"


@pytest.mark.parametrize("inverted", ORDERINGS)
@pytest.mark.parametrize(("s", "n"), [(0.5, 4), (1, 3), (1.5, 2)])
def test_all_states_order_is_netket(s, n, inverted):
    hi = Spin(s, n, inverted_ordering=inverted)
    states = hi.all_states()
    # site 0 is the most significant digit: itertools.product has exactly that order
    expected = np.array(list(itertools.product(hi.local_states, repeat=n)))
    np.testing.assert_array_equal(states, expected)
    assert states.dtype == np.float64
    numbers = np.arange(hi.n_states)
    np.testing.assert_array_equal(hi.states_to_numbers(states), numbers)
    np.testing.assert_array_equal(hi.numbers_to_states(numbers), states)
    np.testing.assert_array_equal(
        hi.numbers_to_states(numbers[:6].reshape(2, 3)), states[:6].reshape(2, 3, n)
    )


def test_spin_half_default_starts_all_up():
    np.testing.assert_array_equal(Spin(0.5, 2).all_states(), [[1, 1], [1, -1], [-1, 1], [-1, -1]])
    np.testing.assert_array_equal(
        Spin(0.5, 2, inverted_ordering=True).all_states(), [[-1, -1], [-1, 1], [1, -1], [1, 1]]
    )


def test_all_states_refuses_huge_spaces():
    with pytest.raises(ValueError, match=r"1073741824 x 30 values .*MiB"):
        Spin(0.5, 30).all_states()
    with pytest.raises(ValueError, match=r"MiB"):
        Spin(0.5, 40, total_sz=0).all_states()


@pytest.mark.parametrize("inverted", ORDERINGS)
def test_states_to_local_indices_under_jit(inverted):
    hi = Spin(1, 3, inverted_ordering=inverted)
    x = jnp.array([[-2.0, 0.0, 2.0], [2.0, 2.0, -2.0]])
    idx = jax.jit(hi.states_to_local_indices)(x)
    # the index of each value in local_states
    expected = [[hi.local_states.tolist().index(v) for v in row] for row in x.tolist()]
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_array_equal(hi.local_indices_to_states(idx), x)
    np.testing.assert_array_equal(
        hi.local_indices_to_states(np.arange(3, dtype=np.uint8)), hi.local_states
    )


def test_spin_half_local_indices():
    np.testing.assert_array_equal(
        Spin(0.5, 2).states_to_local_indices(np.array([1.0, -1.0])), [0, 1]
    )
    np.testing.assert_array_equal(
        Spin(0.5, 2, inverted_ordering=True).states_to_local_indices(np.array([1.0, -1.0])), [1, 0]
    )


@pytest.mark.parametrize("size", [None, 5, (2, 3)], ids=["scalar", "B", "B1xB2"])
@pytest.mark.parametrize("total_sz", [None, 1], ids=["free", "total_sz=1"])
def test_random_state_shapes_and_values(size, total_sz, getkey):
    hi = Spin(1, 4, total_sz=total_sz)
    x = hi.random_state(getkey(), size)
    batch = () if size is None else ((size,) if isinstance(size, int) else size)
    assert x.shape == (*batch, 4)
    assert x.dtype == jnp.float64
    hi.validate(x)


def test_random_state_covers_every_local_state(getkey):
    hi = Spin(1.5, 2)
    x = np.asarray(hi.random_state(getkey(), 400))
    assert set(np.unique(x)) == set(hi.local_states)
    # roughly uniform: each of 4 states ~ 200 of 800 entries
    counts = np.array([(x == v).sum() for v in hi.local_states])
    assert np.all(np.abs(counts - 200) < 60)


@pytest.mark.parametrize(
    ("s", "n", "total_sz", "inverted"),
    [(0.5, 6, 0, False), (1, 3, 0, False), (1, 3, -1, True), (1.5, 3, 0.5, False)],
)
def test_random_state_is_uniform_among_constrained_states(s, n, total_sz, inverted, getkey):
    hi = Spin(s, n, total_sz=total_sz, inverted_ordering=inverted)
    draws = 600 * hi.n_states
    x = np.asarray(jax.jit(lambda k: hi.random_state(k, draws))(getkey()))
    np.testing.assert_allclose(x.sum(-1), 2 * total_sz)
    counts = np.bincount(hi.states_to_numbers(x), minlength=hi.n_states)
    # each state is drawn 600 times on average; 5 standard deviations is about ±125
    assert counts.min() > 600 - 125, counts
    assert counts.max() < 600 + 125, counts


@pytest.mark.parametrize("n", range(1, 9))
def test_n_states_with_total_sz_is_binomial(n):
    for up in range(n + 1):
        total_sz = up - n / 2
        hi = Spin(0.5, n, total_sz=total_sz)
        assert hi.constrained
        assert hi.n_states == math.comb(n, up)
        states = hi.all_states()
        assert states.shape == (math.comb(n, up), n)
        np.testing.assert_array_equal((states == 1).sum(-1), up)


@pytest.mark.parametrize("inverted", ORDERINGS)
@pytest.mark.parametrize(("s", "n"), [(1, 4), (1.5, 3), (0.5, 5)])
def test_constrained_states_are_the_admissible_ones(s, n, inverted):
    free = Spin(s, n, inverted_ordering=inverted).all_states()
    for total_sz in np.arange(-s * n, s * n + 0.5, 1.0):
        hi = Spin(s, n, total_sz=float(total_sz), inverted_ordering=inverted)
        states = hi.all_states()
        expected = free[free.sum(-1) == 2 * total_sz]
        assert hi.n_states == len(expected)
        # same set, no duplicates
        assert sorted(map(tuple, states.tolist())) == sorted(map(tuple, expected.tolist()))
        numbers = np.arange(hi.n_states)
        np.testing.assert_array_equal(hi.states_to_numbers(states), numbers)
        np.testing.assert_array_equal(hi.numbers_to_states(numbers), states)
        np.testing.assert_array_equal(hi.states_to_numbers(states[::-1]), numbers[::-1])


def test_constrained_order_follows_netket_index_choice():
    # spin 1/2: NetKet's specialised index, sorted by value whatever the ordering
    for inverted in (False, True):
        np.testing.assert_array_equal(
            Spin(0.5, 4, total_sz=1, inverted_ordering=inverted).all_states(),
            [[-1, 1, 1, 1], [1, -1, 1, 1], [1, 1, -1, 1], [1, 1, 1, -1]],
        )
    # spin 1, N = 6, total_sz = 0: C(12, 6) = 924 > 3^6 = 729, NetKet filters the bare order
    hi = Spin(1, 6, total_sz=0)
    free = Spin(1, 6).all_states()
    np.testing.assert_array_equal(hi.all_states(), free[free.sum(-1) == 0])


def test_constrained_numbering_refuses_other_magnetizations():
    hi = Spin(0.5, 4, total_sz=0)
    with pytest.raises(ValueError, match=r"total_sz = 1, but .* holds only total_sz = 0"):
        hi.states_to_numbers(np.array([1.0, 1.0, 1.0, -1.0]))
    with pytest.raises(ValueError, match=r"numbers must be in 0\.\.5"):
        hi.numbers_to_states(np.array([6]))
    with pytest.raises(ValueError, match=r"numbers must be in 0\.\.15"):
        Spin(0.5, 4).numbers_to_states(-1)
    with pytest.raises(TypeError, match="numbers must be integers"):
        hi.numbers_to_states(np.array([0.5]))
    with pytest.raises(ValueError, match="not a local state"):
        Spin(0.5, 2).states_to_numbers(np.array([1.0, 0.0]))


@pytest.mark.parametrize(
    ("s", "n", "total_sz", "message"),
    [
        (0.5, 3, 0, "Nspins \\+ 2\\*totalSz must be even"),
        (0.5, 4, 3, "2\\|M\\| cannot exceed Nspins"),
        (1, 3, 0.5, "to a half-integer number"),
        (0.5, 4, 0.25, "integer or half-integer"),
    ],
)
def test_bad_total_sz(s, n, total_sz, message):
    with pytest.raises(ValueError, match=message):
        Spin(s, n, total_sz=total_sz)


def test_total_sz_type():
    with pytest.raises(TypeError, match="total_sz must be None or a number"):
        Spin(0.5, 2, total_sz="0")


def test_states_at_index_range():
    with pytest.raises(ValueError, match=r"site index must be an integer in 0\.\.2"):
        Spin(0.5, 3).states_at_index(3)


def test_indexable():
    assert Spin(0.5, 30).is_indexable
    assert not Spin(0.5, 31).is_indexable
    assert Spin(0.5, 40, total_sz=0).n_states == math.comb(40, 20)
    assert Spin(0.5, 40, total_sz=19).is_indexable  # C(40, 1) states
    assert not Spin(0.5, 40, total_sz=0).is_indexable


def test_products():
    assert Spin(0.5, 2) * Spin(0.5, 3) == Spin(0.5, 5)
    assert Spin(1, 2, inverted_ordering=True) ** 3 == Spin(1, 6, inverted_ordering=True)
    with pytest.raises(TypeError, match="TensorHilbert"):
        Spin(0.5, 2) * Spin(1, 2)
    with pytest.raises(TypeError, match="TensorHilbert"):
        Spin(0.5, 2, total_sz=0) * Spin(0.5, 2)
    with pytest.raises(ValueError, match="order their local states differently"):
        Spin(0.5, 2) * Spin(0.5, 2, inverted_ordering=True)
    with pytest.raises(TypeError, match="constrained space cannot be raised"):
        Spin(0.5, 2, total_sz=0) ** 2
    with pytest.raises(ValueError, match="positive integer"):
        Spin(0.5, 2) ** 0


def test_validate_errors():
    hi = Spin(0.5, 3)
    hi.validate(np.array([[1.0, -1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        hi.validate(np.ones(4))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        hi.validate(np.float64(1.0))
    with pytest.raises(ValueError, match=r"0\.0.*not a local state.*\[1\.0, -1\.0\]"):
        hi.validate(np.array([1.0, 0.0, 1.0]))
    fixed = Spin(0.5, 3, total_sz=0.5)
    fixed.validate(np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"total_sz = -0\.5"):
        fixed.validate(np.array([[1.0, -1.0, -1.0]]))


@pytest.mark.parametrize("s", [-0.5, 0.25, 1.2, float("nan")])
def test_bad_spin(s):
    with pytest.raises(ValueError, match="non-negative integer or half-integer"):
        Spin(s, 3)


@pytest.mark.parametrize("n", [0, -1, 2.5, True])
def test_bad_size(n):
    with pytest.raises(ValueError, match="N must be an integer >= 1"):
        Spin(0.5, n)


def test_bad_spin_type():
    with pytest.raises(TypeError, match="s must be a number"):
        Spin("1/2", 3)


# ----------------------------------------------------------------------------- NetKet


# (s, N, total_sz, inverted_ordering); Spin(1, 6, total_sz=0) is where NetKet filters the
# bare order instead of sorting by value. The quick run takes the first four.
NETKET_CASES = [
    (0.5, 4, None, False),
    (0.5, 5, 0.5, True),
    (1, 6, 0, False),
    (1.5, 3, None, True),
    (0.5, 4, None, True),
    (0.5, 4, 0, False),
    (1, 3, None, False),
    (1, 3, 1, True),
    (1.5, 3, 0.5, False),
]


def _netket_cases():
    return [
        pytest.param(
            *c,
            id=f"s={c[0]}-N={c[1]}-tsz={c[2]}-{'inv' if c[3] else 'new'}",
            marks=[pytest.mark.slow] if i >= 4 else [],
        )
        for i, c in enumerate(NETKET_CASES)
    ]


@pytest.mark.netket
@pytest.mark.parametrize(("s", "n", "total_sz", "inverted"), _netket_cases())
def test_matches_netket(s, n, total_sz, inverted):
    nk = pytest.importorskip("netket")
    theirs = nk.hilbert.Spin(s, n, total_sz=total_sz, inverted_ordering=inverted)
    ours = Spin(s, n, total_sz=total_sz, inverted_ordering=inverted)
    assert repr(ours) == repr(theirs)
    assert ours.local_states.tolist() == [float(v) for v in theirs.local_states]
    assert (ours.size, ours.local_size, ours.shape) == (
        theirs.size,
        theirs.local_size,
        theirs.shape,
    )
    assert ours.constrained == theirs.constrained
    assert ours.is_indexable == theirs.is_indexable
    assert ours.n_states == theirs.n_states
    assert ours.states_at_index(0).tolist() == list(theirs.states_at_index(0))
    states = ours.all_states()
    np.testing.assert_array_equal(states, np.asarray(theirs.all_states()))
    numbers = np.random.default_rng(0).integers(0, ours.n_states, size=(3, 4))
    np.testing.assert_array_equal(
        ours.numbers_to_states(numbers), np.asarray(theirs.numbers_to_states(numbers))
    )
    x = states[numbers]
    np.testing.assert_array_equal(
        ours.states_to_numbers(x), np.asarray(theirs.states_to_numbers(x))
    )
    np.testing.assert_array_equal(
        ours.states_to_local_indices(x), np.asarray(theirs.states_to_local_indices(x))
    )
    idx = np.asarray(theirs.states_to_local_indices(x))
    np.testing.assert_array_equal(
        ours.local_indices_to_states(idx), np.asarray(theirs.local_indices_to_states(idx))
    )


@pytest.mark.netket
@pytest.mark.parametrize(("s", "n", "total_sz"), [(0.5, 6, 1), (1, 4, 0)])
def test_random_states_lie_in_netkets_space(s, n, total_sz):
    nk = pytest.importorskip("netket")
    theirs = nk.hilbert.Spin(s, n, total_sz=total_sz)
    ours = Spin(s, n, total_sz=total_sz)
    ours.validate(np.asarray(theirs.random_state(jax.random.PRNGKey(0), 16)))
    numbers = np.asarray(
        theirs.states_to_numbers(np.asarray(ours.random_state(jax.random.PRNGKey(0), 16)))
    )
    assert numbers.min() >= 0
    assert numbers.max() < theirs.n_states


@pytest.mark.netket
@pytest.mark.parametrize(
    ("s", "n", "total_sz"), [(0.5, 3, 0), (0.5, 4, 3), (1, 3, 0.5), (0.5, 4, -2.5)]
)
def test_total_sz_errors_match_netket(s, n, total_sz):
    nk = pytest.importorskip("netket")
    with pytest.raises(ValueError) as theirs:
        nk.hilbert.Spin(s, n, total_sz=total_sz)
    with pytest.raises(ValueError) as ours:
        Spin(s, n, total_sz=total_sz)
    assert str(ours.value).startswith(str(theirs.value))


@pytest.mark.netket
def test_products_match_netket():
    nk = pytest.importorskip("netket")
    assert repr(Spin(0.5, 2) * Spin(0.5, 3)) == repr(
        nk.hilbert.Spin(0.5, 2) * nk.hilbert.Spin(0.5, 3)
    )
    assert repr(Spin(1, 2) ** 3) == repr(nk.hilbert.Spin(1, 2) ** 3)
