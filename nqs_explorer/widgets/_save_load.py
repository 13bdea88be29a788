"""Saving and loading parameters (msgpack/JSON) and the whole explorer setup (JSON).

Every function goes through :meth:`AppState.run`: a malformed or mismatched file becomes
a message and the session keeps its last valid model and parameters.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from .. import compute
from ._boundary import Message
from ._state import AppState

SETUP_FORMAT = "nqs_explorer.explorer"
SETUP_VERSION = 1


def explorer_json(state: AppState) -> str:
    """The explorer's setup and current configuration as a JSON document."""
    document = {
        "format": SETUP_FORMAT,
        "version": SETUP_VERSION,
        "setup": state.setup.to_dict(),
        "configuration": [float(v) for v in state.configuration],
    }
    return json.dumps(document, indent=1, sort_keys=True)


def parse_explorer_json(text: str) -> tuple[compute.Setup, np.ndarray | None]:
    """``(setup, configuration or None)`` from :func:`explorer_json` or a bare ``Setup`` JSON.

    Raises:
        ValueError: malformed JSON, a wrong format tag, or an invalid setup.
    """
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as err:
        raise ValueError(f"setup file is not valid JSON: {err}") from None
    if not isinstance(document, dict):
        raise ValueError(f"setup file must hold a JSON object, got {type(document).__name__}")
    if "format" not in document:  # a bare Setup.to_json()
        return compute.Setup.from_json(text), None
    if document.get("format") != SETUP_FORMAT or document.get("version") != SETUP_VERSION:
        raise ValueError(
            f"setup file has format {document.get('format')!r} version "
            f"{document.get('version')!r}; expected {SETUP_FORMAT!r} version {SETUP_VERSION}"
        )
    if not isinstance(document.get("setup"), dict):
        raise ValueError("setup file has no 'setup' object")
    setup = compute.Setup.from_json(json.dumps(document["setup"]))
    configuration = document.get("configuration")
    if configuration is not None:
        try:
            configuration = np.asarray(configuration, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("setup file: 'configuration' must be a list of numbers") from None
    return setup, configuration


def saved_path(path) -> Path:
    """The absolute path a relative ``path`` is written to (what the messages show)."""
    return Path(path).expanduser().resolve()


def save_setup(state: AppState, path, source: str = "export") -> bool:
    """Write :func:`explorer_json` to ``path``; the message says where (absolute path)."""

    def apply():
        target = saved_path(path)
        target.write_text(explorer_json(state))
        state.post(Message(source, f"setup saved to {target}", "info"))

    return state.run(source, "Save setup", apply)[0]


def load_setup_text(state: AppState, text: str, source: str = "export") -> bool:
    """Switch to the setup (and configuration) in ``text``; keep everything if invalid."""

    def apply():
        setup, configuration = parse_explorer_json(text)
        if not state.replace_setup(setup, source):
            return False
        if configuration is not None and configuration.shape == state.configuration.shape:
            state.set_configuration(configuration, source)
        return True

    ok, result = state.run(source, "Load setup", apply)
    return ok and result is not False


def load_setup(state: AppState, path, source: str = "export") -> bool:
    """Read a setup file written by :func:`save_setup` (or a bare ``Setup`` JSON)."""

    def apply():
        return load_setup_text(state, Path(path).read_text(), source)

    ok, result = state.run(source, "Load setup", apply)
    return ok and result is not False


def save_parameters(state: AppState, path, source: str = "export") -> bool:
    """Write the parameters to ``path`` (``.msgpack``, or ``.json``).

    The message gives the absolute path, and the exported script loads the parameters
    from there (`AppState.parameters_path`), whatever directory it is run from.
    """

    def apply():
        target = saved_path(path)
        state.session.save_parameters(target)
        state.parameters_path = str(target)
        state.post(Message(source, f"parameters saved to {target}", "info"))

    return state.run(source, "Save parameters", apply)[0]


def load_parameters(state: AppState, path, source: str = "export") -> bool:
    """Load parameters saved for the same model; a mismatched or non-finite file is refused."""

    def apply():
        state.timed(state.session.load_parameters, path)
        state.parameters_changed(str(saved_path(path)))

    return state.run(source, "Load parameters", apply)[0]


def load_parameters_bytes(state: AppState, name: str, data: bytes, source="export") -> bool:
    """Load uploaded parameter bytes (the file name's suffix gives the format)."""
    suffix = Path(name).suffix or ".msgpack"
    folder = Path(tempfile.mkdtemp(prefix="nqs_explorer_"))
    path = folder / f"uploaded{suffix}"
    path.write_bytes(bytes(data))
    return load_parameters(state, path, source)
