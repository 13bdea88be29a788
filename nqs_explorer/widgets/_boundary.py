"""The error boundary every widget callback goes through, and the styled message it shows.

Exceptions raised inside an ipywidgets observer are shown nowhere in JupyterLab, and an
exception escaping into the notebook would leave the app half-updated. Every callback of
the explorer therefore runs through ``AppState.run`` (see ``_state.py``): user errors (``ValueError``,
``TypeError``, ...) become their message, anything else becomes "Internal error" with the
exception type, and the traceback is kept for the log instead of being printed.
"""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass

# Errors whose message is meant for the user as it is (bad input, bad files, memory guards).
USER_ERRORS = (ValueError, TypeError, KeyError, OSError, MemoryError, OverflowError)


@dataclass(frozen=True)
class Message:
    """One message of the app.

    Attributes:
        source: which control/view it belongs to ("lattice", "model", "orbit", ...).
        text: the plain-text message shown to the user.
        level: "error" or "info".
        details: the traceback for internal errors ("" for user errors).
    """

    source: str
    text: str
    level: str = "error"
    details: str = ""


def describe_exception(exc: BaseException) -> tuple[str, str]:
    """Return ``(text, details)`` for an exception caught at the boundary.

    User errors keep their own message (prefixed by the file name for ``OSError``);
    anything else is reported as an internal error with its type and traceback.
    """
    if isinstance(exc, KeyError):
        text = f"unknown key {exc.args[0]!r}" if exc.args else "unknown key"
        return text, ""
    if isinstance(exc, OSError) and exc.strerror:
        name = f" {exc.filename!r}" if exc.filename else ""
        return f"cannot open{name}: {exc.strerror}", ""
    if isinstance(exc, USER_ERRORS):
        return str(exc) or type(exc).__name__, ""
    details = "".join(traceback.format_exception(exc))
    return f"Internal error ({type(exc).__name__}): {exc}", details


ERROR_STYLE = (
    "color:#8a1020;background:#fdecea;border-left:4px solid #c62828;"
    "padding:3px 8px;margin:2px 0;border-radius:2px;white-space:pre-wrap"
)
INFO_STYLE = "color:#1a4f7a;background:#e8f1fa;border-left:4px solid #1e6fb8;padding:3px 8px"


def message_html(message: Message | None) -> str:
    """The HTML a message widget shows for ``message`` ("" when there is none)."""
    if message is None:
        return ""
    style = ERROR_STYLE if message.level == "error" else INFO_STYLE
    icon = "⚠ " if message.level == "error" else ""
    return (
        f'<div class="nqx-message nqx-{message.level}" style="{style}">'
        f"{icon}{html.escape(message.text)}</div>"
    )


def unique_warnings(caught) -> list:
    """The caught warnings worth a message: one per text, deprecations left out."""
    seen, out = set(), []
    for item in caught:
        text = str(item.message)
        if text not in seen and not issubclass(item.category, DeprecationWarning):
            seen.add(text)
            out.append(item)
    return out
