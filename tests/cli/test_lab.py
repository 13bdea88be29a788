"""``nqs-explorer lab``: the JupyterLab command, from an installed package or a clone."""

import sys

import pytest

from nqs_explorer import cli


@pytest.fixture
def not_root(monkeypatch):
    monkeypatch.setattr(cli, "running_as_root", lambda: False)


def test_print_command_writes_the_notebook_and_prints_the_lab_command(tmp_path, capsys, not_root):
    folder = tmp_path / "nb"
    assert (
        cli.main(["lab", "--dir", str(folder), "--port", "8899", "--no-browser", "--print-command"])
        == 0
    )
    line = capsys.readouterr().out.strip()
    assert line.split() == [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={folder.resolve()}",
        "--LabApp.default_url=/lab/tree/explorer.ipynb",
        "--port=8899",
        "--no-browser",
    ]
    assert (folder / "explorer.ipynb").read_text(encoding="utf-8") == cli.explorer_notebook_text()


def test_default_command_is_lab(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd: calls.append(cmd) or 0)
    assert cli.main([]) == 0
    (cmd,) = calls
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path / 'nqs_explorer_notebooks'}" in cmd
    assert (tmp_path / "nqs_explorer_notebooks" / "explorer.ipynb").exists()
    assert "Opening" in capsys.readouterr().out


def test_console_script_is_declared():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "nqs-explorer"]
    assert script.value == "nqs_explorer.cli:main"


def test_options_without_a_subcommand_mean_lab(tmp_path, capsys, not_root, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--no-browser", "--port", "8899", "--print-command"]) == 0
    cmd = capsys.readouterr().out.split()
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--port=8899" in cmd
    assert "--no-browser" in cmd
    assert "--allow-root" not in cmd


def test_unknown_options_pass_through_to_jupyter(tmp_path, capsys, not_root):
    argv = ["lab", "--dir", str(tmp_path), "--print-command", "--ServerApp.token=abc", "--debug"]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.split()[-2:] == ["--ServerApp.token=abc", "--debug"]


def test_root_gets_allow_root_and_a_clear_note(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "running_as_root", lambda: True)
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd: calls.append(cmd) or 0)
    assert cli.main(["--dir", str(tmp_path), "--no-browser"]) == 0
    (cmd,) = calls
    assert cmd.count("--allow-root") == 1
    assert "running as root" in capsys.readouterr().err
    # given by the user: not repeated
    calls.clear()
    assert cli.main(["--dir", str(tmp_path), "--allow-root"]) == 0
    assert calls[0].count("--allow-root") == 1


def test_app_serves_the_notebook_with_voila(tmp_path, capsys):
    argv = ["app", "--dir", str(tmp_path), "--port", "8866", "--no-browser", "--print-command"]
    assert cli.main([*argv, "--show_tracebacks=True"]) == 0
    cmd = capsys.readouterr().out.split()
    notebook = tmp_path.resolve() / "explorer.ipynb"
    assert cmd == [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--port=8866",
        "--no-browser",
        "--show_tracebacks=True",
    ]
    assert notebook.read_text(encoding="utf-8") == cli.explorer_notebook_text()


def test_voila_is_installed_with_the_package():
    import importlib.util

    assert importlib.util.find_spec("voila") is not None
