"""Saving and loading parameters (msgpack/JSON) and the whole explorer setup (JSON).

Every function goes through :meth:`AppState.run`: a malformed or mismatched file becomes
a message and the session keeps its last valid model and parameters.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from .. import compute
from ..utils import read_limited
from ._boundary import Message
from ._state import AppState


def explorer_json(state: AppState) -> str:
    """The explorer's setup file: the setup, its ``version`` and the current configuration
    (`compute.setup_file_json`; ``nqs-explorer render --setup`` and `Setup.from_json` read it)."""
    return compute.setup_file_json(state.setup, state.configuration)


def parse_explorer_json(text: str | bytes) -> tuple[compute.Setup, np.ndarray | None]:
    """``(setup, configuration or None)`` from a setup file (`compute.read_setup_file`).

    Raises:
        ValueError: too large, malformed, an unknown version, or an invalid setup.
    """
    setup, configuration = compute.read_setup_file(text)
    return setup, None if configuration is None else np.asarray(configuration, dtype=float)


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


def load_setup_text(state: AppState, text, source: str = "export") -> bool:
    """Switch to the setup (and configuration) in ``text`` (str or UTF-8 bytes); keep
    everything if invalid."""

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
        return load_setup_text(
            state, read_limited(path, max_bytes=compute.SETUP_MAX_BYTES, what="setup file"), source
        )

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
    """Load uploaded parameter bytes (the file name's suffix gives the format).

    The bytes go through a temporary folder that is removed afterwards, whatever happens;
    the exported code names the uploaded file (the user has it), not that folder.
    """
    suffix = Path(name).suffix or ".msgpack"
    with tempfile.TemporaryDirectory(prefix="nqs_explorer_") as folder:
        path = Path(folder) / f"uploaded{suffix}"
        path.write_bytes(bytes(data))

        def apply():
            state.timed(state.session.load_parameters, path)
            state.parameters_changed(Path(name).name)

        return state.run(source, "Load parameters", apply)[0]
