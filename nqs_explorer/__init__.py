"""nqs_explorer: interactive exploration of neural-quantum-state architectures.

Importing the package enables ``jax_enable_x64`` (the reference ``netket.nn.Dense``
defaults to float64). Set the environment variable ``NQS_EXPLORER_X64=0`` before the
import to keep JAX's default 32-bit mode.

Subpackages are imported on first access, so ``import nqs_explorer`` stays fast and
never imports matplotlib or ipywidgets::

    import nqs_explorer as nqx
    g = nqx.graph.Square(3)
    G = g.translation_group()
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

import jax

__version__ = "0.1.0"

X64_ENV_VAR = "NQS_EXPLORER_X64"

if os.environ.get(X64_ENV_VAR, "1").strip().lower() not in ("0", "false", "no", "off"):
    jax.config.update("jax_enable_x64", True)

_SUBMODULES = (
    "graph",
    "group",
    "hilbert",
    "nn",
    "models",
    "operator",
    "exact",
    "compute",
    "vqs",
    "sampler",
    "optimizer",
    "driver",
    "plot",
    "widgets",
    "cli",
    "utils",
)

__all__ = [
    "Explorer",
    "__version__",
    "cli",
    "compute",
    "driver",
    "exact",
    "graph",
    "group",
    "hilbert",
    "models",
    "nn",
    "operator",
    "optimizer",
    "plot",
    "sampler",
    "utils",
    "vqs",
    "widgets",
]

if TYPE_CHECKING:  # pragma: no cover
    from . import (
        compute,
        driver,
        exact,
        graph,
        group,
        hilbert,
        models,
        nn,
        operator,
        optimizer,
        plot,
        sampler,
        utils,
        vqs,
        widgets,
    )
    from .widgets import Explorer


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "Explorer":
        return importlib.import_module(f"{__name__}.widgets").Explorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
