"""Which SymmExpSum strategy the explorer uses for which base module on which device.

`SymmExpSum(strategy="auto")` (layer 2) takes the permuted-kernel path for every module
that implements `nqs_explorer.nn.blocks.OrbitLogTerms`. Whether that path is *faster* is a
property of the device, measured in docs/PERFORMANCE.md; the table lives here and the
compute layer passes its choice explicitly when it builds models and runs kernels.
"""

from __future__ import annotations

import jax

from ..models import MLP, RBM
from ..nn.blocks import supports_permuted_kernels

#: Per backend, the base module classes (exact types) evaluated with permuted kernels; the
#: others are gathered. On CPU (blocked) the RBM gains from the kernels and its fused
#: ``log cosh`` sum while the MLP does not (its later layers dominate); on GPUs the
#: unblocked gather is memory-bound (provisional until measured, see docs/PERFORMANCE.md).
KERNEL_MODULES: dict[str, frozenset[type]] = {
    "cpu": frozenset({RBM}),
    "gpu": frozenset({RBM, MLP}),
    "cuda": frozenset({RBM, MLP}),
    "rocm": frozenset({RBM, MLP}),
}


def orbit_strategy(module, backend: str | None = None) -> str:
    """``"kernel"`` or ``"gather"``: the explorer's strategy for ``module`` on ``backend``.

    Args:
        module: the base (unsymmetrized) linen module.
        backend: a JAX backend name; ``None`` means `jax.default_backend()`.

    Returns:
        ``"kernel"`` when the module implements the orbit protocol and its exact class is
        in `KERNEL_MODULES` for the backend, else ``"gather"``.

    Example:
        >>> from nqs_explorer.compute import orbit_strategy
        >>> from nqs_explorer.models import MLP, RBM
        >>> orbit_strategy(RBM(), "cpu"), orbit_strategy(MLP(), "cpu"), orbit_strategy(MLP(), "gpu")
        ('kernel', 'gather', 'kernel')
    """
    kinds = KERNEL_MODULES.get(backend or jax.default_backend(), frozenset())
    if supports_permuted_kernels(module) and type(module) in kinds:
        return "kernel"
    return "gather"
