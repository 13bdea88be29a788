"""compute.ARCHITECTURES: declarations, validation, and every model it builds."""

import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.compute import ARCHITECTURES, ArchitectureSpec, Hyperparameter
from nqs_explorer.hilbert import Spin
from nqs_explorer.nn.blocks import SymmExpSum
from tests.models._support import random_variables

AR_NAMES = {"ARNNConv2D", "FastARNNConv2D", "FastARNNConv1D", "FastARNNDense"}
PLAIN_NAMES = ["RBM", "MLP", "DeepSetMLP"]


def test_the_registry_lists_every_architecture():
    assert set(ARCHITECTURES) == {*PLAIN_NAMES, *AR_NAMES}
    for name, spec in ARCHITECTURES.items():
        assert isinstance(spec, ArchitectureSpec)
        assert spec.name == name
        assert spec.autoregressive == (name in AR_NAMES)
        assert spec.supports_symmetrization == (name not in AR_NAMES)
        assert spec.help
        names = [h.name for h in spec.hyperparameters]
        assert len(names) == len(set(names))
        assert "param_dtype" in names
        for h in spec.hyperparameters:
            assert h.help, f"{name}.{h.name} has no help"
            assert h.validate(h.default) == h.default  # defaults are valid and normalized
        assert spec.validate() == spec.defaults()


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_classes_resolve_lazily(name):
    spec = ARCHITECTURES[name]
    assert spec.cls is getattr(nqx.models, spec.class_name)
    assert issubclass(spec.cls, nn.Module)


def test_autoregressive_fields_match_the_brief():
    conv2d = ARCHITECTURES["FastARNNConv2D"]
    assert conv2d.defaults() == {
        "layers": 2,
        "features": 8,
        "kernel_size": (3, 3),
        "kernel_dilation": (1, 1),
        "machine_pow": 2,
        "use_bias": True,
        "param_dtype": "float64",
    }
    assert conv2d.hyperparameter("layers").min == 1
    assert conv2d.hyperparameter("layers").max == 8
    assert conv2d.hyperparameter("features").max == 64
    assert ARCHITECTURES["FastARNNConv1D"].hyperparameter("kernel_size").type is int
    assert "kernel_size" not in ARCHITECTURES["FastARNNDense"].defaults()
    with pytest.raises(ValueError, match="no hyperparameter 'alpha'"):
        conv2d.hyperparameter("alpha")


def test_hyperparameter_validation_messages():
    alpha = ARCHITECTURES["RBM"].hyperparameter("alpha")
    with pytest.raises(ValueError, match=r"RBM\.alpha: 0 is out of range; allowed 1\.\.16"):
        alpha.validate(0, "RBM")
    with pytest.raises(TypeError, match="expected an int"):
        alpha.validate(1.5)
    with pytest.raises(TypeError, match="expected an int"):
        alpha.validate(True)
    assert alpha.validate(np.int64(3)) == 3
    assert type(alpha.validate(np.int64(3))) is int
    flag = ARCHITECTURES["RBM"].hyperparameter("use_visible_bias")
    with pytest.raises(TypeError, match="True or False"):
        flag.validate(1)
    dtype = ARCHITECTURES["RBM"].hyperparameter("param_dtype")
    with pytest.raises(ValueError, match=r"'float16' is not allowed; choose one of"):
        dtype.validate("float16")
    kernel = ARCHITECTURES["ARNNConv2D"].hyperparameter("kernel_size")
    assert kernel.validate([2, 3]) == (2, 3)
    assert kernel.validate(3) == (3, 3)
    with pytest.raises(ValueError, match="expected 2 values, got 3"):
        kernel.validate((1, 2, 3))
    with pytest.raises(ValueError, match=r"0 is out of range"):
        kernel.validate((0, 2))
    dims = ARCHITECTURES["MLP"].hyperparameter("hidden_dims")
    assert dims.validate(()) == ()
    with pytest.raises(ValueError, match=r"expected 0\.\.4 values, got 5"):
        dims.validate((1,) * 5)
    with pytest.raises(TypeError, match="expected a tuple of int"):
        dims.validate("16")
    real = Hyperparameter("scale", float, 1.0, min=0.0, help="a float")
    assert real.validate(2) == 2.0
    with pytest.raises(ValueError, match="finite"):
        real.validate(float("nan"))


def test_spec_validate_unknown_and_bad_values():
    spec = ARCHITECTURES["RBM"]
    with pytest.raises(ValueError, match=r"unknown hyperparameter\(s\) \['beta'\]; allowed:"):
        spec.validate({"beta": 1})
    with pytest.raises(ValueError, match="out of range"):
        spec.build(Spin(0.5, 4), alpha=100)
    assert spec.validate({"alpha": 3})["alpha"] == 3


def test_build_checks_the_lattice():
    hi = Spin(0.5, 9)
    with pytest.raises(ValueError, match="9 sites but the lattice has 16"):
        ARCHITECTURES["RBM"].build(hi, nqx.graph.Square(4))
    # kernels larger than the lattice are accepted, as NetKet accepts them (zero padding)
    model = ARCHITECTURES["FastARNNConv2D"].build(hi, nqx.graph.Square(3), kernel_size=(4, 4))
    assert (model.kernel_size, model.extent) == ((4, 4), (3, 3))
    with pytest.raises(ValueError, match="needs a 2D lattice with one site per unit cell"):
        ARCHITECTURES["ARNNConv2D"].build(Spin(0.5, 6), nqx.graph.Chain(6))
    model = ARCHITECTURES["FastARNNConv1D"].build(Spin(0.5, 6), nqx.graph.Chain(6), kernel_size=7)
    assert model.kernel_size == 7
    with pytest.raises(ValueError, match="needs a lattice"):
        ARCHITECTURES["DeepSetMLP"].build(hi, encoding="occupied_coordinates")


def test_builds_use_the_values():
    hi = Spin(0.5, 4)
    rbm = ARCHITECTURES["RBM"].build(hi, alpha=3, use_visible_bias=False, param_dtype="complex128")
    assert (rbm.alpha, rbm.use_visible_bias, rbm.param_dtype) == (3, False, jnp.complex128)
    mlp = ARCHITECTURES["MLP"].build(hi, hidden_dims=(4, 2), hidden_activation="none")
    assert mlp.hidden_dims == (4, 2)
    assert mlp.hidden_activations is None
    ds = ARCHITECTURES["DeepSetMLP"].build(hi, encoding="one_hot")
    assert ds.encoding.local_states == (-1.0, 1.0)
    # equal values give equal (hashable) modules: compiled functions can be cached by model
    assert hash(ARCHITECTURES["MLP"].build(hi)) == hash(ARCHITECTURES["MLP"].build(hi))


BUILDS = [
    pytest.param(name, extra, dtype, id=f"{name}-{tag}-{dtype}")
    for name, extra, tag, dtypes in [
        ("RBM", {}, "default", ("float64", "complex128")),
        (
            "MLP",
            {"hidden_dims": (5, 3), "hidden_activation": "tanh"},
            "tanh",
            ("float64", "complex128"),
        ),
        ("DeepSetMLP", {"encoding": "values"}, "values", ("float64", "complex128")),
        ("DeepSetMLP", {"encoding": "one_hot"}, "one_hot", ("complex128",)),
        ("DeepSetMLP", {"encoding": "occupied_coordinates"}, "occupied", ("float32",)),
    ]
    for dtype in dtypes
]


@pytest.mark.parametrize(("name", "extra", "param_dtype"), BUILDS)
def test_every_model_jits_for_every_batch_shape(name, extra, param_dtype, rng):
    lattice = nqx.graph.Square(3)
    hi = Spin(0.5, 9)
    model = ARCHITECTURES[name].build(hi, lattice, param_dtype=param_dtype, **extra)
    x = np.asarray(hi.all_states()[rng.choice(512, 6)]).reshape(2, 3, 9)
    variables = random_variables(model, x, rng)
    apply = jax.jit(model.apply)
    out = np.asarray(apply(variables, x))
    assert out.shape == (2, 3)
    # float32 parameters still compute in float64 (Dense's dtype default, as NetKet)
    assert out.dtype == np.promote_types(param_dtype, np.float64)
    assert np.all(np.isfinite(out))
    tol = 1e-6 if param_dtype == "float32" else 1e-13
    np.testing.assert_allclose(apply(variables, x[0]), out[0], rtol=tol)
    np.testing.assert_allclose(apply(variables, x[1, 2]), out[1, 2], rtol=tol)
    assert apply(variables, x[1, 2]).shape == ()


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_symmetrizable_models_wrap_in_symmexpsum(name, rng):
    lattice = nqx.graph.Square(3)
    group = lattice.translation_group()
    model = SymmExpSum(ARCHITECTURES[name].build(Spin(0.5, 9), lattice), group, character_id=1)
    x = np.sign(rng.standard_normal((4, 9)))
    variables = random_variables(model, x, rng)
    out = np.asarray(jax.jit(model.apply)(variables, x[:, group.to_array()[3]]))
    ref = np.asarray(jax.jit(model.apply)(variables, x))
    chi = group.character_table()[1, 3]
    terms = jax.jit(lambda v, x: model.apply(v, x, method=SymmExpSum._symmetrized_log_terms))(
        variables, x
    )
    scale = np.exp(np.asarray(terms).real.max(axis=0))  # forced zeros vanish to rounding
    np.testing.assert_allclose(
        np.exp(out) / scale, np.conj(chi) * np.exp(ref) / scale, rtol=1e-11, atol=1e-13
    )


@pytest.mark.parametrize("name", sorted(AR_NAMES))
def test_autoregressive_builds_once_the_classes_exist(name):
    spec = ARCHITECTURES[name]
    if not hasattr(nqx.models, spec.class_name):
        pytest.skip(f"{spec.class_name} is not implemented yet")
    lattice = nqx.graph.Chain(6) if "1D" in name else nqx.graph.Square(3)
    model = spec.build(Spin(0.5, lattice.n_nodes), lattice, features=3)
    assert isinstance(model, spec.cls)
    fields = {f.name for f in dataclasses.fields(model)}
    assert {"layers", "features", "machine_pow", "use_bias", "param_dtype"} <= fields
    assert model.features == 3
