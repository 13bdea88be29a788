"""save_params / load_params: round trips, NetKet-style files, malformed files."""

import json

import jax
import jax.numpy as jnp
import msgpack
import numpy as np
import pytest
from flax import serialization

import nqs_explorer as nqx
from nqs_explorer.models import RBM, DeepSetMLP, load_params, save_params, validate_params
from nqs_explorer.nn.blocks import SymmExpSum

from ._support import random_variables

MODELS = {
    "RBM-real": lambda: RBM(alpha=2),
    "RBM-complex": lambda: RBM(alpha=1, param_dtype=jnp.complex128),
    "SymmExpSum-RBM": lambda: SymmExpSum(RBM(), nqx.graph.Chain(6).translation_group()),
    "DeepSetMLP-float32": lambda: DeepSetMLP(
        features_phi=(3,), features_rho=(2,), param_dtype=jnp.float32
    ),
}


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip_is_bit_exact(name, fmt, tmp_path, rng):
    model = MODELS[name]()
    x = np.ones((2, 6))
    variables = random_variables(model, x, rng)
    path = save_params(tmp_path / f"vars.{fmt}", variables)
    assert path.exists()
    restored = load_params(path, variables)
    assert jax.tree_util.tree_structure(restored) == jax.tree_util.tree_structure(variables)
    for a, b in zip(jax.tree_util.tree_leaves(restored), jax.tree_util.tree_leaves(variables)):
        assert np.asarray(a).dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # and the restored variables give the same log ψ
    apply = jax.jit(model.apply)
    np.testing.assert_array_equal(apply(restored, x), apply(variables, x))


def test_target_can_be_an_abstract_tree(tmp_path, rng):
    model = RBM()
    variables = random_variables(model, np.ones(4), rng)
    save_params(tmp_path / "v.mpack", variables)
    target = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones(4))
    restored = load_params(tmp_path / "v.mpack", target)
    np.testing.assert_array_equal(
        restored["params"]["visible_bias"], variables["params"]["visible_bias"]
    )


def test_netket_mcstate_layout_and_bare_params_load(tmp_path, rng):
    model = RBM()
    variables = random_variables(model, np.ones(4), rng)
    # what netket writes for an MCState: variables nested next to sampler data
    state = {"variables": variables, "n_samples": 1008, "sampler_state": {"rng": np.zeros(2)}}
    (tmp_path / "nk.mpack").write_bytes(serialization.msgpack_serialize(state))
    restored = load_params(tmp_path / "nk.mpack", variables)
    np.testing.assert_array_equal(
        restored["params"]["Dense"]["kernel"], variables["params"]["Dense"]["kernel"]
    )
    # a bare params tree (no "params" level)
    (tmp_path / "bare.msgpack").write_bytes(serialization.msgpack_serialize(variables["params"]))
    restored = load_params(tmp_path / "bare.msgpack", variables)
    np.testing.assert_array_equal(
        restored["params"]["visible_bias"], variables["params"]["visible_bias"]
    )


def test_plain_json_lists_are_float64(tmp_path):
    target = jax.eval_shape(RBM().init, jax.random.PRNGKey(0), jnp.ones(2))
    doc = {
        "params": {
            "Dense": {"kernel": [[1, 2], [3, 4]], "bias": [0.5, 0.25]},
            "visible_bias": [1, -1],
        }
    }
    (tmp_path / "plain.json").write_text(json.dumps(doc))
    restored = load_params(tmp_path / "plain.json", target)
    np.testing.assert_array_equal(restored["params"]["Dense"]["kernel"], [[1.0, 2.0], [3.0, 4.0]])
    assert restored["params"]["Dense"]["kernel"].dtype == np.float64


@pytest.fixture
def rbm_file(tmp_path, rng):
    model = RBM(alpha=2)
    variables = random_variables(model, np.ones(4), rng)
    return model, variables, save_params(tmp_path / "rbm.msgpack", variables)


def test_mismatched_shape_names_the_path(rbm_file):
    model = RBM(alpha=1)
    target = jax.eval_shape(model.init, jax.random.PRNGKey(0), jnp.ones(4))
    with pytest.raises(
        ValueError, match=r"'params/Dense/bias' has shape \(8,\), the model expects \(4,\)"
    ):
        load_params(rbm_file[2], target)


def test_mismatched_dtype_names_the_path(rbm_file):
    target = jax.eval_shape(
        RBM(alpha=2, param_dtype=jnp.complex128).init, jax.random.PRNGKey(0), jnp.ones(4)
    )
    with pytest.raises(
        ValueError, match=r"'params/Dense/bias' has dtype float64, the model expects complex128"
    ):
        load_params(rbm_file[2], target)


def test_mismatched_keys_are_listed(rbm_file):
    target = jax.eval_shape(
        RBM(alpha=2, use_visible_bias=False).init, jax.random.PRNGKey(0), jnp.ones(4)
    )
    with pytest.raises(ValueError, match=r"unexpected \['params/visible_bias'\]"):
        load_params(rbm_file[2], target)
    _, variables, _ = rbm_file
    with pytest.raises(ValueError, match=r"missing \['params/Dense/kernel'\]"):
        validate_params(
            {"params": {"Dense": {"bias": np.zeros(8)}, "visible_bias": np.zeros(4)}}, variables
        )


def test_non_finite_values_are_refused(tmp_path, rbm_file):
    _, variables, _ = rbm_file
    bad = jax.tree_util.tree_map(np.array, variables)
    bad["params"]["visible_bias"][1] = np.nan
    with pytest.raises(ValueError, match="'params/visible_bias' has non-finite values"):
        save_params(tmp_path / "bad.json", bad)
    (tmp_path / "bad.msgpack").write_bytes(serialization.msgpack_serialize(bad))
    with pytest.raises(ValueError, match="'params/visible_bias' has non-finite values"):
        load_params(tmp_path / "bad.msgpack", variables)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("garbage.msgpack", b"\xc1\xc1\xc1 not msgpack", "not a valid msgpack parameter file"),
        ("list.msgpack", msgpack.packb([1, 2, 3]), "does not hold a tree of parameters"),
        ("garbage.json", b"{not json", "not a valid JSON parameter file"),
        ("list.json", b"[1, 2]", "does not hold a tree of parameters"),
        (
            "version.json",
            json.dumps(
                {"format": "nqs_explorer.variables", "version": 99, "variables": {}}
            ).encode(),
            "has version 99",
        ),
        (
            "leaf.json",
            json.dumps({"params": {"visible_bias": {"dtype": "float64", "shape": [4]}}}).encode(),
            "'params/visible_bias': malformed array entry",
        ),
        (
            "strings.json",
            json.dumps({"params": {"visible_bias": ["a", "b"]}}).encode(),
            "expected numbers",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and "." in v else None,
)
def test_malformed_files(tmp_path, rbm_file, filename, content, message):
    (tmp_path / filename).write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_params(tmp_path / filename, rbm_file[1])


def test_unknown_suffix_and_format(tmp_path, rbm_file):
    _, variables, _ = rbm_file
    with pytest.raises(ValueError, match=r"cannot tell the format.*\.msgpack"):
        save_params(tmp_path / "v.pkl", variables)
    with pytest.raises(ValueError, match="format must be 'msgpack' or 'json'"):
        save_params(tmp_path / "v.bin", variables, format="pickle")
    save_params(tmp_path / "v.bin", variables, format="json")
    restored = load_params(tmp_path / "v.bin", variables, format="json")
    np.testing.assert_array_equal(
        restored["params"]["visible_bias"], variables["params"]["visible_bias"]
    )


# ----------------------------------------------------------------------------- local-state order


def _arnn(inverted=False):
    hilbert = nqx.hilbert.Spin(0.5, 4, inverted_ordering=inverted)
    return nqx.models.ARNNDense(hilbert=hilbert, layers=2, features=3)


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
def test_saved_order_is_recorded_and_converted(fmt, tmp_path):
    old, new = _arnn(inverted=True), _arnn()
    variables = random_variables(old, 4, rng=1, scale=0.5)
    path = save_params(tmp_path / f"a.{fmt}", variables, local_states=old.hilbert.local_states)
    # loaded into the other order: the last layer's outputs are reversed per site
    loaded = load_params(path, variables, local_states=new.hilbert.local_states)
    kernel = variables["params"]["_layers_1"]["kernel"]
    np.testing.assert_array_equal(
        loaded["params"]["_layers_1"]["kernel"],
        kernel.reshape(12, 4, 2)[..., ::-1].reshape(12, 8),
    )
    np.testing.assert_array_equal(
        loaded["params"]["_layers_1"]["bias"], variables["params"]["_layers_1"]["bias"][..., ::-1]
    )
    np.testing.assert_array_equal(
        loaded["params"]["_layers_0"]["kernel"], variables["params"]["_layers_0"]["kernel"]
    )
    x = new.hilbert.all_states()
    np.testing.assert_allclose(new.apply(loaded, x), old.apply(variables, x), rtol=0, atol=1e-13)
    # into the same order, or with no order given: unchanged
    for local_states in (old.hilbert.local_states, None):
        same = load_params(path, variables, local_states=local_states)
        np.testing.assert_array_equal(
            same["params"]["_layers_1"]["bias"], variables["params"]["_layers_1"]["bias"]
        )
    # an explicit order must agree with the record
    with pytest.raises(ValueError, match=r"file_local_states=\[1\.0, -1\.0\] disagrees"):
        load_params(path, variables, local_states=[1, -1], file_local_states=[1, -1])


def test_legacy_json_files_have_the_old_order(tmp_path):
    model = _arnn()
    variables = random_variables(model, 4, rng=2)
    path = save_params(tmp_path / "legacy.json", variables)  # no order: as before
    assert "local_states" not in json.loads(path.read_text())
    loaded = load_params(path, variables, local_states=model.hilbert.local_states)
    np.testing.assert_array_equal(
        loaded["params"]["_layers_1"]["bias"], variables["params"]["_layers_1"]["bias"][..., ::-1]
    )


def test_unrecorded_msgpack_needs_the_order(tmp_path):
    model = _arnn()
    variables = random_variables(model, 4, rng=3)
    path = save_params(tmp_path / "bare.msgpack", variables)
    with pytest.raises(
        ValueError, match=r"does not record the order .* file_local_states=\[1, -1\]"
    ):
        load_params(path, variables, local_states=model.hilbert.local_states)
    loaded = load_params(
        path, variables, local_states=model.hilbert.local_states, file_local_states=[1, -1]
    )
    np.testing.assert_array_equal(
        loaded["params"]["_layers_1"]["bias"], variables["params"]["_layers_1"]["bias"]
    )
    # without an order, or for a model that is not autoregressive, nothing is needed
    load_params(path, variables)
    rbm = RBM()
    rbm_variables = random_variables(rbm, 4, rng=3)
    save_params(tmp_path / "rbm.msgpack", rbm_variables)
    load_params(tmp_path / "rbm.msgpack", rbm_variables, local_states=[1, -1])


def test_msgpack_with_order_keeps_netkets_layout(tmp_path):
    variables = random_variables(_arnn(), 4, rng=4)
    path = save_params(tmp_path / "a.msgpack", variables, local_states=[1, -1])
    content = serialization.msgpack_restore(path.read_bytes())
    assert set(content) == {"variables", "nqs_explorer"}
    assert list(content["nqs_explorer"]["local_states"]) == [1.0, -1.0]


def test_bad_orders(tmp_path):
    variables = random_variables(_arnn(), 4, rng=5)
    path = save_params(tmp_path / "a.json", variables, local_states=[1, -1])
    with pytest.raises(ValueError, match="are not those of the model"):
        load_params(path, variables, local_states=[2, 0, -2])
    with pytest.raises(ValueError, match="must be distinct"):
        save_params(tmp_path / "b.json", variables, local_states=[1, 1])
