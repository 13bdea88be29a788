"""The Hamiltonian of a `Setup`: couplings, ``total_sz`` and the `nqs_explorer.operator`.

`resolve_couplings` fills a setup's couplings with their defaults and checks them,
`check_total_sz` checks a magnetisation sector against the number of sites, and
`build_hamiltonian` makes the operator. A `Session` builds the operator once per
*structure* (lattice and Hamiltonian kind, `hamiltonian_key`) and swaps only the coupling
leaves of that pytree on a couplings change (`with_couplings`): nothing is rebuilt or
recompiled then.
"""

from __future__ import annotations

import math

import jax
import numpy as np

from ._constants import DEFAULT_COUPLINGS, HAMILTONIANS, LATTICE_SUBLATTICES


def _is_real_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def resolve_couplings(hamiltonian: str | None, couplings: dict) -> dict:
    """Every coupling of ``hamiltonian``: ``couplings`` with the defaults filled in.

    Args:
        hamiltonian: one of `HAMILTONIANS`.
        couplings: any subset of ``DEFAULT_COUPLINGS[hamiltonian]``'s keys, finite reals.

    Returns:
        ``{name: float}`` in the declaration order (``{}`` for no Hamiltonian).

    Raises:
        ValueError: unknown Hamiltonian, unknown coupling names or non-finite values
            (the message names the field and what is allowed).

    Example:
        >>> resolve_couplings("Ising", {"h": 0.5})
        {'h': 0.5, 'J': 1.0}
    """
    if hamiltonian not in HAMILTONIANS:
        raise ValueError(
            f"hamiltonian: unknown Hamiltonian {hamiltonian!r}; choose one of {HAMILTONIANS}"
        )
    if not isinstance(couplings, dict) or not all(isinstance(k, str) for k in couplings):
        raise ValueError(f"couplings: expected a dict with string keys, got {couplings!r}")
    if hamiltonian is None:
        if couplings:
            raise ValueError(
                f"couplings: no Hamiltonian is chosen, so no couplings are allowed, got "
                f"{sorted(couplings)}"
            )
        return {}
    defaults = DEFAULT_COUPLINGS[hamiltonian]
    unknown = sorted(set(couplings) - set(defaults))
    if unknown:
        raise ValueError(
            f"couplings: unknown coupling(s) {unknown} for {hamiltonian}; allowed are "
            f"{list(defaults)}"
        )
    values = {}
    for name, default in defaults.items():
        value = couplings.get(name, default)
        if not _is_real_number(value) or not math.isfinite(value):
            raise ValueError(
                f"couplings: {hamiltonian} coupling {name} must be a finite real number, "
                f"got {value!r}"
            )
        values[name] = float(value)
    return values


def setup_n_sites(setup) -> int:
    """Number of sites of ``setup``'s lattice, without building it."""
    n_sub = LATTICE_SUBLATTICES.get(setup.lattice, 1)
    return int(np.prod(setup.extent)) * n_sub


def total_sz_problem(total_sz, n_sites: int) -> str | None:
    """Why ``total_sz`` is not a magnetisation of ``n_sites`` spins 1/2 (None: it is)."""
    if total_sz is None:
        return None
    if not _is_real_number(total_sz) or not math.isfinite(total_sz):
        return f"expected None or a multiple of 1/2, got {total_sz!r}"
    # the magnitude first: 2 * 1e308 overflows
    if abs(total_sz) > n_sites / 2:
        return (
            f"|total_sz| must be <= N/2 = {n_sites / 2:g} for N = {n_sites} sites, got {total_sz!r}"
        )
    twice = 2 * float(total_sz)
    if twice != round(twice):
        return f"expected a multiple of 1/2, got {total_sz!r}"
    if round(twice) % 2 != n_sites % 2:
        parity = "an integer" if n_sites % 2 == 0 else "a half-odd integer (…, -1/2, 1/2, …)"
        return f"with N = {n_sites} sites total_sz must be {parity}, got {total_sz!r}"
    return None


def check_total_sz(total_sz, n_sites: int) -> None:
    """ValueError (naming ``total_sz``) unless ``total_sz`` fits ``n_sites`` spins 1/2."""
    problem = total_sz_problem(total_sz, n_sites)
    if problem is not None:
        raise ValueError(f"total_sz: {problem}")


def conserves_total_sz(hamiltonian: str | None, couplings: dict) -> bool:
    """Whether the Hamiltonian commutes with ``Σσᶻ`` (all but the Ising model with h ≠ 0)."""
    if hamiltonian != "Ising":
        return True
    return resolve_couplings(hamiltonian, couplings)["h"] == 0.0


def hamiltonian_key(setup) -> tuple:
    """What the operator's structure depends on: the lattice and the Hamiltonian kind."""
    return (setup.lattice, tuple(setup.extent), tuple(setup.pbc), setup.hamiltonian)


def _leaves(hamiltonian: str, values: dict) -> list:
    """The operator's pytree leaves for ``values``, in its flattening order
    (Ising: h, J; Heisenberg/XXZ: J, Delta)."""
    if hamiltonian == "Heisenberg":
        return [np.float64(values["J"]), np.float64(1.0)]
    if hamiltonian == "Ising":
        return [np.float64(values["h"]), np.float64(values["J"])]
    if hamiltonian == "XXZ":
        return [np.float64(values["J"]), np.float64(values["Delta"])]
    if hamiltonian == "J1J2":
        return [np.array([values["J1"], values["J2"]]), np.float64(1.0)]
    raise AssertionError(hamiltonian)  # pragma: no cover


def build_hamiltonian(setup, lattice, hilbert):
    """The `nqs_explorer.operator` of ``setup`` on ``lattice`` / ``hilbert``.

    ``Heisenberg`` -> ``Heisenberg(hilbert, lattice, J)``, ``Ising`` ->
    ``Ising(hilbert, lattice, h, J)``, ``XXZ`` -> ``XXZ(hilbert, lattice, J, Delta)``,
    ``J1J2`` -> ``Heisenberg(hilbert, lattice, J=[J1, J2])`` (bonds
    ``lattice.edges(order=1)`` and ``order=2``). NetKet's default ``sign_rule`` (Marshall
    sign on bipartite lattices for one J, none for J1–J2).

    Args:
        setup: a `Setup` (its ``hamiltonian`` and ``couplings`` are used).
        lattice: the setup's `Lattice`.
        hilbert: the spin-1/2 space on its sites.

    Returns:
        the operator, or None when ``setup.hamiltonian`` is None.

    Example:
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.compute import Setup, build_hamiltonian
        >>> s = Setup(lattice="Chain", extent=(4,), hamiltonian="Ising", couplings={"h": 0.5})
        >>> L = nqx.graph.Chain(4)
        >>> build_hamiltonian(s, L, nqx.hilbert.Spin(0.5, 4))
        Ising(h=0.5, J=1; Chain(extent=(4,), pbc=True, n_nodes=4))
    """
    from .. import operator

    name = setup.hamiltonian
    values = resolve_couplings(name, dict(setup.couplings))
    if name is None:
        return None
    if name == "Heisenberg":
        return operator.Heisenberg(hilbert, lattice, J=values["J"])
    if name == "Ising":
        return operator.Ising(hilbert, lattice, h=values["h"], J=values["J"])
    if name == "XXZ":
        return operator.XXZ(hilbert, lattice, J=values["J"], Delta=values["Delta"])
    return operator.Heisenberg(hilbert, lattice, J=[values["J1"], values["J2"]])


def with_couplings(op, setup):
    """``op`` (built by `build_hamiltonian` for the same structure) with ``setup``'s
    coupling values: the same pytree structure, new leaves; nothing is rebuilt."""
    if op is None:
        return None
    leaves, treedef = jax.tree_util.tree_flatten(op)
    new = _leaves(setup.hamiltonian, resolve_couplings(setup.hamiltonian, dict(setup.couplings)))
    if len(leaves) != len(new):  # pragma: no cover - another operator structure
        raise AssertionError("unexpected operator leaves")
    return jax.tree_util.tree_unflatten(treedef, new)


#: One line per coupling, shown next to its control.
COUPLING_HELP = {
    ("Heisenberg", "J"): "exchange J σ⃗·σ⃗ on nearest-neighbour bonds (J > 0: antiferromagnet)",
    ("Ising", "h"): "transverse field -h Σ σˣ",
    ("Ising", "J"): "J Σ σᶻσᶻ on nearest-neighbour bonds (J > 0: antiferromagnet)",
    ("XXZ", "J"): "J (σˣσˣ + σʸσʸ + Δ σᶻσᶻ) on nearest-neighbour bonds",
    ("XXZ", "Delta"): "anisotropy Δ (1: Heisenberg, 0: XY)",
    ("J1J2", "J1"): "first-neighbour exchange J1 σ⃗·σ⃗",
    ("J1J2", "J2"): "second-neighbour exchange J2 σ⃗·σ⃗ (frustrating for J2 > 0)",
}


def coupling_declarations(hamiltonian: str | None) -> tuple:
    """The couplings of ``hamiltonian`` as `Hyperparameter` declarations (float, default,
    help), from which the Spectrum view generates its controls; ``()`` for None.

    Example:
        >>> [(d.name, d.default) for d in coupling_declarations("Ising")]
        [('h', 1.0), ('J', 1.0)]
    """
    from ._registry import Hyperparameter

    if hamiltonian is None:
        return ()
    resolve_couplings(hamiltonian, {})  # names the field for an unknown Hamiltonian
    return tuple(
        Hyperparameter(name, float, default, help=COUPLING_HELP[(hamiltonian, name)])
        for name, default in DEFAULT_COUPLINGS[hamiltonian].items()
    )
