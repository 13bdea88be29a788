"""Bounded JSON: a size and a nesting-depth limit checked before `json.loads` parses.

Python's parser recurses once per nesting level, so a file of ten thousand ``[`` raises
`RecursionError` (or worse, in a thread with a small stack); the depth is measured here by
one linear scan of the text that skips strings, without recursion, and refused first.
"""

from __future__ import annotations

import json
from typing import Any

#: Nesting depth JSON files may have (setups need 3, parameter files about 8).
JSON_MAX_DEPTH = 64


def json_depth(text: str) -> int:
    """Largest nesting depth of ``[``/``{`` in ``text`` (brackets inside strings do not count).

    Example:
        >>> json_depth('{"a": [1, {"b": "[[["}]}')
        3
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(
    data: str | bytes | bytearray | memoryview,
    *,
    what: str,
    max_bytes: int,
    max_depth: int = JSON_MAX_DEPTH,
) -> Any:
    """Parse ``data`` as JSON after checking its size, encoding and nesting depth.

    ``NaN`` and ``Infinity`` parse (as Python's parser does), so that the field that holds
    one is named by the caller's validation.

    Args:
        data: the text, or its UTF-8 bytes.
        what: how the messages name the document, e.g. ``"setup file"``.
        max_bytes: largest accepted size in bytes (checked before anything else).
        max_depth: largest accepted nesting depth of arrays and objects.

    Raises:
        ValueError: too large, not UTF-8, too deeply nested or malformed; the message
            starts with ``what``.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) > max_bytes:
            raise ValueError(f"{what} is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ValueError(f"{what} is not UTF-8 text ({err.reason})") from None
    if not isinstance(data, str):
        raise TypeError(f"{what} must be text or bytes, got {type(data).__name__}")
    # A character takes 1 to 4 bytes in UTF-8: len() bounds the size without encoding.
    if len(data) > max_bytes or len(data.encode("utf-8", "surrogatepass")) > max_bytes:
        raise ValueError(f"{what} is larger than the limit of {max_bytes:,} bytes")
    depth = json_depth(data)
    if depth > max_depth:
        raise ValueError(
            f"{what} nests arrays/objects {depth} deep; the limit is {max_depth} levels"
        )
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise ValueError(f"{what} is malformed JSON: {err}") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise ValueError(f"{what} nests too deeply") from None


def read_limited(path, *, max_bytes: int, what: str) -> bytes:
    """The bytes of the file at ``path``, refused beyond ``max_bytes`` without reading more.

    Reads at most ``max_bytes + 1`` bytes, so a huge file (or ``/dev/zero``) costs nothing.

    Raises:
        ValueError: the file cannot be read, or is larger than ``max_bytes``; the message
            starts with ``what``.
    """
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as err:
        raise ValueError(f"{what}: cannot read {str(path)!r}: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise ValueError(f"{what}: {str(path)!r} is larger than the limit of {max_bytes:,} bytes")
    return data
