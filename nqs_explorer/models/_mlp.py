"""Multi-layer perceptron with a scalar output (NetKet's ``models.MLP``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp

from ..nn import Dense
from ..nn.blocks import orbit_dense

DType = Any


def _as_tuple(value, name: str) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(value)
    raise TypeError(f"{name} must be a number, a sequence of numbers or None, got {value!r}")


class MLPBlock(nn.Module):
    """Dense layers with activations, ``(..., in)`` → ``(..., output_dim)``.

    Its parameter tree (``Dense_0 ... Dense_n``) is that of ``netket.nn.blocks.MLP``; like
    NetKet's (flax) layers it computes in the promoted dtype of inputs and parameters.

    Attributes:
        output_dim: features of the output layer.
        hidden_dims: features of each hidden layer (or ``None``).
        hidden_dims_alpha: hidden features as multiples of the input size (or ``None``);
            give at most one of ``hidden_dims`` and ``hidden_dims_alpha``.
        param_dtype: dtype of the parameters.
        hidden_activations: one activation for every hidden layer, a tuple (one per
            layer) or ``None``.
        output_activation: activation after the output layer (``None``: linear).
        use_hidden_bias, use_output_bias: biases of the hidden / output layers.
        precision: precision of the matrix products.
        kernel_init, bias_init: initializers.
    """

    output_dim: int = 1
    hidden_dims: int | tuple[int, ...] | None = None
    hidden_dims_alpha: float | tuple[float, ...] | None = None
    param_dtype: DType = jnp.float64
    hidden_activations: Callable | tuple[Callable, ...] | None = jax.nn.gelu
    output_activation: Callable | None = None
    use_hidden_bias: bool = True
    use_output_bias: bool = True
    precision: Any = None
    kernel_init: Callable = nn.initializers.lecun_normal()
    bias_init: Callable = nn.initializers.zeros

    def _hidden_dims(self, n_in: int) -> tuple[int, ...]:
        dims = _as_tuple(self.hidden_dims, "hidden_dims")
        alphas = _as_tuple(self.hidden_dims_alpha, "hidden_dims_alpha")
        if dims is not None and alphas is not None:
            raise ValueError("MLP: give either hidden_dims or hidden_dims_alpha, not both")
        if alphas is not None:
            dims = tuple(int(a * n_in) for a in alphas)
        dims = dims or ()
        if any(int(d) < 1 for d in dims):
            raise ValueError(f"MLP: every hidden layer needs at least 1 feature, got {dims}")
        return tuple(int(d) for d in dims)

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        x = jnp.asarray(x)
        dims = self._hidden_dims(x.shape[-1])
        acts = self.hidden_activations
        if acts is None or callable(acts):
            acts = (acts,) * len(dims)
        acts = tuple(acts)
        if len(acts) != len(dims):
            raise ValueError(
                f"MLP: {len(acts)} hidden activations given for {len(dims)} hidden layers"
            )
        # (features, activation, use_bias) of every layer, the output layer last: the
        # layers are created in this order, so they are named Dense_0 ... Dense_n.
        layers = [(features, act, self.use_hidden_bias) for features, act in zip(dims, acts)]
        layers.append((self.output_dim, self.output_activation, self.use_output_bias))
        for features, act, use_bias in layers:
            x = Dense(
                features=features,
                dtype=None,
                param_dtype=self.param_dtype,
                precision=self.precision,
                use_bias=use_bias,
                kernel_init=self.kernel_init,
                bias_init=self.bias_init,
            )(x)
            if act is not None:
                x = act(x)
        return x


class MLP(nn.Module):
    """Multi-layer perceptron mapping configurations ``(..., N)`` to ``log ψ`` ``(...)``.

    NetKet's ``models.MLP``: hidden dense layers with ``hidden_activations`` (gelu), then a
    one-feature output layer (no bias by default) and ``output_activation``; the default
    is a single linear layer. Parameter tree ``MLP_0/Dense_i/{kernel, bias}`` as NetKet.
    Implements `nqs_explorer.nn.blocks.OrbitLogTerms` (`orbit_log_terms`).

    Attributes:
        hidden_dims: features of each hidden layer (an int or a tuple).
        hidden_dims_alpha: hidden features as multiples of ``N`` (instead of hidden_dims).
        param_dtype: dtype of the parameters (float64 or complex128...).
        hidden_activations: activation(s) after the hidden layers (``None``: linear).
        output_activation: activation after the output layer.
        use_hidden_bias: biases in the hidden layers.
        use_output_bias: bias in the output layer.
        precision: precision of the matrix products.
        kernel_init, bias_init: initializers (LeCun normal, zeros).

    Example:
        >>> import jax, jax.numpy as jnp
        >>> from nqs_explorer.models import MLP
        >>> params = MLP(hidden_dims=(5,)).init(jax.random.PRNGKey(0), jnp.ones(4))
        >>> jax.tree_util.tree_map(jnp.shape, params)["params"]
        {'MLP_0': {'Dense_0': {'bias': (5,), 'kernel': (4, 5)}, 'Dense_1': {'kernel': (5, 1)}}}
    """

    hidden_dims: int | tuple[int, ...] | None = None
    hidden_dims_alpha: float | tuple[float, ...] | None = None
    param_dtype: DType = jnp.float64
    hidden_activations: Callable | tuple[Callable, ...] | None = jax.nn.gelu
    output_activation: Callable | None = None
    use_hidden_bias: bool = True
    use_output_bias: bool = False
    precision: Any = None
    kernel_init: Callable = nn.initializers.lecun_normal()
    bias_init: Callable = nn.initializers.zeros

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        """Log-amplitude of configurations ``(..., N)``; returns shape ``(...)``."""
        out = MLPBlock(
            name="MLP_0",
            output_dim=1,
            hidden_dims=self.hidden_dims,
            hidden_dims_alpha=self.hidden_dims_alpha,
            param_dtype=self.param_dtype,
            hidden_activations=self.hidden_activations,
            output_activation=self.output_activation,
            use_hidden_bias=self.use_hidden_bias,
            use_output_bias=self.use_output_bias,
            precision=self.precision,
            kernel_init=self.kernel_init,
            bias_init=self.bias_init,
        )(x)
        return out.squeeze(-1)

    @nn.nowrap
    def orbit_log_terms(self, variables, x: jax.Array, perms: jax.Array) -> jax.Array:
        """``(B, |G|)`` ``log ψ_θ(x[:, perms[g]])`` with the first layer from permuted kernels.

        The first `Dense` call is replaced by one product with the ``|G|`` permuted
        kernels; the later layers run unchanged on the ``(B, |G|, H)`` block. Equal to
        rounding to ``self.apply(variables, x[:, perms])`` (the module is unbound).

        Args:
            variables: ``{"params": ...}`` of this MLP.
            x: ``(B, N)`` configurations.
            perms: ``(|G|, N)`` permutations (may be traced).
        """
        params = variables["params"]
        first = params["MLP_0"]["Dense_0"]
        hidden = orbit_dense(x, perms, first["kernel"], first.get("bias"), self.precision)
        replaced = []

        def first_dense(next_fun, args, kwargs, context):
            if (
                not replaced
                and context.method_name == "__call__"
                and isinstance(context.module, Dense)
            ):
                replaced.append(context.module.name)
                return hidden
            return next_fun(*args, **kwargs)

        # The rest of the MLP runs unchanged on (B, |G|, H): every later layer is batched.
        with nn.intercept_methods(first_dense):
            terms = self.apply({"params": params}, x)
        if replaced != ["Dense_0"]:  # pragma: no cover - guards a change of MLP's layout
            raise RuntimeError(f"MLP's first dense layer is {replaced}, expected Dense_0")
        return terms

    @nn.nowrap
    def orbit_term_width(self, variables) -> int:
        """Features ``H`` of the first layer: the width of the ``(B, |G|, H)`` block."""
        return int(variables["params"]["MLP_0"]["Dense_0"]["kernel"].shape[-1])
