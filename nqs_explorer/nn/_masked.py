"""Masked (autoregressive) dense and convolutional layers, plain and fast.

A masked layer maps features on ``N`` sites to features on the same sites such that output
site ``j`` depends only on input sites ``i < j`` (``exclusive=True``, the first layer of an
autoregressive network) or ``i <= j`` (``exclusive=False``). Parameters, shapes and
conventions are those of NetKet's ``MaskedDense1D``, ``MaskedConv1D`` and ``MaskedConv2D``,
so their parameter trees are interchangeable.

The ``Fast*`` layers add ``update_site(inputs, index)``: the per-site update used by fast
autoregressive sampling (Ramachandran et al., arXiv:1704.06001). It stores the new input
site in the ``"cache"`` collection (call ``apply`` with ``mutable=["cache"]``) and returns
the output at site ``index`` only, gathering the few input sites its kernel touches, so a
step costs O(kernel) work (O(N) for the dense layer). Calls must come in the order
``index = 0, 1, ..., N - 1`` within one sampling pass; repeating an index is harmless.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import linen as nn
from flax.linen.dtypes import promote_dtype
from jax import lax
from jax.nn.initializers import lecun_normal, zeros

#: Default kernel initialiser of every masked layer (LeCun normal, as NetKet).
default_kernel_init = lecun_normal()


def _masked_init(kernel_init, mask: np.ndarray):
    """Zero the masked entries and rescale the rest by sqrt(size / kept), as NetKet does,
    so that a masked LeCun init keeps the variance of an unmasked one."""
    if not mask.any():  # e.g. a 1x1 exclusive kernel: the layer sees nothing
        return zeros
    scaled_mask = np.sqrt(mask.size / mask.sum()) * mask

    def init(key, shape, dtype=jnp.float64):
        return jnp.asarray(scaled_mask, dtype) * kernel_init(key, shape, dtype)

    return init


def _batched(inputs: jax.Array, site_ndim: int) -> tuple[jax.Array, bool]:
    """Add a leading batch axis when ``inputs`` has only ``site_ndim`` axes."""
    inputs = jnp.asarray(inputs)
    if inputs.ndim == site_ndim:
        return inputs[None], True
    return inputs, False


def _call(module, inputs: jax.Array, site_ndim: int, index) -> jax.Array:
    """``module._forward`` on ``inputs`` with ``site_ndim`` axes per sample, batched or not."""
    x, single = _batched(inputs, site_ndim)
    y = module._forward(x, index)
    return y[0] if single else y


def _write_site(cache: jax.Array, position, value: jax.Array) -> jax.Array:
    """``cache[:, *position] = value`` (in place inside a scan)."""
    start = (0, *position, 0)
    return lax.dynamic_update_slice(
        cache, value.reshape((value.shape[0],) + (1,) * len(position) + value.shape[1:]), start
    )


def _cache_input(module, x: jax.Array, index, cache_shape: tuple, slot) -> tuple:
    """Write input site ``index - exclusive`` into the ``"cache"`` collection.

    ``cache_shape`` is the cache's shape between the batch and feature axes and
    ``slot(position)`` the cache index of input site ``position``. Before the first input
    site (``index < exclusive``) a zero is written at slot 0 instead.

    Returns:
        The updated cache ``(batch, *cache_shape, in)`` and the position ``index - exclusive``.
    """
    cache = module.variable(
        "cache", "inputs", jnp.zeros, (x.shape[0], *cache_shape, x.shape[-1]), x.dtype
    )
    position = index - int(module.exclusive)
    value = jnp.where(position >= 0, x, 0)
    cache.value = _write_site(cache.value, slot(jnp.maximum(position, 0)), value)
    return cache.value, position


class _SiteUpdate(nn.Module):
    """Mixin of the ``Fast*`` layers: `update_site` on top of the layer's ``_site``."""

    def update_site(self, inputs: jax.Array, index) -> jax.Array:
        """Cache input site ``index - exclusive`` and return output site ``index``.

        Args:
            inputs: the new input site, ``(batch, in)`` (or ``(in,)``).
            index: output site (an int or a traced int scalar); ``r * L + c`` on the
                ``L``-column lattice of the 2D layer.

        Returns:
            ``(batch, features)`` (or ``(features,)``).
        """
        return _call(self, inputs, 1, index)


class MaskedDense1D(nn.Module):
    """Dense layer on ``(batch, N, in)`` features with an autoregressive mask.

    ``y[b, j] = Σ_{i, k} x[b, i, k] W[i*in + k, j*out + :] + bias[j]`` with ``W`` masked to
    ``i < j`` (exclusive) or ``i <= j``.

    Attributes:
        features: output features per site.
        exclusive: whether output site ``j`` ignores input site ``j``.
        use_bias: add a per-site bias of shape ``(N, features)``.
        param_dtype: dtype of the parameters (float64 default; complex allowed).
        precision: `jax.lax.Precision` of the matrix product.
        kernel_init: initialiser of the ``(N*in, N*features)`` kernel (masked and rescaled).
        bias_init: initialiser of the bias.
    """

    features: int
    exclusive: bool
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Any = default_kernel_init
    bias_init: Any = zeros

    def __call__(self, inputs: jax.Array) -> jax.Array:
        """Apply the layer: ``(batch, N, in)`` or ``(N, in)`` to ``(..., N, features)``."""
        return _call(self, inputs, 2, None)

    def _mask(self, size: int, in_features: int) -> np.ndarray:
        site_mask = np.triu(np.ones((size, size)), k=int(self.exclusive))
        return np.kron(site_mask, np.ones((in_features, self.features)))

    @nn.compact
    def _forward(self, x: jax.Array, index):
        size = self.size if index is not None else x.shape[1]
        in_features = x.shape[-1]
        # Parameter creation order (bias, then kernel) follows NetKet so equal keys give
        # equal initial parameters.
        bias = None
        if self.use_bias:
            bias = self.param("bias", self.bias_init, (size, self.features), self.param_dtype)
        mask = self._mask(size, in_features)
        kernel = self.param(
            "kernel",
            _masked_init(self.kernel_init, mask),
            (size * in_features, size * self.features),
            self.param_dtype,
        )
        x, kernel, bias = promote_dtype(x, kernel, bias, dtype=None)
        if index is not None:
            return self._site(x, index, kernel, bias)
        kernel = jnp.asarray(mask, kernel.dtype) * kernel
        y = lax.dot(x.reshape(x.shape[0], -1), kernel, precision=self.precision)
        y = y.reshape(x.shape[0], size, self.features)
        return y + bias if bias is not None else y


class FastMaskedDense1D(MaskedDense1D, _SiteUpdate):
    """`MaskedDense1D` with a per-site update for fast sampling.

    Attributes:
        size: number of sites ``N`` (keyword-only).
    """

    size: int = dataclasses.field(kw_only=True)

    def _site(self, x, index, kernel, bias):
        size, in_features = self.size, x.shape[-1]
        cache, position = _cache_input(self, x, index, (size,), lambda p: (p,))
        # Kernel column of output site `index`, masked to the sites already seen.
        column = lax.dynamic_index_in_dim(
            kernel.reshape(size, in_features, size, self.features), index, axis=2, keepdims=False
        )
        seen = jnp.arange(size) <= position
        column = jnp.where(seen[:, None, None], column, 0)
        y = jnp.einsum("bnk,nkf->bf", cache, column, precision=self.precision)
        if bias is not None:
            y = y + lax.dynamic_index_in_dim(bias, index, axis=0, keepdims=False)
        return y


def _conv1d_offsets(kernel_size: int, dilation: int, exclusive: bool) -> np.ndarray:
    """Site offset of each kernel tap: tap ``t`` reads input site ``j - offsets[t]``.

    The exclusive kernel has ``kernel_size - 1`` taps (NetKet's layout), its last tap
    being the nearest site ``j - dilation``.
    """
    n_taps = kernel_size - int(exclusive)
    return (n_taps - 1 - np.arange(n_taps) + int(exclusive)) * dilation


class MaskedConv1D(nn.Module):
    """Causal 1D convolution on ``(batch, N, in)`` features, zero padded (no wrap-around).

    Output site ``j`` reads input sites ``j - o`` for ``o = 0, d, ..., (k-1) d``
    (``o = d, ..., (k-1) d`` when exclusive), ``d`` the dilation.

    Attributes:
        features: output features per site.
        kernel_size: ``k``; the kernel has shape ``(k - exclusive, in, features)``.
        kernel_dilation: ``d``.
        exclusive: whether output site ``j`` ignores input site ``j``.
        use_bias: add a bias of shape ``(features,)``.
        param_dtype: dtype of the parameters (float64 default; complex allowed).
        precision: `jax.lax.Precision` of the convolution.
        kernel_init: initialiser of the kernel.
        bias_init: initialiser of the bias.
    """

    features: int
    kernel_size: int
    kernel_dilation: int
    exclusive: bool
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Any = default_kernel_init
    bias_init: Any = zeros

    def __call__(self, inputs: jax.Array) -> jax.Array:
        """Apply the layer: ``(batch, N, in)`` or ``(N, in)`` to ``(..., N, features)``."""
        return _call(self, inputs, 2, None)

    @nn.compact
    def _forward(self, x: jax.Array, index):
        n_taps = self.kernel_size - int(self.exclusive)
        bias = None
        if self.use_bias:
            bias = self.param("bias", self.bias_init, (self.features,), self.param_dtype)
        # An exclusive kernel of size 1 has no taps: the layer outputs its bias only.
        kernel_init = self.kernel_init if n_taps > 0 else zeros
        kernel = self.param(
            "kernel", kernel_init, (n_taps, x.shape[-1], self.features), self.param_dtype
        )
        x, kernel, bias = promote_dtype(x, kernel, bias, dtype=None)
        if index is not None:
            return self._site(x, index, kernel, bias)
        size, dilation = x.shape[1], self.kernel_dilation
        if n_taps == 0:
            y = jnp.zeros((*x.shape[:2], self.features), x.dtype)
            return y + bias if bias is not None else y
        shift = int(self.exclusive) * dilation
        # Left padding makes the convolution causal; the extra shift (dropping the last
        # `shift` sites) excludes the current site.
        x = jnp.pad(x, ((0, 0), ((n_taps - 1) * dilation + shift, 0), (0, 0)))
        x = x[:, : size + (n_taps - 1) * dilation]
        y = lax.conv_general_dilated(
            x,
            kernel,
            window_strides=(1,),
            padding="VALID",
            rhs_dilation=(dilation,),
            dimension_numbers=("NWC", "WIO", "NWC"),
            precision=self.precision,
        )
        return y + bias if bias is not None else y


class FastMaskedConv1D(MaskedConv1D, _SiteUpdate):
    """`MaskedConv1D` with a per-site update for fast sampling.

    The cache is a ring buffer of the last ``(k - 1) d + 1`` input sites.
    """

    def _site(self, x, index, kernel, bias):
        offsets = _conv1d_offsets(self.kernel_size, self.kernel_dilation, self.exclusive)
        ring = (self.kernel_size - 1) * self.kernel_dilation + 1
        cache, _ = _cache_input(self, x, index, (ring,), lambda p: (p % ring,))
        sites = index - jnp.asarray(offsets)
        window = jnp.take(cache, sites % ring, axis=1)
        window = jnp.where((sites >= 0)[None, :, None], window, 0)
        y = jnp.einsum("btk,tkf->bf", window, kernel, precision=self.precision)
        return y + bias if bias is not None else y


def _conv2d_mask(kernel_size: tuple[int, int], exclusive: bool) -> np.ndarray:
    """``(h, w)`` mask: the last kernel row is the current lattice row, of which only the
    columns left of the centre (and the centre itself unless exclusive) are kept."""
    kernel_h, kernel_w = kernel_size
    mask = np.ones((kernel_h, kernel_w))
    mask[-1, kernel_w // 2 + (not exclusive) :] = 0
    return mask


class MaskedConv2D(nn.Module):
    """Masked 2D convolution on ``(batch, Lx, Ly, in)`` features, zero padded.

    Sites are ordered row-major (site ``r * Ly + c``). Output ``(r, c)`` reads the rows
    ``r - (h-1) dh, ..., r`` and the columns ``c - (w//2) dw, ..., c + ((w-1)//2) dw``; in its
    own row only the columns before ``c`` (and ``c`` unless exclusive).

    Attributes:
        features: output features per site.
        kernel_size: ``(h, w)``; the kernel has shape ``(h, w, in, features)``.
        kernel_dilation: ``(dh, dw)``.
        exclusive: whether output site ``(r, c)`` ignores input site ``(r, c)``.
        use_bias: add a bias of shape ``(features,)``.
        param_dtype: dtype of the parameters (float64 default; complex allowed).
        precision: `jax.lax.Precision` of the convolution.
        kernel_init: initialiser of the kernel (masked and rescaled).
        bias_init: initialiser of the bias.
    """

    features: int
    kernel_size: tuple[int, int]
    kernel_dilation: tuple[int, int]
    exclusive: bool
    use_bias: bool = True
    param_dtype: Any = jnp.float64
    precision: Any = None
    kernel_init: Any = default_kernel_init
    bias_init: Any = zeros

    def __call__(self, inputs: jax.Array) -> jax.Array:
        """Apply the layer: ``(batch, Lx, Ly, in)`` or ``(Lx, Ly, in)`` to ``(..., features)``."""
        return _call(self, inputs, 3, None)

    @nn.compact
    def _forward(self, x: jax.Array, index):
        kernel_h, kernel_w = self.kernel_size
        dilation_h, dilation_w = self.kernel_dilation
        mask = _conv2d_mask(self.kernel_size, self.exclusive)
        # Kernel before bias, as NetKet, so equal keys give equal initial parameters.
        kernel = self.param(
            "kernel",
            _masked_init(self.kernel_init, mask[:, :, None, None]),
            (kernel_h, kernel_w, x.shape[-1], self.features),
            self.param_dtype,
        )
        bias = None
        if self.use_bias:
            bias = self.param("bias", self.bias_init, (self.features,), self.param_dtype)
        x, kernel, bias = promote_dtype(x, kernel, bias, dtype=None)
        if index is not None:
            return self._site(x, index, kernel, bias, mask)
        kernel = jnp.asarray(mask[:, :, None, None], kernel.dtype) * kernel
        pad_w = (kernel_w // 2 * dilation_w, (kernel_w - 1) // 2 * dilation_w)
        x = jnp.pad(x, ((0, 0), ((kernel_h - 1) * dilation_h, 0), pad_w, (0, 0)))
        y = lax.conv_general_dilated(
            x,
            kernel,
            window_strides=(1, 1),
            padding="VALID",
            rhs_dilation=(dilation_h, dilation_w),
            dimension_numbers=("NHWC", "HWIO", "NHWC"),
            precision=self.precision,
        )
        return y + bias if bias is not None else y


class FastMaskedConv2D(MaskedConv2D, _SiteUpdate):
    """`MaskedConv2D` with a per-site update for fast sampling.

    The cache is a ring buffer of the last ``(h - 1) dh + 1`` lattice rows, as in NetKet.

    Attributes:
        L: length of a lattice row, i.e. the number of columns ``Ly`` (keyword-only; NetKet's
            name, where the lattice is ``L x L``).
    """

    L: int = dataclasses.field(kw_only=True)

    def _site(self, x, index, kernel, bias, mask):
        kernel_h, kernel_w = self.kernel_size
        dilation_h, dilation_w = self.kernel_dilation
        row_length = self.L
        ring = (kernel_h - 1) * dilation_h + 1
        cache, _ = _cache_input(
            self, x, index, (ring, row_length), lambda p: ((p // row_length) % ring, p % row_length)
        )
        # Only unmasked taps are gathered: every one of them is a site already written in
        # this pass, so stale ring entries are never read.
        tap_h, tap_w = np.nonzero(mask)
        rows = index // row_length - jnp.asarray((kernel_h - 1 - tap_h) * dilation_h)
        cols = index % row_length + jnp.asarray((tap_w - kernel_w // 2) * dilation_w)
        inside = (rows >= 0) & (cols >= 0) & (cols < row_length)
        flat = (rows % ring) * row_length + jnp.clip(cols, 0, row_length - 1)
        window = jnp.take(cache.reshape(x.shape[0], ring * row_length, -1), flat, axis=1)
        window = jnp.where(inside[None, :, None], window, 0)
        taps = kernel[tap_h, tap_w]
        y = jnp.einsum("btk,tkf->bf", window, taps, precision=self.precision)
        return y + bias if bias is not None else y
