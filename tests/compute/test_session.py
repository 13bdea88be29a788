"""Session: building, atomic updates, reuse, compile counts and bad input."""

import jax
import numpy as np
import pytest

from nqs_explorer.compute import Session, Setup, compile_count

CHAIN = Setup(lattice="Chain", extent=(6,), pbc=(True,), group="translation", architecture="RBM")


def snapshot(session: Session) -> tuple:
    return (
        session.setup,
        session.lattice,
        session.group,
        session.model,
        session.variables,
        session.characters.tobytes() if session.characters is not None else None,
    )


def same(a: tuple, b: tuple) -> bool:
    return all(x is y or x == y for x, y in zip(a, b))


@pytest.fixture(scope="module")
def session():
    return Session(CHAIN.replace(symmetrize=True))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"character_id": 99}, "character_id 99 is out of range"),
        ({"hyperparameters": {"alpha": 0}}, "alpha"),
        ({"lattice": "Square"}, "extent: Square takes 2 extent"),
        ({"architecture": "FastARNNConv1D"}, "symmetrize: FastARNNConv1D cannot be symmetrized"),
        ({"extent": (0,)}, "extent: every extent must be >= 1"),
        ({"colour": "red"}, "unknown setup field"),
        ({"group": None}, "character_id|symmetriz"),
        ({"group": "point", "point_group": "D6"}, "D6"),
        (
            {
                "symmetrize": False,
                "architecture": "FastARNNConv1D",
                # beyond the declared maximum (32); a kernel longer than the chain is fine
                "hyperparameters": {"kernel_size": 33},
            },
            "kernel_size",
        ),
    ],
)
def test_failed_update_keeps_everything(session, changes, match):
    before = snapshot(session)
    with pytest.raises(ValueError, match=match):
        session.update(**changes)
    assert same(snapshot(session), before)
    assert session.last_timing.kernel == ""  # it failed before running any kernel
    assert np.isfinite(session.log_psi(np.ones(6))).all()


def test_invalid_initial_setup_raises():
    with pytest.raises(ValueError, match="lattice: unknown kind"):
        Session(Setup(lattice="Moebius"))
    with pytest.raises(TypeError, match="setup must be a Setup"):
        Session({"lattice": "Chain"})


def test_character_and_seed_changes_reuse_and_never_compile(compile_events):
    session = Session(CHAIN.replace(symmetrize=True, character_id=0))
    x = session.random_configurations(4, seed=1)
    session.log_psi(x)
    session.orbit(x[0])
    session.symmetry_check(x)
    counts, variables = session.build_counts, session.variables
    with compile_events() as events:
        before = compile_count()
        for cid in (1, 2, 3):
            session.update(character_id=cid)
            assert session.variables is variables  # a character never touches parameters
            assert session.last_timing.kernel == ""  # and needs no kernel
            assert not session.last_timing.compiled
            session.log_psi(session.random_configurations(4, seed=cid))
            session.orbit(session.random_configurations(1, seed=cid)[0])
            session.symmetry_check(x)
            assert not session.last_timing.compiled
        session.update(seed=11)
        assert session.variables is not variables
        session.update(seed=12, character_id=None)
        session.log_psi(x)
        assert compile_count() == before
    assert events.total == 0
    after = session.build_counts
    assert after["lattice"] == counts["lattice"]
    assert after["group"] == counts["group"]
    assert after["init"] == counts["init"] + 2  # the two seeds, nothing for the characters


def test_group_change_keeps_symmetrized_parameters():
    session = Session(Setup(group="translation", symmetrize=True, character_id=1, seed=4))
    variables, counts = session.variables, session.build_counts
    session.update(group="point", character_id=2)
    assert session.group.name == "D4"
    assert session.model.symm_group is session.group
    assert session.variables is variables  # parameters do not depend on the group
    assert session.build_counts["init"] == counts["init"]
    assert session.build_counts["lattice"] == counts["lattice"]


def test_architecture_change_compiles_and_is_counted(compile_events):
    session = Session(CHAIN.replace(symmetrize=False))
    with compile_events() as events:
        before = compile_count()
        session.update(architecture="MLP", hyperparameters={"hidden_dims": (13,)})
        assert session.last_timing.kernel == "init"
        assert session.last_timing.compiled
        session.log_psi(np.ones((3, 6)))
        assert session.last_timing.compiled
        session.log_psi(-np.ones((3, 6)))
        assert not session.last_timing.compiled
    assert compile_count() - before == 2
    assert events.kernels == 2


def test_seeded_parameters_equal_flax_init():
    session = Session(CHAIN.replace(symmetrize=True, seed=5, character_id=1))
    expected = session.model.init(jax.random.PRNGKey(5), np.ones((1, 6)))
    for a, b in zip(
        jax.tree_util.tree_leaves(session.variables), jax.tree_util.tree_leaves(expected)
    ):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-14, atol=0)


def test_log_psi_matches_the_model_and_keeps_batch_shapes(session):
    x = session.random_configurations(6, seed=3).reshape(2, 3, 6)
    out = session.log_psi(x)
    assert out.shape == (2, 3)
    expected = session.model.apply(session.variables, x)
    np.testing.assert_allclose(np.exp(out), np.exp(np.asarray(expected)), rtol=1e-12)
    assert session.log_psi(x[0, 0]).shape == ()


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.ones((2, 5)), r"configurations: .*shape \(\.\.\., 6\)"),
        (np.full((2, 6), 0.5), "not a local state"),
    ],
)
def test_bad_configurations(session, x, match):
    with pytest.raises(ValueError, match=match):
        session.log_psi(x)


def test_set_variables_checks_tree_shapes_dtypes_and_finiteness(session):
    variables = session.variables
    bad_shape = jax.tree_util.tree_map(lambda v: np.zeros((*v.shape, 1), v.dtype), variables)
    with pytest.raises(ValueError, match=r"parameter .*expected float64\["):
        session.set_variables(bad_shape)
    with pytest.raises(ValueError, match="parameter tree does not match"):
        session.set_variables({"params": {}})
    nan = jax.tree_util.tree_map(lambda v: np.full(v.shape, np.nan, v.dtype), variables)
    with pytest.raises(ValueError, match="non-finite parameters"):
        session.set_variables(nan)
    assert session.variables is variables
    doubled = jax.tree_util.tree_map(lambda v: 2 * np.asarray(v), variables)
    session.set_variables(doubled)
    np.testing.assert_array_equal(
        session.variables["params"]["module"]["visible_bias"],
        2 * variables["params"]["module"]["visible_bias"],
    )
    session.set_variables(variables)


def test_overflowing_outputs_are_reported_not_returned():
    session = Session(CHAIN.replace(group=None))
    huge = jax.tree_util.tree_map(lambda v: np.full(v.shape, 1e308, v.dtype), session.variables)
    session.set_variables(huge)
    with pytest.raises(ValueError, match="non-finite values"):
        session.log_psi(np.ones(6))


def test_save_and_load_parameters(tmp_path, session):
    path = tmp_path / "p.msgpack"
    session.save_parameters(path)
    original = session.variables
    session.update(seed=99)
    session.load_parameters(path)
    for a, b in zip(
        jax.tree_util.tree_leaves(session.variables), jax.tree_util.tree_leaves(original)
    ):
        np.testing.assert_array_equal(a, b)
    (tmp_path / "bad.msgpack").write_bytes(b"\x00garbage")
    with pytest.raises(ValueError, match="msgpack"):
        session.load_parameters(tmp_path / "bad.msgpack")
    session.update(seed=0)


def test_group_free_session_refuses_group_views():
    session = Session(CHAIN.replace(group=None))
    assert session.group is None
    assert session.characters is None
    with pytest.raises(ValueError, match="orbit view needs a symmetry group"):
        session.orbit(np.ones(6))
    with pytest.raises(ValueError, match="conditionals needs an autoregressive model"):
        session.conditionals(np.ones(6))


def test_random_configurations_and_device_info(session):
    a = session.random_configurations(5, seed=1)
    assert a.shape == (5, 6)
    assert set(np.unique(a)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(a, session.random_configurations(5, seed=1))
    info = session.device_info()
    assert info["backend"] == jax.default_backend()
    assert info["x64"] is True
    assert info["devices"] == [str(d) for d in jax.devices()]


def test_lattice_size_change_reinitialises_input_sized_models():
    """RBM is the same linen module on every lattice; its parameters still depend on N."""
    session = Session(Setup(lattice="Square", extent=(3, 3), architecture="RBM"))
    assert session.variables["params"]["Dense"]["kernel"].shape[0] == 9
    session.update(extent=(4, 4))
    assert session.variables["params"]["Dense"]["kernel"].shape[0] == 16
    x = session.random_configurations(2, seed=0)
    assert session.log_psi(x).shape == (2,)
