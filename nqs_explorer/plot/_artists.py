"""Finding the artists the plot layer tagged with gids (what in-place updates change)."""

from __future__ import annotations

import numpy as np


def find_artist(container, gid: str):
    """The first artist with ``gid`` among an Axes' collections, patches, texts and children."""
    for artist in container.get_children():
        if artist.get_gid() == gid:
            return artist
    raise LookupError(f"no artist with gid {gid!r}")


def sites_of(ax):
    """The ``sites`` PathCollection of an Axes drawn by the plot layer."""
    return find_artist(ax, "sites")


def stacked_above(ax, markers) -> list:
    """The artists of ``ax`` drawn over any of the ``markers`` (a scatter collection).

    A blit of ``markers`` must redraw these too (higher z-order, overlapping a marker's
    box), or they would end up beneath the markers.
    """
    renderer = ax.figure.canvas.get_renderer()
    centres = markers.get_offset_transform().transform(markers.get_offsets())
    half = 0.5 * np.sqrt(np.max(markers.get_sizes())) * renderer.points_to_pixels(1.0)
    covered = []
    for other in ax.get_children():
        if other is markers or not other.get_visible():
            continue
        if other.get_zorder() < markers.get_zorder():
            continue
        box = other.get_window_extent(renderer)
        near = (
            (centres[:, 0] + half > box.x0)
            & (centres[:, 0] - half < box.x1)
            & (centres[:, 1] + half > box.y0)
            & (centres[:, 1] - half < box.y1)
        )
        if near.any():
            covered.append(other)
    return covered
