"""`Setup`: everything that defines what the explorer computes on, as plain JSON-able data."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..utils import load_json
from ._constants import DEFAULT_EXTENTS as DEFAULT_EXTENTS
from ._constants import (
    DEFAULT_HAMILTONIAN,
    GROUPS,
    LATTICES,
    MAX_SEED,
    PARAM_DTYPES,
    SETUP_MAX_BYTES,
    SETUP_MAX_DEPTH,
    SETUP_VERSION,
)
from ._constants import LATTICE_NDIM as _LATTICE_NDIM

#: The ``format`` tag of the setup files the Export tab wrote before setup files had a
#: ``version`` (``{"format": ..., "version": 1, "setup": {...}, "configuration": [...]}``).
LEGACY_EXPLORER_FORMAT = "nqs_explorer.explorer"
#: Groups a point group belongs to.
_POINT_GROUP_KINDS = ("point", "space")


def _freeze(value: Any) -> Any:
    """Lists (from JSON) become tuples, recursively, so hyperparameters stay hashable."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    return value


def _as_float(value: Any) -> Any:
    """Integers (not bools) become floats; anything else is left for `validate`."""
    return float(value) if _is_int(value) else value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _canonical_point_group(name: Any, lattice: Any, extent: Any) -> Any:
    """``"C2v"`` -> ``"D2"`` (the name the lattice's pickers list); anything else unchanged.

    Unknown names stay as they are for `Setup.validate` (or the build) to name them.
    """
    if not isinstance(name, str):
        return name
    from ..group import normalize_point_group_name

    ndim = len(extent) if lattice == "Grid" and isinstance(extent, tuple) else 2
    try:
        return normalize_point_group_name(name, ndim)
    except (TypeError, ValueError):
        return name


@dataclasses.dataclass(frozen=True)
class Setup:
    """A complete, serialisable description of a lattice, group, character and model.

    ``Setup`` holds plain Python values only (no jax objects), compares by value and
    round-trips through JSON (`to_json` / `from_json`), so a setup can be saved, shared
    and restored. `validate` checks everything that can be checked without building.

    Attributes:
        lattice: one of ``Chain``, ``Square``, ``Grid``, ``Triangular``, ``Honeycomb``,
            ``Kagome``.
        extent: number of unit cells per axis, e.g. ``(3, 3)``; an int is one axis.
        pbc: periodic boundaries per axis; a bool (or a uniform tuple such as
            ``(True, True)``) applies to every axis, whatever their number.
        group: ``None``, ``"translation"``, ``"point"`` or ``"space"``.
        point_group: name of the point group (``"D4"``, ``"C4v"``, ...), ``None`` for the
            largest the lattice has; only with ``group`` ``"point"`` or ``"space"``.
            Stored under the name the pickers list (``"C2v"`` becomes ``"D2"``).
        character_id: row of the group's character table; ``None`` means all ones.
        architecture: a key of ``nqs_explorer.compute.ARCHITECTURES``.
        hyperparameters: the architecture's hyperparameters (the registry's defaults
            fill what is missing).
        symmetrize: wrap the model in ``SymmExpSum(group, character_id)``.
        param_dtype: ``float32``, ``float64``, ``complex64`` or ``complex128``.
        seed: the initialisation seed, ``0 <= seed < 2**32``.
        hamiltonian: ``None``, ``"Heisenberg"``, ``"Ising"``, ``"XXZ"`` or ``"J1J2"``
            (`HAMILTONIANS`; NetKet's operators, Pauli units).
        couplings: the Hamiltonian's couplings, any subset of its declaration in
            `DEFAULT_COUPLINGS` (Heisenberg ``J``; Ising ``h``, ``J``; XXZ ``J``,
            ``Delta``; J1J2 ``J1``, ``J2``); missing ones take the defaults
            (J = 1, h = 1, Delta = 1, J1 = 1, J2 = 0.5). Finite reals.
        total_sz: ``None`` or a magnetisation sector ``Σσᶻ/2`` (a multiple of 1/2 with
            the parity of N, ``|total_sz| <= N/2``) for sector spectra and exchange
            sampling; not with an Ising field ``h != 0``.

    Example:
        >>> from nqs_explorer.compute import Setup
        >>> s = Setup(lattice="Chain", extent=(6,), pbc=True, architecture="RBM")
        >>> s.pbc
        (True,)
        >>> Setup.from_json(s.to_json()) == s
        True
    """

    lattice: str = "Square"
    extent: tuple[int, ...] = (3, 3)
    pbc: tuple[bool, ...] = (True, True)
    group: str | None = "translation"
    point_group: str | None = None
    character_id: int | None = None
    architecture: str = "RBM"
    hyperparameters: dict = dataclasses.field(default_factory=dict)
    symmetrize: bool = False
    param_dtype: str = "float64"
    seed: int = 0
    hamiltonian: str | None = DEFAULT_HAMILTONIAN
    couplings: dict = dataclasses.field(default_factory=dict)
    total_sz: float | None = None

    def __post_init__(self):
        extent = self.extent
        if _is_int(extent):
            extent = (extent,)
        elif isinstance(extent, list | tuple):
            extent = tuple(extent)
        object.__setattr__(self, "extent", extent)
        pbc = self.pbc
        if isinstance(pbc, list | tuple):
            pbc = tuple(pbc)
            # A uniform choice (all periodic / all open) carries over to any number of axes.
            if (
                pbc
                and all(isinstance(p, bool) for p in pbc)
                and len(set(pbc)) == 1
                and isinstance(extent, tuple)
            ):
                pbc = pbc[0]
        if isinstance(pbc, bool) and isinstance(extent, tuple):
            pbc = (pbc,) * len(extent)
        object.__setattr__(self, "pbc", pbc)
        if isinstance(self.hyperparameters, dict):
            object.__setattr__(self, "hyperparameters", _freeze(dict(self.hyperparameters)))
        if isinstance(self.couplings, dict):
            # ints become floats, so that equal setups have equal JSON (and hashes)
            object.__setattr__(
                self, "couplings", {k: _as_float(v) for k, v in self.couplings.items()}
            )
        object.__setattr__(self, "total_sz", _as_float(self.total_sz))
        object.__setattr__(
            self, "point_group", _canonical_point_group(self.point_group, self.lattice, extent)
        )

    def __hash__(self) -> int:
        return hash(self.to_json())

    def replace(self, **changes) -> Setup:
        """A copy with ``changes`` applied; unknown field names raise ValueError."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ValueError(
                f"unknown setup field(s) {unknown}; fields are {[f.name for f in dataclasses.fields(self)]}"
            )
        return dataclasses.replace(self, **changes)

    def change(self, **fields) -> Setup:
        """A new valid setup with ``fields`` set and every change rule applied.

        The rules, in order (lattice → group → character → symmetrize → model), never
        override a field given in ``fields``:

        - a new lattice kind takes its default extent, periodic on every axis;
          ``Square`` takes one extent ``L`` for ``L×L``; a new number of axes keeps
          uniform boundaries;
        - a new lattice (kind, extent or boundaries) clears the point group and the
          character;
        - a new group kind clears the point group and the character; no group unticks
          symmetrize;
        - a new point group clears the character;
        - a new Hamiltonian resets the couplings to its defaults (a new lattice keeps
          them);
        - a ``total_sz`` that does not fit the new lattice (magnitude, parity) or that
          the Hamiltonian does not conserve (Ising with ``h != 0``) is cleared;
        - a new architecture keeps the shared hyperparameters that are still valid and
          stays symmetrized only if it can be.

        Raises:
            ValueError: an unknown field, or a result that is not valid (the message names
                the field and what is allowed).

        Example:
            >>> from nqs_explorer.compute import Setup
            >>> s = Setup(group="translation", character_id=2, symmetrize=True)
            >>> t = s.change(group=None)
            >>> t.group, t.character_id, t.symmetrize
            (None, None, False)
            >>> Setup().change(lattice="Chain").extent
            (8,)
        """
        from ._setup_rules import apply_rules

        return apply_rules(self, fields)

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        """Check every field; raise ValueError naming the first bad one and what is allowed."""
        for name in ("lattice", "architecture"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name}: expected a name, got {getattr(self, name)!r}")
        if self.lattice not in LATTICES:
            raise ValueError(f"lattice: unknown kind {self.lattice!r}; choose one of {LATTICES}")
        extent = self.extent
        if not isinstance(extent, tuple) or not extent or not all(_is_int(e) for e in extent):
            raise ValueError(f"extent: expected a tuple of integers, got {extent!r}")
        if any(e < 1 for e in extent):
            raise ValueError(f"extent: every extent must be >= 1, got {extent}")
        ndim = _LATTICE_NDIM[self.lattice]
        if ndim is not None and len(extent) != ndim:
            raise ValueError(
                f"extent: {self.lattice} takes {ndim} extent(s), got {len(extent)} ({extent})"
            )
        if self.lattice == "Square" and len(set(extent)) != 1:
            raise ValueError(f"extent: Square needs equal extents, got {extent}; use Grid")
        pbc = self.pbc
        if not isinstance(pbc, tuple) or not all(isinstance(p, bool) for p in pbc):
            raise ValueError(f"pbc: expected a bool or a tuple of bools, got {pbc!r}")
        if len(pbc) != len(extent):
            raise ValueError(f"pbc: needs one flag per axis ({len(extent)}), got {pbc}")
        if self.group in GROUPS:
            from ._budget import check_setup_budget

            check_setup_budget(self)  # sizes and group tables, before anything is built
        if self.group not in GROUPS:
            raise ValueError(f"group: unknown group {self.group!r}; choose one of {GROUPS}")
        if self.point_group is not None and not isinstance(self.point_group, str):
            raise ValueError(f"point_group: expected a name or None, got {self.point_group!r}")
        if self.point_group is not None and self.group not in _POINT_GROUP_KINDS:
            raise ValueError(
                f"point_group: {self.point_group!r} needs group 'point' or 'space', the group "
                f"is {self.group!r}; choose one of those groups or point_group=None"
            )
        cid = self.character_id
        if cid is not None and (not _is_int(cid) or cid < 0):
            raise ValueError(f"character_id: expected None or an integer >= 0, got {cid!r}")
        if cid is not None and self.group is None:
            raise ValueError("character_id: a character needs a group; choose a group first")
        if not isinstance(self.symmetrize, bool):
            raise ValueError(f"symmetrize: expected True or False, got {self.symmetrize!r}")
        if self.symmetrize and self.group is None:
            raise ValueError("symmetrize: symmetrizing needs a group; choose a group first")
        if self.param_dtype not in PARAM_DTYPES:
            raise ValueError(
                f"param_dtype: unknown dtype {self.param_dtype!r}; choose one of {PARAM_DTYPES}"
            )
        if not _is_int(self.seed) or not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed: expected an integer in 0..{MAX_SEED}, got {self.seed!r}")
        if not isinstance(self.hyperparameters, dict) or not all(
            isinstance(k, str) for k in self.hyperparameters
        ):
            raise ValueError(
                f"hyperparameters: expected a dict with string keys, got {self.hyperparameters!r}"
            )
        from ._hamiltonian import (
            check_total_sz,
            conserves_total_sz,
            resolve_couplings,
            setup_n_sites,
        )

        resolve_couplings(self.hamiltonian, self.couplings)
        check_total_sz(self.total_sz, setup_n_sites(self))
        if self.total_sz is not None and not conserves_total_sz(self.hamiltonian, self.couplings):
            raise ValueError(
                "total_sz: the Ising model with h != 0 does not conserve the magnetisation; "
                "choose total_sz=None (or h = 0)"
            )
        from ._build import architecture_spec, resolve_hyperparameters

        architecture_spec(self.architecture)
        resolve_hyperparameters(self.architecture, self.hyperparameters, self.param_dtype)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        """The fields as JSON-compatible values (tuples become lists)."""

        def plain(value):
            if isinstance(value, tuple | list):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self) -> str:
        """The setup file: ``{"version": SETUP_VERSION, <fields>}`` (sorted keys, so equal
        setups give equal text)."""
        return json.dumps({"version": SETUP_VERSION, **self.to_dict()}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Setup:
        """Read a setup file (`to_json`, the Export tab's file, or an older one).

        See `read_setup_file` for the formats and limits; a ``configuration`` in the file
        is checked and ignored.

        Raises:
            ValueError: every problem (size, nesting, malformed JSON, unknown keys, an
                unknown version, a field whose value is not allowed); the message names
                the field.
        """
        return read_setup_file(text)[0]


def setup_file_json(setup: Setup, configuration=None) -> str:
    """The setup file the Export tab saves: `Setup.to_json`'s fields and ``version``, plus
    the ``configuration`` ``(N,)`` shown (when given), indented for people to read."""
    document = {"version": SETUP_VERSION, **setup.to_dict()}
    if configuration is not None:
        document["configuration"] = [float(v) for v in configuration]
    return json.dumps(document, indent=1, sort_keys=True)


def _check_configuration(value: Any) -> list[float]:
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise ValueError(f"configuration: expected a list of numbers, got {str(value)[:60]}")
    if not all(v in (-1, 1) for v in value):
        raise ValueError("configuration: every entry must be +1 or -1")
    return [float(v) for v in value]


def read_setup_file(text: str | bytes) -> tuple[Setup, list[float] | None]:
    """``(setup, configuration or None)`` from a setup file.

    One format, written by `Setup.to_json` (the CLI's ``setup.json``) and `setup_file_json`
    (the Export tab): a JSON object of `Setup` fields, missing ones taking their defaults,
    with ``"version": 1`` and optionally ``"configuration"`` (the explorer's ±1 per site).
    Also read: files without ``version`` (written before it existed) and the Export tab's
    former ``{"format": "nqs_explorer.explorer", "version": 1, "setup": {...}}``; in those,
    a point group stored beside a translation group (formerly kept silently) is dropped.

    Limits, checked before parsing: `SETUP_MAX_BYTES` bytes, `SETUP_MAX_DEPTH` levels of
    nesting, UTF-8.

    Raises:
        ValueError: the message names the field (or the limit) and what is allowed.
    """
    data = load_json(text, what="setup file", max_bytes=SETUP_MAX_BYTES, max_depth=SETUP_MAX_DEPTH)
    if not isinstance(data, dict):
        raise ValueError(f"setup file must be a JSON object, got {type(data).__name__}")
    data = dict(data)
    legacy = "version" not in data
    if "format" in data:
        if data["format"] != LEGACY_EXPLORER_FORMAT or data.get("version") != 1:
            raise ValueError(
                f"format: unknown setup file format {data['format']!r} version "
                f"{data.get('version')!r}; expected {LEGACY_EXPLORER_FORMAT!r} version 1 or "
                f"a setup file with 'version' {SETUP_VERSION}"
            )
        extra = sorted(set(data) - {"format", "version", "setup", "configuration"})
        if extra:
            raise ValueError(f"setup file has unknown key(s) {extra}")
        if not isinstance(data.get("setup"), dict):
            raise ValueError("setup: the file has no 'setup' object")
        legacy = True
        data = {**data["setup"], "configuration": data.get("configuration")}
    else:
        version = data.pop("version", None)
        if version is not None and (not _is_int(version) or version < 1):
            raise ValueError(f"version: expected a positive integer, got {version!r}")
        if version is not None and version > SETUP_VERSION:
            raise ValueError(
                f"version: this setup file has version {version}; this nqs_explorer reads "
                f"version {SETUP_VERSION} (and files without a version): update nqs_explorer"
            )
    configuration = data.pop("configuration", None)
    if configuration is not None:
        configuration = _check_configuration(configuration)
    names = [f.name for f in dataclasses.fields(Setup)]
    unknown = sorted(set(data) - set(names), key=str)
    if unknown:
        raise ValueError(f"setup file has unknown key(s) {unknown}; allowed keys are {names}")
    for name in ("extent", "pbc"):
        if name in data and not isinstance(data[name], list | int | bool):
            raise ValueError(f"{name}: expected a list, got {data[name]!r}")
    if legacy and data.get("group") not in _POINT_GROUP_KINDS:
        data.pop("point_group", None)
    try:
        setup = Setup(**data)
    except TypeError as err:  # pragma: no cover - __post_init__ leaves bad values to validate
        raise ValueError(f"setup file: {err}") from None
    setup.validate()
    return setup, configuration
