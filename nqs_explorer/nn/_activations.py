"""Activation functions shared by the reference architectures (NetKet conventions)."""

from __future__ import annotations

import jax
import jax.numpy as jnp


def log_cosh(x: jax.Array) -> jax.Array:
    """Numerically stable log(cosh(x)), elementwise, real or complex.

    Uses log cosh(x) = |x| + log1p(exp(-2|x|)) - log 2 with the sign taken from the
    real part, so large arguments never overflow (the RBM's hidden-unit activation).

    Args:
        x: array of any shape and float or complex dtype.

    Returns:
        An array of the same shape and dtype.

    Example:
        >>> import jax.numpy as jnp
        >>> from nqs_explorer.nn import log_cosh
        >>> float(log_cosh(jnp.array(1000.0)))  # no overflow
        999.3068528194401
    """
    sign = jnp.where(jnp.signbit(x.real), -1, 1).astype(x.real.dtype)
    x = x * sign
    return x + jnp.log1p(jnp.exp(-2 * x)) - jnp.log(jnp.asarray(2, dtype=x.real.dtype))


def reim_selu(x: jax.Array) -> jax.Array:
    """SELU applied separately to the real and imaginary parts (NetKet's ``reim_selu``).

    For complex ``x`` returns ``(selu(√2 Re x) + i selu(√2 Im x)) / √2``, which keeps the
    variance of a unit complex Gaussian; for real ``x`` it is plain ``selu(x)``.

    Args:
        x: array of any shape, float or complex.

    Returns:
        An array of the same shape and dtype.

    Example:
        >>> import jax.numpy as jnp
        >>> from nqs_explorer.nn import reim_selu
        >>> complex(reim_selu(jnp.array(1.0 - 1.0j))).real
        1.0507009873554805
    """
    if jnp.iscomplexobj(x):
        sqrt2 = jnp.sqrt(jnp.asarray(2, dtype=x.real.dtype))
        return jax.lax.complex(jax.nn.selu(sqrt2 * x.real), jax.nn.selu(sqrt2 * x.imag)) / sqrt2
    return jax.nn.selu(x)
