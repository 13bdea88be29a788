"""Python source that rebuilds the explorer's current model with the public API.

The generated script builds the lattice, the Hilbert space, the group, the module (written
as an explicit constructor call when every non-default field can be written as code,
through the architecture registry otherwise), wraps it in ``SymmExpSum`` when the setup
does, initialises it with the setup's seed (or loads saved parameters) and evaluates
log ψ of the current configuration. The tests ``exec`` it and compare with the session.
"""

from __future__ import annotations

import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from .. import compute, models
from .. import nn as nqx_nn
from ..utils import HashableArray

HEADER = '''"""Rebuild the model of the nqs_explorer session outside the explorer."""
import jax
import jax.numpy as jnp
import numpy as np

import nqs_explorer as nqx
'''

_FUNCTION_NAMESPACES = (("jax.nn", jax.nn), ("jnp", jnp), ("nqx.nn", nqx_nn))
_CLASS_NAMESPACES = (("nqx.models", models), ("nqx.nn", nqx_nn))


class _NotCode(Exception):
    """A value that cannot be written as Python source."""


def lattice_code(setup) -> str:
    """``nqx.graph.<Kind>(...)`` for the setup's lattice (as the compute layer builds it)."""
    extent, pbc = tuple(setup.extent), tuple(setup.pbc)
    pbc_arg = repr(pbc[0]) if len(set(pbc)) == 1 else repr(pbc)
    if setup.lattice in ("Chain", "Square"):
        return f"nqx.graph.{setup.lattice}({extent[0]}, pbc={pbc_arg})"
    return f"nqx.graph.{setup.lattice}({extent!r}, pbc={pbc_arg})"


def group_code(setup) -> str | None:
    """``lattice.<kind>_group(...)`` or None without a group."""
    if setup.group is None:
        return None
    if setup.group == "translation":
        return "lattice.translation_group()"
    name = "" if setup.point_group is None else repr(setup.point_group)
    return f"lattice.{setup.group}_group({name})"


def value_code(value, context: dict) -> str:
    """Python source for a field value (raises ``_NotCode`` when there is none)."""
    for name, obj in context.items():
        if value is obj:
            return name
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    if isinstance(value, tuple | list):
        items = [value_code(v, context) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return f"jnp.{np.dtype(value).name}"
    if isinstance(value, HashableArray):
        for name, obj in context.items():
            if isinstance(obj, np.ndarray) and np.array_equal(value.wrapped, obj):
                return f"nqx.utils.HashableArray({name})"
        raise _NotCode(repr(value))
    if isinstance(value, nn.Module) or dataclasses.is_dataclass(value):
        return constructor_code(value, context)
    if callable(value):
        for prefix, namespace in _FUNCTION_NAMESPACES:
            for attr in dir(namespace):
                if not attr.startswith("_") and getattr(namespace, attr, None) is value:
                    return f"{prefix}.{attr}"
    raise _NotCode(repr(value))


def constructor_code(obj, context: dict) -> str:
    """``nqx.models.Class(field=value, ...)`` with the fields that differ from the defaults."""
    cls = type(obj)
    prefix = next(
        (p for p, ns in _CLASS_NAMESPACES if getattr(ns, cls.__name__, None) is cls), None
    )
    if prefix is None:
        raise _NotCode(cls.__name__)
    args = []
    for field in dataclasses.fields(obj):
        if field.name in ("parent", "name") or not field.init:
            continue
        value = getattr(obj, field.name)
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING
        if default is not dataclasses.MISSING and _same(value, default):
            continue
        args.append(f"{field.name}={value_code(value, context)}")
    return f"{prefix}.{cls.__name__}({', '.join(args)})"


def _same(value, default) -> bool:
    if value is default:
        return True
    try:
        return bool(type(value) is type(default) and value == default)
    except Exception:  # arrays and the like: compare as code instead
        return False


def module_code(session) -> str:
    """Source of the unsymmetrized module: explicit constructor, else the registry."""
    setup = session.setup
    inner = session.model.module if setup.symmetrize else session.model
    context = {
        "hilbert": session.hilbert,
        "lattice.positions": np.asarray(session.lattice.positions),
    }
    try:
        return constructor_code(inner, context)
    except _NotCode:
        spec = compute.ARCHITECTURES[setup.architecture]
        values = dict(setup.hyperparameters)
        if any(h.name == "param_dtype" for h in spec.hyperparameters):
            values["param_dtype"] = setup.param_dtype
        values = spec.validate(values)
        args = "".join(f", {k}={value_code(v, {})}" for k, v in values.items())
        return f"nqx.compute.ARCHITECTURES[{setup.architecture!r}].build(hilbert, lattice{args})"


def model_script(session, sigma, parameters_path: str | None = None) -> str:
    """A runnable script that rebuilds ``session``'s model and evaluates log ψ(σ).

    Args:
        session: the ``compute.Session``.
        sigma: ``(N,)`` the configuration to evaluate at the end.
        parameters_path: a saved parameter file to load instead of the seeded init
            (for parameters that were loaded or edited in the explorer).

    Returns:
        Python source defining ``lattice``, ``hilbert``, ``group`` (or None), ``model``,
        ``variables`` and ``sigma``, and printing ``model.apply(variables, sigma)``.
    """
    setup = session.setup
    group = group_code(setup)
    lines = [
        HEADER,
        f"lattice = {lattice_code(setup)}",
        "hilbert = nqx.hilbert.Spin(0.5, lattice.n_nodes)  # local states (+1, -1), as NetKet",
        f"group = {group}"
        + (f"  # {session.group.name}, |G| = {len(session.group)}" if group else ""),
        f"module = {module_code(session)}",
    ]
    if setup.symmetrize:
        lines.append(
            "model = nqx.nn.blocks.SymmExpSum("
            f"module=module, symm_group=group, character_id={setup.character_id!r})"
        )
    else:
        lines.append("model = module")
    lines += [
        "",
        "# parameters: the explorer's seeded initialisation (the character does not enter them)",
        "x = np.full((1, hilbert.size), hilbert.local_states[0])",
        f"variables = model.init(jax.random.PRNGKey({setup.seed}), x)",
    ]
    if parameters_path is not None:
        lines += [
            "# ... replaced by the parameters saved from the explorer (autoregressive outputs",
            "# are put in the order of hilbert.local_states)",
            f"variables = nqx.models.load_params({str(parameters_path)!r}, variables, "
            "local_states=hilbert.local_states)",
        ]
    values = ", ".join(f"{v:g}" for v in np.asarray(sigma, dtype=float))
    lines += [
        "",
        f"sigma = np.array([{values}])  # the explorer's configuration",
        'print("log psi(sigma) =", model.apply(variables, sigma))',
        "",
    ]
    lines += hamiltonian_lines(setup)
    return "\n".join(lines)


def hamiltonian_code(setup) -> str | None:
    """``nqx.operator.…(hilbert, lattice, …)`` building the setup's Hamiltonian (None: none)."""
    from ..compute import resolve_couplings

    if setup.hamiltonian is None:
        return None
    c = resolve_couplings(setup.hamiltonian, dict(setup.couplings))
    if setup.hamiltonian == "Heisenberg":
        return f"nqx.operator.Heisenberg(hilbert, lattice, J={c['J']!r})"
    if setup.hamiltonian == "Ising":
        return f"nqx.operator.Ising(hilbert, lattice, h={c['h']!r}, J={c['J']!r})"
    if setup.hamiltonian == "XXZ":
        return f"nqx.operator.XXZ(hilbert, lattice, J={c['J']!r}, Delta={c['Delta']!r})"
    return f"nqx.operator.Heisenberg(hilbert, lattice, J=[{c['J1']!r}, {c['J2']!r}])"


def hamiltonian_lines(setup) -> list[str]:
    """Script lines building ``H`` and printing ``spectrum``, its lowest energy per sector
    (none without a Hamiltonian); without a group, the identity group gives the full-space
    levels."""
    code = hamiltonian_code(setup)
    if code is None:
        return []
    sectors = (
        "group"
        if setup.group is not None
        else ("nqx.group.PermutationGroup([np.arange(hilbert.size)], name='identity')")
    )
    return [
        "# the Hamiltonian and its lowest energy in every irrep of the group",
        f"H = {code}",
        f"spectrum = nqx.exact.sector_spectrum(H, {sectors}, total_sz={setup.total_sz!r})",
        "print(spectrum)",
        "",
    ]
