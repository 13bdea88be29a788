"""Field validation of the autoregressive models (`nqs_explorer.models.ARNNDense` and friends).

Each ``_check_*`` takes the module under construction (from ``AbstractARNN.__post_init__``),
raises a ``ValueError``/``TypeError`` that names the model and the bad field, and writes
normalised values back (ints, tuples) so that the fields stay hashable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _positive_int(name: str, value, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _int_pair(name: str, value, owner: str) -> tuple[int, int]:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = (value, value)
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{owner}: {name} must be a pair of positive integers, got {value!r}")
    return tuple(_positive_int(name, v, owner) for v in value)


def _check_hilbert(module) -> None:
    for attribute in ("size", "local_size", "local_states", "states_to_local_indices"):
        if not hasattr(module.hilbert, attribute):
            raise TypeError(
                f"{type(module).__name__}: hilbert must be a homogeneous Hilbert space such as "
                f"nqs_explorer.hilbert.Spin (missing {attribute!r}), got {module.hilbert!r}"
            )
    if getattr(module.hilbert, "constrained", False):
        raise ValueError(
            f"{type(module).__name__}: autoregressive models need an unconstrained Hilbert "
            f"space (each site is sampled from all its local states), got {module.hilbert!r}; "
            "drop total_sz (NetKet's autoregressive sampler refuses constrained spaces too)"
        )


def _check_layers_and_features(module) -> None:
    name = type(module).__name__
    layers = _positive_int("layers", module.layers, name)
    local_size = module.hilbert.local_size
    features = module.features
    if isinstance(features, int | np.integer) and not isinstance(features, bool):
        features = _positive_int("features", features, name)
    elif isinstance(features, Sequence) and not isinstance(features, str):
        features = tuple(_positive_int("features", f, name) for f in features)
        if len(features) != layers:
            raise ValueError(
                f"{name}: features has {len(features)} entries but layers={layers}; give "
                "one per layer or a single int"
            )
        if features[-1] != local_size:
            raise ValueError(
                f"{name}: the last layer must have local_size={local_size} features "
                f"(one per local state), got features={features}"
            )
    else:
        raise ValueError(
            f"{name}: features must be an int or a tuple of ints, got {module.features!r}"
        )
    object.__setattr__(module, "features", features)  # lists -> tuples: hashable
    machine_pow = module.machine_pow
    if isinstance(machine_pow, bool) or not isinstance(machine_pow, int) or machine_pow < 1:
        raise ValueError(f"{name}: machine_pow must be a positive integer, got {machine_pow!r}")


def _check_kernel_1d(module) -> None:
    # A kernel longer than the chain is accepted, as NetKet does: its extra taps only read
    # the zero padding (their parameters get no gradient).
    name = type(module).__name__
    kernel_size = _positive_int("kernel_size", module.kernel_size, name)
    dilation = _positive_int("kernel_dilation", module.kernel_dilation, name)
    object.__setattr__(module, "kernel_size", kernel_size)
    object.__setattr__(module, "kernel_dilation", dilation)


def _check_extent_and_kernel_2d(module) -> None:
    name, n_sites = type(module).__name__, module.hilbert.size
    if module.extent is None:
        side = math.isqrt(n_sites)
        if side * side != n_sites:
            raise ValueError(
                f"{name}: hilbert.size={n_sites} is not a square; pass extent=(Lx, Ly) "
                "for a rectangular lattice"
            )
        extent = (side, side)
    else:
        extent = _int_pair("extent", module.extent, name)
        if extent[0] * extent[1] != n_sites:
            raise ValueError(
                f"{name}: extent {extent} has {extent[0] * extent[1]} sites but "
                f"hilbert.size={n_sites}"
            )
        object.__setattr__(module, "extent", extent)
    # A kernel larger than the lattice is accepted, as NetKet does: its extra taps only read
    # the zero padding (their parameters get no gradient).
    kernel = _int_pair("kernel_size", module.kernel_size, name)
    dilation = _int_pair("kernel_dilation", module.kernel_dilation, name)
    object.__setattr__(module, "kernel_size", kernel)
    object.__setattr__(module, "kernel_dilation", dilation)
