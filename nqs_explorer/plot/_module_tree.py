"""The model's modules as a collapsible tree (HTML), and convolution kernels as panels."""

from __future__ import annotations

import html

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

#: Most kernel panels (output features) drawn; the title says how many there are.
MAX_KERNEL_PANELS = 16


def _shape_text(shapes) -> str:
    return ", ".join(str(tuple(s)) for s in shapes) or "–"


def _flops_text(flops) -> str:
    return "–" if flops is None else f"{flops:,.0f}"


def module_tree_html(rows) -> str:
    """``compute.ModuleRow``s as nested ``<details>`` (open), one line per module:
    class, path, input → output shapes, parameters, bytes, FLOPs per configuration."""
    if not rows:
        return ""
    parts, depth = [], -1
    for row in rows:
        while depth >= row.depth:
            parts.append("</details>")
            depth -= 1
        name = html.escape(row.path.rsplit("/", 1)[-1] or "model")
        parts.append(
            '<details class="nqx-module" open><summary>'
            f"<b>{html.escape(row.module)}</b> {name} · "
            f"{_shape_text(row.inputs)} → {_shape_text(row.outputs)} · "
            f"{row.count:,} params, {row.bytes:,} B · {_flops_text(row.flops)} FLOPs"
            "</summary>"
        )
        depth = row.depth
    parts.extend("</details>" for _ in range(depth + 1))
    style = "font-size:90%;line-height:1.5;overflow-wrap:anywhere"
    return (
        f'<div class="nqx-module-tree" style="{style}">'
        "<b>modules</b> (FLOPs per configuration, XLA's count)" + "".join(parts) + "</div>"
    )


def draw_kernel_panels(kernel, mask=None, *, fig: Figure | None = None, title: str = ""):
    """A ``(h, w, in, out)`` convolution kernel as one ``(h, w)`` panel per output feature
    (input feature 0; ``|·|`` of complex kernels), the weights the autoregressive ``mask``
    removes hatched. Hovering shows the value (``format_coord``). Returns the Figure.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(f"kernel: expected shape (h, w, in, out), got {kernel.shape}")
    fig = Figure(figsize=(6.0, 3.0)) if fig is None else fig
    values = np.abs(kernel[:, :, 0, :]) if np.iscomplexobj(kernel) else kernel[:, :, 0, :]
    n_out = values.shape[-1]
    shown = min(n_out, MAX_KERNEL_PANELS)
    cols = min(shown, 8)
    rows = -(-shown // cols)
    finite = values[np.isfinite(values)]
    bound = float(np.max(np.abs(finite))) if finite.size else 1.0
    bound = bound or 1.0
    axes = fig.subplots(rows, cols, squeeze=False)
    image = None
    for f, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if f >= shown:
            ax.set_axis_off()
            continue
        panel = values[:, :, f]
        image = ax.imshow(panel, cmap="RdBu_r", vmin=-bound, vmax=bound)
        ax.set_title(f"out {f}", fontsize=7)
        if mask is not None:
            for i, j in zip(*np.nonzero(np.asarray(mask) == 0)):
                ax.add_patch(
                    Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", ec="0.4", lw=0)
                )
        ax.format_coord = _kernel_coord(panel, f)
    heading = title or "kernel"
    extra = f" (first {shown} of {n_out})" if shown < n_out else ""
    note = "; hatched: masked (never used)" if mask is not None else ""
    fig.suptitle(f"{heading}: (h, w) per output feature, input 0{extra}{note}", fontsize=8)
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    return fig


def _kernel_coord(panel: np.ndarray, feature: int):
    def coord(x: float, y: float) -> str:
        i, j = round(y), round(x)
        if 0 <= i < panel.shape[0] and 0 <= j < panel.shape[1]:
            return f"kernel[{i}, {j}, 0, {feature}] = {panel[i, j]:.4g}"
        return ""

    return coord
