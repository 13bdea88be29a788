"""One declaration per architecture: its hyperparameters and how to build it.

The explorer generates one control per `Hyperparameter` (type, default, allowed range or
choices, one-line help) and builds models through `ArchitectureSpec.build`, which
validates the values first. Model classes are looked up by name in
`nqs_explorer.models` only when needed, so a declaration may precede its class.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..nn import log_cosh, reim_selu
from ._constants import PARAM_DTYPES

#: Activations offered by name (``"none"``: linear).
ACTIVATIONS: dict[str, Callable | None] = {
    "gelu": jax.nn.gelu,
    "tanh": jnp.tanh,
    "selu": jax.nn.selu,
    "log_cosh": log_cosh,
    "reim_selu": reim_selu,
    "none": None,
}


def _activation(name: str) -> Callable | None:
    return ACTIVATIONS[name]


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
    """Declaration of one hyperparameter, from which a widget control is generated.

    Attributes:
        name: the keyword passed to the model (or to its builder).
        type: ``int``, ``float``, ``bool``, ``str`` or ``tuple`` (a tuple of ``item_type``).
        default: default value (valid by construction).
        choices: allowed values (for ``str``; optional for others).
        min, max: inclusive bounds of numbers, and of every item of a tuple.
        help: one-line description shown next to the control.
        item_type: type of tuple items (``int``).
        length: fixed tuple length, or None for any length in ``min_length..max_length``.
        min_length, max_length: bounds on the length of a variable-length tuple.
    """

    name: str
    type: type
    default: Any
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    help: str = ""
    item_type: type = int
    length: int | None = None
    min_length: int = 0
    max_length: int = 6

    def _check_number(self, value, kind: type, where: str):
        if kind is bool:
            if not isinstance(value, bool | np.bool_):
                raise TypeError(f"{where}: expected True or False, got {value!r}")
            return bool(value)
        if kind is int:
            if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
                raise TypeError(f"{where}: expected an int, got {value!r}")
            value = int(value)
        elif kind is float:
            if isinstance(value, bool | np.bool_) or not isinstance(
                value, int | float | np.integer | np.floating
            ):
                raise TypeError(f"{where}: expected a number, got {value!r}")
            value = float(value)
            if not np.isfinite(value):
                raise ValueError(f"{where}: must be finite, got {value!r}")
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise ValueError(f"{where}: {value!r} is out of range; allowed {self._range()}")
        return value

    def _range(self) -> str:
        lo = "-inf" if self.min is None else repr(self.min)
        hi = "inf" if self.max is None else repr(self.max)
        return f"{lo}..{hi}"

    def validate(self, value, owner: str = "") -> Any:
        """Check a value and return it normalized (ints, floats, tuples).

        Raises:
            TypeError: wrong type. ValueError: out of range or not among the choices.
        """
        where = f"{owner}.{self.name}" if owner else self.name
        if self.type is tuple:
            if isinstance(value, int | np.integer) and not isinstance(value, bool):
                value = (value,) * (self.length or 1)
            if not isinstance(value, tuple | list):
                raise TypeError(
                    f"{where}: expected a tuple of {self.item_type.__name__}, got {value!r}"
                )
            if self.length is not None and len(value) != self.length:
                raise ValueError(f"{where}: expected {self.length} values, got {len(value)}")
            if self.length is None and not self.min_length <= len(value) <= self.max_length:
                raise ValueError(
                    f"{where}: expected {self.min_length}..{self.max_length} values, got {len(value)}"
                )
            value = tuple(self._check_number(v, self.item_type, where) for v in value)
        elif self.type is str:
            if not isinstance(value, str):
                raise TypeError(f"{where}: expected a string, got {value!r}")
        else:
            value = self._check_number(value, self.type, where)
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"{where}: {value!r} is not allowed; choose one of {self.choices}")
        return value


@dataclasses.dataclass(frozen=True)
class ArchitectureSpec:
    """An architecture the explorer offers.

    Attributes:
        name: the key in `ARCHITECTURES` (also shown to the user).
        class_name: name of the model class in `nqs_explorer.models` (see `cls`).
        hyperparameters: the declarations, in display order.
        autoregressive: whether the model is normalized and can be sampled exactly.
        supports_symmetrization: whether wrapping it in `SymmExpSum` makes sense
            (autoregressive models lose normalization and exact sampling if wrapped).
        builder: ``builder(hilbert, lattice, values) -> module`` with validated values.
        help: one-line description.
    """

    name: str
    class_name: str
    hyperparameters: tuple[Hyperparameter, ...]
    autoregressive: bool
    supports_symmetrization: bool
    builder: Callable[[Any, Any, dict], Any]
    help: str = ""

    @property
    def cls(self) -> type:
        """The model class, imported from `nqs_explorer.models` on first use."""
        return getattr(importlib.import_module("nqs_explorer.models"), self.class_name)

    def defaults(self) -> dict[str, Any]:
        """``{name: default}`` of every hyperparameter."""
        return {h.name: h.default for h in self.hyperparameters}

    def hyperparameter(self, name: str) -> Hyperparameter:
        """The declaration called ``name`` (ValueError listing the names otherwise)."""
        for h in self.hyperparameters:
            if h.name == name:
                return h
        raise ValueError(
            f"{self.name} has no hyperparameter {name!r}; "
            f"allowed: {[h.name for h in self.hyperparameters]}"
        )

    def validate(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Complete ``values`` with the defaults and check each one.

        Returns:
            A new dict with every hyperparameter, normalized.

        Raises:
            ValueError/TypeError: unknown names, wrong types, out-of-range values.
        """
        values = dict(values or {})
        known = {h.name for h in self.hyperparameters}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"{self.name}: unknown hyperparameter(s) {unknown}; allowed: {sorted(known)}"
            )
        return {
            h.name: h.validate(values.get(h.name, h.default), self.name)
            for h in self.hyperparameters
        }

    def build(self, hilbert, lattice=None, **values):
        """Validate ``values`` and construct the module for ``hilbert`` (and ``lattice``).

        Args:
            hilbert: a `nqs_explorer.hilbert.Spin` (its size must match the lattice).
            lattice: the `Lattice` (needed by convolutional and coordinate-based models).
            **values: hyperparameter values; missing ones take their defaults.

        Returns:
            An unbound ``flax.linen.Module`` mapping ``(..., N)`` to ``log ψ``.
        """
        checked = self.validate(values)
        if lattice is not None and int(lattice.n_nodes) != hilbert.size:
            raise ValueError(
                f"{self.name}: the Hilbert space has {hilbert.size} sites but the lattice has "
                f"{lattice.n_nodes}"
            )
        return self.builder(hilbert, lattice, checked)


# ----------------------------------------------------------------------------- builders


def _dtype(values: dict) -> Any:
    return jnp.dtype(values.pop("param_dtype"))


def _build_rbm(hilbert, lattice, values):
    from ..models import RBM

    return RBM(param_dtype=_dtype(values), **values)


def _build_mlp(hilbert, lattice, values):
    from ..models import MLP

    act = _activation(values.pop("hidden_activation"))
    return MLP(param_dtype=_dtype(values), hidden_activations=act, **values)


def _build_deepset(hilbert, lattice, values):
    from ..models import DeepSetMLP, OccupiedCoordinates, SiteFeatures

    encoding_name = values.pop("encoding")
    if encoding_name == "values":
        encoding = SiteFeatures()
    elif encoding_name == "one_hot":
        # by increasing value, whatever the Hilbert order: parameters keep their meaning
        encoding = SiteFeatures(tuple(np.sort(hilbert.local_states)))
    else:
        if lattice is None:
            raise ValueError("DeepSetMLP: encoding='occupied_coordinates' needs a lattice")
        encoding = OccupiedCoordinates(
            lattice.positions, occupied_value=float(np.max(hilbert.local_states))
        )
    return DeepSetMLP(
        param_dtype=_dtype(values),
        hidden_activation=_activation(values.pop("hidden_activation")),
        encoding=encoding,
        **values,
    )


def _check_lattice_dims(name: str, lattice, ndim: int) -> None:
    # A kernel larger than the lattice is accepted, as NetKet does (zero padding).
    if lattice is None:
        return
    if int(lattice.ndim) != ndim or int(lattice.n_sublattices) != 1:
        raise ValueError(
            f"{name} needs a {ndim}D lattice with one site per unit cell, got "
            f"{lattice.kind} ({lattice.ndim}D, {lattice.n_sublattices} sites per cell); "
            "use FastARNNDense for other lattices"
        )


def _ar_builder(class_name: str, ndim: int | None):
    def build(hilbert, lattice, values):
        if ndim is not None:
            _check_lattice_dims(class_name, lattice, ndim)
        cls = getattr(importlib.import_module("nqs_explorer.models"), class_name)
        kwargs = {"hilbert": hilbert, "param_dtype": _dtype(values), **values}
        fields = {f.name for f in dataclasses.fields(cls)}
        if lattice is not None and "extent" in fields and ndim:
            kwargs["extent"] = tuple(int(e) for e in lattice.extent)
        return cls(**kwargs)

    return build


# ----------------------------------------------------------------------------- declarations


def _param_dtype(help_: str = "dtype of the parameters") -> Hyperparameter:
    return Hyperparameter("param_dtype", str, "float64", choices=PARAM_DTYPES, help=help_)


_ACTIVATION_NAMES = tuple(ACTIVATIONS)


def _ar_common(kernel: Hyperparameter | None, dilation: Hyperparameter | None):
    out = [
        Hyperparameter("layers", int, 2, min=1, max=8, help="number of masked layers"),
        Hyperparameter("features", int, 8, min=1, max=64, help="features of each hidden layer"),
    ]
    out += [h for h in (kernel, dilation) if h is not None]
    out += [
        Hyperparameter("machine_pow", int, 2, min=1, max=4, help="Σ|ψ|^machine_pow = 1"),
        Hyperparameter("use_bias", bool, True, help="biases in every layer"),
        _param_dtype(),
    ]
    return tuple(out)


_KERNEL_2D = Hyperparameter(
    "kernel_size",
    tuple,
    (3, 3),
    min=1,
    max=16,
    length=2,
    help="(height, width) of the masked kernel",
)
_DILATION_2D = Hyperparameter(
    "kernel_dilation", tuple, (1, 1), min=1, max=8, length=2, help="dilation of the kernel per axis"
)
_KERNEL_1D = Hyperparameter("kernel_size", int, 3, min=1, max=32, help="width of the masked kernel")
_DILATION_1D = Hyperparameter(
    "kernel_dilation", int, 1, min=1, max=8, help="dilation of the kernel"
)
#: Kernel size and dilation declarations per lattice dimension (``None``: dense layers).
_AR_KERNELS = {2: (_KERNEL_2D, _DILATION_2D), 1: (_KERNEL_1D, _DILATION_1D), None: (None, None)}


def _ar_spec(name: str, ndim: int | None, help_: str) -> ArchitectureSpec:
    """Declaration of the autoregressive model class ``name``, whose masked layers act on an
    ``ndim``-dimensional lattice (``None``: dense layers, any lattice)."""
    return ArchitectureSpec(
        name,
        name,
        _ar_common(*_AR_KERNELS[ndim]),
        autoregressive=True,
        supports_symmetrization=False,
        builder=_ar_builder(name, ndim),
        help=help_,
    )


ARCHITECTURES: dict[str, ArchitectureSpec] = {
    spec.name: spec
    for spec in (
        ArchitectureSpec(
            "RBM",
            "RBM",
            (
                Hyperparameter("alpha", int, 1, min=1, max=16, help="hidden units per site"),
                Hyperparameter("use_hidden_bias", bool, True, help="bias of the hidden units"),
                Hyperparameter("use_visible_bias", bool, True, help="bias of the visible units"),
                _param_dtype(),
            ),
            autoregressive=False,
            supports_symmetrization=True,
            builder=_build_rbm,
            help="restricted Boltzmann machine, log ψ = Σ_j log cosh(Wσ + b)_j + a·σ",
        ),
        ArchitectureSpec(
            "MLP",
            "MLP",
            (
                Hyperparameter(
                    "hidden_dims",
                    tuple,
                    (16,),
                    min=1,
                    max=256,
                    max_length=4,
                    help="width of each hidden layer",
                ),
                Hyperparameter(
                    "hidden_activation",
                    str,
                    "gelu",
                    choices=_ACTIVATION_NAMES,
                    help="activation after each hidden layer",
                ),
                Hyperparameter("use_hidden_bias", bool, True, help="biases of hidden layers"),
                Hyperparameter("use_output_bias", bool, False, help="bias of the output layer"),
                _param_dtype(),
            ),
            autoregressive=False,
            supports_symmetrization=True,
            builder=_build_mlp,
            help="dense layers to one output, log ψ = MLP(σ)",
        ),
        ArchitectureSpec(
            "DeepSetMLP",
            "DeepSetMLP",
            (
                Hyperparameter(
                    "features_phi",
                    tuple,
                    (16,),
                    min=1,
                    max=256,
                    max_length=4,
                    help="widths of φ, applied to every element",
                ),
                Hyperparameter(
                    "features_rho",
                    tuple,
                    (16,),
                    min=1,
                    max=256,
                    max_length=4,
                    help="hidden widths of ρ (a final 1-feature layer is added)",
                ),
                Hyperparameter(
                    "hidden_activation",
                    str,
                    "gelu",
                    choices=_ACTIVATION_NAMES,
                    help="activation between layers",
                ),
                Hyperparameter(
                    "encoding",
                    str,
                    "values",
                    choices=("values", "one_hot", "occupied_coordinates"),
                    help="elements: site values, one-hot local states, or occupied-site coordinates",
                ),
                Hyperparameter("use_bias", bool, True, help="biases in every layer"),
                _param_dtype(),
            ),
            autoregressive=False,
            supports_symmetrization=True,
            builder=_build_deepset,
            help="ρ(Σ_i φ(x_i)), invariant under permutations of the elements",
        ),
        _ar_spec("ARNNConv2D", 2, "autoregressive network of masked 2D convolutions"),
        _ar_spec(
            "FastARNNConv2D", 2, "masked 2D convolutions with a per-site cache for O(N) sampling"
        ),
        _ar_spec("FastARNNConv1D", 1, "masked 1D convolutions for chains, with a per-site cache"),
        _ar_spec("FastARNNDense", None, "masked dense layers (any lattice), with a per-site cache"),
    )
}
