"""Autoregressive views: receptive fields from the model, exact normalisation, sampling."""

import numpy as np
import pytest

from nqs_explorer.compute import Session, Setup, compile_count

SQUARE4 = Setup(
    lattice="Square",
    extent=(4, 4),
    pbc=False,
    group=None,
    architecture="FastARNNConv2D",
    hyperparameters={"layers": 1, "features": 3, "kernel_size": (2, 3)},
)


def conv_cone(height: int, width: int, kernel: tuple[int, int], exclusive: bool) -> np.ndarray:
    """``[i, j]``: input j feeds output i through one masked (h, w) convolution."""
    kh, kw = kernel
    cone = np.zeros((height * width,) * 2, dtype=bool)
    for r in range(height):
        for c in range(width):
            for dr in range(-(kh - 1), 1):
                for dc in range(-(kw // 2), kw // 2 + 1):
                    if dr == 0 and (dc > 0 or (exclusive and dc == 0)):
                        continue  # the mask: later sites of the current row (and itself)
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < height and 0 <= cc < width:
                        cone[r * width + c, rr * width + cc] = True
    return cone


@pytest.fixture(scope="module")
def square4():
    return Session(SQUARE4)


def test_receptive_field_of_one_masked_conv_layer(square4):
    fields = square4.receptive_fields()
    expected = conv_cone(4, 4, (2, 3), exclusive=True)
    np.testing.assert_array_equal(fields, expected)
    # e.g. site (1, 1) = 5 sees the three sites above it and its left neighbour
    assert np.flatnonzero(fields[5]).tolist() == [0, 1, 2, 4]
    assert not fields[0].any()


def test_receptive_field_of_two_layers_composes_the_masks():
    session = Session(
        SQUARE4.replace(hyperparameters={"layers": 2, "features": 3, "kernel_size": (2, 3)})
    )
    first = conv_cone(4, 4, (2, 3), exclusive=True)
    second = conv_cone(4, 4, (2, 3), exclusive=False) | np.eye(16, dtype=bool)
    expected = (second.astype(int) @ first.astype(int)) > 0
    np.testing.assert_array_equal(session.receptive_fields(), expected)
    # autoregressive: nothing at or after the site itself
    assert not np.triu(session.receptive_fields()).any()


def test_conditionals_depend_only_on_the_receptive_field(square4, compile_events):
    sigma = square4.random_configurations(1, seed=4)[0]
    p = square4.conditionals(sigma)
    assert p.shape == (16, 2)
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-13)
    fields = square4.receptive_fields()
    with compile_events() as events:  # new configurations never compile
        for j in (0, 5, 10):
            flipped = sigma.copy()
            flipped[j] *= -1
            changed = np.any(np.abs(square4.conditionals(flipped) - p) > 1e-14, axis=1)
            np.testing.assert_array_equal(changed, fields[:, j])
            assert not square4.last_timing.compiled
    assert events.total == 0


@pytest.mark.parametrize(
    "setup",
    [
        SQUARE4.replace(
            lattice="Grid",
            extent=(3, 4),
            param_dtype="complex128",
            hyperparameters={"layers": 2, "features": 3, "kernel_size": (2, 3)},
        ),
        Setup(
            lattice="Chain",
            extent=(10,),
            group=None,
            architecture="FastARNNConv1D",
            hyperparameters={"layers": 2, "features": 4, "kernel_size": 3, "machine_pow": 3},
        ),
        Setup(
            lattice="Honeycomb",
            extent=(2, 2),
            pbc=False,
            group=None,
            architecture="FastARNNDense",
            hyperparameters={"layers": 2, "features": 4},
        ),
    ],
    ids=["Grid3x4-complex", "Chain10-pow3", "Honeycomb-dense"],
)
def test_exact_normalisation_and_sampling(setup):
    session = Session(setup)
    exact = session.exact_state()
    n = session.hilbert.size
    assert exact.states.shape == (2**n, n)
    assert exact.autoregressive
    assert exact.machine_pow == setup.hyperparameters.get("machine_pow", 2)
    assert abs(exact.normalization - 1.0) < 1e-12
    np.testing.assert_allclose(np.sum(exact.probabilities), 1.0, rtol=1e-13)
    assert abs(session.normalization() - 1.0) < 1e-12

    samples, log_prob = session.sample(64, seed=1)
    assert samples.shape == (64, n)
    assert set(np.unique(samples)) <= {-1.0, 1.0}
    power = exact.machine_pow
    np.testing.assert_allclose(log_prob, power * np.real(session.log_psi(samples)), atol=1e-12)
    before = compile_count()
    other, _ = session.sample(64, seed=2)
    assert compile_count() == before
    assert not session.last_timing.compiled
    assert not np.array_equal(other, samples)


def test_exact_state_of_a_plain_model_is_normalised():
    session = Session(Setup(lattice="Chain", extent=(6,), group=None))
    exact = session.exact_state()
    weights = np.exp(2 * np.real(session.log_psi(exact.states)))
    np.testing.assert_allclose(exact.probabilities, weights / weights.sum(), rtol=1e-12)
    np.testing.assert_allclose(exact.normalization, weights.sum(), rtol=1e-12)
    assert not exact.autoregressive


def test_memory_guard_says_how_many_states_and_bytes():
    big = Session(Setup(lattice="Square", extent=(6, 6), group=None))
    with pytest.raises(
        ValueError, match=r"2\^36 = 68,719,476,736 states .* TiB.* limit of 256\.0 MiB"
    ):
        big.exact_state()
    small = Session(Setup(lattice="Chain", extent=(6,), group=None))
    with pytest.raises(
        ValueError,
        match=r"64 states would need about 5\.0 KiB \(80 bytes per state\).* limit of 1\.0 KiB",
    ):
        small.exact_state(max_bytes=1024)


def test_autoregressive_views_refuse_other_models():
    session = Session(Setup(lattice="Chain", extent=(6,), group="translation", symmetrize=True))
    for method, args in [
        ("conditionals", (np.ones(6),)),
        ("receptive_fields", ()),
        ("sample", (4,)),
    ]:
        with pytest.raises(ValueError, match="needs an autoregressive model"):
            getattr(session, method)(*args)


def test_bad_sampling_arguments(square4):
    with pytest.raises(ValueError, match=r"n must be an integer in 1\.\.1048576, got 0"):
        square4.sample(0)
    with pytest.raises(ValueError, match=r"seed must be an integer in 0\.\.4294967295, got -1"):
        square4.sample(4, seed=-1)
    with pytest.raises(ValueError, match="seed must be an integer"):
        square4.random_configurations(2, seed=2.5)
    with pytest.raises(ValueError, match=r"sigma: expected one configuration of shape \(N,\)"):
        square4.conditionals(np.ones((2, 16)))


def test_exact_state_reports_progress_per_chunk(monkeypatch):
    """2^12 states in chunks of 1024: the callback sees 0, 1, ..., 4 out of 4."""
    from nqs_explorer.compute import _autoregressive

    monkeypatch.setattr(_autoregressive, "EXACT_CHUNK", 1024)
    session = Session(Setup(lattice="Chain", extent=(12,), group=None))
    calls = []
    exact = session.exact_state(progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    np.testing.assert_allclose(exact.probabilities.sum(), 1.0, rtol=1e-12)


def test_conditionals_columns_and_checkpoints_follow_the_local_state_order(tmp_path):
    """Columns of the conditionals are ``hilbert.local_states`` = (+1, -1); a file saved in
    the old order (-1, +1) loads with its outputs swapped back when the order is given."""
    from flax import serialization

    session = Session(SQUARE4)
    assert session.hilbert.local_states.tolist() == [1.0, -1.0]
    sigma = session.random_configurations(1, seed=4)[0]
    probs = session.conditionals(sigma)
    log_p = np.log(probs[np.arange(16), np.where(sigma > 0, 0, 1)]).sum()
    np.testing.assert_allclose(log_p, 2 * session.log_psi(sigma).real, rtol=0, atol=1e-12)
    # our own file records the order and loads back unchanged
    session.save_parameters(tmp_path / "p.msgpack")
    other = Session(SQUARE4.replace(seed=1))
    other.load_parameters(tmp_path / "p.msgpack")
    np.testing.assert_allclose(other.conditionals(sigma), probs, rtol=0, atol=0)
    # a foreign file (no record) in the old order: refused without the order, then converted
    from nqs_explorer.models import reverse_local_state_order

    old = reverse_local_state_order(session.variables)
    (tmp_path / "old.msgpack").write_bytes(serialization.msgpack_serialize(old))
    with pytest.raises(ValueError, match="does not record the order"):
        other.load_parameters(tmp_path / "old.msgpack")
    other.load_parameters(tmp_path / "old.msgpack", file_local_states=[-1, 1])
    np.testing.assert_allclose(other.conditionals(sigma), probs, rtol=0, atol=1e-15)


@pytest.mark.parametrize("layers", [1, 3, 6])
def test_structural_blind_spot_of_3x3_kernels(layers):
    session = Session(
        SQUARE4.replace(hyperparameters={"layers": layers, "features": 2, "kernel_size": (3, 3)})
    )
    reach = session.receptive_reach()
    np.testing.assert_array_equal(reach.field, session.receptive_fields())
    # site 5 = (1, 1) reads row 0 only up to column 2: site 3 = (0, 3) at no depth
    assert np.flatnonzero(reach.never_seen[5]).tolist() == [3]
    assert not reach.field[5, 3]
    assert not reach.reachable[5, 3]
    # the fixed point, grown from the geometric one-layer cone with an independent loop
    first = conv_cone(4, 4, (3, 3), exclusive=True)
    step = conv_cone(4, 4, (3, 3), exclusive=False) | np.eye(16, dtype=bool)
    closure = first
    for _ in range(16):
        closure = (step.astype(int) @ closure.astype(int)) > 0
    np.testing.assert_array_equal(reach.reachable, closure)
    np.testing.assert_array_equal(reach.never_seen, np.tril(~closure, k=-1))
    np.testing.assert_array_equal(reach.not_yet, closure & ~reach.field)
    assert reach.layers == layers
    # one layer: site 15 = (3, 3) misses (1, 1) = 5, which a third layer brings in
    if layers == 1:
        assert reach.not_yet[15, 5]
        assert not reach.never_seen[15, 5]
    assert reach.saturation_depth[15] == 3
    assert reach.saturation_depth[5] == 1


def test_dense_arnn_has_no_blind_spot():
    session = Session(
        SQUARE4.replace(architecture="FastARNNDense", hyperparameters={"layers": 2, "features": 2})
    )
    reach = session.receptive_reach()
    np.testing.assert_array_equal(reach.reachable, np.tril(np.ones((16, 16), bool), k=-1))
    assert not reach.never_seen.any()
    assert not reach.not_yet.any()


def test_grow_receptive_fields_checks_its_input():
    from nqs_explorer.compute import grow_receptive_fields

    chain = np.eye(4, k=-1, dtype=bool)
    np.testing.assert_array_equal(grow_receptive_fields(chain, 9), np.tril(np.ones((4, 4)), -1))
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        grow_receptive_fields(chain, 0)
    with pytest.raises(ValueError, match="square"):
        grow_receptive_fields(np.ones((2, 3), bool), 1)


def test_receptive_reach_needs_an_autoregressive_model():
    with pytest.raises(ValueError, match="receptive reach needs an autoregressive model"):
        Session(SQUARE4.replace(architecture="RBM", hyperparameters={})).receptive_reach()
