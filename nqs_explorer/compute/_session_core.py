"""The shared core of `Session`: its state, kernel calls, inputs and log ψ."""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict

import jax
import numpy as np

from . import _build, _kernels
from ._modules import module_rows
from ._params import module_classes, summarize
from ._results import ParameterSummary, Timing
from ._setup import Setup


@dataclasses.dataclass
class SessionState:
    """Everything built from one setup; replaced as a whole, never edited in place."""

    setup: Setup
    lattice: object
    hilbert: object
    group: object | None
    characters: np.ndarray | None
    # The kernels' group arguments, put on the device once per build so that value-only
    # calls (log ψ, orbit, symmetry check) transfer no group data.
    device_characters: jax.Array | None
    perms: jax.Array | None  # (|G|, N) int32 on the device
    model: object
    init_model: object  # the model whose init gives the parameters (no group or character)
    variables: dict
    device_variables: dict
    memo: dict = dataclasses.field(default_factory=dict)
    # the setup's operator (None without a Hamiltonian); built once per structure, a
    # couplings change only swaps its leaves
    hamiltonian: object | None = None


def batch_bucket(n: int) -> int:
    """Next power of two >= n, so batch sizes reuse a few compiled shapes."""
    return 1 << max(0, int(n) - 1).bit_length()


def human_bytes(n: float) -> str:
    """``"3.2 MiB"``-style size (powers of 1024)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_seed(seed) -> int:
    """``seed`` as an int in ``0..2**32 - 1``; ValueError otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in 0..{2**32 - 1}, got {seed!r}")
    return int(seed)


def _combine(timings: list[Timing]) -> Timing:
    if not timings:  # the call needed no kernel
        device = jax.devices()[0]
        return Timing("", False, 0.0, 0.0, f"{device.platform}:{device.id}")
    names = list(dict.fromkeys(t.kernel for t in timings))
    return Timing(
        kernel="+".join(names),
        compiled=any(t.compiled for t in timings),
        compile_s=sum(t.compile_s for t in timings),
        run_s=sum(t.run_s for t in timings),
        device=timings[-1].device,
    )


def records_timing(method):
    """Make ``last_timing`` the combined timing of every kernel ``method`` ran.

    Kernel names are joined with ``+``; a call that ran no kernel gets ``kernel=""``.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        outer = self._timings is None
        if outer:
            self._timings = []
        try:
            return method(self, *args, **kwargs)
        finally:
            if outer:
                self.last_timing = _combine(self._timings)
                self._timings = None

    return wrapper


#: Module classes per (model structure, parameter shapes), most recent last. Tracing a
#: model abstractly takes ~10 ms; a new character or seed keeps the model's structure.
_MODULE_CLASSES: OrderedDict = OrderedDict()
_MODULE_CLASSES_MAX = 64


def _module_classes(model, key_model, variables, n_sites: int) -> dict:
    """`module_classes` of ``model`` on ``(1, n_sites)`` inputs, cached under ``key_model``
    (the model with what does not change the module structure, the character, left out).
    """
    leaves, treedef = jax.tree_util.tree_flatten(variables)
    key = (
        key_model,
        int(n_sites),
        treedef,
        tuple((np.shape(leaf), np.dtype(leaf.dtype).str) for leaf in leaves),
    )
    found = _MODULE_CLASSES.get(key)
    if found is None:
        x = jax.ShapeDtypeStruct((1, int(n_sites)), np.float64)
        found = module_classes(model, variables, x)
        _MODULE_CLASSES[key] = found
        while len(_MODULE_CLASSES) > _MODULE_CLASSES_MAX:
            _MODULE_CLASSES.popitem(last=False)
    _MODULE_CLASSES.move_to_end(key)
    return found


@dataclasses.dataclass(frozen=True)
class Timed:
    """A session method's result with what its kernels cost (`Session.timed`).

    Attributes:
        value: what the method returned.
        timing: the combined `Timing` of every kernel it ran (``kernel=""``: none ran).
    """

    value: object
    timing: Timing


class SessionBase:
    """State, kernel calls and input checks shared by every view of a `Session`.

    Attributes:
        last_timing: `Timing` of the last method that ran kernels (None before any).
    """

    _state: SessionState
    last_timing: Timing | None
    _timings: list[Timing] | None

    # ------------------------------------------------------------------ read-only state
    setup = property(lambda self: self._state.setup, doc="The current (valid) `Setup`.")
    lattice = property(lambda self: self._state.lattice, doc="The `Lattice`.")
    hilbert = property(lambda self: self._state.hilbert, doc="The `Spin` space.")
    group = property(lambda self: self._state.group, doc="The `PermutationGroup` or None.")
    model = property(lambda self: self._state.model, doc="The linen module.")
    variables = property(lambda self: self._state.variables, doc="Variables (numpy pytree).")
    hamiltonian = property(
        lambda self: self._state.hamiltonian,
        doc="The setup's `nqs_explorer.operator` (None without a Hamiltonian).",
    )

    @property
    def characters(self) -> np.ndarray | None:
        """``(|G|,)`` complex characters of the current irrep (None without a group)."""
        chars = self._state.characters
        return None if chars is None else chars.copy()

    @property
    def autoregressive(self) -> bool:
        """Whether the model is autoregressive (conditionals, sampling, normalised)."""
        return _build.is_autoregressive(self._state.setup)

    def timed(self, method, /, *args, **kwargs) -> Timed:
        """Call ``method`` (a method of this session, or its name) and return its result
        with the combined timing of every kernel it ran, as a `Timed`.

        Example:
            >>> from nqs_explorer.compute import Session
            >>> s = Session()
            >>> out = s.timed("log_psi", s.random_configurations(2))
            >>> out.value.shape, out.timing.kernel
            ((2,), 'log_psi')
        """
        fn = getattr(self, method) if isinstance(method, str) else method
        outer, self._timings = self._timings, []
        try:
            value = fn(*args, **kwargs)
        finally:
            timings, self._timings = self._timings, outer
            if outer is not None:
                outer.extend(timings)
        timing = _combine(timings)
        self.last_timing = timing
        return Timed(value, timing)

    # ------------------------------------------------------------------ kernels
    def _run(self, kernel, *args, to_host: bool = True, **static):
        outputs, timing = _kernels.call_kernel(kernel, *args, to_host=to_host, **static)
        if self._timings is not None:
            self._timings.append(timing)
        else:
            self.last_timing = timing
        return outputs

    def _inner(self) -> tuple[object, dict, bool]:
        """(module evaluated term by term, its variables, whether it is symmetrized)."""
        state = self._state
        if state.setup.symmetrize:
            inner_vars = {col: tree["module"] for col, tree in state.device_variables.items()}
            return state.model.module, inner_vars, True
        return state.model, state.device_variables, False

    def _configurations(self, x, what: str = "configurations") -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        try:
            self._state.hilbert.validate(x)
        except ValueError as err:
            raise ValueError(f"{what}: {err}") from None
        return x

    def _need_group(self, what: str):
        if self._state.group is None:
            raise ValueError(f"{what} needs a symmetry group; choose one (group=...)")
        return self._state.group

    def _need_autoregressive(self, what: str):
        if not self.autoregressive:
            raise ValueError(
                f"{what} needs an autoregressive model (not symmetrized); "
                f"{self._state.setup.architecture} is not"
            )

    @staticmethod
    def _check_outputs(values: np.ndarray, what: str) -> None:
        values = np.asarray(values)
        bad = np.isnan(values) | (np.real(values) == np.inf)
        if np.any(bad):
            raise ValueError(
                f"{what}: the model gives non-finite values (NaN or overflow) for "
                f"{int(np.sum(bad))} of {values.size} entries; check the parameters"
            )

    def _real_output(self) -> bool:
        """Whether the (symmetrized) model's log ψ is real for the current character."""
        memo = self._state.memo
        if "real" not in memo:
            state = self._state
            module, inner_vars, symmetrized = self._inner()
            x = jax.ShapeDtypeStruct((1, state.hilbert.size), np.float64)
            out = jax.eval_shape(module.apply, inner_vars, x)
            real = not np.issubdtype(out.dtype, np.complexfloating)
            if symmetrized:
                chars = state.characters
                real = real and bool(np.all(chars.imag == 0) and np.all(chars.real >= 0))
            memo["real"] = real
        return memo["real"]

    def _log_psi_batch(self, x: np.ndarray, pad_to: int | None = None) -> np.ndarray:
        """``log ψ`` of ``x`` ``(B, N)`` (B >= 1), padded to ``pad_to`` rows (default: the
        next power of two) so that a few compiled shapes serve every batch size."""
        n = x.shape[0]
        size = batch_bucket(n) if pad_to is None else max(pad_to, n)
        padded = np.concatenate([x, np.repeat(x[:1], size - n, axis=0)])
        module, variables, symmetrized = self._inner()
        if symmetrized:
            state = self._state
            out = self._run(
                _kernels.symm_log_psi,
                variables,
                padded,
                state.perms,
                state.device_characters,
                module=module,
                strategy=state.model.resolved_strategy(),
            )
            out = out.real if self._real_output() else out
        else:
            out = self._run(_kernels.log_psi, variables, padded, model=module)
        return np.asarray(out)[:n]

    @records_timing
    def log_psi(self, x) -> np.ndarray:
        """``log ψ(x)`` for configurations ``x`` of shape ``(..., N)``; returns ``(...)``.

        Raises:
            ValueError: bad shape or values, or non-finite outputs.
        """
        x = self._configurations(x)
        flat = x.reshape(-1, x.shape[-1])
        if flat.shape[0] == 0:
            return np.zeros(x.shape[:-1])
        out = self._log_psi_batch(flat)
        self._check_outputs(out, "log ψ")
        return out.reshape(x.shape[:-1])

    def random_configurations(self, n: int, seed: int = 0) -> np.ndarray:
        """``(n, N)`` uniformly random configurations (numpy, seeded).

        A seed gives the same configurations whichever order ``hilbert.local_states`` has.
        """
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"n must be an integer >= 0, got {n!r}")
        hilbert = self._state.hilbert
        rng = np.random.default_rng(check_seed(seed))
        return rng.choice(np.sort(hilbert.local_states), size=(int(n), hilbert.size))

    def parameter_summary(self) -> ParameterSummary:
        """One row per parameter leaf (path, module, shape, dtype, count, bytes, stats)."""
        state = self._state
        if "modules" not in state.memo:
            # the character does not change which module owns which parameter
            key_model = state.model
            if state.setup.symmetrize:
                key_model = key_model.clone(character_id=None, characters=None)
            state.memo["modules"] = _module_classes(
                state.model, key_model, state.variables, state.hilbert.size
            )
        return summarize(state.variables, state.memo["modules"])

    def module_rows(self) -> tuple:
        """`compute.module_rows` of the model: per module, shapes, parameters, FLOPs per
        configuration (memoised until the model or its parameters change)."""
        state = self._state
        if "module_rows" not in state.memo:
            state.memo["module_rows"] = module_rows(
                state.model, state.variables, state.hilbert.size
            )
        return state.memo["module_rows"]

    @staticmethod
    def device_info() -> dict:
        """Backend, devices, jax version and x64 mode of this process."""
        return {
            "backend": jax.default_backend(),
            "devices": [str(d) for d in jax.devices()],
            "jax_version": jax.__version__,
            "x64": bool(jax.config.jax_enable_x64),
        }
