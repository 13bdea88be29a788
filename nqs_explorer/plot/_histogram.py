"""Sample frequencies against exact probabilities (bars per configuration)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def _label(state, local_states) -> str:
    if np.all(np.isin(state, (-1.0, 1.0))):
        return "".join("+" if s > 0 else "−" for s in state)
    return " ".join(f"{s:g}" for s in state)


def draw_sample_histogram(histogram, *, ax=None, local_states=(1.0, -1.0)):
    """A ``compute.SampleHistogram``: for each configuration (most probable first, then
    "other") the exact probability (outlined bar, gid ``exact``) and the sample frequency
    (filled bar, gid ``samples``). Returns the Figure."""
    if ax is None:
        ax = Figure(figsize=(6.0, 2.6)).add_subplot()
    exact = np.append(histogram.exact, histogram.other_exact)
    freq = np.append(histogram.frequencies, histogram.other_frequency)
    labels = [_label(s, local_states) for s in histogram.states] + ["other"]
    x = np.arange(len(labels))
    ax.bar(x, freq, width=0.8, color="#56b4e9", label=f"{histogram.n_samples} samples",
           gid="samples")  # fmt: skip
    ax.bar(x, exact, width=0.8, fill=False, edgecolor="#d55e00", lw=1.5,
           label="exact |ψ|^p", gid="exact")  # fmt: skip
    ax.set_xticks(x, labels, rotation=90, fontsize=7, family="monospace")
    ax.set_ylabel("probability")
    ax.set_title("samples against the exact distribution (most probable configurations)",
                 fontsize=9)  # fmt: skip
    ax.legend(fontsize=8, loc="upper right")
    ax.figure.subplots_adjust(bottom=0.42, top=0.88, left=0.1, right=0.98)
    return ax.figure
