"""Export: the generated code runs and rebuilds the model; parameter and setup files."""

import contextlib
import datetime
import io
import json

import numpy as np
import pytest
from flax import serialization

from nqs_explorer import compute
from nqs_explorer.widgets import AppState, ExportPanel
from nqs_explorer.widgets._save_load import explorer_json, load_setup_text

from ._support import text_of


def run_code(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "<exported>", "exec"), namespace)
    namespace["printed"] = out.getvalue()
    return namespace


def assert_same_model(code: str, state: AppState) -> None:
    """exec the code; its model gives the session's ψ on a batch.

    Amplitudes are compared relative to the largest one: a symmetrized amplitude that a
    character cancels is ~1e-17 in both, with unrelated phases (log ψ differs there).
    """
    namespace = run_code(code)
    x = state.session.random_configurations(16, seed=5)
    ours = np.asarray(namespace["model"].apply(namespace["variables"], x))
    reference = state.session.log_psi(x)
    shift = np.max(np.real(reference))
    np.testing.assert_allclose(
        np.exp(ours - shift), np.exp(reference - shift), rtol=1e-10, atol=1e-10
    )
    assert "log psi(sigma) =" in namespace["printed"]
    np.testing.assert_array_equal(namespace["sigma"], state.configuration)
    session = state.session
    if session.hamiltonian is None:
        assert "H" not in namespace
        return
    # the Hamiltonian: the same operator, and its spectrum per sector printed
    H = namespace["H"]
    assert session.hamiltonian == H
    np.testing.assert_allclose(H.to_dense(), session.hamiltonian.to_dense(), atol=1e-14)
    assert "SectorSpectrum(" in namespace["printed"]
    spectrum, ours = namespace["spectrum"], session.spectrum()
    assert repr(spectrum) in namespace["printed"]
    assert spectrum.labels == ours.labels
    np.testing.assert_allclose(spectrum.ground_energies, ours.ground_energies, atol=1e-9)


CASES = {
    "symmetrized-complex": compute.Setup(
        group="space", symmetrize=True, character_id=2, param_dtype="complex128"
    ),
    "chain-xxz-sz": compute.Setup(
        lattice="Chain", extent=(6,), hamiltonian="XXZ", couplings={"Delta": 0.5}, total_sz=1
    ),
    "no-group-j1j2": compute.Setup(
        lattice="Chain", extent=(6,), group=None, hamiltonian="J1J2", couplings={"J2": 0.25}
    ),
    "no-hamiltonian": compute.Setup(lattice="Chain", extent=(4,), hamiltonian=None),
}
SLOW_CASES = {
    "arnn": compute.Setup(group=None, architecture="FastARNNConv2D"),
    "deepset-coordinates": compute.Setup(
        architecture="DeepSetMLP", hyperparameters={"encoding": "occupied_coordinates"}
    ),
    "mlp-point": compute.Setup(
        architecture="MLP",
        group="point",
        symmetrize=True,
        character_id=1,
        hyperparameters={"hidden_activation": "log_cosh"},
    ),
    "chain-arnn1d": compute.Setup(
        lattice="Chain", extent=(6,), pbc=(True,), group=None, architecture="FastARNNConv1D"
    ),
}


@pytest.mark.parametrize("setup", list(CASES.values()), ids=list(CASES))
def test_exported_code_rebuilds_the_model(setup):
    state = AppState(setup)
    panel = ExportPanel(state)
    assert_same_model(panel.code.value, state)


@pytest.mark.slow
@pytest.mark.parametrize("setup", list(SLOW_CASES.values()), ids=list(SLOW_CASES))
def test_exported_code_rebuilds_more_models(setup):
    state = AppState(setup)
    assert_same_model(ExportPanel(state).code.value, state)


def test_code_follows_the_state(state):
    panel = ExportPanel(state)
    state.update("model", hyperparameters={"alpha": 2}, seed=4)
    assert "nqx.models.RBM(param_dtype=jnp.float64, alpha=2)" in panel.code.value
    assert "jax.random.PRNGKey(4)" in panel.code.value
    state.flip_site(0)
    assert_same_model(panel.code.value, state)


def test_parameters_round_trip_and_code_loads_them(state, tmp_path):
    panel = ExportPanel(state)
    panel.params_path.value = str(tmp_path / "params.msgpack")
    saved = state.session.variables
    panel.save_params.click()
    assert (tmp_path / "params.msgpack").exists()
    assert [m.level for m in state.messages.values()] == ["info"]  # where it saved, no error
    state.update("model", seed=9)  # new parameters of the same shapes
    panel.load_params.click()
    np.testing.assert_array_equal(
        state.session.variables["params"]["Dense"]["kernel"], saved["params"]["Dense"]["kernel"]
    )
    assert "nqx.models.load_params(" in panel.code.value
    assert_same_model(panel.code.value, state)


def test_malformed_and_mismatched_parameter_files(state, tmp_path):
    panel = ExportPanel(state)
    variables = state.session.variables
    garbage = tmp_path / "garbage.msgpack"
    garbage.write_bytes(b"\x00not msgpack at all")
    panel.params_path.value = str(garbage)
    panel.load_params.click()
    assert "nqx-error" in panel.message.value
    other = AppState(compute.Setup(hyperparameters={"alpha": 2})).session.variables
    mismatched = tmp_path / "alpha2.msgpack"
    mismatched.write_bytes(serialization.msgpack_serialize(other))
    panel.params_path.value = str(mismatched)
    panel.load_params.click()
    assert "has shape (18,), the model expects (9,)" in text_of(panel.message.value)
    panel.params_path.value = str(tmp_path / "missing.msgpack")
    panel.load_params.click()
    assert "missing.msgpack" in text_of(panel.message.value)
    assert state.session.variables is variables


def test_setup_round_trip(state, tmp_path):
    panel = ExportPanel(state)
    state.update("model", group="space", symmetrize=True, character_id=1, seed=3)
    state.random_configuration(seed=11)
    sigma = state.configuration.copy()
    panel.setup_path.value = str(tmp_path / "setup.json")
    panel.save_setup.click()
    document = json.loads((tmp_path / "setup.json").read_text())
    # one setup format: the fields, the version and the configuration, at the top level
    assert document["version"] == 1
    assert document["character_id"] == 1
    assert document["configuration"] == sigma.tolist()
    assert compute.Setup.from_json(json.dumps(document)) == state.setup
    other = AppState()
    other_panel = ExportPanel(other)
    other_panel.setup_path.value = str(tmp_path / "setup.json")
    other_panel.load_setup.click()
    assert other.setup == state.setup
    np.testing.assert_array_equal(other.configuration, sigma)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "malformed JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"format": "other", "version": 1}', "expected 'nqs_explorer.explorer'"),
        ('{"lattice": "Square", "extent": [0, 0]}', "every extent must be >= 1"),
        ('{"lattice": "Hexagon"}', "unknown kind 'Hexagon'"),
        ('{"colour": "red"}', "unknown key(s) ['colour']"),
        ('{"version": 2}', "version: this setup file has version 2"),
        ("[" * 5000, "nests arrays/objects 5000 deep"),
        ('{"configuration": [1, 2]}', "configuration: every entry must be +1 or -1"),
    ],
)
def test_malformed_setup_files_keep_the_model(state, text, message):
    panel = ExportPanel(state)
    before = state.setup
    assert load_setup_text(state, text, "export") is False
    assert message in text_of(panel.message.value)
    assert state.setup == before


def test_uploads(state):
    panel = ExportPanel(state)
    saved = AppState(compute.Setup(seed=7)).session.variables
    now = datetime.datetime.now(datetime.UTC)
    panel.upload_params.value = (
        dict(
            name="p.msgpack",
            type="",
            size=1,
            content=memoryview(serialization.msgpack_serialize(saved)),
            last_modified=now,
        ),
    )
    assert state.messages == {}
    np.testing.assert_array_equal(
        state.session.variables["params"]["visible_bias"], saved["params"]["visible_bias"]
    )
    setup = AppState(compute.Setup(lattice="Chain", extent=(5,), pbc=(True,)))
    text = explorer_json(setup).encode()
    panel.upload_setup.value = (
        dict(name="s.json", type="", size=len(text), content=memoryview(text), last_modified=now),
    )
    assert state.setup.lattice == "Chain"
    assert state.configuration.shape == (5,)


def test_autoregressive_parameters_round_trip_with_their_order(ar_state, tmp_path):
    """The saved file records the local-state order; the exported code loads it back."""
    panel = ExportPanel(ar_state)
    path = tmp_path / "ar.json"
    panel.params_path.value = str(path)
    saved = ar_state.session.variables
    panel.save_params.click()
    assert json.loads(path.read_text())["local_states"] == [1.0, -1.0]
    ar_state.update("model", seed=5)
    panel.load_params.click()
    assert ar_state.messages == {}
    last = max(k for k in saved["params"] if k.startswith("_layers_"))
    np.testing.assert_array_equal(
        ar_state.session.variables["params"][last]["bias"], saved["params"][last]["bias"]
    )
    assert "local_states=hilbert.local_states" in panel.code.value
    assert_same_model(panel.code.value, ar_state)


def test_uploads_leave_no_temporary_folder(state, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    panel = ExportPanel(state)
    saved = AppState(compute.Setup(seed=7)).session.variables
    now = datetime.datetime.now(datetime.UTC)
    good = serialization.msgpack_serialize(saved)
    for name, content in (("p.msgpack", good), ("bad.json", b"[" * 1000)):
        panel.upload_params.value = (
            dict(
                name=name,
                type="",
                size=len(content),
                content=memoryview(content),
                last_modified=now,
            ),
        )
    assert "nests arrays/objects 1000 deep" in text_of(panel.message.value)
    np.testing.assert_array_equal(
        state.session.variables["params"]["visible_bias"], saved["params"]["visible_bias"]
    )
    assert list(scratch.iterdir()) == []
    # the exported code names the uploaded file, not the removed folder
    assert "load_params('p.msgpack'" in panel.code.value


def test_save_says_where_and_the_script_loads_the_saved_parameters(state, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel = ExportPanel(state)
    state.update("model", seed=3)
    panel.params_path.value = "trained.msgpack"  # relative: saved in the working directory
    panel.save_params.click()
    target = (tmp_path / "trained.msgpack").resolve()
    assert target.exists()
    assert f"parameters saved to {target}" in text_of(panel.message.value)
    assert state.messages["export"].level == "info"
    # the script names the absolute path, so it runs from anywhere
    assert f"nqx.models.load_params({str(target)!r}" in panel.code.value
    saved = state.session.variables
    monkeypatch.chdir("/")
    namespace = run_code(panel.code.value)
    np.testing.assert_array_equal(
        namespace["variables"]["params"]["Dense"]["kernel"], saved["params"]["Dense"]["kernel"]
    )
    assert_same_model(panel.code.value, state)
    # new parameters that no file holds: the script no longer claims to load them
    state.set_variables(state.session.variables)
    assert "load_params" not in panel.code.value
    panel.setup_path.value = str(tmp_path / "setup.json")
    panel.save_setup.click()
    assert f"setup saved to {tmp_path / 'setup.json'}" in text_of(panel.message.value)
