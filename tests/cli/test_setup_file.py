"""One setup format: the Export tab's file, ``nqs-explorer render --setup`` and
``Setup.from_json`` read each other's files; hostile files exit 2 with a message."""

import json

import pytest

from nqs_explorer import cli, compute
from nqs_explorer.widgets import AppState, ExportPanel

ROUND_TRIP_SETUPS = [
    pytest.param(
        compute.Setup(
            lattice="Chain",
            extent=(4,),
            group="translation",
            character_id=1,
            symmetrize=True,
            hamiltonian="XXZ",
            couplings={"Delta": 2.0},
            total_sz=0.0,
            seed=5,
        ),
        id="Hamiltonian+symmetrized RBM",
    ),
    pytest.param(
        compute.Setup(
            lattice="Chain",
            extent=(4,),
            group="point",
            point_group="Cs",  # stored as the pickers' name, D1
            architecture="DeepSetMLP",
            symmetrize=True,
            hamiltonian=None,
            param_dtype="complex128",
        ),
        id="symmetrized DeepSetMLP",
    ),
    pytest.param(
        compute.Setup(
            lattice="Chain",
            extent=(4,),
            group=None,
            architecture="FastARNNConv1D",
            hyperparameters={"layers": 2, "features": 3},
            hamiltonian="Ising",
            couplings={"h": 0.5},
        ),
        id="autoregressive",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("setup", ROUND_TRIP_SETUPS)
def test_export_render_reload_gives_the_same_setup(tmp_path, capsys, setup):
    state = AppState(setup)
    panel = ExportPanel(state)
    panel.setup_path.value = str(tmp_path / "exported.json")
    panel.save_setup.click()
    assert [(m.level, m.text) for m in state.messages.values()] == [
        ("info", f"setup saved to {tmp_path / 'exported.json'}")
    ]
    exported = (tmp_path / "exported.json").read_text(encoding="utf-8")
    assert json.loads(exported)["version"] == compute.SETUP_VERSION

    out = tmp_path / "report"
    code = cli.main(["render", "--setup", str(tmp_path / "exported.json"), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    rendered = (out / "setup.json").read_text(encoding="utf-8")
    assert json.loads(rendered)["version"] == compute.SETUP_VERSION

    back = compute.Setup.from_json(rendered)
    assert back == state.setup == compute.Setup.from_json(exported)
    assert back.to_json() == setup.to_json()
    # and the explorer loads the rendered file back
    other = AppState()
    other_panel = ExportPanel(other)
    other_panel.setup_path.value = str(out / "setup.json")
    other_panel.load_setup.click()
    assert other.messages == {}
    assert other.setup == setup


def test_point_group_is_stored_under_the_pickers_name():
    assert compute.Setup(group="point", point_group="C2v").point_group == "D2"
    assert compute.Setup(group="space", point_group="c4v").point_group == "D4"
    # unknown names are kept for validate (or the build) to name
    assert compute.Setup(group="point", point_group="Q7").point_group == "Q7"


def test_old_files_without_a_version_still_load():
    old = compute.Setup(group="space", character_id=2).to_dict()  # no "version"
    assert compute.Setup.from_json(json.dumps(old)) == compute.Setup(group="space", character_id=2)
    # the Export tab's former wrapped format
    wrapped = {
        "format": "nqs_explorer.explorer",
        "version": 1,
        "setup": {**old, "group": "translation", "point_group": "D4"},
        "configuration": [1.0] * 9,
    }
    setup, configuration = compute.read_setup_file(json.dumps(wrapped))
    # a point group beside a translation group was kept silently then: it is dropped
    assert (setup.group, setup.point_group) == ("translation", None)
    assert configuration == [1.0] * 9


def test_a_future_version_is_refused():
    text = json.dumps({"version": 2, **compute.Setup().to_dict()})
    with pytest.raises(ValueError, match="version: this setup file has version 2; this "):
        compute.Setup.from_json(text)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"architecture": []}', "architecture: expected a name, got []"),
        (b"[" * 100_000, "setup file nests arrays/objects 100000 deep; the limit is 16"),
        (b"\xff\xfe garbage", "setup file is not UTF-8 text"),
        (b" " * (compute.SETUP_MAX_BYTES + 1), "larger than the limit of 1,048,576 bytes"),
        (b'{"version": 3}', "version: this setup file has version 3"),
        (b'{"group": "translation", "version": 1, "point_group": "D4"}', "point_group: 'D4'"),
    ],
    ids=["architecture list", "nesting", "binary", "size", "version", "point group"],
)
def test_hostile_setup_files_exit_2_with_the_message(tmp_path, capsys, content, message):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    assert cli.main(["render", "--setup", str(path), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_point_group_with_translations_is_refused_on_the_command_line(tmp_path, capsys):
    argv = ["render", "--group", "translation", "--point-group", "D4", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    assert "point_group: 'D4' needs group 'point' or 'space'" in capsys.readouterr().err
