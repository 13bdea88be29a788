"""``nqs-explorer render``: the headless report, run in-process through ``cli.main``."""

import argparse
import html
import json

import numpy as np
import pytest

from nqs_explorer import cli, compute
from nqs_explorer._report import render_report, setup_from_args

# Rendering compiles the kernels of each setup: the tests that render are marked slow.
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def render(tmp_path, *options):
    out = tmp_path / "report"
    assert cli.main(["render", "--out", str(out), *options]) == 0
    return out


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, path
    assert len(data) > 2000, path  # a drawing, not an empty canvas


@pytest.fixture(scope="module")
def symmetrized(tmp_path_factory):
    """Square 3x3, space group, symmetrized RBM on the A2 character (id 1)."""
    out = render(
        tmp_path_factory.mktemp("sym"), "--group", "space", "--symmetrize", "--character", "1"
    )
    return out, (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def autoregressive(tmp_path_factory):
    out = render(
        tmp_path_factory.mktemp("ar"),
        "--lattice",
        "grid",
        "--extent",
        "3",
        "3",
        "--obc",
        "--group",
        "none",
        "--model",
        "FastARNNConv2D",
        "--hyperparameters",
        '{"kernel_size": [2, 3]}',
        "--seed",
        "3",
    )
    return out, (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_symmetrized_report_files(symmetrized, capsys):
    out, _ = symmetrized
    for name in ("lattice.png", "characters.png", "orbit.png"):
        assert_png(out / name)
    heatmaps = sorted(p.name for p in out.glob("param-*.png"))
    assert heatmaps == [
        "param-params-module-dense-bias.png",
        "param-params-module-dense-kernel.png",
        "param-params-module-visible-bias.png",
    ]
    for path in heatmaps:
        assert_png(out / path)
    assert not (out / "conditionals.png").exists()  # RBM: no conditionals


@pytest.mark.slow
def test_symmetrized_report_html(symmetrized):
    out, page = symmetrized
    setup = compute.Setup.from_json((out / "setup.json").read_text(encoding="utf-8"))
    assert setup == compute.Setup(group="space", symmetrize=True, character_id=1)
    for image in (
        "lattice.png",
        "characters.png",
        "orbit.png",
        "param-params-module-dense-kernel.png",
    ):
        assert f'src="{image}"' in page
    assert "T(3x3)⋊D4" in page
    assert "|G| = 72" in page
    assert 'class="nqx-character-table"' in page
    assert "k=(0,0) A2" in page
    assert 'class="nqx-terms"' in page  # orbit terms
    assert 'class="nqx-parameters"' in page
    assert "params/module/Dense/kernel" in page
    # Checks with numbers: a symmetrized model passes the covariance check.
    assert 'class="nqx-checks"' in page
    assert '<tr class="nqx-check nqx-pass"' in page
    assert "symmetry covariance" in page
    assert "nqx-fail" not in page
    # The device line, as in the app.
    assert "backend cpu" in page or "backend gpu" in page
    assert "x64 on" in page
    shown = html.unescape(page.split('<pre id="setup-json">')[1].split("</pre>")[0])
    assert json.loads(shown) == setup.to_dict()


@pytest.mark.slow
def test_autoregressive_report(autoregressive):
    out, page = autoregressive
    for name in ("lattice.png", "conditionals.png", "samples.png"):
        assert_png(out / name)
    assert not (out / "characters.png").exists()  # no group
    assert "No group chosen" in page
    assert "AR normalization" in page
    assert "autoregressiveness" in page
    assert page.count('<tr class="nqx-check nqx-pass"') == 2
    assert "receptive field" in page
    setup = compute.Setup.from_json((out / "setup.json").read_text(encoding="utf-8"))
    assert setup.architecture == "FastARNNConv2D"
    assert setup.pbc == (False, False)
    assert setup.hyperparameters == {"kernel_size": (2, 3)}
    assert setup.seed == 3


@pytest.mark.slow
def test_render_prints_the_index_path(tmp_path, capsys):
    out = render(tmp_path, "--lattice", "Chain", "--extent", "4", "--model", "RBM")
    assert capsys.readouterr().out.strip() == str(out / "index.html")


@pytest.mark.slow
def test_setup_file_round_trip(symmetrized, tmp_path):
    out, _ = symmetrized
    again = render(tmp_path, "--setup", str(out / "setup.json"), "--seed", "5")
    saved = compute.Setup.from_json((again / "setup.json").read_text(encoding="utf-8"))
    assert saved == compute.Setup(group="space", symmetrize=True, character_id=1, seed=5)


def args(*options):
    """The parsed ``render`` options (as ``main`` passes them on)."""
    return cli._parser().parse_args(["render", *options])


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), compute.Setup()),
        (("--lattice", "square", "--extent", "4"), compute.Setup(extent=(4, 4))),
        (("--lattice", "Chain"), compute.Setup(lattice="Chain", extent=(8,), pbc=(True,))),
        (("--obc",), compute.Setup(pbc=(False, False))),
        (("--group", "none"), compute.Setup(group=None)),
        (
            ("--group", "point", "--point-group", "C4v"),
            compute.Setup(group="point", point_group="C4v"),
        ),
        (
            ("--model", "mlp", "--param-dtype", "complex128"),
            compute.Setup(architecture="MLP", param_dtype="complex128"),
        ),
        (
            ("--hamiltonian", "ising", "--couplings", '{"h": 0.5}'),
            compute.Setup(hamiltonian="Ising", couplings={"h": 0.5}),
        ),
        (("--hamiltonian", "none"), compute.Setup(hamiltonian=None)),
        (("--total-sz", "0.5"), compute.Setup(total_sz=0.5)),
        (("--hamiltonian", "XXZ"), compute.Setup(hamiltonian="XXZ")),
    ],
    ids=[
        "default",
        "square-4",
        "chain-default-extent",
        "obc",
        "no-group",
        "point-group",
        "model",
        "ising-couplings",
        "no-hamiltonian",
        "total-sz",
        "xxz",
    ],
)
def test_setup_from_args(options, expected):
    assert setup_from_args(args(*options)) == expected


def test_changing_the_lattice_clears_the_character():
    base = argparse.Namespace(setup=None, lattice="Triangular")
    assert setup_from_args(base) == compute.Setup(lattice="Triangular", extent=(3, 3))
    assert setup_from_args(args("--character", "2")).character_id == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ("--lattice", "Hexagon"),
            r"--lattice: unknown value 'Hexagon'; choose one of Chain, Square",
        ),
        (("--model", "Transformer"), r"--model: unknown value 'Transformer'; choose one of RBM"),
        (("--lattice", "Square", "--extent", "3", "4"), r"extent: Square needs equal extents"),
        (("--extent", "0", "0"), r"extent: every extent must be >= 1"),
        (("--hyperparameters", "{alpha: 2}"), r"--hyperparameters: not valid JSON"),
        (("--hyperparameters", "[1, 2]"), r"--hyperparameters: expected a JSON object"),
        (("--param-dtype", "int8"), r"--param-dtype: unknown value 'int8'"),
        (("--group", "none", "--character", "1"), r"character_id: a character needs a group"),
        (("--group", "none", "--symmetrize"), r"symmetrizing needs a group"),
        (("--seed", "-1"), r"seed: expected an integer in 0\.\."),
        (("--hamiltonian", "Hubbard"), r"--hamiltonian: unknown value 'Hubbard'; choose one of"),
        (("--couplings", "{J: 1}"), r"--couplings: not valid JSON"),
        (("--couplings", "[1]"), r"--couplings: expected a JSON object"),
        (("--couplings", '{"K": 1}'), r"couplings: unknown coupling\(s\) \['K'\]"),
        (("--total-sz", "half"), r"--total-sz: expected a number"),
        (("--total-sz", "0"), r"total_sz: with N = 9 sites"),
    ],
)
def test_bad_options_raise_value_error(options, message):
    with pytest.raises(ValueError, match=message):
        setup_from_args(args(*options))


def test_bad_setup_files(tmp_path):
    with pytest.raises(ValueError, match=r"--setup: cannot read .*missing\.json"):
        setup_from_args(args("--setup", str(tmp_path / "missing.json")))
    bad = tmp_path / "bad.json"
    bad.write_text('{"lattice": "Square", "colour": "red"}', encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"--setup .*bad\.json: setup file has unknown key\(s\) \['colour'\]"
    ):
        setup_from_args(args("--setup", str(bad)))
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"setup file is malformed JSON"):
        setup_from_args(args("--setup", str(bad)))


def test_errors_found_while_building_exit_2_and_leave_no_report(tmp_path, capsys):
    out = tmp_path / "report"
    assert cli.main(["render", "--character", "99", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "nqs-explorer: character_id 99 is out of range for T(3x3): allowed are 0..8"
    )
    assert not out.exists()


def test_bad_option_exits_2_with_the_message(tmp_path, capsys):
    assert cli.main(["render", "--lattice", "Hexagon", "--out", str(tmp_path / "r")]) == 2
    assert "nqs-explorer: --lattice: unknown value 'Hexagon'" in capsys.readouterr().err


def test_out_must_be_a_folder(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"--out: .*file\.txt exists and is not a folder"):
        render_report(compute.Setup(), path)
    with pytest.raises(TypeError, match=r"setup must be a compute\.Setup"):
        render_report({"lattice": "Square"}, tmp_path / "r")


@pytest.mark.slow
def test_report_orbit_matches_the_session(symmetrized):
    """The orbit section shows the orbit of the configuration drawn with the setup's seed."""
    out, page = symmetrized
    session = compute.Session(
        compute.Setup.from_json((out / "setup.json").read_text(encoding="utf-8"))
    )
    orbit = session.orbit(session.random_configurations(1, seed=session.setup.seed)[0])
    assert f"orbit size |G|/|Stab| = {orbit.orbit_size} distinct" in page
    assert f"stabilizer ({len(orbit.stabilizer)})" in page
    assert np.isclose(abs(orbit.total), 0.0) == orbit.forced_zero


@pytest.mark.slow
def test_spectrum_in_the_report(tmp_path):
    out = render(
        tmp_path,
        "--lattice",
        "Chain",
        "--extent",
        "6",
        "--hamiltonian",
        "Heisenberg",
        "--couplings",
        '{"J": 1}',
        "--total-sz",
        "0",
    )
    assert_png(out / "spectrum.png")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="spectrum.png"' in page
    assert 'id="spectrum-table"' in page
    setup = compute.Setup.from_json((out / "setup.json").read_text(encoding="utf-8"))
    assert (setup.hamiltonian, setup.couplings, setup.total_sz) == ("Heisenberg", {"J": 1.0}, 0.0)
    session = compute.Session(setup)
    table = session.spectrum()
    rows = page.split('id="spectrum-table"')[1].count('<tr class="sector">')
    assert rows == len(table) == 6
    # the periodic 6-site Heisenberg chain (Pauli units): E0 = -11.21110255
    assert "E₀ = -11.21110255" in html.unescape(page)
    assert f"{session.model_energy().energy:.6f}" in page
