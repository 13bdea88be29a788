"""Samplers draw |ψ|² (chi-squared against the enumeration), MC energies within their error."""

import jax
import numpy as np
import pytest
import scipy.stats

import nqs_explorer as nqx
from tests.models._support import random_variables
from tests.vqs._exact import dense


def _chi2_pvalue(samples, hilbert, probabilities, support=None):
    """p-value of the counts of ``samples`` under ``probabilities`` (over ``support`` rows)."""
    numbers = hilbert.states_to_numbers(np.asarray(samples).reshape(-1, hilbert.size))
    counts = np.bincount(numbers, minlength=hilbert.n_states).astype(float)
    support = np.arange(hilbert.n_states) if support is None else support
    assert counts.sum() == counts[support].sum(), "samples outside the support"
    p = probabilities[support] / probabilities[support].sum()
    return scipy.stats.chisquare(counts[support], p * counts.sum()).pvalue


def _rbm_state(n, seed, sampler, n_samples, scale=0.5, **kwargs):
    model = nqx.models.RBM(alpha=1, param_dtype=np.complex128)
    variables = random_variables(model, n, rng=seed, scale=scale)
    return nqx.vqs.MCState(sampler, model, n_samples=n_samples, variables=variables, **kwargs)


def _exact_probabilities(vs):
    states = vs.hilbert.all_states()
    log_psi = np.asarray(vs.log_value(states))
    p = np.exp(2 * log_psi.real)
    return p / p.sum()


def test_metropolis_local_samples_psi_squared():
    hi = nqx.hilbert.Spin(0.5, 4)
    sampler = nqx.sampler.MetropolisLocal(hi, n_chains=32)
    vs = _rbm_state(4, 11, sampler, 32 * 300, n_discard_per_chain=20)
    p = _exact_probabilities(vs)
    assert _chi2_pvalue(vs.samples, hi, p) > 1e-3
    # the test has power: the same counts reject a wrong distribution (|ψ|¹)
    wrong = np.sqrt(p)
    assert _chi2_pvalue(vs.samples, hi, wrong) < 1e-8
    assert 0.1 < vs.acceptance <= 1.0


def test_metropolis_exchange_keeps_total_sz_and_samples_the_sector():
    n = 6
    hi = nqx.hilbert.Spin(0.5, n)
    sampler = nqx.sampler.MetropolisExchange(hi, graph=nqx.graph.Chain(n), n_chains=32, total_sz=0)
    vs = _rbm_state(n, 12, sampler, 32 * 300, scale=0.2, n_discard_per_chain=20)
    samples = np.asarray(vs.samples)
    assert np.all(samples.sum(axis=-1) == 0)
    support = np.flatnonzero(hi.all_states().sum(axis=1) == 0)
    assert _chi2_pvalue(samples, hi, _exact_probabilities(vs), support) > 1e-3


def test_exchange_refuses_an_impossible_magnetization():
    hi = nqx.hilbert.Spin(0.5, 5)
    sampler = nqx.sampler.MetropolisExchange(hi, graph=nqx.graph.Chain(5), total_sz=0)
    with pytest.raises(ValueError, match="impossible"):
        sampler.init_state(0)


def test_ar_direct_sampler_is_exact():
    n = 5
    hi = nqx.hilbert.Spin(0.5, n)
    model = nqx.models.FastARNNConv1D(hilbert=hi, layers=2, features=3, kernel_size=3)
    variables = random_variables(model, n, rng=4, scale=0.6)
    vs = nqx.vqs.MCState(
        nqx.sampler.ARDirectSampler(hi), model, n_samples=8000, variables=variables
    )
    assert vs.samples.shape == (8000, 1, n)
    p = _exact_probabilities(vs)
    np.testing.assert_allclose(p.sum(), 1.0)
    assert _chi2_pvalue(vs.samples, hi, p) > 1e-3
    assert _chi2_pvalue(vs.samples, hi, np.sqrt(p)) < 1e-8


@pytest.mark.parametrize("seed", [0, 1])
def test_mc_energy_agrees_with_the_exact_energy_within_its_error(seed):
    n = 6
    hi = nqx.hilbert.Spin(0.5, n)
    H = nqx.operator.Ising(hi, nqx.graph.Chain(n), h=1.0)
    sampler = nqx.sampler.MetropolisLocal(hi, n_chains=16)
    vs = _rbm_state(n, seed, sampler, 4096, sampler_seed=seed)
    stats = vs.expect(H)
    psi = np.exp(np.asarray(vs.log_value(hi.all_states())))
    exact = np.vdot(psi, dense(H) @ psi).real / np.vdot(psi, psi).real
    assert 0 < float(stats.error_of_mean) < 0.2
    assert abs(float(stats.mean.real) - exact) < 4 * float(stats.error_of_mean)
    assert abs(float(stats.R_hat) - 1) < 0.1


def test_statistics_of_independent_chains():
    data = jax.random.normal(jax.random.PRNGKey(0), (64, 50))
    stats = nqx.vqs.statistics(data)
    np.testing.assert_allclose(stats.mean, np.mean(data))
    np.testing.assert_allclose(stats.variance, np.var(data))
    # independent data: the error is close to sqrt(var / n)
    assert 0.7 < float(stats.error_of_mean) / np.sqrt(np.var(data) / data.size) < 1.3
    assert abs(float(stats.R_hat) - 1) < 0.05


def test_sampler_arguments_are_checked():
    hi = nqx.hilbert.Spin(0.5, 4)
    with pytest.raises(ValueError, match="n_chains"):
        nqx.sampler.MetropolisLocal(hi, n_chains=0)
    with pytest.raises(ValueError, match="exactly one"):
        nqx.sampler.MetropolisExchange(hi)
    with pytest.raises(ValueError, match="n_samples"):
        nqx.vqs.MCState(nqx.sampler.MetropolisLocal(hi), nqx.models.RBM(), n_samples=0)
