"""The jit-compiled kernels of the app, and the one ahead-of-time cache they run through.

`call_kernel` looks a kernel up by (kernel name, static arguments such as the linen
module, tree structure + shapes + dtypes of the array arguments, x64 mode). A miss
traces, lowers and compiles ``jax.jit(kernel, static_argnames=...)`` once and times it as
compile time; a hit only runs the stored executable. Values of array arguments
(configurations, permutations, characters, seeds, parameters) never enter the key, so
changing them never recompiles. The sharding of an argument placed on several devices
is part of the key.

Compilations run outside the cache's lock, once per key whatever the number of threads:
`precompile` compiles in a background thread (the Train tab's step, as soon as its setup
is known) and a call of a key being compiled waits for it; ``call_kernel(...,
quick_start=True)`` runs a fast-compiled executable while the optimised one compiles.

`jax.jit` is applied here and nowhere else in the application. Each kernel is a
module-level function: positional arguments are traced pytrees of arrays, keyword-only
arguments are static (the linen module, output sizes).
"""

from __future__ import annotations

import atexit
import inspect
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding

from ..nn.blocks import character_logsumexp, orbit_log_terms
from ._results import Timing
from ._sharding import (
    batch_sharding,
    constrain_batch,
    constrain_replicated,
    map_sharded,
    sharded_sample,
)
from ._strategy import orbit_strategy

#: Most compiled executables kept; the least recently used ones are dropped beyond it.
MAX_EXECUTABLES = 512

_lock = threading.Lock()
_executables: OrderedDict[tuple, Any] = OrderedDict()
_pending: dict[tuple, threading.Event] = {}  # keys being compiled, by any thread
_jitted: dict[Callable, Any] = {}
_compile_count = 0
_background_compile_count = 0


# Kernels that run on one configuration (or once per build) compile faster without
# XLA's optimisations; their run time stays far below a millisecond, irrelevant next to
# the compile time that an architecture change waits for. On CPU, XLA's fusion emitters
# cost half of what remains: for an RBM/MLP orbit 190 -> 70 ms, a FastARNNConv2D
# initialisation 270 -> 140 ms, and the runs 50 -> 65 us. Batched kernels (log ψ,
# sampling, the symmetry check) keep the full optimisation: their run time is what counts.
_FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}
_FAST_COMPILE_CPU = {**_FAST_COMPILE, "xla_cpu_use_fusion_emitters": False}
_FAST_COMPILE_KERNELS = {
    "cpu": frozenset({"init", "orbit", "conditionals", "receptive_fields"}),
    "other": frozenset({"init"}),
}


def _compiler_options(kernel_name: str) -> dict | None:
    """XLA options for compiling ``kernel_name`` on the default backend (None: XLA's own)."""
    if jax.default_backend() == "cpu":
        return _FAST_COMPILE_CPU if kernel_name in _FAST_COMPILE_KERNELS["cpu"] else None
    return _FAST_COMPILE if kernel_name in _FAST_COMPILE_KERNELS["other"] else None


def compile_count() -> int:
    """Number of compilations the kernel cache has done in this process."""
    return _compile_count


def cache_size() -> int:
    """Number of compiled executables held by the kernel cache."""
    return len(_executables)


# Instructions through which a compiled XLA program exchanges data with the host:
# Python callbacks (jax.pure_callback, io_callback, debug.print), infeed/outfeed and
# host send/recv.
_HOST_TRANSFER = re.compile(
    r'custom_call_target="[^"]*callback[^"]*"|\binfeed\(|\boutfeed\(|is_host_transfer=true'
)


_UNSET = object()


def _compile(kernel: Callable, args: tuple, static: dict, options=_UNSET):
    """Lower and compile ``kernel`` for ``args`` (canonical leaves); ``options``: XLA's
    compiler options (default: the backend's for that kernel, `_compiler_options`)."""
    with _lock:
        jitted = _jitted.get(kernel)
        if jitted is None:
            jitted = jax.jit(kernel, static_argnames=_static_names(kernel))
            _jitted[kernel] = jitted
    if options is _UNSET:
        options = _compiler_options(kernel.__name__)
    return jitted.lower(*args, **static).compile(options)


def host_transfers(kernel: Callable, *args, **static) -> list[str]:
    """Host-transfer instructions in the compiled program of ``kernel(*args, **static)``.

    Compiles the kernel as `call_kernel` does (without caching it) and searches the
    optimised HLO; an empty list means the program runs on the device from its inputs
    to its outputs. Arguments as for `call_kernel`.
    """
    args = jax.tree_util.tree_map(_canonical_leaf, args)
    return host_transfer_instructions(_compile(kernel, args, static).as_text())


def host_transfer_instructions(hlo_text: str) -> list[str]:
    """The host-transfer instructions found in an HLO program's text."""
    return _HOST_TRANSFER.findall(hlo_text)


def _canonical_leaf(x) -> np.ndarray | jax.Array:
    """Arrays stay as they are; anything else becomes a numpy array of JAX's dtype."""
    if isinstance(x, jax.Array):
        return x
    arr = np.asarray(x)
    dtype = jax.dtypes.canonicalize_dtype(arr.dtype)
    return arr if arr.dtype == dtype else arr.astype(dtype)


def _aval_key(x) -> tuple:
    # a sharded argument (several devices) compiles another program: its sharding counts
    # (one device: the same program whichever sharding object says so; importing NetKet
    # installs a one-device mesh that new arrays of that thread carry)
    sharding = getattr(x, "sharding", None)
    sharded = isinstance(sharding, NamedSharding) and len(sharding.device_set) > 1
    placed = sharding if sharded else None
    return (tuple(x.shape), np.dtype(x.dtype).str, bool(getattr(x, "weak_type", False)), placed)


def _device_name(outputs) -> str:
    for leaf in jax.tree_util.tree_leaves(outputs):
        if isinstance(leaf, jax.Array):
            device = next(iter(leaf.devices()))
            return f"{device.platform}:{device.id}"
    device = jax.devices()[0]
    return f"{device.platform}:{device.id}"


def _static_names(kernel: Callable) -> tuple[str, ...]:
    params = inspect.signature(kernel).parameters.values()
    return tuple(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)


def _cache_key(kernel: Callable, leaves, treedef, static: dict) -> tuple:
    try:
        static_key = tuple(sorted(static.items()))
        hash(static_key)
    except TypeError as err:
        raise TypeError(
            f"static arguments of kernel {kernel.__name__} must be hashable: {err}"
        ) from None
    return (
        f"{kernel.__module__}.{kernel.__qualname__}",  # distinct kernels may share a name
        static_key,
        treedef,
        tuple(_aval_key(leaf) for leaf in leaves),
        bool(jax.config.jax_enable_x64),
    )


def _ensure_compiled(kernel, key, args, static, *, quick=False, background=False):
    """The executable for ``key``, compiled once even with several threads.

    A compilation runs outside the cache's lock (XLA releases the GIL), so a long one in
    a background thread never holds up other kernels; a second caller of the same key
    waits for the first. ``quick``: XLA's fast-compile options (`_FAST_COMPILE`).

    Returns:
        ``(executable, compile_s)``; ``compile_s``: seconds spent compiling or waiting for
        another thread's compilation (0 for a cache hit).
    """
    global _compile_count, _background_compile_count
    waited = 0.0
    while True:
        with _lock:
            executable = _executables.get(key)
            if executable is not None:
                _executables.move_to_end(key)
                return executable, waited
            event = _pending.get(key)
            owner = event is None
            if owner:
                event = _pending[key] = threading.Event()
        if not owner:
            start = time.perf_counter()
            event.wait()  # the other thread's result, or its failure: then compile here
            waited += time.perf_counter() - start
            continue
        try:
            start = time.perf_counter()
            options = _quick_options() if quick else _compiler_options(kernel.__name__)
            executable = _compile(kernel, args, static, options)
            compile_s = waited + time.perf_counter() - start
            with _lock:
                _executables[key] = executable
                if background:
                    _background_compile_count += 1
                else:
                    _compile_count += 1
                while len(_executables) > MAX_EXECUTABLES:
                    _executables.popitem(last=False)
        finally:
            with _lock:
                _pending.pop(key, None)
            event.set()
        return executable, compile_s


def _quick_options() -> dict:
    return _FAST_COMPILE_CPU if jax.default_backend() == "cpu" else _FAST_COMPILE


class _Precompiler:
    """One daemon thread running the latest requested compilation (``job()``, a callable;
    older requests that have not started are dropped: a new setup replaces the
    precompilation of the old one)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._job = None
        self._thread = None
        self.busy = False

    def submit(self, job: Callable[[], Any]) -> None:
        with self._cond:
            self._job = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="nqx-precompile", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._job is None:
                    # a submit may land between the wait's timeout and its return: only
                    # an idle thread with nothing queued may end
                    if not self._cond.wait(timeout=30.0) and self._job is None:
                        self._thread = None  # idle: let the thread end
                        return
                job, self._job = self._job, None
                self.busy = True
            try:
                job()
            except Exception:  # a foreground call of the same key raises it again
                logging.getLogger(__name__).warning("background compilation failed", exc_info=True)
            finally:
                with self._cond:
                    self.busy = self._job is not None
                    self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no precompilation is queued or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._job is not None or self.busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def shutdown(self, timeout: float = 60.0) -> None:
        """At interpreter exit: drop queued requests and let a running compilation end
        (a daemon thread killed inside XLA aborts the process)."""
        with self._cond:
            self._job = None
        self.wait(timeout)


_precompiler = _Precompiler()
atexit.register(_precompiler.shutdown)


def _prepare(kernel, args, static):
    args = jax.tree_util.tree_map(_canonical_leaf, args)
    leaves, treedef = jax.tree_util.tree_flatten(args)
    return args, _cache_key(kernel, leaves, treedef, static)


def is_compiled(kernel: Callable, *args, **static) -> bool:
    """Whether `call_kernel` would run ``kernel(*args, **static)`` without compiling."""
    _, key = _prepare(kernel, args, static)
    with _lock:
        return key in _executables


def precompile(kernel: Callable, *args, **static) -> bool:
    """Compile ``kernel(*args, **static)`` in a background thread (never blocks).

    Only shapes, dtypes and static arguments matter, as for `call_kernel`. The newest
    request replaces one that has not started; a later `call_kernel` of the same key
    finds the executable, or waits for the compilation already running.

    Returns:
        False when the kernel is compiled already (nothing to do), else True.
    """
    args, key = _prepare(kernel, args, static)
    with _lock:
        if key in _executables:
            return False
    _precompiler.submit(lambda: _ensure_compiled(kernel, key, args, static, background=True))
    return True


def precompile_later(prepare: Callable[[], tuple]) -> None:
    """Like `precompile`, with the arguments computed in the background thread too:
    ``prepare()`` returns ``(kernel, args, static)`` (for arguments that take a while to
    build, such as a training step's operator data)."""

    def job():
        kernel, args, static = prepare()
        args, key = _prepare(kernel, args, static)
        _ensure_compiled(kernel, key, args, static, background=True)

    _precompiler.submit(job)


def wait_precompiled(timeout: float | None = None) -> bool:
    """Block until background precompilation is idle (tests, benchmarks); False on timeout."""
    return _precompiler.wait(timeout)


def background_compile_count() -> int:
    """Number of compilations done by `precompile`'s background thread (and the optimised
    executables that `call_kernel(..., quick_start=True)` had compiled behind a quick one).
    `compile_count` counts only those a call waited for."""
    return _background_compile_count


def call_kernel(
    kernel: Callable, *args, to_host: bool = True, quick_start: bool = False, **static
) -> tuple[Any, Timing]:
    """Run ``kernel(*args, **static)`` through the cache.

    Args:
        kernel: a module-level function whose keyword-only arguments are static
            (hashable: linen modules, ints, tuples) and whose positional arguments are
            pytrees of arrays.
        *args: the traced arguments.
        to_host: return numpy arrays (True) or leave the outputs on the device.
        quick_start: while the optimised executable is not compiled, run one compiled
            with XLA's fast-compile options (a few times faster to compile, slower to
            run) and compile the optimised one in the background; later calls use it
            once it is ready (for the first training step: Play answers at once).
        **static: the static arguments (part of the cache key).

    Returns:
        ``(outputs, timing)``: the outputs (same pytree) and a `Timing`.
    """
    args, key = _prepare(kernel, args, static)
    executable = None
    compile_s = 0.0
    if quick_start:
        with _lock:
            full = _executables.get(key)
        if full is None:
            executable, compile_s = _ensure_compiled(
                kernel, (*key, "quick"), args, static, quick=True
            )
            # after the quick one: on a busy CPU the two would slow each other down
            _precompiler.submit(
                lambda: _ensure_compiled(kernel, key, args, static, background=True)
            )
        else:
            executable = full
    if executable is None:
        executable, compile_s = _ensure_compiled(kernel, key, args, static)
    start = time.perf_counter()
    outputs = executable(*args)
    outputs = jax.block_until_ready(outputs)
    run_s = time.perf_counter() - start
    device = _device_name(outputs)
    if to_host:
        outputs = jax.device_get(outputs)
    timing = Timing(
        kernel=kernel.__name__,
        compiled=compile_s > 0,
        compile_s=compile_s,
        run_s=run_s,
        device=device,
    )
    return outputs, timing


# --------------------------------------------------------------------------- kernels
# Symmetrized models are evaluated from their inner module with the permutations and
# characters as traced arrays, using SymmExpSum's formula; a character or group change
# therefore never recompiles (a SymmExpSum module holds its character as a static field).


def _symm_log_sum(log_terms: jax.Array, characters: jax.Array) -> jax.Array:
    """``log[(1/|G|) Σ_g χ_g exp(log_terms[..., g])]``, complex, overflow-safe.

    Args:
        log_terms: ``(..., |G|)`` real or complex.
        characters: ``(|G|,)`` complex.

    Returns:
        ``(...)`` complex; a zero sum gives a ``-inf`` real part.
    """
    log_terms = log_terms.astype(jnp.result_type(log_terms.dtype, jnp.complex64))
    weights = characters.astype(log_terms.dtype) / characters.shape[-1]
    return character_logsumexp(jnp.moveaxis(log_terms, -1, 0), weights, real=False)


def init(seed: jax.Array, x: jax.Array, *, model):
    """The model's variables for ``PRNGKey(seed)`` (as ``model.init(PRNGKey(seed), x)``).

    Args:
        seed: uint32 scalar.
        x: ``(B, N)`` example configurations (only shapes matter).
    """
    return model.init(jax.random.PRNGKey(seed), x)


def log_psi(variables, x: jax.Array, *, model) -> jax.Array:
    """``log ψ(x)`` of a plain model: ``x`` ``(B, N)`` -> ``(B,)``, sharded over devices."""
    return map_sharded(lambda batch: model.apply(variables, batch), x)


def symm_log_psi(variables, x, perms, characters, *, module, strategy=None) -> jax.Array:
    """``log ψ(x)`` of ``SymmExpSum(module)`` with traced group and characters.

    Args:
        variables: the inner module's variables.
        x: ``(B, N)``; perms ``(|G|, N)`` int; characters ``(|G|,)`` complex.
        strategy: ``"gather"`` or ``"kernel"``; ``None``: `orbit_strategy` for the
            default backend (the explorer's per-device choice).

    Returns:
        ``(B,)`` complex.
    """
    strategy = orbit_strategy(module) if strategy is None else strategy
    return map_sharded(
        lambda batch: _symm_log_sum(
            orbit_log_terms(module, variables, batch, perms, strategy), characters
        ),
        x,
    )


def orbit(variables, sigma, perms, characters, *, module) -> dict:
    """Orbit terms of one configuration ``sigma`` ``(N,)`` under ``perms`` ``(|G|, N)``.

    Returns:
        dict with ``configs`` ``(|G|, N)``, ``log_terms`` ``(|G|,)``, ``terms``
        ``χ_g exp(log_terms)/|G|`` ``(|G|,)``, ``log_total`` and ``total`` (scalars).
    """
    configs = sigma[perms]
    log_terms = module.apply(variables, configs)
    chi = characters.astype(jnp.result_type(log_terms.dtype, jnp.complex64))
    terms = chi * jnp.exp(log_terms.astype(chi.dtype)) / perms.shape[0]
    log_total = _symm_log_sum(log_terms, characters)
    return dict(
        configs=configs,
        log_terms=log_terms,
        terms=terms,
        log_total=log_total,
        total=jnp.exp(log_total),
    )


def sector_cancellation(variables, x, perms, characters, *, module) -> dict:
    """How much of ``SymmExpSum(module)`` survives the character sum, per configuration.

    Args:
        variables: the inner module's variables.
        x: ``(B, N)``; perms ``(|G|, N)`` int; characters ``(|G|,)`` complex.

    Returns:
        dict of ``(B,)`` arrays: ``ratio`` = ``|Σ_g χ_g ψ_θ(T_g x)| / Σ_g |χ_g ψ_θ(T_g x)|``
        (0: the terms cancel, 1: they add up), ``invariance`` = ``max_g |ψ_θ(T_g x) −
        ψ_θ(x)| / max_g |ψ_θ(T_g x)|`` (0: the inner module is invariant on the orbit), and
        ``finite`` (no NaN or overflowing term).
    """
    log_terms = orbit_log_terms(module, variables, x, perms, "gather")
    log_terms = log_terms.astype(jnp.result_type(log_terms.dtype, jnp.complex64))
    finite = jnp.all(~jnp.isnan(log_terms) & (log_terms.real != jnp.inf), axis=-1)
    log_weights = jnp.log(jnp.abs(characters) / characters.shape[-1])
    log_scale = jax.nn.logsumexp(log_terms.real + log_weights, axis=-1)
    ratio = jnp.exp(_symm_log_sum(log_terms, characters).real - log_scale)
    shift = jnp.max(log_terms.real, axis=-1, keepdims=True)
    shift = jnp.where(jnp.isfinite(shift), shift, 0.0)
    amps = jnp.exp(log_terms - shift)
    invariance = jnp.max(jnp.abs(amps - amps[:, :1]), axis=-1) / jnp.max(jnp.abs(amps), axis=-1)
    return dict(ratio=ratio, invariance=invariance, finite=finite)


def _covariance_errors(log_amps: jax.Array, log_scale: jax.Array, characters) -> jax.Array:
    """``max_b |ψ(T_g x_b) − conj(χ_g) ψ(x_b)| / max(scale)``; ``(B, |G|) -> (|G|,)``.

    Column 0 of ``log_amps`` is the identity element; ``log_scale`` ``(B, |G|)`` holds the
    log of the amplitude scale the errors are relative to.
    """
    log_amps = log_amps.astype(jnp.result_type(log_amps.dtype, jnp.complex64))
    shift = jnp.max(log_scale)
    shift = jnp.where(jnp.isfinite(shift), shift, 0.0)
    amps = jnp.exp(log_amps - shift)
    expected = jnp.conj(characters)[None, :] * amps[:, :1]
    return jnp.max(jnp.abs(amps - expected), axis=0)


def symmetry_check(variables, x, perms, characters, *, model) -> jax.Array:
    """Covariance errors ``(|G|,)`` of a plain model over the batch ``x`` ``(B, N)``.

    Relative to the largest ``|ψ(T_g x_b)|``.
    """
    log_amps = orbit_log_terms(model, variables, x, perms, "gather")
    return _covariance_errors(log_amps, log_amps.real, characters)


def symm_symmetry_check(variables, x, perms, characters, *, module) -> jax.Array:
    """Covariance errors ``(|G|,)`` of ``SymmExpSum(module)`` over ``x`` ``(B, N)``.

    Relative to the unsymmetrized amplitude scale, the largest
    ``Σ_g |χ_g ψ_θ(T_g T_h x_b)| / |G|``: rounding errors of the sum are of that size, and
    a character that cancels the sum (a forced zero) then gives ~1e-16, not 0/0.
    The symmetrized amplitude is evaluated on each ``T_h x`` in turn (``lax.map`` keeps
    the memory at ``B·|G|`` configurations).
    """
    log_weights = jnp.log(jnp.abs(characters) / characters.shape[-1])

    def amplitude_at(perm):
        log_terms = orbit_log_terms(module, variables, x[:, perm], perms, "gather")
        log_scale = jax.nn.logsumexp(log_terms.real + log_weights, axis=-1)
        return _symm_log_sum(log_terms, characters), log_scale

    log_amps, log_scale = jax.lax.map(amplitude_at, perms)
    return _covariance_errors(log_amps.T, log_scale.T, characters)


def conditionals(variables, x, *, model) -> jax.Array:
    """Autoregressive conditionals ``(B, N, local_size)`` of ``x`` ``(B, N)``."""
    return model.apply(variables, x, method="conditionals")


def receptive_fields(variables, points, *, model) -> jax.Array:
    """Which inputs each conditional depends on, read from the model's Jacobian.

    Args:
        variables: the model's variables.
        points: ``(P, N)`` continuous inputs at which to differentiate.

    Returns:
        ``(N, N)`` bool, ``[i, j]``: ``∂ p(σ_i | ·) / ∂ x_j ≠ 0`` at some point.
    """

    def probs(x):
        return model.apply(variables, x[None], method="conditionals")[0]

    jac = jax.vmap(jax.jacfwd(probs))(points)  # (P, N, local_size, N)
    return jnp.any(jnp.abs(jac) > 0, axis=(0, 2))


def sample(variables, seed, *, model, n_samples: int):
    """``n_samples`` exact autoregressive samples ``(n, N)`` and ``log p`` ``(n,)``.

    Args:
        variables: the model's variables.
        seed: uint32 scalar (traced: a new seed does not recompile).
    """
    return sharded_sample(model, variables, jax.random.PRNGKey(seed), n_samples)


def _safe_exp(log_values: jax.Array) -> jax.Array:
    """``exp`` with ``-inf`` real parts (exact zeros) giving 0, never NaN."""
    zero = jnp.real(log_values) == -jnp.inf
    return jnp.where(zero, 0.0, jnp.exp(jnp.where(zero, 0.0, log_values)))


def energy_terms(
    variables, x, log_psi_x, weights, shift, perms, characters, op, *, module, strategy=None
):
    """The full-sum energy's numerator and denominator over a batch of configurations.

    With ``ψ = exp(log ψ - shift)``: ``num = Σ_b w_b conj(ψ(x_b)) Σ_c H_{x_b, x'_bc} ψ(x'_bc)``
    (= ``Σ w |ψ|² E_loc``, no division, so exact zeros are harmless) and
    ``den = Σ_b w_b |ψ(x_b)|²``. The operator ``op`` is a traced pytree (its couplings
    are leaves): new coupling values never recompile.

    Args:
        variables: the (inner) module's variables.
        x: ``(B, N)`` configurations; log_psi_x ``(B,)`` their ``log ψ``; weights ``(B,)``
            (0 for padding rows); shift: a real scalar (the largest ``Re log ψ``).
        perms, characters: ``(|G|, N)`` / ``(|G|,)`` for ``SymmExpSum(module)``, or
            None for a plain model.
        op: an `nqs_explorer.operator` (``get_conn_padded``).

    Returns:
        ``(num, den)``: complex and real scalars.
    """
    xp, mels = op.get_conn_padded(x)  # (B, C, N), (B, C)
    b, c, n = xp.shape
    flat = xp.reshape(b * c, n)
    if perms is None:
        log_xp = module.apply(variables, flat)
    else:
        strategy = orbit_strategy(module) if strategy is None else strategy
        log_xp = _symm_log_sum(
            orbit_log_terms(module, variables, flat, perms, strategy), characters
        )
    dtype = jnp.result_type(log_xp.dtype, log_psi_x.dtype, jnp.complex64)
    log_xp = log_xp.astype(dtype).reshape(b, c) - shift
    left = jnp.conj(log_psi_x.astype(dtype) - shift)
    h_psi = jnp.sum(mels.astype(dtype) * _safe_exp(log_xp), axis=-1)
    num = jnp.sum(weights * _safe_exp(left) * h_psi)
    den = jnp.sum(weights * _safe_exp(2.0 * (jnp.real(log_psi_x) - shift)))
    return num, den


def train_step(
    params,
    model_state,
    opt_state,
    sampler_state,
    diag_shift,
    op_leaves,
    full_sum_data,
    *,
    structure,
):
    """One VMC step (`nqs_explorer.driver.vmc_step`) with its `StepStructure` static.

    Everything but ``structure`` (model, optimizer kind, sampler, sample counts, operator
    structure, SR on/off) is traced: learning rate, diagonal shift, PRNG key and couplings
    are values, so changing them never recompiles.
    """
    from ..driver import vmc_step

    sharding = batch_sharding()
    if sharding is not None:
        # several devices: the full sum's states (or orbit representatives) and the
        # Markov chains are split over them, parameters and optimizer state replicated
        full_sum_data = constrain_batch(full_sum_data, sharding)
        sampler_state = _constrain_chains(sampler_state, sharding)
    params, opt_state, sampler_state, stats = vmc_step(
        structure,
        params,
        model_state,
        opt_state,
        sampler_state,
        diag_shift,
        op_leaves,
        full_sum_data,
    )
    if sharding is not None:
        params, opt_state = constrain_replicated((params, opt_state))
        sampler_state = _constrain_chains(sampler_state, sharding)
    return params, opt_state, sampler_state, stats


def _constrain_chains(sampler_state, sharding):
    """The configurations ``σ`` ``(n_chains, N)`` of a Metropolis state split by chain."""
    if sampler_state is None or not hasattr(sampler_state, "σ"):
        return sampler_state
    return sampler_state.replace(σ=constrain_batch(sampler_state.σ, sharding))
