"""Build lattices, groups and models from a `Setup`, with small memo caches.

Each builder takes only the fields it depends on, so a `Session` can tell what a change
of setup really requires: a new character never rebuilds the lattice, the group or the
parameters; a new seed only re-initialises the parameters.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

#: How many lattices / groups / models the memo caches keep.
MEMO_SIZE = 8


class Memo:
    """A tiny LRU cache that counts how often it had to build.

    Attributes:
        builds: number of times `get` called its builder (a miss).
    """

    def __init__(self, size: int = MEMO_SIZE):
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size
        self.builds = 0

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value stored for ``key``, building (and storing) it on a miss."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = build()
        self.builds += 1
        self._items[key] = value
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


# ------------------------------------------------------------------ keys
def lattice_key(setup) -> tuple:
    return (setup.lattice, tuple(setup.extent), tuple(setup.pbc))


def group_key(setup) -> tuple:
    return (*lattice_key(setup), setup.group, setup.point_group)


def model_key(setup) -> tuple:
    """Everything the module depends on, except the character."""
    hyper = json.dumps(setup.to_dict()["hyperparameters"], sort_keys=True)
    group = group_key(setup) if setup.symmetrize else None
    return (
        *lattice_key(setup),
        setup.architecture,
        hyper,
        setup.param_dtype,
        setup.symmetrize,
        group,
    )


# ------------------------------------------------------------------ builders
def build_lattice(setup):
    """The `nqs_explorer.graph.Lattice` of ``setup`` (lattice, extent, pbc)."""
    from .. import graph

    extent, pbc = tuple(setup.extent), tuple(setup.pbc)
    pbc_arg = pbc[0] if len(set(pbc)) == 1 else pbc
    if setup.lattice == "Chain":
        return graph.Chain(extent[0], pbc=pbc_arg)
    if setup.lattice == "Square":
        return graph.Square(extent[0], pbc=pbc_arg)
    constructor = getattr(graph, setup.lattice)
    return constructor(extent, pbc=pbc_arg)


def build_group(setup, lattice):
    """The permutation group of ``setup`` on ``lattice``, or None."""
    if setup.group is None:
        return None
    if setup.group == "translation":
        return lattice.translation_group()
    if setup.group == "point":
        return lattice.point_group(setup.point_group)
    return lattice.space_group(setup.point_group)


def architecture_spec(name: str):
    """The registry entry of architecture ``name``; ValueError listing the choices."""
    from ._registry import ARCHITECTURES

    if not isinstance(name, str) or name not in ARCHITECTURES:
        raise ValueError(
            f"architecture: unknown architecture {name!r}; choose one of {sorted(ARCHITECTURES)}"
        )
    return ARCHITECTURES[name]


def resolve_hyperparameters(
    architecture: str, hyperparameters: dict, param_dtype: str | None = None
) -> dict:
    """The architecture's hyperparameters completed with defaults and validated.

    ``param_dtype`` is a field of `Setup`, not a hyperparameter; it may appear in
    ``hyperparameters`` only with the same value.

    Raises:
        ValueError: naming the hyperparameter and what is allowed (type errors included).
    """
    spec = architecture_spec(architecture)
    values = dict(hyperparameters)
    names = {h.name for h in spec.hyperparameters}
    if "param_dtype" in values and param_dtype is not None and values["param_dtype"] != param_dtype:
        raise ValueError(
            f"hyperparameters: param_dtype={values['param_dtype']!r} contradicts the setup's "
            f"param_dtype={param_dtype!r}; set param_dtype on the setup only"
        )
    if param_dtype is not None and "param_dtype" in names:
        values["param_dtype"] = param_dtype
    try:
        return spec.validate(values)
    except (TypeError, ValueError) as err:
        raise ValueError(f"hyperparameters: {err}") from None


def build_model(setup, lattice, hilbert, group):
    """The linen module of ``setup``: the architecture, optionally inside ``SymmExpSum``."""
    spec = architecture_spec(setup.architecture)
    values = resolve_hyperparameters(setup.architecture, setup.hyperparameters, setup.param_dtype)
    if setup.symmetrize and not spec.supports_symmetrization:
        raise ValueError(
            f"symmetrize: {setup.architecture} cannot be symmetrized (an autoregressive model "
            "would lose its normalisation and exact sampling); untick symmetrize"
        )
    module = spec.build(hilbert, lattice, **values)
    if setup.symmetrize:
        from ..nn.blocks import SymmExpSum
        from ._strategy import orbit_strategy

        module = SymmExpSum(
            module=module,
            symm_group=group,
            character_id=setup.character_id,
            strategy=orbit_strategy(module),
        )
    return module


def is_autoregressive(setup) -> bool:
    """Whether the architecture of ``setup`` is autoregressive (and not symmetrized)."""
    return bool(architecture_spec(setup.architecture).autoregressive) and not setup.symmetrize


def finite_report(variables) -> str | None:
    """None when every leaf is finite, else a message naming the first bad leaves."""
    import jax

    bad = []
    for path, leaf in jax.tree_util.tree_flatten_with_path(variables)[0]:
        arr = np.asarray(leaf)
        if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
            n_bad = int(np.sum(~np.isfinite(arr)))
            bad.append(f"{jax.tree_util.keystr(path)} ({n_bad} of {arr.size} entries)")
    if not bad:
        return None
    return "non-finite parameters: " + ", ".join(bad[:5]) + (" ..." if len(bad) > 5 else "")
