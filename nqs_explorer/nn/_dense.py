"""A dense (fully connected) layer with NetKet's defaults: float64 parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

DType = Any
Initializer = Callable[..., jax.Array]


class Dense(nn.Module):
    """A linear transformation ``y = x @ kernel + bias`` over the last axis of the input.

    The reference ``netket.nn.Dense``: same fields, parameter names and shapes
    (``kernel``: ``(in_features, features)``, ``bias``: ``(features,)``), so its parameter
    tree is interchangeable with NetKet's and Flax's.

    Attributes:
        features: number of output features (last axis of the output).
        use_bias: whether to add a learnable bias.
        dtype: the dtype of the computation. Inputs and parameters are promoted together
            with it (default float64), so complex parameters or inputs give complex outputs;
            ``None`` promotes inputs and parameters only.
        param_dtype: dtype of the parameters (float64 by default; complex128 supported).
        precision: numerical precision of the matrix product (see ``jax.lax.Precision``).
        kernel_init: initializer of the ``(in, out)`` kernel (LeCun normal).
        bias_init: initializer of the bias (zeros).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.nn import Dense
        >>> layer = Dense(features=3)
        >>> params = layer.init(jax.random.PRNGKey(0), jnp.ones((5, 4)))
        >>> jax.tree_util.tree_map(jnp.shape, params)
        {'params': {'bias': (3,), 'kernel': (4, 3)}}
        >>> layer.apply(params, jnp.ones((2, 5, 4))).shape
        (2, 5, 3)
        >>> layer.apply(params, jnp.ones(4)).dtype
        dtype('float64')
    """

    features: int
    use_bias: bool = True
    dtype: DType | None = jnp.float64
    param_dtype: DType = jnp.float64
    precision: Any = None
    kernel_init: Initializer = nn.initializers.lecun_normal()
    bias_init: Initializer = nn.initializers.zeros

    @nn.compact
    def __call__(self, inputs: jax.Array) -> jax.Array:
        """Apply the layer.

        Args:
            inputs: array of shape ``(..., in_features)``.

        Returns:
            Array of shape ``(..., features)``.
        """
        inputs = jnp.asarray(inputs)
        kernel = self.param(
            "kernel", self.kernel_init, (inputs.shape[-1], self.features), self.param_dtype
        )
        bias = (
            self.param("bias", self.bias_init, (self.features,), self.param_dtype)
            if self.use_bias
            else None
        )
        dtypes = [inputs.dtype, kernel.dtype]
        if self.dtype is not None:
            dtypes.append(self.dtype)
        compute_dtype = jnp.result_type(*dtypes)
        y = jax.lax.dot_general(
            inputs.astype(compute_dtype),
            kernel.astype(compute_dtype),
            (((inputs.ndim - 1,), (0,)), ((), ())),
            precision=self.precision,
        )
        if bias is not None:
            y = y + bias.astype(compute_dtype)
        return y
