"""draw_lattice: the figure carries the lattice's positions, bonds, images and cell."""

import types

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.path import Path

import nqs_explorer.graph as graph
from nqs_explorer.plot import draw_lattice
from nqs_explorer.plot._style import SUBLATTICE_COLORS

from ._support import by_gid, make_lattice, one, plane


def _segments(fig, gid):
    found = by_gid(fig, gid)
    return np.zeros((0, 2, 2)) if not found else np.array(found[0].get_segments())


def _segment_set(segments):
    return {tuple(np.round(np.sort(s, axis=0).ravel(), 8)) for s in segments}


def test_sites_are_the_lattice_positions_in_site_order(any_lattice):
    fig = draw_lattice(any_lattice)
    sites = one(fig, "sites")
    np.testing.assert_allclose(sites.get_offsets(), plane(any_lattice.positions), atol=1e-12)
    assert sites.get_picker() is True
    expected = [to_rgba(SUBLATTICE_COLORS[s]) for s in any_lattice.sublattice]
    np.testing.assert_allclose(sites.get_facecolors(), expected)
    labels = [one(fig, f"site-label-{i}").get_text() for i in range(any_lattice.n_nodes)]
    assert labels == [str(i) for i in range(any_lattice.n_nodes)]
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0


def test_every_edge_is_drawn_once_and_wrapping_ones_towards_images(any_lattice):
    edges, disp = any_lattice.bond_vectors(1)
    pos = plane(any_lattice.positions)
    disp = plane(disp)
    wraps = ~np.all(np.isclose(pos[edges[:, 0]] + disp, pos[edges[:, 1]]), axis=1)
    fig = draw_lattice(any_lattice)
    direct, images = _segments(fig, "bonds"), _segments(fig, "image-bonds")
    assert len(direct) == (~wraps).sum()
    assert len(images) == 2 * wraps.sum()
    assert len(direct) + len(images) // 2 == len(edges)
    # a direct segment joins two sites; an image segment starts at a site and ends elsewhere
    site_points = {tuple(np.round(p, 8)) for p in pos}
    for seg in direct:
        assert {tuple(np.round(p, 8)) for p in seg} <= site_points
    for start, end in images:
        assert tuple(np.round(start, 8)) in site_points
        assert tuple(np.round(end, 8)) not in site_points
    if not any(any_lattice.pbc):
        assert len(images) == 0


@pytest.mark.parametrize(
    ("periodic", "open_"),
    [
        (graph.Chain(6), graph.Chain(6, pbc=False)),
        (graph.Square(4), graph.Square(4, pbc=False)),
        (graph.Triangular((3, 4)), graph.Triangular((3, 4), pbc=False)),
        (graph.Honeycomb((3, 3)), graph.Honeycomb((3, 3), pbc=False)),
        (graph.Kagome((3, 3)), graph.Kagome((3, 3), pbc=False)),
    ],
    ids=["Chain", "Square", "Triangular", "Honeycomb", "Kagome"],
)
def test_direct_bonds_of_a_periodic_lattice_are_those_of_the_open_one(periodic, open_):
    direct = _segment_set(_segments(draw_lattice(periodic), "bonds"))
    expected = _segment_set(_segments(draw_lattice(open_), "bonds"))
    assert direct == expected
    assert len(expected) == len(open_.edges(1)) > 0


def test_images_are_labelled_with_the_site_they_copy(any_lattice):
    fig = draw_lattice(any_lattice)
    images = by_gid(fig, "images")
    if not any(any_lattice.pbc):
        assert len(images[0].get_offsets()) == 0
        return
    pos = plane(any_lattice.positions)
    periods = plane(np.asarray(any_lattice.basis_vectors) * np.asarray(any_lattice.extent)[:, None])
    texts = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("image-label-")]
    assert len(texts) == len(images[0].get_offsets()) > 0
    for text in texts:
        site = int(text.get_text())
        assert text.get_gid() == f"image-label-{site}"
        shift = np.asarray(text.get_position()) - pos[site]
        # the image differs from its site by a whole period of the lattice
        coeffs = np.linalg.lstsq(periods.T, shift, rcond=None)[0]
        np.testing.assert_allclose(periods.T @ coeffs, shift, atol=1e-9)
        np.testing.assert_allclose(coeffs, np.round(coeffs), atol=1e-9)
        assert np.abs(np.round(coeffs)).sum() >= 1


def test_unit_cell_holds_the_sites_of_cell_zero_and_arrows_are_basis_vectors(any_lattice):
    fig = draw_lattice(any_lattice)
    cell = one(fig, "unit-cell")
    path = Path(cell.get_xy())
    pos = plane(any_lattice.positions)
    in_cell0 = np.all(np.asarray(any_lattice.cell_coords) == 0, axis=1)
    assert path.contains_points(pos[in_cell0]).all()
    assert not path.contains_points(pos[~in_cell0], radius=-1e-9).any()
    basis = plane(any_lattice.basis_vectors)
    for i, vec in enumerate(basis):
        arrow = one(fig, f"basis-vector-{i}")
        np.testing.assert_allclose(np.subtract(arrow.xy, arrow.xyann), vec, atol=1e-12)
    assert by_gid(fig, f"basis-vector-{len(basis)}") == []


def test_chain_is_drawn_on_a_line():
    fig = draw_lattice(make_lattice("Chain-pbc"))
    assert np.all(one(fig, "sites").get_offsets()[:, 1] == 0.0)
    assert np.all(_segments(fig, "image-bonds")[:, :, 1] == 0.0)
    width, height = fig.get_size_inches()
    assert width > 2 * height


def test_options_remove_images_cell_and_labels():
    lattice = make_lattice("Square-pbc")
    fig = draw_lattice(lattice, show_images=False, show_cell=False, show_indices=False, title="")
    assert by_gid(fig, "image-bonds") == []
    assert by_gid(fig, "images") == []
    assert by_gid(fig, "unit-cell") == []
    assert by_gid(fig, "basis-vector-0") == []
    assert len(fig.axes[0].texts) == 0
    assert fig.axes[0].get_title() == ""
    assert len(_segments(fig, "bonds")) == 24  # only the open bonds of the 4x4 square


def test_highlight_rings_the_given_sites():
    lattice = make_lattice("Honeycomb-obc")
    fig = draw_lattice(lattice, highlight=[0, 5])
    ring = one(fig, "highlight")
    np.testing.assert_allclose(ring.get_offsets(), lattice.positions[[0, 5]])
    mask = np.zeros(lattice.n_nodes, bool)
    mask[3] = True
    np.testing.assert_allclose(
        one(draw_lattice(lattice, highlight=mask), "highlight").get_offsets(),
        lattice.positions[[3]],
    )
    with pytest.raises(ValueError, match=r"outside 0\.\.11"):
        draw_lattice(lattice, highlight=[12])
    with pytest.raises(ValueError, match="mask must have shape"):
        draw_lattice(lattice, highlight=np.ones(3, bool))


def test_draws_into_a_given_axes_and_titles_the_lattice():
    fig = Figure(figsize=(8, 4))
    ax1, ax2 = fig.subplots(1, 2)
    out = draw_lattice(make_lattice("Triangular-pbc"), ax=ax2)
    assert out is fig
    assert len(ax1.collections) == 0
    assert len(ax2.collections) > 0
    assert ax2.get_title() == "Triangular 3×3, periodic"
    assert draw_lattice(make_lattice("Grid-mixed")).axes[0].get_title() == (
        "Grid 4×3, periodic in x"
    )


def test_a_click_on_a_site_picks_its_index():
    lattice = make_lattice("Kagome-obc")
    fig = draw_lattice(lattice)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    sites = one(fig, "sites")
    ax = fig.axes[0]
    for k in (0, 5, lattice.n_nodes - 1):
        x, y = ax.transData.transform(lattice.positions[k])
        hit, info = sites.contains(MouseEvent("button_press_event", canvas, x, y, button=1))
        assert hit
        assert list(info["ind"]) == [k]


def test_bad_lattices_are_refused():
    with pytest.raises(TypeError, match=r"expected an nqs_explorer\.graph\.Lattice"):
        draw_lattice(np.zeros((3, 2)))
    cube = types.SimpleNamespace(
        positions=np.zeros((8, 3)),
        bond_vectors=None,
        basis_vectors=np.eye(3),
        site_offsets=np.zeros((1, 3)),
        ndim=3,
        n_nodes=8,
        cell_coords=np.zeros((8, 3)),
        sublattice=np.zeros(8),
    )
    with pytest.raises(ValueError, match="only 1D and 2D lattices"):
        draw_lattice(cube)
    with pytest.raises(TypeError, match="must be a matplotlib Axes"):
        draw_lattice(make_lattice("Chain-obc"), ax="not an axes")
