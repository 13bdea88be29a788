"""Batched evaluation and sampling sharded over all `jax.devices()` (a 1D batch mesh).

With more than one device, the batch axis of the configurations (or of the samples) is
split evenly over a one-dimensional `jax.sharding.Mesh` named ``"batch"``; parameters are
replicated. XLA's SPMD partitioner then runs each device on its slice. With one device
every helper is a no-op.

Uneven batches are padded, not refused: the batch is filled up to a multiple of the
device count with copies of its first configuration (always a valid input) and the
outputs are trimmed back, so any batch size works and gives the same numbers.

Results equal the single-device ones: log ψ row by row (each row's arithmetic is the
same), and samples exactly, because JAX's partitionable threefry generator
(``jax_threefry_partitionable``, on by default) draws the same random bits for a row
whichever device computes it, and `nqs_explorer.models.sample` draws the first ``n`` rows
of ``n + pad`` samples exactly as it draws ``n`` samples. Same key, same samples, on any
number of devices.

Inside a jitted kernel use `map_sharded` (log ψ-like functions of a batch) and
`sharded_sample`; outside, `sharded_log_psi` and `sharded_sample` are jitted already.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

#: Name of the mesh axis the batch is split over.
BATCH_AXIS = "batch"


@functools.lru_cache(maxsize=8)
def _sharding_for(devices: tuple) -> NamedSharding:
    mesh = Mesh(np.asarray(devices, dtype=object), (BATCH_AXIS,))
    return NamedSharding(mesh, PartitionSpec(BATCH_AXIS))


def batch_sharding(devices=None) -> NamedSharding | None:
    """Sharding of the leading (batch) axis over ``devices`` (default: `jax.devices()`).

    Returns:
        a `NamedSharding` on a 1D mesh named ``"batch"``, or ``None`` for a single
        device (nothing to shard).
    """
    devices = tuple(jax.devices() if devices is None else devices)
    if len(devices) < 2:
        return None
    return _sharding_for(devices)


def padded_size(n: int, n_shards: int) -> int:
    """Smallest multiple of ``n_shards`` that is ``>= n``."""
    return -(-n // n_shards) * n_shards


def constrain_batch(tree, sharding: NamedSharding | None = None):
    """Inside `jax.jit`: shard the leading axis of every array leaf of ``tree``.

    Leaves whose leading size is not a multiple of the device count (and scalars) are
    left as they are. A no-op with one device.
    """
    sharding = batch_sharding() if sharding is None else sharding
    if sharding is None:
        return tree
    n_shards = len(sharding.device_set)

    def constrain(leaf):
        if jnp.ndim(leaf) == 0 or leaf.shape[0] % n_shards:
            return leaf
        return jax.lax.with_sharding_constraint(leaf, sharding)

    return jax.tree_util.tree_map(constrain, tree)


def map_sharded(fn: Callable, x: jax.Array):
    """``fn(x)`` for a batch ``x`` ``(B, ...)`` with the batch sharded over the devices.

    ``x`` is padded to a multiple of the device count with copies of ``x[0]``, sharded,
    passed to ``fn`` (which must treat rows independently and keep the leading axis), and
    every output leaf is trimmed back to ``B`` rows. Works inside `jax.jit` (that is what
    it is for); a no-op wrapper with one device.

    Returns:
        ``fn``'s outputs for the ``B`` rows.
    """
    sharding = batch_sharding()
    if sharding is None:
        return fn(x)
    x = jnp.asarray(x)
    n = x.shape[0]
    if n == 0:
        return fn(x)
    total = padded_size(n, len(sharding.device_set))
    if total > n:
        x = jnp.concatenate([x, jnp.broadcast_to(x[:1], (total - n, *x.shape[1:]))])
    outputs = constrain_batch(fn(jax.lax.with_sharding_constraint(x, sharding)), sharding)
    return outputs if total == n else jax.tree_util.tree_map(lambda o: o[:n], outputs)


def replicated_sharding(devices=None) -> NamedSharding | None:
    """Every device holds the whole array (same mesh as `batch_sharding`); None for one
    device."""
    sharding = batch_sharding(devices)
    return None if sharding is None else NamedSharding(sharding.mesh, PartitionSpec())


def place(tree, *, batch: bool, devices=None):
    """Outside `jax.jit`: put ``tree``'s array leaves on all devices (`jax.device_put`).

    ``batch=True`` splits the leading axis of each leaf whose size is a multiple of the
    device count (`batch_sharding`) and replicates the others; ``batch=False``
    replicates every leaf. A leaf already placed so is returned as it is (no copy);
    ``None`` leaves stay. A no-op with one device.
    """
    sharding = batch_sharding(devices)
    if sharding is None:
        return tree
    replicated = NamedSharding(sharding.mesh, PartitionSpec())
    n_shards = len(sharding.device_set)

    def put(leaf):
        split = batch and np.ndim(leaf) > 0 and np.shape(leaf)[0] % n_shards == 0
        target = sharding if split else replicated
        if isinstance(leaf, jax.Array) and leaf.sharding == target:
            return leaf
        return jax.device_put(leaf, target)

    return jax.tree_util.tree_map(put, tree)


def constrain_replicated(tree):
    """Inside `jax.jit`: every array leaf replicated over the devices (no-op with one)."""
    sharding = replicated_sharding()
    if sharding is None:
        return tree
    return jax.tree_util.tree_map(lambda x: jax.lax.with_sharding_constraint(x, sharding), tree)


@functools.partial(jax.jit, static_argnames="model")
def sharded_log_psi(model, variables: Mapping, x: jax.Array) -> jax.Array:
    """``model.apply(variables, x)`` with the batch ``x`` ``(B, N)`` sharded over devices.

    Equal to the single-device result; a plain jitted apply with one device.
    """
    return map_sharded(lambda batch: model.apply(variables, batch), x)


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"n_samples must be a positive integer, got {value!r}")
    return int(value)


def sharded_sample(model, variables: Mapping, key: jax.Array, n_samples: int):
    """`nqs_explorer.models.sample` with the samples sharded over all devices.

    The same ``key`` gives the same ``(samples, log_prob)`` as ``models.sample`` on one
    device (see the module docstring). ``n_samples`` is padded to a multiple of the
    device count and the extra samples dropped. Can be called inside `jax.jit`.

    Args:
        model: an autoregressive model (``FastARNNConv2D``...); static.
        variables: its variables.
        key: a PRNG key.
        n_samples: number of samples (a positive int); static.

    Returns:
        ``(samples (n_samples, N), log_prob (n_samples,))``, sharded over the batch axis
        when the count divides evenly.
    """
    return _sharded_sample(model, variables, key, _count(n_samples))


@functools.partial(jax.jit, static_argnames=("model", "n_samples"))
def _sharded_sample(model, variables, key, n_samples: int):
    from ..models import sample

    sharding = batch_sharding()
    if sharding is None:
        return sample(model, variables, key, n_samples)
    total = padded_size(n_samples, len(sharding.device_set))
    # The output constraint propagates back through the sampling scan: every step, and
    # the cache, run on each device's slice of the batch.
    samples, log_prob = constrain_batch(sample(model, variables, key, total), sharding)
    if total == n_samples:
        return samples, log_prob
    return samples[:n_samples], log_prob[:n_samples]
