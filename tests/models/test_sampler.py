"""Autoregressive sampler: exact distribution (chi-squared), log-probabilities, chunks, jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from nqs_explorer import models
from nqs_explorer.hilbert import Spin

from ._support import random_variables

N_SAMPLES = 20_000
# With a fixed seed the test is deterministic; 1e-3 keeps it clear of an unlucky draw,
# while the wrong distributions below give p-values below 1e-12.
P_VALUE_THRESHOLD = 1e-3


def _setup(cls, hilbert, param_dtype=jnp.float64, scale=0.5, **extra):
    model = cls(hilbert=hilbert, layers=2, features=4, param_dtype=param_dtype, **extra)
    return model, random_variables(model, hilbert.size, rng=11, scale=scale)


def _chi_squared_p_value(counts: np.ndarray, probs: np.ndarray) -> float:
    """Pearson's test, pooling the configurations expected fewer than 5 times into one bin."""
    expected = probs * counts.sum()
    small = expected < 5
    counts = np.append(counts[~small], counts[small].sum())
    expected = np.append(expected[~small], expected[small].sum())
    if expected[-1] == 0:
        counts, expected = counts[:-1], expected[:-1]
    expected *= counts.sum() / expected.sum()
    return float(stats.chisquare(counts, expected).pvalue)


DISTRIBUTION_CASES = [
    ("conv2d-2x3", models.FastARNNConv2D, Spin(0.5, 6), {"kernel_size": (2, 3), "extent": (2, 3)}),
    ("conv1d-spin1", models.FastARNNConv1D, Spin(1, 4), {"kernel_size": 2}),
    (
        "dense-complex",
        models.FastARNNDense,
        Spin(0.5, 5),
        {"param_dtype": jnp.complex128, "scale": 0.2},
    ),
]


@pytest.mark.parametrize(
    ("name", "cls", "hilbert", "extra"), DISTRIBUTION_CASES, ids=[c[0] for c in DISTRIBUTION_CASES]
)
def test_frequencies_match_born_probabilities(name, cls, hilbert, extra):
    model, variables = _setup(cls, hilbert, **extra)
    samples, log_prob = models.sample(model, variables, jax.random.PRNGKey(0), N_SAMPLES)
    all_states = hilbert.all_states()
    log_psi = np.asarray(jax.jit(model.apply)(variables, all_states))
    probs = np.exp(2 * log_psi.real)
    counts = np.bincount(hilbert.states_to_numbers(samples), minlength=len(all_states))
    assert _chi_squared_p_value(counts, probs) > P_VALUE_THRESHOLD
    # The test has power: a sampler of |ψ| or of a mildly perturbed |ψ|² would fail it.
    wrong = np.exp(log_psi.real)
    assert _chi_squared_p_value(counts, wrong / wrong.sum()) < 1e-12
    perturbed = probs * (1 + 0.3 * np.cos(np.arange(len(probs))))
    assert _chi_squared_p_value(counts, perturbed / perturbed.sum()) < 1e-12
    # log_prob is the Born log-probability of each returned sample.
    np.testing.assert_allclose(
        log_prob, np.log(probs)[hilbert.states_to_numbers(samples)], rtol=0, atol=1e-12
    )


@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
@pytest.mark.parametrize("machine_pow", [1, 2])
def test_log_prob_is_machine_pow_times_log_amplitude(param_dtype, machine_pow):
    hilbert = Spin(0.5, 12)
    model, variables = _setup(
        models.FastARNNConv2D,
        hilbert,
        param_dtype,
        kernel_size=(2, 3),
        extent=(4, 3),
        machine_pow=machine_pow,
    )
    samples, log_prob = models.sample(model, variables, jax.random.PRNGKey(1), 64)
    assert samples.shape == (64, 12)
    assert samples.dtype == jnp.float64
    assert log_prob.shape == (64,)
    hilbert.validate(samples)
    log_psi = jax.jit(model.apply)(variables, samples)
    np.testing.assert_allclose(log_prob, machine_pow * log_psi.real, rtol=0, atol=1e-12)


def test_plain_model_draws_the_same_samples_as_the_fast_one():
    """Same parameters and key: the slow path (full recomputation) and the cache agree."""
    hilbert = Spin(1, 6)
    extra = {"kernel_size": (2, 2), "extent": (3, 2)}
    fast, variables = _setup(models.FastARNNConv2D, hilbert, **extra)
    plain = models.ARNNConv2D(hilbert=hilbert, layers=2, features=4, **extra)
    key = jax.random.PRNGKey(2)
    samples_fast, log_prob_fast = models.sample(fast, variables, key, 200)
    samples_plain, log_prob_plain = models.sample(plain, variables, key, 200)
    np.testing.assert_array_equal(samples_plain, samples_fast)
    np.testing.assert_allclose(log_prob_plain, log_prob_fast, rtol=0, atol=1e-12)
    assert len(np.unique(np.asarray(samples_fast), axis=0)) > 20


def test_chunks():
    hilbert = Spin(0.5, 4)
    model, variables = _setup(models.FastARNNConv1D, hilbert, scale=0.2, kernel_size=2)
    key = jax.random.PRNGKey(3)
    whole = models.sample(model, variables, key, 10)
    # a chunk at least as large as the request changes nothing
    for chunk in (10, 50):
        same = models.sample(model, variables, key, 10, chunk=chunk)
        np.testing.assert_array_equal(same[0], whole[0])
    samples, log_prob = models.sample(model, variables, key, 10, chunk=3)
    assert samples.shape == (10, 4)
    assert log_prob.shape == (10,)
    log_psi = jax.jit(model.apply)(variables, samples)
    np.testing.assert_allclose(log_prob, 2 * log_psi, rtol=0, atol=1e-12)
    assert not np.array_equal(samples[:3], samples[3:6])


def test_sample_under_jit_and_float32():
    hilbert = Spin(0.5, 6)
    model, variables = _setup(
        models.FastARNNDense,
        hilbert,
        param_dtype=jnp.float32,
        kernel_init=jax.nn.initializers.normal(1.0),
    )
    sampler = jax.jit(models.sample, static_argnums=(0, 3), static_argnames="chunk")
    samples, log_prob = sampler(model, variables, jax.random.PRNGKey(4), 32)
    assert samples.dtype == jnp.float32
    assert log_prob.dtype == jnp.float32
    hilbert.validate(samples)
    # New parameter values reuse the compiled sampler.
    before = sampler._cache_size()
    shifted = jax.tree_util.tree_map(lambda a: a * 0.5, variables)
    sampler(model, shifted, jax.random.PRNGKey(4), 32)
    assert sampler._cache_size() == before


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((models.RBM(), {"params": {}}, 8), {}, TypeError, "needs an autoregressive model"),
        ((None, {"params": {}}, 0), {}, ValueError, "n_samples must be a positive integer, got 0"),
        ((None, {"params": {}}, 2.5), {}, ValueError, "n_samples must be a positive integer"),
        ((None, {"params": {}}, 8), {"chunk": 0}, ValueError, "chunk must be a positive integer"),
        ((None, {"kernel": 1}, 8), {}, ValueError, "'params' entry"),
    ],
)
def test_bad_arguments(args, kwargs, error, match):
    model = models.FastARNNConv1D(hilbert=Spin(0.5, 4), layers=1, features=2, kernel_size=2)
    model_arg = model if args[0] is None else args[0]
    with pytest.raises(error, match=match):
        models.sample(model_arg, args[1], jax.random.PRNGKey(0), args[2], **kwargs)
