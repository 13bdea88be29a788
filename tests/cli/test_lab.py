"""``nqs-explorer lab``: the JupyterLab command, from an installed package or a clone."""

import sys

from nqs_explorer import cli


def test_print_command_writes_the_notebook_and_prints_the_lab_command(tmp_path, capsys):
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
