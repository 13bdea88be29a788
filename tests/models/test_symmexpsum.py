"""SymmExpSum: covariance under every 1D irrep, forced zeros, stability, dtypes, errors."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.models import RBM
from nqs_explorer.nn.blocks import SymmExpSum, character_logsumexp
from nqs_explorer.utils import HashableArray

from ._support import random_variables

WIDE = nn.initializers.normal(0.3)

LATTICES = {
    "Chain6": lambda: nqx.graph.Chain(6),
    "Square3": lambda: nqx.graph.Square(3),
    "Square4": lambda: nqx.graph.Square(4),
    "Triangular3x3": lambda: nqx.graph.Triangular((3, 3)),
}
KINDS = ("translation_group", "point_group", "space_group")
CASES = [pytest.param(lat, kind, id=f"{lat}-{kind}") for lat in LATTICES for kind in KINDS]


class DihedralRing:
    """A stand-in group (D_n acting on a ring of n sites, n even): duck typing only."""

    def __init__(self, n):
        self.n = n
        j = np.arange(n)
        rotations = [(j - k) % n for k in range(n)]
        reflections = [(k - j) % n for k in range(n)]
        self._perms = np.array(rotations + reflections)
        rot_sign = (-1.0) ** np.arange(n)
        one, rot, refl = np.ones(n), np.ones(n), -np.ones(n)
        # the four 1D irreps A1, A2, B1, B2 (n even), then the 2D ones E_j
        rows = [
            np.r_[one, one],
            np.r_[rot, refl],
            np.r_[rot_sign, rot_sign],
            np.r_[rot_sign, -rot_sign],
        ]
        rows += [
            np.r_[2 * np.cos(2 * np.pi * m * np.arange(n) / n), np.zeros(n)]
            for m in range(1, n // 2)
        ]
        self._table = np.array(rows, dtype=complex)

    def to_array(self):
        return self._perms

    def character_table(self):
        return self._table

    def __len__(self):
        return 2 * self.n

    def __hash__(self):
        return hash(("DihedralRing", self.n))

    def __eq__(self, other):
        return isinstance(other, DihedralRing) and other.n == self.n


class Affine(nn.Module):
    """log ψ_θ(σ) = offset + w·σ (complex w optional): a module with known terms."""

    offset: float = 0.0
    param_dtype: type = jnp.float64

    @nn.compact
    def __call__(self, x):
        w = self.param("w", nn.initializers.normal(1.0), (x.shape[-1],), self.param_dtype)
        return self.offset + x @ w


class Constant(nn.Module):
    """log ψ_θ(σ) = value for every σ (no parameters)."""

    value: float = 0.0

    @nn.compact
    def __call__(self, x):
        return jnp.full(x.shape[:-1], self.value)


def _group(lattice, kind):
    return getattr(LATTICES[lattice](), kind)()


def _one_d_irreps(group):
    table = np.asarray(group.character_table())
    ids = np.flatnonzero(np.abs(table[:, 0] - 1) < 1e-9)
    assert ids[0] == 0
    return ids, table


def _numpy_rbm(params, x):
    """log ψ_θ of the RBM in numpy (for the amplitude scale of the orbit terms)."""
    theta = x @ params["Dense"]["kernel"] + params["Dense"]["bias"]
    return np.log(np.cosh(theta)).sum(-1) + x @ params["visible_bias"]


def _forced_zero_configurations(group, ids, table, rng, n_max=3):
    """Configurations with a stabilizer on which some 1D character sums to zero."""
    perms = np.asarray(group.to_array())
    n_sites = perms.shape[1]
    if n_sites <= 9:
        candidates = nqx.hilbert.Spin(0.5, n_sites).all_states()
    else:
        candidates = np.sign(rng.standard_normal((4000, n_sites)))
    stabilizers = np.all(candidates[:, perms] == candidates[:, None, :], axis=-1)  # (C, |G|)
    found = []
    for c in np.flatnonzero(stabilizers.sum(1) > 1):
        sums = table[ids][:, stabilizers[c]].sum(axis=1)
        found += [(c, cid) for cid in ids[np.abs(sums) < 1e-9]]
    assert found, "no configuration with a stabilizer that a character annihilates"
    picks = rng.choice(len(found), size=min(n_max, len(found)), replace=False)
    return candidates[[found[i][0] for i in picks]], [found[i][1] for i in picks]


@pytest.mark.parametrize(("lattice", "kind"), CASES)
def test_every_1d_irrep_covariance_invariance_and_forced_zeros(lattice, kind, rng):
    group = _group(lattice, kind)
    perms = np.asarray(group.to_array())
    ids, table = _one_d_irreps(group)
    n_sites = perms.shape[1]
    module = RBM(alpha=1, param_dtype=jnp.complex128)
    zero_sigma, zero_ids = _forced_zero_configurations(group, ids, table, rng)
    sigma = np.concatenate([np.sign(rng.standard_normal((3, n_sites))), zero_sigma])
    orbit = sigma[:, perms]  # (B, |G|, N): T_h σ for every h
    variables = random_variables(SymmExpSum(module, group), sigma, rng)
    rbm_params = variables["params"]["module"]
    # amplitude scale of each σ: the largest unsymmetrized |ψ_θ(T_g σ)| over its orbit
    shift = _numpy_rbm(rbm_params, orbit).real.max(axis=1)[:, None]

    def all_characters(variables, orbit, weights):
        terms = SymmExpSum(module, group).apply(
            variables, orbit, method=SymmExpSum._symmetrized_log_terms
        )
        return jax.vmap(lambda w: character_logsumexp(terms, w, real=False))(weights)

    weights = table[ids] / len(group)
    log_psi = np.asarray(jax.jit(all_characters)(variables, orbit, weights))  # (irreps, B, |G|)
    assert not np.isnan(log_psi).any()
    psi = np.exp(log_psi - shift)
    for i, cid in enumerate(ids):
        error = np.abs(psi[i] - np.conj(table[cid])[None, :] * psi[i][:, :1])
        assert error.max() < 1e-12, f"irrep {cid}: covariance error {error.max():.2e}"
    # the trivial irrep: invariance, and the symmetric amplitude is not accidentally zero
    np.testing.assert_allclose(psi[0], np.broadcast_to(psi[0][:, :1], psi[0].shape), rtol=1e-12)
    assert np.all(np.abs(psi[0][:3, 0]) > 1e-6)
    # forced zeros: |ψ(σ)| vanishes relative to the amplitude scale
    for b, cid in enumerate(zero_ids, start=3):
        assert np.abs(psi[list(ids).index(cid), b, 0]) < 1e-12
    # the module itself (its __call__) agrees with the pieces for one nontrivial irrep
    cid = ids[-1]
    direct = jax.jit(SymmExpSum(module, group, character_id=int(cid)).apply)(variables, sigma)
    np.testing.assert_allclose(
        np.exp(np.asarray(direct) - shift[:, 0]), psi[-1][:, 0], rtol=1e-12, atol=1e-14
    )


def test_values_against_brute_force_with_complex_characters(rng):
    group = nqx.graph.Chain(6).translation_group()
    _, table = _one_d_irreps(group)
    module = RBM(alpha=1, param_dtype=jnp.complex128)
    sigma = np.sign(rng.standard_normal((4, 6)))
    variables = random_variables(SymmExpSum(module, group), sigma, rng)
    terms = _numpy_rbm(variables["params"]["module"], sigma[:, group.to_array()])  # (4, |G|)
    for cid in range(len(table)):
        out = jax.jit(SymmExpSum(module, group, character_id=cid).apply)(variables, sigma)
        assert out.dtype == jnp.complex128
        expected = np.mean(table[cid] * np.exp(terms), axis=1)
        scale = np.abs(np.exp(terms)).max()  # zeros (forced by the character) up to rounding
        np.testing.assert_allclose(np.exp(out), expected, rtol=1e-12, atol=1e-13 * scale)


def test_negative_real_characters_give_log_abs_plus_i_pi(rng):
    group = nqx.graph.Chain(6).translation_group()
    chi = (-1.0) ** np.arange(6)  # k = π: real, with negative values
    module = Affine()
    sigma = np.sign(rng.standard_normal((24, 6)))
    model = SymmExpSum(module, group, characters=chi)
    variables = random_variables(model, sigma, rng, scale=1.0)
    out = np.asarray(jax.jit(model.apply)(variables, sigma))
    assert out.dtype == np.complex128
    w = variables["params"]["module"]["w"]
    terms = np.exp(sigma[:, group.to_array()] @ w)
    s = np.mean(chi * terms, axis=1)  # real
    # σ whose terms cancel (e.g. all spins equal): zero up to rounding
    zero = np.abs(s) < 1e-13 * terms.max(axis=1)
    assert (s[~zero] < 0).any()
    assert (s[~zero] > 0).any()
    assert zero.any()
    np.testing.assert_allclose(out.real[~zero], np.log(np.abs(s[~zero])), rtol=1e-12)
    np.testing.assert_array_equal(out.imag[~zero], np.where(s[~zero] < 0, np.pi, 0.0))
    assert np.all(out.real[zero] < np.log(1e-13 * terms.max(axis=1)[zero]))
    assert not np.isnan(out).any()


def test_no_overflow_for_huge_log_amplitudes(rng):
    group = nqx.graph.Chain(6).translation_group()
    sigma = np.sign(rng.standard_normal((3, 6)))
    huge = Affine(offset=5000.0, param_dtype=jnp.complex128)
    small = Affine(offset=0.0, param_dtype=jnp.complex128)
    variables = random_variables(SymmExpSum(small, group), sigma, rng, scale=1.0)
    w = variables["params"]["module"]["w"]
    _, table = _one_d_irreps(group)
    for cid in (0, 1):
        out = np.asarray(jax.jit(SymmExpSum(huge, group, character_id=cid).apply)(variables, sigma))
        assert np.all(np.isfinite(out))
        terms = np.exp(sigma[:, group.to_array()] @ w)
        expected = np.mean(table[cid] * terms, axis=1)
        np.testing.assert_allclose(
            np.exp(out - 5000.0), expected, rtol=1e-12, atol=1e-13 * np.abs(terms).max()
        )


def test_exact_cancellation_gives_minus_inf_without_nan():
    swap = DihedralRing(2)  # 4 elements on 2 sites; A2 is +1 on rotations, -1 on reflections
    x = jnp.array([[1.0, -1.0], [1.0, 1.0]])
    for cid in (1, 2, 3):
        out = jax.jit(SymmExpSum(Constant(0.7), swap, character_id=cid).apply)({}, x)
        assert out.dtype == jnp.complex128
        assert np.all(np.isneginf(out.real))
        assert not np.any(np.isnan(out.imag))
    # every term exp(-inf) = 0: also -inf, not NaN, for the trivial (real) character
    out = jax.jit(SymmExpSum(Constant(-np.inf), swap).apply)({}, x)
    assert out.dtype == jnp.float64
    assert np.all(np.isneginf(out))


def test_stand_in_group_duck_typing(rng):
    group = DihedralRing(6)
    ids, table = _one_d_irreps(group)
    np.testing.assert_array_equal(ids, [0, 1, 2, 3])
    module = RBM(alpha=1, param_dtype=jnp.complex128)
    sigma = np.sign(rng.standard_normal((2, 6)))
    orbit = sigma[:, group.to_array()]
    variables = random_variables(SymmExpSum(module, group), sigma, rng)
    for cid in ids:
        model = SymmExpSum(module, group, character_id=int(cid))
        psi = np.exp(np.asarray(jax.jit(model.apply)(variables, orbit)))
        np.testing.assert_allclose(psi, np.conj(table[cid]) * psi[:, :1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("batch", [(), (3,), (2, 3)], ids=["()", "(B,)", "(B1,B2)"])
@pytest.mark.parametrize("param_dtype", [jnp.float64, jnp.complex128], ids=["real", "complex"])
def test_batch_shapes_jit_and_param_tree(batch, param_dtype, rng):
    group = nqx.graph.Square(3).translation_group()
    model = SymmExpSum(RBM(alpha=2, param_dtype=param_dtype), group, character_id=None)
    x = np.sign(rng.standard_normal((*batch, 9)))
    variables = random_variables(model, x, rng)
    assert jax.tree_util.tree_map(jnp.shape, variables) == {
        "params": {"module": {"Dense": {"kernel": (9, 18), "bias": (18,)}, "visible_bias": (9,)}}
    }
    out = jax.jit(model.apply)(variables, x)
    assert out.shape == batch
    assert out.dtype == param_dtype  # real for a real module and the trivial character
    terms = _numpy_rbm(variables["params"]["module"], x[..., group.to_array()])
    np.testing.assert_allclose(np.exp(out), np.mean(np.exp(terms), axis=-1), rtol=1e-12)


def test_fields_validation_and_hashing():
    group = nqx.graph.Chain(6).translation_group()
    with pytest.raises(ValueError, match="not both"):
        SymmExpSum(RBM(), group, character_id=1, characters=np.ones(6))
    with pytest.raises(ValueError, match=r"character_id=6 is out of range.*0\.\.5"):
        SymmExpSum(RBM(), group, character_id=6)
    with pytest.raises(ValueError, match=r"out of range.*0\.\.5"):
        SymmExpSum(RBM(), group, character_id=-1)
    with pytest.raises(TypeError, match="character_id must be an int"):
        SymmExpSum(RBM(), group, character_id=1.0)
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        SymmExpSum(RBM(), group, characters=np.ones(5))
    with pytest.raises(ValueError, match="finite"):
        SymmExpSum(RBM(), group, characters=np.full(6, np.nan))
    a = SymmExpSum(RBM(), group, characters=[1, -1, 1, -1, 1, -1])
    b = SymmExpSum(RBM(), group, characters=np.array([1, -1, 1, -1, 1, -1]))
    assert isinstance(a.characters, HashableArray)
    assert a == b
    assert hash(a) == hash(b)
    assert SymmExpSum(RBM(), group, character_id=2) != SymmExpSum(RBM(), group, character_id=3)


def test_wrong_configuration_size():
    model = SymmExpSum(RBM(), nqx.graph.Chain(6).translation_group())
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 6\)"):
        jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones(5))


def test_reference_doc_examples_run_with_nk_bound_to_nqs_explorer(rng):
    nk = nqx
    graph = nk.graph.Square(3)
    assert len(graph.translation_group()) == 9
    machine_no_symm = nk.models.RBM(alpha=2)
    ma = nk.nn.blocks.SymmExpSum(module=machine_no_symm, symm_group=graph.translation_group())
    assert len(graph.point_group()) == 8
    mp = nk.nn.blocks.SymmExpSum(module=machine_no_symm, symm_group=graph.point_group())
    x = np.sign(rng.standard_normal((2, 9)))
    for model in (ma, mp):
        assert model.symm_group is not None
        variables = random_variables(model, x, rng)
        assert jax.jit(model.apply)(variables, x).shape == (2,)


def test_round_off_imaginary_parts_count_as_real(rng):
    group = nqx.graph.Chain(6).translation_group()
    module = RBM(alpha=1)
    x = np.sign(rng.standard_normal((3, 6)))
    noisy_trivial = np.ones(6) + 1e-17j
    noisy_pi = np.exp(-1j * np.pi * np.arange(6))  # ±1 with ~1e-16 imaginary parts
    assert np.abs(noisy_pi.imag).max() > 0
    variables = random_variables(SymmExpSum(module, group), x, rng)
    out = jax.jit(SymmExpSum(module, group, characters=noisy_trivial, strategy="gather").apply)(
        variables, x
    )
    assert out.dtype == jnp.float64
    out = jax.jit(SymmExpSum(module, group, characters=noisy_pi, strategy="gather").apply)(
        variables, x
    )
    terms = _numpy_rbm(variables["params"]["module"], x[:, group.to_array()])
    s = np.mean((-1.0) ** np.arange(6) * np.exp(terms), axis=1)
    np.testing.assert_array_equal(out.imag, np.where(s < 0, np.pi, 0.0))  # exactly 0 or π
