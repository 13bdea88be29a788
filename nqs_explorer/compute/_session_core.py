"""The core of `Session`: its frozen state, the kernel runner and the free functions
every view shares (inputs, log ψ, parameters).

`Session` is a thin facade: each of its methods calls a free function of a
`SessionState` (here, in `_symmetry`, `_autoregressive`, `_spectrum`) with a `KernelRun`
that collects the kernels' timings."""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict

import jax
import numpy as np

from . import _build, _kernels
from ._modules import module_rows as _module_rows
from ._params import module_classes, summarize
from ._results import ParameterSummary, Timing
from ._setup import Setup


@dataclasses.dataclass(frozen=True)
class SessionState:
    """Everything built from one setup; replaced as a whole, never edited in place
    (``memo`` caches what the free functions derive from it)."""

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


@functools.lru_cache(maxsize=16)
def identity_group(n_sites: int):
    """The one-element group on ``n_sites`` sites (the full space as one sector)."""
    from ..group import PermutationGroup

    return PermutationGroup([np.arange(n_sites)], name="identity")


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


def combine_timings(timings: list[Timing]) -> Timing:
    """One `Timing` for the kernels one session call ran (kernel names joined with ``+``;
    ``kernel=""`` when none ran)."""
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


class KernelRun:
    """Runs cached kernels (`call_kernel`) and keeps the `Timing` of each, in order.

    The free functions of the session take one as ``run``; `Session` makes one per call
    and turns its ``timings`` into ``last_timing``.
    """

    def __init__(self, timings: list[Timing] | None = None):
        self.timings: list[Timing] = [] if timings is None else timings

    def __call__(self, kernel, *args, to_host: bool = True, **static):
        outputs, timing = _kernels.call_kernel(kernel, *args, to_host=to_host, **static)
        self.timings.append(timing)
        return outputs


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


# ---------------------------------------------------------------------- shared helpers
# Free functions of a `SessionState`; `Session` is a facade over them and the other
# modules' (`_symmetry`, `_autoregressive`, `_spectrum`).


def is_autoregressive(state: SessionState) -> bool:
    """Whether the model is autoregressive (conditionals, sampling, normalised)."""
    return _build.is_autoregressive(state.setup)


def configurations(state: SessionState, x, what: str = "configurations") -> np.ndarray:
    """``x`` as float64 configurations of ``state.hilbert``; ValueError naming ``what``."""
    x = np.asarray(x, dtype=np.float64)
    try:
        state.hilbert.validate(x)
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None
    return x


def need_group(state: SessionState, what: str):
    """The group; ValueError saying that ``what`` needs one."""
    if state.group is None:
        raise ValueError(f"{what} needs a symmetry group; choose one (group=...)")
    return state.group


def need_autoregressive(state: SessionState, what: str) -> None:
    """ValueError unless the model is autoregressive."""
    if not is_autoregressive(state):
        raise ValueError(
            f"{what} needs an autoregressive model (not symmetrized); "
            f"{state.setup.architecture} is not"
        )


def check_outputs(values: np.ndarray, what: str) -> None:
    """ValueError when ``values`` hold NaN or +inf (log ψ = −inf, ψ = 0, is allowed)."""
    values = np.asarray(values)
    bad = np.isnan(values) | (np.real(values) == np.inf)
    if np.any(bad):
        raise ValueError(
            f"{what}: the model gives non-finite values (NaN or overflow) for "
            f"{int(np.sum(bad))} of {values.size} entries; check the parameters"
        )


def inner(state: SessionState) -> tuple[object, dict, bool]:
    """(module evaluated term by term, its device variables, whether it is symmetrized)."""
    if state.setup.symmetrize:
        inner_vars = {col: tree["module"] for col, tree in state.device_variables.items()}
        return state.model.module, inner_vars, True
    return state.model, state.device_variables, False


def real_output(state: SessionState) -> bool:
    """Whether the (symmetrized) model's log ψ is real for the current character."""
    memo = state.memo
    if "real" not in memo:
        module, inner_vars, symmetrized = inner(state)
        x = jax.ShapeDtypeStruct((1, state.hilbert.size), np.float64)
        out = jax.eval_shape(module.apply, inner_vars, x)
        real = not np.issubdtype(out.dtype, np.complexfloating)
        if symmetrized:
            chars = state.characters
            real = real and bool(np.all(chars.imag == 0) and np.all(chars.real >= 0))
        memo["real"] = real
    return memo["real"]


def log_psi_batch(
    state: SessionState, run: KernelRun, x: np.ndarray, pad_to: int | None = None
) -> np.ndarray:
    """``log ψ`` of ``x`` ``(B, N)`` (B >= 1), padded to ``pad_to`` rows (default: the
    next power of two) so that a few compiled shapes serve every batch size."""
    n = x.shape[0]
    size = batch_bucket(n) if pad_to is None else max(pad_to, n)
    padded = np.concatenate([x, np.repeat(x[:1], size - n, axis=0)])
    module, variables, symmetrized = inner(state)
    if symmetrized:
        out = run(
            _kernels.symm_log_psi,
            variables,
            padded,
            state.perms,
            state.device_characters,
            module=module,
            strategy=state.model.resolved_strategy(),
        )
        out = out.real if real_output(state) else out
    else:
        out = run(_kernels.log_psi, variables, padded, model=module)
    return np.asarray(out)[:n]


def log_psi(state: SessionState, run: KernelRun, x) -> np.ndarray:
    """``log ψ(x)`` for configurations ``x`` ``(..., N)``; returns ``(...)``."""
    x = configurations(state, x)
    flat = x.reshape(-1, x.shape[-1])
    if flat.shape[0] == 0:
        return np.zeros(x.shape[:-1])
    out = log_psi_batch(state, run, flat)
    check_outputs(out, "log ψ")
    return out.reshape(x.shape[:-1])


def random_configurations(state: SessionState, n: int, seed: int = 0) -> np.ndarray:
    """``(n, N)`` uniformly random configurations (numpy, seeded), the same for a seed
    whichever order ``hilbert.local_states`` has."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n must be an integer >= 0, got {n!r}")
    hilbert = state.hilbert
    rng = np.random.default_rng(check_seed(seed))
    return rng.choice(np.sort(hilbert.local_states), size=(int(n), hilbert.size))


def parameter_summary(state: SessionState) -> ParameterSummary:
    """One row per parameter leaf (path, module, shape, dtype, count, bytes, stats)."""
    if "modules" not in state.memo:
        # the character does not change which module owns which parameter
        key_model = state.model
        if state.setup.symmetrize:
            key_model = key_model.clone(character_id=None, characters=None)
        state.memo["modules"] = _module_classes(
            state.model, key_model, state.variables, state.hilbert.size
        )
    return summarize(state.variables, state.memo["modules"])


def module_rows(state: SessionState) -> tuple:
    """`compute.module_rows` of the model: per module, shapes, parameters, FLOPs per
    configuration (memoised until the model or its parameters change)."""
    if "module_rows" not in state.memo:
        state.memo["module_rows"] = _module_rows(state.model, state.variables, state.hilbert.size)
    return state.memo["module_rows"]


def device_info() -> dict:
    """Backend, devices, jax version and x64 mode of this process."""
    return {
        "backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
        "jax_version": jax.__version__,
        "x64": bool(jax.config.jax_enable_x64),
    }
