"""nqs_explorer.hilbert.Spin: local states, enumeration order, validation."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.hilbert import Spin


@pytest.mark.parametrize(
    ("s", "states"),
    [(0, [0.0]), (0.5, [-1.0, 1.0]), (1, [-2.0, 0.0, 2.0]), (1.5, [-3.0, -1.0, 1.0, 3.0])],
    ids=["s=0", "s=1/2", "s=1", "s=3/2"],
)
def test_local_states_are_2m(s, states):
    hi = Spin(s, 3)
    assert hi.local_states.tolist() == states
    assert hi.local_size == len(states)
    assert hi.size == 3
    assert hi.n_states == len(states) ** 3
    assert hi.is_finite


def test_frozen_and_hashable():
    assert Spin(0.5, 4) == Spin(0.5, 4)
    assert hash(Spin(0.5, 4)) == hash(Spin(0.5, 4))
    assert Spin(0.5, 4) != Spin(1, 4)
    assert len({Spin(0.5, 4), Spin(0.5, 4), Spin(0.5, 5)}) == 2
    with pytest.raises(AttributeError):
        Spin(0.5, 4).N = 3
    assert repr(Spin(0.5, 4)) == "Spin(s=1/2, N=4)"


@pytest.mark.parametrize(("s", "n"), [(0.5, 4), (1, 3), (1.5, 2)])
def test_all_states_order_is_netket(s, n):
    hi = Spin(s, n)
    states = hi.all_states()
    # site 0 is the most significant digit: itertools.product has exactly that order
    expected = np.array(list(itertools.product(hi.local_states, repeat=n)))
    np.testing.assert_array_equal(states, expected)
    assert states.dtype == np.float64
    np.testing.assert_array_equal(hi.states_to_numbers(states), np.arange(hi.n_states))


def test_all_states_refuses_huge_spaces():
    with pytest.raises(ValueError, match=r"1073741824 x 30 values .*MiB"):
        Spin(0.5, 30).all_states()


def test_states_to_local_indices_under_jit():
    hi = Spin(1, 3)
    x = jnp.array([[-2.0, 0.0, 2.0], [2.0, 2.0, -2.0]])
    idx = jax.jit(hi.states_to_local_indices)(x)
    np.testing.assert_array_equal(idx, [[0, 1, 2], [2, 2, 0]])
    np.testing.assert_array_equal(hi.local_indices_to_states(idx), x)


@pytest.mark.parametrize("size", [None, 5, (2, 3)], ids=["scalar", "B", "B1xB2"])
def test_random_state_shapes_and_values(size, getkey):
    hi = Spin(1, 4)
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


def test_validate_errors():
    hi = Spin(0.5, 3)
    hi.validate(np.array([[1.0, -1.0, 1.0]]))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        hi.validate(np.ones(4))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        hi.validate(np.float64(1.0))
    with pytest.raises(ValueError, match=r"0\.0.*not a local state.*\[-1\.0, 1\.0\]"):
        hi.validate(np.array([1.0, 0.0, 1.0]))


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
