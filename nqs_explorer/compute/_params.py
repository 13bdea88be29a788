"""Parameter rows: one line per leaf of a variables tree, with statistics and totals.

Counts and bytes are those of ``flax.linen.Module.tabulate`` (``size`` and
``size * itemsize`` summed over every collection). The owning module of each leaf is read
from the model itself: its methods are intercepted while it is traced abstractly
(``jax.eval_shape``, no FLOPs), which records the class of the module at every scope path.
"""

from __future__ import annotations

import flax.linen as nn
import jax
import numpy as np

from ._results import ParameterRow, ParameterSummary


def path_string(path) -> str:
    """``"params/Dense_0/kernel"`` from a jax key path."""
    parts = []
    for entry in path:
        for attr in ("key", "name", "idx"):
            if hasattr(entry, attr):
                parts.append(str(getattr(entry, attr)))
                break
        else:  # pragma: no cover - unknown key type
            parts.append(str(entry))
    return "/".join(parts)


def module_classes(model: nn.Module, variables, x) -> dict[tuple[str, ...], str]:
    """``{scope path: module class name}`` of every module the model calls on ``x``.

    Args:
        model: an unbound linen module.
        variables: its variables (unused; kept for callers that have them at hand).
        x: an example input ``(B, N)``.
    """
    found: dict[tuple[str, ...], str] = {(): type(model).__name__}

    def record(next_fun, args, kwargs, context):
        module = context.module
        if module.scope is not None:
            found.setdefault(tuple(module.scope.path), type(module).__name__)
        return next_fun(*args, **kwargs)

    def trace(inputs):
        # Trace initialisation, not apply: modules may evaluate submodules through pure
        # functions when applied (SymmExpSum's fast paths unbind the wrapped module), but
        # initialisation always calls every submodule as a bound module.
        with nn.intercept_methods(record):
            return model.init(jax.random.PRNGKey(0), inputs)

    jax.eval_shape(trace, x)
    return found


def _owner(paths: dict[tuple[str, ...], str], leaf_path: tuple[str, ...]) -> str:
    # leaf_path is (collection, *module path, leaf name): take the deepest known module.
    scope = leaf_path[1:-1]
    for depth in range(len(scope), -1, -1):
        name = paths.get(tuple(scope[:depth]))
        if name is not None:
            return name
    return ""


def _stats(arr: np.ndarray) -> tuple[complex | float, float, float, float, bool]:
    if arr.size == 0:
        return 0.0, 0.0, 0.0, 0.0, True
    finite = bool(np.all(np.isfinite(arr)))
    if arr.dtype.kind == "c":
        mean = complex(np.mean(arr))
        std = float(np.sqrt(np.mean(np.abs(arr - mean) ** 2)))
        mag = np.abs(arr)
        return mean, std, float(np.min(mag)), float(np.max(mag)), finite
    values = arr.astype(np.float64)
    return (
        float(np.mean(values)),
        float(np.std(values)),
        float(np.min(values)),
        float(np.max(values)),
        finite,
    )


def summarize(variables, modules: dict[tuple[str, ...], str] | None = None) -> ParameterSummary:
    """One `ParameterRow` per leaf of ``variables``, in the tree's order, and totals.

    Args:
        variables: a (nested dict) variables tree, e.g. ``{"params": {...}}``.
        modules: scope path -> module class name (see `module_classes`); empty names if None.
    """
    modules = modules or {}
    rows = []
    for path, leaf in jax.tree_util.tree_flatten_with_path(variables)[0]:
        arr = np.asarray(leaf)
        keys = tuple(path_string([p]) for p in path)
        mean, std, lo, hi, finite = _stats(arr)
        rows.append(
            ParameterRow(
                path="/".join(keys),
                module=_owner(modules, keys),
                shape=tuple(arr.shape),
                dtype=str(arr.dtype),
                count=int(arr.size),
                bytes=int(arr.size * arr.dtype.itemsize),
                mean=mean,
                std=std,
                min=lo,
                max=hi,
                finite=finite,
                nonfinite=int(arr.size - np.count_nonzero(np.isfinite(arr))),
            )
        )
    return ParameterSummary(
        rows=tuple(rows),
        total_count=sum(r.count for r in rows),
        total_bytes=sum(r.bytes for r in rows),
        finite=all(r.finite for r in rows),
    )
