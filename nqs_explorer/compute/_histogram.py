"""Sample frequencies against exact probabilities, for small lattices."""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["HISTOGRAM_MAX_SITES", "SampleHistogram", "sample_histogram"]

#: Largest N for which the AR view compares samples with the exact |ψ|^p (2^12 states).
HISTOGRAM_MAX_SITES = 12


@dataclasses.dataclass(frozen=True)
class SampleHistogram:
    """The ``k`` most probable configurations: exact probability and sample frequency.

    Attributes:
        states: ``(k, N)`` configurations, most probable first.
        exact: ``(k,)`` exact probabilities ``|ψ(σ)|^p / Σ |ψ|^p``.
        frequencies: ``(k,)`` fraction of the samples equal to each configuration.
        other_exact: probability of every other configuration together.
        other_frequency: fraction of the samples that are none of the ``k``.
        n_samples: number of samples.
    """

    states: np.ndarray
    exact: np.ndarray
    frequencies: np.ndarray
    other_exact: float
    other_frequency: float
    n_samples: int


def sample_histogram(samples, states, probabilities, top_k: int = 16) -> SampleHistogram:
    """Count ``samples`` ``(n, N)`` over the ``top_k`` most probable of ``states``
    ``(n_states, N)`` (with their exact ``probabilities``, e.g. an `ExactState`'s).

    Example:
        >>> import numpy as np
        >>> states = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
        >>> samples = np.array([[1.0, -1.0], [1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]])
        >>> h = sample_histogram(samples, states, np.array([0.1, 0.6, 0.2, 0.1]), top_k=2)
        >>> h.states.tolist(), h.exact.tolist(), h.frequencies.tolist()
        ([[1.0, -1.0], [-1.0, 1.0]], [0.6, 0.2], [0.5, 0.0])
        >>> round(h.other_exact, 12), h.other_frequency
        (0.2, 0.5)
    """
    samples = np.asarray(samples, dtype=np.float64)
    states = np.asarray(states, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if samples.ndim != 2 or states.ndim != 2 or samples.shape[1] != states.shape[1]:
        raise ValueError(
            f"samples: expected (n, {states.shape[-1]}) configurations, got {samples.shape}"
        )
    if len(samples) == 0:
        raise ValueError("samples: need at least one sample")
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    order = np.argsort(-probabilities, kind="stable")[: min(top_k, len(states))]
    index = {row.tobytes(): k for k, row in enumerate(states[order])}
    counts = np.zeros(len(order))
    for row in samples:
        k = index.get(row.tobytes())
        if k is not None:
            counts[k] += 1
    exact = probabilities[order]
    frequencies = counts / len(samples)
    return SampleHistogram(
        states=states[order],
        exact=exact,
        frequencies=frequencies,
        other_exact=float(max(0.0, 1.0 - exact.sum())),
        other_frequency=float(1.0 - frequencies.sum()),
        n_samples=len(samples),
    )
