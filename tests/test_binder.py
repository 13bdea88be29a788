"""The Binder configuration builds what we mean: checked on repo2docker's own Dockerfile.

No Docker engine is needed: ``repo2docker --no-build --debug`` prints the Dockerfile it
would build from ``binder/``, and the tests read the order of its steps.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


@pytest.fixture(scope="module")
def dockerfile() -> str:
    pytest.importorskip("repo2docker", reason="the test extra installs jupyter-repo2docker")
    done = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--no-run", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def _step(text: str, pattern: str) -> int:
    """Line number of the first Dockerfile line matching ``pattern``."""
    for number, line in enumerate(text.splitlines()):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"no Dockerfile line matches {pattern!r}")


def test_python_is_recent_enough_for_jax(dockerfile):
    assert BINDER.joinpath("runtime.txt").read_text().strip() == "python-3.11"
    assert "Building conda environment for python=3.11" in dockerfile


def test_the_package_is_installed_after_the_repository_is_copied(dockerfile):
    # A local requirement ('.') installed before the copy would find an empty folder.
    copy_repo = _step(dockerfile, r"^COPY .*src/ \$\{REPO_DIR\}/$")
    install = _step(dockerfile, r"pip install .*-r \"?binder/requirements.txt")
    assert copy_repo < install


def test_post_build_runs_last_and_stops_on_errors(dockerfile):
    assert _step(dockerfile, r"^RUN \./binder/postBuild") > _step(
        dockerfile, r"pip install .*binder/requirements.txt"
    )
    script = BINDER.joinpath("postBuild").read_text()
    assert script.startswith("#!/bin/bash")
    assert re.search(r"^set -e", script, re.MULTILINE)
    assert "import nqs_explorer, nqs_explorer.widgets, ipympl" in script


def test_requirements_are_the_package_alone_without_netket():
    lines = [
        line.split("#", 1)[0].strip()
        for line in BINDER.joinpath("requirements.txt").read_text().splitlines()
    ]
    assert [line for line in lines if line] == ["."]
