"""Autoregressive models: exact normalisation, autoregressiveness, receptive fields, shapes."""

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer import models
from nqs_explorer.hilbert import Spin

from ._support import random_states, random_variables

# (id, class, hilbert, extra fields). Together they cover the masked dense, 1D and 2D
# layers, dilation, rectangles in both orientations, spin-1/2, spin-1 and spin-3/2, and
# machine_pow 1 and 3 besides the default 2.
CASES = [
    ("dense-6", models.ARNNDense, Spin(0.5, 6), {}),
    ("dense-spin1-4-pow3", models.ARNNDense, Spin(1, 4), {"machine_pow": 3}),
    ("chain-8", models.ARNNConv1D, Spin(0.5, 8), {"kernel_size": 3}),
    ("chain-8-dilated", models.ARNNConv1D, Spin(0.5, 8), {"kernel_size": 3, "kernel_dilation": 2}),
    ("chain-spin3/2-4-pow1", models.ARNNConv1D, Spin(1.5, 4), {"kernel_size": 2, "machine_pow": 1}),
    ("rect-3x4", models.ARNNConv2D, Spin(0.5, 12), {"kernel_size": (2, 3), "extent": (3, 4)}),
    (
        "rect-4x3-dilated",
        models.ARNNConv2D,
        Spin(0.5, 12),
        {"kernel_size": (2, 3), "kernel_dilation": (2, 1), "extent": (4, 3)},
    ),
    ("square-4x4", models.ARNNConv2D, Spin(0.5, 16), {"kernel_size": (3, 3)}),
    ("spin1-2x3", models.ARNNConv2D, Spin(1, 6), {"kernel_size": (2, 3), "extent": (2, 3)}),
]
CASE_IDS = [c[0] for c in CASES]
DTYPES = {"real": jnp.float64, "complex": jnp.complex128}


def build(cls, hilbert, extra, *, layers=3, features=4, param_dtype=jnp.float64, **more):
    model = cls(
        hilbert=hilbert, layers=layers, features=features, param_dtype=param_dtype, **extra, **more
    )
    return model, random_variables(model, hilbert.size, scale=0.5)


def _next_state(hilbert, value):
    """The next local state after ``value``, cyclically: a genuine change for any spin."""
    states = hilbert.local_states
    return states[(np.searchsorted(states, value) + 1) % len(states)]


@functools.cache
def analyse(case_id: str, dtype: str):
    """Everything the tests below check, computed in one compiled call per model:
    log ψ of every configuration, the conditionals of a configuration and of its N
    single-site changes, and the Jacobian of the conditionals at a continuous input."""
    _, cls, hilbert, extra = CASES[CASE_IDS.index(case_id)]
    model, variables = build(cls, hilbert, extra, param_dtype=DTYPES[dtype])
    n = hilbert.size
    x = random_states(hilbert, (), seed=3)
    stack = np.repeat(x[None], n + 1, axis=0)
    for j in range(n):
        stack[1 + j, j] = _next_state(hilbert, x[j])
    x_continuous = np.random.default_rng(5).uniform(-1.5, 1.5, n)
    states = hilbert.all_states()

    @jax.jit
    def run(variables):
        def conditionals(x):
            return model.apply(variables, x, method=model.conditionals)

        return {
            "log_psi": model.apply(variables, states),
            "cond_log_psi": model.apply(variables, states[::7], method=model.conditionals_log_psi),
            "flips": conditionals(stack),
            "jacobian": jax.jacfwd(conditionals)(x_continuous),
        }

    out = jax.tree_util.tree_map(np.asarray, run(variables))
    return model, states, out


# Complex parameters on a subset in the quick run (the same code paths), all in the slow one.
QUICK_COMPLEX = ("dense-6", "chain-8-dilated", "rect-3x4", "spin1-2x3")
ANALYSED = [
    pytest.param(
        case_id,
        dtype,
        id=f"{case_id}-{dtype}",
        marks=[pytest.mark.slow] if dtype == "complex" and case_id not in QUICK_COMPLEX else [],
    )
    for case_id in CASE_IDS
    for dtype in DTYPES
]


@pytest.mark.parametrize(("case_id", "dtype"), ANALYSED)
def test_normalised_by_enumeration(case_id, dtype):
    model, _, out = analyse(case_id, dtype)
    log_psi = out["log_psi"]
    assert log_psi.dtype == jnp.dtype(DTYPES[dtype])
    total = np.sum(np.exp(model.machine_pow * log_psi.real))
    assert abs(total - 1) < 1e-12
    # A sum of one is not enough: the distribution must not be trivial.
    assert np.ptp(log_psi.real) > 0.1
    if dtype == "complex":
        assert np.ptp(log_psi.imag) > 0.1
    np.testing.assert_allclose(out["flips"].sum(-1), 1.0, rtol=0, atol=1e-14)


@pytest.mark.parametrize(("case_id", "dtype"), ANALYSED)
def test_log_psi_is_the_sum_of_log_conditionals(case_id, dtype):
    model, states, out = analyse(case_id, dtype)
    idx = np.asarray(model.hilbert.states_to_local_indices(states[::7]))
    picked = np.take_along_axis(out["cond_log_psi"], idx[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(out["log_psi"][::7], picked.sum(-1), rtol=0, atol=1e-13)


@pytest.mark.parametrize(("case_id", "dtype"), ANALYSED)
def test_flipping_a_site_leaves_earlier_conditionals_unchanged(case_id, dtype):
    model, _, out = analyse(case_id, dtype)
    p, n = out["flips"], model.hilbert.size
    changed_later = 0
    for j in range(n):
        np.testing.assert_array_equal(p[1 + j, : j + 1], p[0, : j + 1])
        changed_later += np.any(p[1 + j, j + 1 :] != p[0, j + 1 :])
    assert changed_later >= n // 2  # the changes do reach later sites


def _taps(model) -> list[tuple[np.ndarray, bool]]:
    """For each layer, the set of (output, input) site pairs it connects, from geometry."""
    n = model.hilbert.size
    layers = []
    for layer in range(model.layers):
        exclusive = layer == 0
        conn = np.zeros((n, n), bool)
        if isinstance(model, models.ARNNConv2D):
            (lx, ly), (h, w), (dh, dw) = (
                model.lattice_shape,
                model.kernel_size,
                model.kernel_dilation,
            )
            for r, c, a, b in itertools.product(range(lx), range(ly), range(h), range(w)):
                rr, cc = r - (h - 1 - a) * dh, c + (b - w // 2) * dw
                current_row_forbidden = a == h - 1 and (b > w // 2 or (b == w // 2 and exclusive))
                if rr >= 0 and 0 <= cc < ly and not current_row_forbidden:
                    conn[r * ly + c, rr * ly + cc] = True
        elif isinstance(model, models.ARNNConv1D):
            k, d = model.kernel_size, model.kernel_dilation
            for j, t in itertools.product(range(n), range(k)):
                if (t > 0 or not exclusive) and j - t * d >= 0:
                    conn[j, j - t * d] = True
        else:
            conn = np.tril(np.ones((n, n), bool), k=-1 if exclusive else 0)
        layers.append(conn)
    return layers


@pytest.mark.parametrize(("case_id", "dtype"), ANALYSED)
def test_receptive_field_by_differentiation(case_id, dtype):
    """d p_i / d x_j is exactly zero outside the receptive field the kernel geometry gives,
    and nonzero inside it (conditionals are differentiable in a continuous input)."""
    model, _, out = analyse(case_id, dtype)
    depends = np.any(out["jacobian"] != 0, axis=1)  # (N sites, N inputs)
    n = model.hilbert.size
    expected = np.eye(n, dtype=bool)
    for conn in _taps(model):
        expected = (conn.astype(int) @ expected.astype(int)) > 0
    np.testing.assert_array_equal(depends, expected)
    assert not np.any(np.triu(depends))  # never on itself or later sites
    assert depends.sum() > n  # and not trivially empty


FAST_AND_PLAIN = [
    (models.ARNNDense, Spin(0.5, 5), {}),
    (models.FastARNNDense, Spin(0.5, 5), {}),
    (models.ARNNConv1D, Spin(0.5, 5), {"kernel_size": 2}),
    (models.FastARNNConv1D, Spin(0.5, 5), {"kernel_size": 2}),
    (models.ARNNConv2D, Spin(0.5, 6), {"kernel_size": (2, 2), "extent": (2, 3)}),
    (models.FastARNNConv2D, Spin(0.5, 6), {"kernel_size": (2, 2), "extent": (2, 3)}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("cls", "hilbert", "extra"), FAST_AND_PLAIN, ids=[c[0].__name__ for c in FAST_AND_PLAIN]
)
def test_jit_and_batch_shapes(cls, hilbert, extra, dtype):
    model, variables = build(cls, hilbert, extra, layers=2, param_dtype=DTYPES[dtype])
    x = random_states(hilbert, (6,))
    batches = [x[0], x[:3], x.reshape(2, 3, -1), x]

    @jax.jit
    def run(variables, batches):
        return [
            (model.apply(variables, b), model.apply(variables, b, method=model.conditionals))
            for b in batches
        ]

    *outs, (ref, ref_cond) = run(variables, batches)
    assert ref.dtype == jnp.dtype(DTYPES[dtype])
    assert ref_cond.dtype == jnp.finfo(DTYPES[dtype]).dtype
    for batch, (log_psi, cond) in zip([(), (3,), (2, 3)], outs):
        assert log_psi.shape == batch
        assert cond.shape == (*batch, hilbert.size, hilbert.local_size)
        size = log_psi.size
        np.testing.assert_allclose(log_psi.reshape(-1), ref[:size], rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(
            cond.reshape(size, hilbert.size, -1), ref_cond[:size], rtol=0, atol=1e-14
        )


def test_models_are_hashable_and_equal_by_value():
    hilbert = Spin(0.5, 12)
    a = models.FastARNNConv2D(
        hilbert=hilbert, layers=2, features=[4, 2], kernel_size=[2, 3], extent=[3, 4]
    )
    b = models.FastARNNConv2D(
        hilbert=hilbert, layers=2, features=(4, 2), kernel_size=(2, 3), extent=(3, 4)
    )
    assert a == b
    assert hash(a) == hash(b)
    assert a.features == (4, 2)
    assert a.extent == (3, 4)
    assert a.lattice_shape == (3, 4)
    assert models.ARNNConv2D(
        hilbert=Spin(0.5, 9), layers=1, features=2, kernel_size=(2, 3)
    ).lattice_shape == (3, 3)


def test_parameter_tree_matches_netket_layout():
    hilbert = Spin(1, 12)
    model = models.FastARNNConv2D(
        hilbert=hilbert, layers=2, features=(5, 3), kernel_size=(2, 3), extent=(4, 3)
    )
    # The real initialiser, once: masked entries (current row, at and right of the centre
    # in the first layer, right of it in the others) start at zero, the others do not.
    variables = jax.jit(model.init)(jax.random.PRNGKey(7), jnp.ones((1, 12)))
    shapes = jax.tree_util.tree_map(jnp.shape, variables["params"])
    assert shapes == {
        "_layers_0": {"kernel": (2, 3, 1, 5), "bias": (5,)},
        "_layers_1": {"kernel": (2, 3, 5, 3), "bias": (3,)},
    }
    kernel0 = np.asarray(variables["params"]["_layers_0"]["kernel"])
    assert np.all(kernel0[-1, 1:] == 0)
    assert np.all(kernel0[0] != 0)
    assert np.all(kernel0[-1, 0] != 0)
    kernel1 = np.asarray(variables["params"]["_layers_1"]["kernel"])
    assert np.all(kernel1[-1, 2:] == 0)
    assert np.all(kernel1[-1, :2] != 0)
    # LeCun normal (std 1/sqrt(6 taps)) rescaled by sqrt(6 / 4 unmasked taps): std 1/2
    assert 0.3 < np.std(kernel0[kernel0 != 0]) < 0.7
    np.testing.assert_array_equal(variables["params"]["_layers_1"]["bias"], 0)


def _param_shapes(model, n_sites):
    variables = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    return jax.tree_util.tree_map(jnp.shape, variables["params"])


def test_parameter_trees_of_dense_and_conv1d():
    dense = models.ARNNDense(hilbert=Spin(0.5, 4), layers=2, features=3, use_bias=False)
    assert _param_shapes(dense, 4) == {
        "_layers_0": {"kernel": (4, 12)},
        "_layers_1": {"kernel": (12, 8)},
    }
    conv = models.FastARNNConv1D(hilbert=Spin(0.5, 6), layers=2, features=3, kernel_size=3)
    assert _param_shapes(conv, 6) == {
        "_layers_0": {"kernel": (2, 1, 3), "bias": (3,)},
        "_layers_1": {"kernel": (3, 3, 2), "bias": (2,)},
    }


def test_fast_and_plain_share_parameters():
    hilbert = Spin(0.5, 9)
    fast, variables = build(models.FastARNNConv2D, hilbert, {"kernel_size": (2, 3)})
    plain = models.ARNNConv2D(hilbert=hilbert, layers=3, features=4, kernel_size=(2, 3))
    assert _param_shapes(plain, 9) == _param_shapes(fast, 9)
    x = hilbert.all_states()[::13]
    np.testing.assert_array_equal(
        jax.jit(plain.apply)(variables, x), jax.jit(fast.apply)(variables, x)
    )


def test_minimal_kernels_give_normalised_product_states():
    """A 1x1 (or length-1) kernel leaves the exclusive first layer without inputs: the real
    initialiser must give finite zeros there (not 0/0), and the model stays normalised."""
    cases = [
        models.FastARNNConv2D(hilbert=Spin(0.5, 4), layers=2, features=3, kernel_size=(1, 1)),
        models.FastARNNConv1D(hilbert=Spin(1, 3), layers=2, features=3, kernel_size=1),
        models.FastARNNDense(hilbert=Spin(0.5, 1), layers=2, features=3),
    ]

    @jax.jit
    def run():
        out = []
        for model in cases:
            states = model.hilbert.all_states()
            variables = model.init(jax.random.PRNGKey(0), states[:1])
            out.append((variables["params"]["_layers_0"]["kernel"], model.apply(variables, states)))
        return out

    for model, (kernel0, log_psi) in zip(cases, run()):
        np.testing.assert_array_equal(kernel0, 0)
        assert abs(np.sum(np.exp(2 * np.asarray(log_psi))) - 1) < 1e-12, model


BAD_FIELDS = [
    (models.ARNNConv2D, Spin(0.5, 12), {"kernel_size": (2, 2)}, "12 is not a square"),
    (
        models.ARNNConv2D,
        Spin(0.5, 12),
        {"kernel_size": (2, 2), "extent": (3, 3)},
        r"extent \(3, 3\) has 9 sites but hilbert.size=12",
    ),
    (
        models.ARNNConv2D,
        Spin(0.5, 9),
        {"kernel_size": (2, 0)},
        "kernel_size must be a pair of positive integers|kernel_size must be a positive integer",
    ),
    (models.ARNNConv2D, Spin(0.5, 9), {"kernel_size": (1, 2, 3)}, "kernel_size must be a pair"),
    (
        models.ARNNDense,
        Spin(0.5, 4),
        {"features": (4, 4, 2)},
        "features has 3 entries but layers=2",
    ),
    (
        models.ARNNDense,
        Spin(1, 4),
        {"features": (4, 2)},
        "last layer must have local_size=3 features",
    ),
    (models.ARNNDense, Spin(0.5, 4), {"features": 0}, "features must be a positive integer"),
    (models.ARNNDense, Spin(0.5, 4), {"layers": 0}, "layers must be a positive integer"),
    (models.ARNNDense, Spin(0.5, 4), {"machine_pow": 0}, "machine_pow must be a positive integer"),
    (
        models.FastARNNConv1D,
        Spin(0.5, 4, total_sz=0),
        {"kernel_size": 2},
        r"need an unconstrained Hilbert space .* total_sz=0",
    ),
]


@pytest.mark.parametrize(("cls", "hilbert", "fields", "match"), BAD_FIELDS)
def test_bad_fields_raise_clear_errors(cls, hilbert, fields, match):
    kwargs = {"hilbert": hilbert, "layers": 2, "features": 4, **fields}
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


# Kernels larger than the lattice (formerly refused): NetKet accepts them, the extra taps
# only read the zero padding.
LARGE_KERNELS = [
    (models.FastARNNConv2D, Spin(0.5, 6), {"kernel_size": (3, 3), "extent": (2, 3)}),
    (models.FastARNNConv2D, Spin(0.5, 6), {"kernel_size": (2, 4), "extent": (3, 2)}),
    (models.ARNNConv2D, Spin(0.5, 9), {"kernel_size": (2, 3), "kernel_dilation": (3, 1)}),
    (models.FastARNNConv1D, Spin(0.5, 4), {"kernel_size": 5}),
    (models.ARNNConv1D, Spin(0.5, 4), {"kernel_size": 3, "kernel_dilation": 2}),
]


@pytest.mark.parametrize(("cls", "hilbert", "fields"), LARGE_KERNELS)
def test_kernels_larger_than_the_lattice_are_accepted_and_normalised(cls, hilbert, fields):
    model = cls(hilbert=hilbert, layers=2, features=3, **fields)
    states = hilbert.all_states()
    variables = random_variables(model, states[:1], rng=1, scale=0.5)
    log_psi = np.asarray(jax.jit(model.apply)(variables, states))
    assert np.ptp(log_psi) > 0.1
    assert abs(np.sum(np.exp(2 * log_psi)) - 1) < 1e-12
    # autoregressive: conditional i depends on the sites before i only
    p = jax.jit(lambda v, x: model.apply(v, x, method=model.conditionals))(variables, states)
    flipped = states.copy()
    flipped[:, -1] *= -1
    p_flipped = model.apply(variables, flipped, method=model.conditionals)
    np.testing.assert_allclose(p[:, :-1], p_flipped[:, :-1], rtol=0, atol=1e-14)


def test_not_a_hilbert_space():
    with pytest.raises(TypeError, match="hilbert must be a homogeneous Hilbert space"):
        models.ARNNDense(hilbert=6, layers=2, features=3)


def test_configuration_of_the_wrong_length():
    model, variables = build(models.FastARNNConv1D, Spin(0.5, 5), {"kernel_size": 2})
    for method in (None, model.conditionals, model.conditionals_log_psi):
        kwargs = {} if method is None else {"method": method}
        with pytest.raises(ValueError, match=r"shape \(\.\.\., 5\) .* got \(2, 4\)"):
            model.apply(variables, jnp.ones((2, 4)), **kwargs)
    with pytest.raises(ValueError, match=r"got \(\)"):
        model.apply(variables, jnp.ones(()))


@pytest.mark.parametrize(
    ("cls", "s", "extra"),
    [
        (models.FastARNNConv1D, 0.5, {"kernel_size": 2}),
        (models.FastARNNConv1D, 1, {"kernel_size": 2}),
        (models.ARNNDense, 1, {}),
    ],
    ids=["FastARNNConv1D-s=1/2", "FastARNNConv1D-s=1", "ARNNDense-s=1"],
)
def test_conditionals_follow_the_hilbert_order(cls, s, extra):
    """The columns of the conditionals are in ``hilbert.local_states`` order: the same
    parameters with the last layer reversed give the reversed columns in the other order."""
    kwargs = {"layers": 2, "features": 3, **extra}
    new = cls(hilbert=Spin(s, 4), **kwargs)
    old = cls(hilbert=Spin(s, 4, inverted_ordering=True), **kwargs)
    variables = random_variables(new, 4, rng=5, scale=0.5)
    reversed_variables = models.reverse_local_state_order(variables)
    x = Spin(s, 4).all_states()

    @jax.jit
    def run(v, rv):
        return (
            new.apply(v, x, method=new.conditionals),
            old.apply(rv, x, method=old.conditionals),
            new.apply(v, x),
            old.apply(rv, x),
        )

    p_new, p_old, log_new, log_old = run(variables, reversed_variables)
    np.testing.assert_allclose(p_new, p_old[..., ::-1], rtol=0, atol=1e-14)
    np.testing.assert_allclose(log_new, log_old, rtol=0, atol=1e-13)
    # column 0 of the default order is the probability of the highest state (↑)
    up = new.hilbert.local_states[0]
    assert up == 2 * s
