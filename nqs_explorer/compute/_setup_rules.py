"""The rules behind `Setup.change`: what changing one field of a setup does to the others.

Every "changing X clears or adjusts Y" rule of the app lives here, in the order
lattice → group → character → symmetrize → Hamiltonian → total_sz → model, and nowhere else: the lattice, group
and model pickers and the headless report (``nqs-explorer render``) only call
`Setup.change`. A rule never overrides a field the caller gave explicitly.

To add a rule (for a new `Setup` field, say): write ``def _my_rule(old, new, given) ->
dict`` returning the adjustments (only for fields not in ``given``) and insert it in
`RULES` at its place in the chain. Each rule sees the setup with every earlier rule
applied, so a rule's adjustment triggers the later ones.
"""

from __future__ import annotations

from collections.abc import Callable

from ._constants import DEFAULT_EXTENTS, PARAM_DTYPES

# ---------------------------------------------------------------------------- hyperparameters


def _param_dtype_declaration():
    from ._registry import Hyperparameter

    return Hyperparameter(
        "param_dtype", str, "float64", choices=PARAM_DTYPES, help="real or complex parameters"
    )


def declarations(spec) -> tuple:
    """The hyperparameter declarations shown for ``spec`` (``param_dtype`` always last).

    An architecture that does not declare ``param_dtype`` itself gets the generic one
    (the choices of `PARAM_DTYPES`).
    """
    own = tuple(h for h in spec.hyperparameters if h.name != "param_dtype")
    dtype = next((h for h in spec.hyperparameters if h.name == "param_dtype"), None)
    return (*own, dtype if dtype is not None else _param_dtype_declaration())


def current_values(setup) -> dict:
    """Every hyperparameter of the setup's architecture, defaults filled in, with
    ``param_dtype`` (the setup's)."""
    from ._build import architecture_spec

    spec = architecture_spec(setup.architecture)
    values = {h.name: h.default for h in declarations(spec)}
    values.update(setup.hyperparameters)
    values["param_dtype"] = setup.param_dtype
    return values


def carried_over(spec, old_values: dict) -> dict:
    """The old values that are still valid hyperparameters of ``spec`` (layers, features...)."""
    kept = {}
    for h in spec.hyperparameters:
        if h.name in old_values and h.name != "param_dtype":
            try:
                kept[h.name] = h.validate(old_values[h.name], spec.name)
            except (TypeError, ValueError):
                continue
    return kept


# ---------------------------------------------------------------------------- the rules
def _geometry(setup) -> tuple:
    return (setup.lattice, tuple(setup.extent), tuple(setup.pbc))


def _lattice_kind(old, new, given) -> dict:
    """A new lattice kind starts from its default extent, periodic on every axis."""
    if new.lattice == old.lattice:
        return {}
    changes = {}
    if "extent" not in given and new.lattice in DEFAULT_EXTENTS:
        changes["extent"] = DEFAULT_EXTENTS[new.lattice]
    if "pbc" not in given:
        changes["pbc"] = True
    return changes


def _square_extent(old, new, given) -> dict:
    """``Square`` takes one extent ``L`` for an ``L×L`` lattice."""
    if new.lattice == "Square" and isinstance(new.extent, tuple) and len(new.extent) == 1:
        return {"extent": new.extent * 2}
    return {}


def _boundaries(old, new, given) -> dict:
    """A new number of axes keeps the boundaries if all were alike, else makes all periodic
    only if all were periodic (``all(pbc)`` on every axis)."""
    if "pbc" in given or not isinstance(new.extent, tuple) or not isinstance(new.pbc, tuple):
        return {}
    if len(new.pbc) != len(new.extent):
        return {"pbc": all(new.pbc)}
    return {}


def _lattice_clears_group_choices(old, new, given) -> dict:
    """A new lattice renames its point groups and renumbers the irreps."""
    if _geometry(new) == _geometry(old):
        return {}
    return {k: None for k in ("point_group", "character_id") if k not in given}


def _group_kind(old, new, given) -> dict:
    """A new group kind clears the point group and the character; no group leaves nothing
    to symmetrize over."""
    if new.group == old.group:
        return {}
    changes = {k: None for k in ("point_group", "character_id") if k not in given}
    if new.group is None and "symmetrize" not in given:
        changes["symmetrize"] = False
    return changes


def _point_group(old, new, given) -> dict:
    """Another point group has other irreps: the character is cleared."""
    if new.point_group == old.point_group or "character_id" in given:
        return {}
    return {"character_id": None}


def _hamiltonian(old, new, given) -> dict:
    """A new Hamiltonian has other couplings: they start from its defaults."""
    if new.hamiltonian == old.hamiltonian or "couplings" in given:
        return {}
    return {"couplings": {}}


def _total_sz_fits(old, new, given) -> dict:
    """A ``total_sz`` that no longer fits the lattice (or that the Hamiltonian does not
    conserve) is cleared."""
    from ._hamiltonian import conserves_total_sz, setup_n_sites, total_sz_problem

    if new.total_sz is None or "total_sz" in given:
        return {}
    try:
        conserved = conserves_total_sz(new.hamiltonian, dict(new.couplings))
    except ValueError:
        conserved = True  # bad couplings: validate names them
    if not conserved or total_sz_problem(new.total_sz, setup_n_sites(new)) is not None:
        return {"total_sz": None}
    return {}


def _architecture(old, new, given) -> dict:
    """A new architecture keeps the hyperparameters set on the old one that it shares (when
    still valid and not its own default) and stays symmetrized only if it can be."""
    if new.architecture == old.architecture:
        return {}
    from ._build import architecture_spec

    spec = architecture_spec(new.architecture)
    changes = {}
    if "hyperparameters" not in given:
        defaults = {h.name: h.default for h in spec.hyperparameters}
        kept = carried_over(spec, dict(old.hyperparameters))
        changes["hyperparameters"] = {k: v for k, v in kept.items() if v != defaults.get(k)}
    if "symmetrize" not in given:
        changes["symmetrize"] = bool(new.symmetrize and spec.supports_symmetrization)
    return changes


#: The rules in the order they apply: ``rule(old, new, given) -> adjustments``.
RULES: tuple[Callable, ...] = (
    _lattice_kind,
    _square_extent,
    _boundaries,
    _lattice_clears_group_choices,
    _group_kind,
    _point_group,
    _hamiltonian,
    _total_sz_fits,
    _architecture,
)


def apply_rules(old, fields: dict):
    """``old`` with ``fields`` and every rule of `RULES` applied, validated."""
    given = frozenset(fields)
    new = old.replace(**fields)
    try:
        for rule in RULES:
            adjustments = rule(old, new, given)
            if adjustments:
                new = new.replace(**adjustments)
    except TypeError:
        # A value of the wrong type (a dict for a lattice name, say) trips a rule before
        # validation: validate the setup as given, which names the field.
        old.replace(**fields).validate()
        raise
    new.validate()
    return new
