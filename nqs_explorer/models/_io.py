"""Saving and loading model variables: msgpack (flax.serialization) or JSON, never pickle.

Loading always checks the file against the tree the model expects (keys, shapes, dtypes,
finiteness) and names the offending path in the `ValueError`. NetKet checkpoints
(``flax.serialization.to_bytes`` of an ``MCState``: variables under ``"variables"``) load
as they are.

The local-state order. The last layer of an autoregressive model has one output per local
state, in the order of ``hilbert.local_states``: ``[+1, -1]`` for NetKet >= 3.16's default
``Spin`` (and ours), ``[-1, +1]`` for NetKet < 3.16, ``inverted_ordering=True`` and files
written by nqs_explorer before it followed NetKet 3.16. `save_params` records the order
when given ``local_states``; `load_params` given the model's ``local_states`` reorders
those outputs when the file's order differs. The file's order is, first, the explicit
``file_local_states`` argument (needed for foreign files, which record nothing), then the
order the file records, then ``[-1, +1]`` for nqs_explorer's JSON files from before
(they carry the format header but no order); an autoregressive file of unknown order is
refused rather than loaded with its outputs possibly swapped. Other models take the spin
values themselves as inputs and load unchanged.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jax
import numpy as np
from flax import serialization

from ..utils import load_json, read_limited

MSGPACK_SUFFIXES = (".msgpack", ".mpack")
JSON_SUFFIXES = (".json",)
JSON_FORMAT = "nqs_explorer.variables"
JSON_VERSION = 1
#: Key of the metadata that `save_params` writes next to ``"variables"`` in a msgpack file.
METADATA_KEY = "nqs_explorer"
#: Largest parameter file read, in bytes (checked before reading: 256 MiB holds ~30 M
#: float64 parameters in msgpack, ~10 M in JSON).
PARAMS_MAX_BYTES = 256 << 20
#: The dtypes a JSON parameter file may declare (a ``"V2000000000"`` would make numpy
#: allocate gigabytes per entry).
PARAM_FILE_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
#: The order of nqs_explorer's files written before it followed NetKet 3.16.
LEGACY_LOCAL_STATES = (-1.0, 1.0)


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("msgpack", "json"):
            raise ValueError(f"format must be 'msgpack' or 'json', got {fmt!r}")
        return fmt
    suffix = path.suffix.lower()
    if suffix in MSGPACK_SUFFIXES:
        return "msgpack"
    if suffix in JSON_SUFFIXES:
        return "json"
    raise ValueError(
        f"cannot tell the format of {str(path)!r} from its suffix; use one of "
        f"{MSGPACK_SUFFIXES + JSON_SUFFIXES} or pass format='msgpack'/'json'"
    )


def _to_numpy_tree(variables) -> dict:
    state = serialization.to_state_dict(variables)
    return jax.tree_util.tree_map(np.asarray, state)


def _walk(tree, prefix=""):
    """Yield ``(path, leaf)`` of a nested mapping (paths like ``params/Dense/kernel``)."""
    if isinstance(tree, Mapping):
        for key in sorted(tree, key=str):
            yield from _walk(tree[key], f"{prefix}/{key}" if prefix else str(key))
    else:
        yield prefix, tree


def _check_finite(tree) -> None:
    for path, leaf in _walk(tree):
        arr = np.asarray(leaf)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            raise ValueError(f"parameter {path!r} has non-finite values (NaN or inf)")


def _local_states_list(values, name: str) -> list[float]:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D sequence of local states, got {values!r}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a 1-D sequence of local states, got {values!r}")
    if len(np.unique(arr)) != arr.size:
        raise ValueError(f"{name} must be distinct values, got {arr.tolist()}")
    return arr.tolist()


def save_params(
    path: str | os.PathLike, variables, *, format: str | None = None, local_states=None
) -> Path:
    """Write model variables to ``path`` (``.msgpack``/``.mpack`` or ``.json``).

    Args:
        path: destination file; its suffix picks the format unless ``format`` is given.
        variables: the pytree returned by ``model.init`` (nested dicts of arrays).
        format: ``"msgpack"`` or ``"json"`` (default: from the suffix).
        local_states: the order of the model's ``hilbert.local_states``, recorded in the
            file so that `load_params` can convert autoregressive outputs. With it a
            msgpack file holds ``{"variables": ..., "nqs_explorer": {"local_states": ...}}``
            (the layout of a NetKet ``MCState`` file); without it, the bare variables.

    Returns:
        The path written.

    Raises:
        ValueError: unknown format, or non-finite parameters.
    """
    path = Path(path)
    fmt = _format_of(path, format)
    state = _to_numpy_tree(variables)
    _check_finite(state)
    meta = {}
    if local_states is not None:
        meta["local_states"] = _local_states_list(local_states, "local_states")
    if fmt == "msgpack":
        content = {"variables": state, METADATA_KEY: meta} if meta else state
        path.write_bytes(serialization.msgpack_serialize(content))
    else:
        doc = {"format": JSON_FORMAT, "version": JSON_VERSION, **meta}
        doc["variables"] = _encode_json(state)
        path.write_text(json.dumps(doc, indent=1))
    return path


def _encode_json(tree):
    if isinstance(tree, Mapping):
        return {str(k): _encode_json(v) for k, v in tree.items()}
    arr = np.asarray(tree)
    leaf = {"dtype": arr.dtype.name, "shape": list(arr.shape)}
    if arr.dtype.kind == "c":
        leaf["real"] = arr.real.ravel().tolist()
        leaf["imag"] = arr.imag.ravel().tolist()
    else:
        leaf["data"] = arr.ravel().tolist()
    return leaf


class _JsonArray:
    """An array entry of a JSON file, checked but not yet allocated.

    ``shape`` and ``dtype`` are validated against the model (`validate_params`) before
    `materialize` allocates anything.
    """

    __slots__ = ("dtype", "entry", "path", "shape")

    def __init__(self, entry: Mapping, path: str):
        self.path, self.entry = path, entry
        name = entry.get("dtype")
        if not isinstance(name, str) or name not in PARAM_FILE_DTYPES:
            raise ValueError(
                f"{path!r}: dtype {str(name)[:40]!r} is not allowed in a parameter file; "
                f"allowed: {', '.join(PARAM_FILE_DTYPES)}"
            )
        shape = entry.get("shape")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
        ):
            raise ValueError(
                f"{path!r}: malformed array entry in the JSON file (shape must be a list of "
                f"integers >= 0, got {str(shape)[:60]})"
            )
        self.dtype, self.shape = np.dtype(name), tuple(shape)
        size = math.prod(self.shape)  # Python integers: no overflow
        keys = ("real", "imag") if self.dtype.kind == "c" else ("data",)
        for key in keys:
            values = entry.get(key)
            if not isinstance(values, list):
                raise ValueError(
                    f"{path!r}: malformed array entry in the JSON file (no {key!r} list)"
                )
            if len(values) != size:
                raise ValueError(
                    f"{path!r}: malformed array entry in the JSON file ({key!r} has "
                    f"{len(values)} values, shape {self.shape} needs {size})"
                )

    def materialize(self) -> np.ndarray:
        """The array (its size is that of the lists already parsed, so bounded by the file)."""
        keys = ("real", "imag") if self.dtype.kind == "c" else ("data",)
        parts = []
        for key in keys:
            try:
                part = np.asarray(self.entry[key])
            except ValueError as err:
                raise ValueError(f"{self.path!r}: malformed array entry ({err})") from None
            if part.ndim != 1 or (part.size and part.dtype.kind not in "biuf"):
                raise ValueError(
                    f"{self.path!r}: malformed array entry in the JSON file ({key!r} must "
                    "be a flat list of numbers)"
                )
            parts.append(part.astype(np.float64 if len(keys) == 2 else self.dtype))
        arr = parts[0] + 1j * parts[1] if len(parts) == 2 else parts[0]
        return arr.astype(self.dtype).reshape(self.shape)


def _decode_json_leaf(leaf, path: str):
    if not isinstance(leaf, Mapping):  # a plain number or nested list of numbers
        try:
            arr = np.asarray(leaf)
        except ValueError as err:
            raise ValueError(f"{path!r}: expected numbers ({err})") from None
        if arr.dtype.kind not in "iuf":
            raise ValueError(f"{path!r}: expected numbers, got {str(leaf)[:60]!r}")
        return arr.astype(np.float64)
    return _JsonArray(leaf, path)


def _decode_json(tree, prefix=""):
    if isinstance(tree, Mapping) and "dtype" not in tree:
        return {k: _decode_json(v, f"{prefix}/{k}" if prefix else k) for k, v in tree.items()}
    return _decode_json_leaf(tree, prefix)


def _materialize(tree):
    if isinstance(tree, Mapping):
        return {k: _materialize(v) for k, v in tree.items()}
    return tree.materialize() if isinstance(tree, _JsonArray) else tree


def _read(path: Path, fmt: str) -> tuple[dict, list[float] | None]:
    """The tree in the file and the local-state order it records (None: unknown).

    JSON array entries come back as unallocated `_JsonArray` leaves.
    """
    data = read_limited(path, max_bytes=PARAMS_MAX_BYTES, what="parameter file")
    if fmt == "msgpack":
        try:
            state = serialization.msgpack_restore(data)
        except Exception as err:  # msgpack raises many unrelated types on garbage
            raise ValueError(
                f"{str(path)!r} is not a valid msgpack parameter file ({err})"
            ) from None
        if not isinstance(state, Mapping):
            raise ValueError(f"{str(path)!r} does not hold a tree of parameters")
        meta = state.get(METADATA_KEY) if "variables" in state else None
        recorded = meta.get("local_states") if isinstance(meta, Mapping) else None
        if recorded is not None:
            recorded = _local_states_list(recorded, f"the local_states recorded in {str(path)!r}")
        return state, recorded
    try:
        doc = load_json(data, what="the file", max_bytes=PARAMS_MAX_BYTES)
    except ValueError as err:
        raise ValueError(f"{str(path)!r} is not a valid JSON parameter file: {err}") from None
    if not isinstance(doc, Mapping):
        raise ValueError(f"{str(path)!r} does not hold a tree of parameters")
    recorded = None
    if doc.get("format") == JSON_FORMAT:
        recorded = doc.get("local_states", LEGACY_LOCAL_STATES)
        recorded = _local_states_list(recorded, f"the local_states recorded in {str(path)!r}")
        if doc.get("version") != JSON_VERSION:
            raise ValueError(
                f"{str(path)!r} has version {doc.get('version')!r}; this reader knows {JSON_VERSION}"
            )
        doc = doc.get("variables")
        if not isinstance(doc, Mapping):
            raise ValueError(f"{str(path)!r} has no 'variables' tree")
    return _decode_json(doc), recorded


def validate_params(tree: Mapping, target) -> Any:
    """Check a loaded tree against the variables a model expects and rebuild it.

    Args:
        tree: nested mapping of arrays (e.g. read from a file).
        target: the expected variables (``model.init(...)`` or its ``jax.eval_shape``).
            A NetKet ``MCState`` dict (variables under ``"variables"``) and a bare
            ``params`` tree (when the target is ``{"params": ...}``) are accepted.

    Returns:
        A tree with the structure of ``target`` holding the loaded arrays (numpy).

    Raises:
        ValueError: missing or unexpected keys, or a leaf whose shape or dtype differs, or
            non-finite values; the message names the path (``params/Dense/kernel``).
    """
    expected = serialization.to_state_dict(target)
    if "variables" in tree and "variables" not in expected:
        tree = tree["variables"]
    if isinstance(tree, Mapping) and set(expected) == {"params"} and "params" not in tree:
        tree = {"params": tree}
    loaded = dict(_walk(tree))
    wanted = dict(_walk(expected))
    missing = sorted(set(wanted) - set(loaded))
    unexpected = sorted(set(loaded) - set(wanted))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if unexpected:
            parts.append(f"unexpected {unexpected}")
        raise ValueError("parameter tree does not match the model: " + "; ".join(parts))
    for path, want in wanted.items():
        got = loaded[path]
        if not isinstance(got, _JsonArray):
            got = np.asarray(got)
        want_shape, want_dtype = tuple(np.shape(want)), np.dtype(want.dtype)
        if got.shape != want_shape:
            raise ValueError(
                f"parameter {path!r} has shape {got.shape}, the model expects {want_shape}"
            )
        if got.dtype != want_dtype:
            raise ValueError(
                f"parameter {path!r} has dtype {got.dtype}, the model expects {want_dtype}"
            )
    tree = _materialize(tree)  # every shape and dtype agrees with the model: allocate
    _check_finite(tree)
    return serialization.from_state_dict(target, jax.tree_util.tree_map(np.asarray, tree))


def load_params(
    path: str | os.PathLike,
    target,
    *,
    format: str | None = None,
    local_states=None,
    file_local_states=None,
) -> Any:
    """Read variables saved by `save_params` (or a NetKet checkpoint) and validate them.

    Args:
        path: a ``.msgpack``/``.mpack`` or ``.json`` file.
        target: the variables the model expects (see `validate_params`).
        format: ``"msgpack"`` or ``"json"`` (default: from the suffix).
        local_states: the model's ``hilbert.local_states``. When given, the outputs of an
            autoregressive model's last layer are reordered from the file's order to this
            one. ``None``: the tree is loaded as it is.
        file_local_states: the order the file was saved with, for files that do not
            record it (NetKet checkpoints, our msgpack files from before): ``[1, -1]``
            for NetKet >= 3.16's default ``Spin``, ``[-1, 1]`` for NetKet < 3.16,
            ``inverted_ordering=True`` and older nqs_explorer files. It must agree with
            the order the file records, if any.

    Returns:
        The variables, with the structure of ``target``.

    Raises:
        ValueError: unreadable file, a tree that does not match ``target``, or
            autoregressive parameters whose order is unknown or disagrees.

    Example:
        >>> import jax, jax.numpy as jnp, tempfile, pathlib
        >>> from nqs_explorer.models import RBM, save_params, load_params
        >>> model = RBM(alpha=1)
        >>> variables = model.init(jax.random.PRNGKey(0), jnp.ones(4))
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "rbm.msgpack"
        >>> _ = save_params(path, variables)
        >>> restored = load_params(path, variables)
        >>> bool(jnp.all(restored["params"]["visible_bias"] == variables["params"]["visible_bias"]))
        True
    """
    path = Path(path)
    fmt = _format_of(path, format)
    tree, recorded = _read(path, fmt)
    variables = validate_params(tree, target)
    if local_states is None or not _autoregressive_layers(variables):
        return variables
    wanted = _local_states_list(local_states, "local_states")
    saved = recorded
    if file_local_states is not None:
        given = _local_states_list(file_local_states, "file_local_states")
        if recorded is not None and given != recorded:
            raise ValueError(
                f"file_local_states={given} disagrees with the order {recorded} that "
                f"{str(path)!r} records"
            )
        saved = given
    if saved is None:
        raise ValueError(
            f"{str(path)!r} holds autoregressive parameters but does not record the order "
            "of the local states they were saved with; pass file_local_states=[1, -1] "
            "(NetKet >= 3.16's default Spin) or file_local_states=[-1, 1] (NetKet < 3.16, "
            "inverted_ordering=True, nqs_explorer files from before) to load_params or "
            "Session.load_parameters"
        )
    return _permute_local_state_outputs(variables, _permutation(saved, wanted))


def _permutation(saved: list[float], wanted: list[float]) -> list[int]:
    """``perm[k]``: position in ``saved`` of the local state ``wanted[k]``."""
    if sorted(saved) != sorted(wanted):
        raise ValueError(f"the file's local states {saved} are not those of the model {wanted}")
    return [saved.index(v) for v in wanted]


def _autoregressive_layers(variables) -> list[str]:
    params = variables.get("params", variables) if isinstance(variables, Mapping) else {}
    if not isinstance(params, Mapping):
        return []
    return [k for k in params if k.startswith("_layers_") and k[8:].isdigit()]


def _permute_local_state_outputs(variables, permutation) -> Any:
    """Reorder the outputs of an autoregressive model's last layer.

    Args:
        variables: ``{"params": {"_layers_0": ..., ..., "_layers_{L-1}": ...}}`` of an ARNN
            (or the ``params`` dict itself).
        permutation: ``perm[k]`` is the old output feature that becomes feature ``k``.

    Returns:
        A new tree with the last layer's ``kernel`` and ``bias`` permuted along their
        last (output-feature) axis.

    Raises:
        ValueError: the tree has no ``_layers_i`` entries (not an ARNN).
    """
    wrapped = isinstance(variables, Mapping) and "params" in variables
    params = dict(variables["params"] if wrapped else variables)
    layers = _autoregressive_layers(params)
    if not layers:
        raise ValueError(
            f"expected ARNN parameters with '_layers_i' entries, got keys {sorted(params)}"
        )
    last = max(layers, key=lambda k: int(k[8:]))
    perm = np.asarray(permutation, dtype=np.int64)
    params[last] = {name: _permute_features(leaf, perm) for name, leaf in params[last].items()}
    if not wrapped:
        return params
    return {**variables, "params": params}


def _permute_features(leaf, perm: np.ndarray) -> np.ndarray:
    """Permute the output features (last axis; site-major ``N * local_size`` for dense)."""
    arr = np.asarray(leaf)
    size = len(perm)
    if arr.shape[-1] % size:
        raise ValueError(
            f"the last layer has {arr.shape[-1]} outputs, not a multiple of {size} local states"
        )
    blocks = arr.reshape(*arr.shape[:-1], arr.shape[-1] // size, size)
    return blocks[..., perm].reshape(arr.shape)


def reverse_local_state_order(variables, local_size: int | None = None) -> Any:
    """Convert autoregressive parameters between the two orders of the spin local states.

    ``Spin(s, N)`` lists its local states from ↑ down (``[+1, -1]``, NetKet >= 3.16);
    ``inverted_ordering=True`` (NetKet < 3.16, nqs_explorer files from before) lists them
    from ↓ up. An ARNN's last layer has one output feature per local state, so parameters
    trained in one order load with the right shapes but the meaning of their outputs
    swapped. Reversing the output features of the last ``_layers_i`` converts them (the
    map is its own inverse); the inputs are spin values, the same in both orders.
    `load_params` does this by itself when it knows both orders.

    Args:
        variables: ``{"params": {"_layers_0": ..., ..., "_layers_{L-1}": ...}}`` of an ARNN
            (or the ``params`` dict itself).
        local_size: number of local states; read from the last layer when ``None``
            (needed only for a dense last layer without bias).

    Returns:
        A new tree with the last layer's ``kernel`` and ``bias`` output features
        reversed (for the dense layers, within each site's block of ``local_size``).

    Raises:
        ValueError: the tree has no ``_layers_i`` entries (not an ARNN).
    """
    params = variables.get("params", variables) if isinstance(variables, Mapping) else {}
    layers = _autoregressive_layers(variables)
    if not layers:
        raise ValueError(
            "reverse_local_state_order expects ARNN parameters with '_layers_i' entries, "
            f"got keys {sorted(params) if isinstance(params, Mapping) else params!r}"
        )
    last = params[max(layers, key=lambda k: int(k[8:]))]
    if local_size is None:
        if "bias" in last:
            local_size = np.shape(last["bias"])[-1]
        elif np.ndim(last["kernel"]) > 2:  # convolutions: (..., in, local_size)
            local_size = np.shape(last["kernel"])[-1]
        else:
            raise ValueError(
                "reverse_local_state_order: a dense last layer without bias does not show "
                "the number of local states; pass local_size"
            )
    size = int(local_size)
    return _permute_local_state_outputs(variables, np.arange(size)[::-1])
