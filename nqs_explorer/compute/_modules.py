"""Module rows: what `flax.linen.Module.tabulate` shows, plus FLOPs per configuration.

Every module the model calls is recorded while its initialisation is traced abstractly
(``jax.eval_shape``: no arrays are computed) on one configuration ``(1, N)``: its scope
path, class, input and output shapes, and the parameters below it. FLOPs are XLA's own
count (``jax.jit(f).lower(...).cost_analysis()``, CPU included) of the module's call on one
configuration, lowered separately per module.
"""

from __future__ import annotations

import dataclasses

import flax.linen as nn
import jax
import numpy as np

__all__ = ["ModuleRow", "autoregressive_mask", "module_rows"]


@dataclasses.dataclass(frozen=True)
class ModuleRow:
    """One module call of a model on one configuration.

    Attributes:
        path: scope path, ``"/"``-joined (``""`` for the model itself, ``"_layers_0"``).
        depth: number of path components (0 for the model itself).
        module: class name (``"Dense"``, ``"FastMaskedConv2D"``).
        inputs: shapes of the array arguments of the call, e.g. ``((1, 9),)``.
        outputs: shapes of the array results.
        count: parameters (entries, every collection) in this module and below it.
        bytes: their bytes.
        flops: XLA's floating-point operation count of the call on one configuration
            (None where the module could not be compiled on its own).
        mask: ``(h, w)`` autoregressive mask of a masked 2D kernel (1: weight used), or None.
    """

    path: str
    depth: int
    module: str
    inputs: tuple[tuple[int, ...], ...]
    outputs: tuple[tuple[int, ...], ...]
    count: int
    bytes: int
    flops: float | None
    mask: np.ndarray | None = dataclasses.field(default=None, compare=False)


def autoregressive_mask(kernel_size, exclusive: bool) -> np.ndarray:
    """``(h, w)`` mask of a masked 2D convolution (NetKet's): the last kernel row is the
    current lattice row, of which only the columns left of the centre (and the centre
    itself unless ``exclusive``) are used.

    Example:
        >>> autoregressive_mask((2, 3), exclusive=True)
        array([[1., 1., 1.],
               [1., 0., 0.]])
    """
    kernel_h, kernel_w = (int(k) for k in kernel_size)
    mask = np.ones((kernel_h, kernel_w))
    mask[-1, kernel_w // 2 + (not exclusive) :] = 0
    return mask


def _shapes(tree) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(d) for d in leaf.shape) for leaf in jax.tree_util.tree_leaves(tree))


def _structs(tree):
    return jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), tree)


def _subtree(variables, path: tuple[str, ...]) -> dict:
    out = {}
    for collection, tree in variables.items():
        node = tree
        for key in path:
            if not isinstance(node, dict) or key not in node:
                node = None
                break
            node = node[key]
        if node is not None:
            out[collection] = node
    return out


def _size(tree) -> tuple[int, int]:
    leaves = jax.tree_util.tree_leaves(tree)
    count = sum(int(np.prod(np.shape(leaf))) for leaf in leaves)
    nbytes = sum(int(np.prod(np.shape(leaf))) * np.dtype(leaf.dtype).itemsize for leaf in leaves)
    return count, nbytes


def flops_of(fn, *args) -> float | None:
    """XLA's FLOP count of ``jax.jit(fn)(*args)`` (args: arrays or ``ShapeDtypeStruct``).

    Counted on the lowered (unoptimised) computation: no XLA compilation, a few ms per
    module, and the count of the operations as written (fusion does not change FLOPs).
    """
    try:
        analysis = jax.jit(fn).lower(*args).cost_analysis()
    except Exception:  # a module that cannot run on its own (needs its parent's scope)
        return None
    if isinstance(analysis, (list, tuple)):  # older jax: one dict per computation
        analysis = analysis[0] if analysis else {}
    flops = (analysis or {}).get("flops")
    return None if flops is None else float(max(flops, 0.0))


def module_rows(model: nn.Module, variables, n_sites: int, dtype=np.float64) -> tuple:
    """One `ModuleRow` per module the model calls on one configuration ``(1, n_sites)``,
    in call order (the model itself first), each module once.

    Example:
        >>> import jax, numpy as np
        >>> import nqs_explorer as nqx
        >>> from nqs_explorer.compute import module_rows
        >>> model = nqx.models.RBM(alpha=1)
        >>> variables = model.init(jax.random.PRNGKey(0), np.ones((1, 4)))
        >>> [(r.path, r.module, r.inputs, r.outputs, r.count) for r in module_rows(model, variables, 4)]
        [('', 'RBM', ((1, 4),), ((1,),), 24), ('Dense', 'Dense', ((1, 4),), ((1, 4),), 20)]
    """
    calls: dict[tuple[str, ...], tuple] = {}

    def record(next_fun, args, kwargs, context):
        module = context.module
        if context.method_name != "__call__" or module.scope is None:
            return next_fun(*args, **kwargs)
        path = tuple(module.scope.path)
        first = path not in calls
        if first:  # entered before its submodules: rows in tree (pre-)order
            calls[path] = None
        out = next_fun(*args, **kwargs)
        if first:
            calls[path] = (module.clone(parent=None), _structs(args), _structs(out))
        return out

    def trace(inputs):
        # init calls every submodule as a bound module (apply may take pure fast paths)
        with nn.intercept_methods(record):
            return model.init(jax.random.PRNGKey(0), inputs)

    x = jax.ShapeDtypeStruct((1, int(n_sites)), dtype)
    jax.eval_shape(trace, x)
    rows = []
    for path, (module, args, out) in calls.items():
        sub = _subtree(variables, path) if path else dict(variables)
        count, nbytes = _size(sub)
        if path:
            flops = flops_of(lambda v, *a, m=module: m.apply(v, *a), _structs(sub), *args)
        else:
            flops = flops_of(lambda v, a: model.apply(v, a), _structs(sub), x)
        mask = None
        kernel_size = getattr(module, "kernel_size", None)
        if hasattr(module, "exclusive") and np.ndim(kernel_size) == 1 and len(kernel_size) == 2:
            mask = autoregressive_mask(kernel_size, bool(module.exclusive))
        rows.append(
            ModuleRow(
                path="/".join(path),
                depth=len(path),
                module=type(module).__name__,
                inputs=_shapes(args),
                outputs=_shapes(out),
                count=count,
                bytes=nbytes,
                flops=flops,
                mask=mask,
            )
        )
    return tuple(rows)
