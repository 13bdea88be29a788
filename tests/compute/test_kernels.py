"""The kernel cache: one compilation per (kernel, module, shapes); values never recompile."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer.compute import _kernels as K
from nqs_explorer.compute import compile_count


class Toy(nn.Module):
    """A small real log-amplitude: log cosh of a dense layer plus a linear term."""

    features: int = 3

    @nn.compact
    def __call__(self, x):
        h = nn.Dense(self.features, param_dtype=jnp.float64)(x)
        return jnp.sum(jnp.log(jnp.cosh(h)), -1) + nn.Dense(1, param_dtype=jnp.float64)(x)[..., 0]


N = 5
CYCLIC = np.array([np.roll(np.arange(N), -k) for k in range(N)])  # T_k σ = roll(σ, -k)


def characters(k: int) -> np.ndarray:
    return np.exp(-2j * np.pi * k * np.arange(N) / N)


def configs(seed: int, batch: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(batch, N))


def test_hits_and_misses_are_counted_and_cross_checked(compile_events):
    model = Toy(features=7)  # a module no other test compiles
    with compile_events() as events:
        before = compile_count()
        variables, t0 = K.call_kernel(K.init, np.uint32(0), configs(0), model=model)
        _, t1 = K.call_kernel(K.init, np.uint32(1), configs(1), model=model)
        out_a, t2 = K.call_kernel(K.log_psi, variables, configs(2), model=model)
        out_b, t3 = K.call_kernel(K.log_psi, variables, configs(3), model=model)
        _, t4 = K.call_kernel(K.log_psi, variables, configs(3, batch=8), model=model)
        _, t5 = K.call_kernel(K.init, np.uint32(0), configs(0), model=Toy(features=8))
    assert [t.compiled for t in (t0, t1, t2, t3, t4, t5)] == [True, False, True, False, True, True]
    assert compile_count() - before == 4
    assert events.kernels == 4
    assert events.total == 4
    assert {t.kernel for t in (t0, t2)} == {"init", "log_psi"}
    assert not np.allclose(out_a, out_b)  # the values did change without a compilation


def test_timing_fields():
    model = Toy(features=9)
    _variables, first = K.call_kernel(K.init, np.uint32(0), configs(0), model=model)
    _, second = K.call_kernel(K.init, np.uint32(3), configs(0), model=model)
    device = jax.devices()[0]
    assert first.compiled
    assert first.compile_s > 0
    assert first.run_s > 0
    assert not second.compiled
    assert second.compile_s == 0.0
    assert second.run_s > 0
    assert first.device == second.device == f"{device.platform}:{device.id}"


def test_init_is_seeded():
    model = Toy()
    x = configs(0)
    variables, _ = K.call_kernel(K.init, np.uint32(42), x, model=model)
    again, _ = K.call_kernel(K.init, np.uint32(42), configs(1), model=model)
    other, _ = K.call_kernel(K.init, np.uint32(43), x, model=model)
    kernel = variables["params"]["Dense_0"]["kernel"]
    np.testing.assert_array_equal(again["params"]["Dense_0"]["kernel"], kernel)
    assert not np.allclose(other["params"]["Dense_0"]["kernel"], kernel)


def test_symmetrized_log_psi_matches_the_direct_sum():
    model = Toy()
    x = configs(5)
    variables = model.init(jax.random.PRNGKey(1), x)
    variables = jax.tree_util.tree_map(lambda v: 3 * v, variables)
    for k in range(N):
        chi = characters(k)
        out, _ = K.call_kernel(K.symm_log_psi, variables, x, CYCLIC, chi, module=model)
        terms = np.exp(np.asarray(model.apply(variables, x[:, CYCLIC])))  # (B, |G|)
        expected = terms @ chi / N
        np.testing.assert_allclose(
            np.exp(out), expected, rtol=1e-12, atol=1e-14 * np.abs(terms).max()
        )


def test_covariance_errors_vanish_for_a_covariant_amplitude():
    # The projected amplitude ψ_k = Σ_g χ_g ψ_θ(T_g σ) obeys ψ_k(T_h σ) = conj(χ_h) ψ_k(σ).
    model = Toy()
    x = configs(6)
    variables = jax.tree_util.tree_map(lambda v: 3 * v, model.init(jax.random.PRNGKey(2), x))
    symm, _ = K.call_kernel(
        K.symm_symmetry_check, variables, x, CYCLIC, characters(2), module=model
    )
    plain, _ = K.call_kernel(K.symmetry_check, variables, x, CYCLIC, characters(2), model=model)
    assert symm.shape == plain.shape == (N,)
    assert np.max(symm) < 1e-13
    assert symm[0] == plain[0] == 0.0  # element 0 is the identity, χ_0 = 1
    assert np.min(plain[1:]) > 1e-3


def test_static_arguments_must_be_hashable():
    with pytest.raises(TypeError, match="hashable"):
        K.call_kernel(K.log_psi, {}, configs(0), model=[1, 2])


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="the cheap options are for CPU")
def test_one_configuration_kernels_compile_cheaply_with_the_same_numbers():
    # an architecture change waits for these compilations; their runs take microseconds
    for name in ("init", "orbit", "conditionals", "receptive_fields"):
        assert K._compiler_options(name)["xla_backend_optimization_level"] == 0
    # batched kernels keep XLA's full optimisation: their run time is what counts
    for name in ("log_psi", "symm_log_psi", "sample", "symmetry_check", "symm_symmetry_check"):
        assert K._compiler_options(name) is None
    model = Toy(features=11)
    variables = jax.tree_util.tree_map(
        lambda v: 2 * v, model.init(jax.random.PRNGKey(3), configs(0))
    )
    sigma = configs(7, batch=1)[0]
    out, _ = K.call_kernel(K.orbit, variables, sigma, CYCLIC, characters(1), module=model)
    reference = jax.jit(K.orbit, static_argnames="module")(
        variables, sigma, CYCLIC, characters(1), module=model
    )
    for key in ("log_terms", "terms", "total"):
        np.testing.assert_allclose(out[key], reference[key], rtol=1e-13, err_msg=key)


def test_a_one_device_mesh_keeps_the_cache_key():
    """Importing NetKet installs a one-device mesh, so new arrays carry a `NamedSharding`
    on one device: the same program, so the same cache entry (a precompiled step made in
    another thread, whose arrays carry none, must be found)."""
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    x = np.ones((4, 3))
    mesh = Mesh(np.array(jax.devices()[:1]), ("S",))
    on_mesh = jax.device_put(x, NamedSharding(mesh, PartitionSpec()))
    assert isinstance(on_mesh.sharding, NamedSharding)
    assert K._aval_key(on_mesh) == K._aval_key(jnp.asarray(x))
    assert K._aval_key(on_mesh) == K._aval_key(x)
