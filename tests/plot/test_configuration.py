"""draw_configuration and draw_samples: colours and markers say each site's local state."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle

from nqs_explorer.plot import draw_configuration, draw_samples, set_configuration
from nqs_explorer.plot._style import DOWN_COLOR, UP_COLOR

from ._support import make_lattice, one, plane


def _marker_vertices(marker):
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform()).vertices


def _assert_spins(sites, sigma):
    """Up sites are vermillion triangles up, down sites blue triangles down."""
    expected = np.where((sigma > 0)[:, None], to_rgba(UP_COLOR), to_rgba(DOWN_COLOR))
    np.testing.assert_allclose(sites.get_facecolors(), expected)
    for path, s in zip(sites.get_paths(), sigma):
        np.testing.assert_allclose(path.vertices, _marker_vertices("^" if s > 0 else "v"))


def test_spins_sit_on_the_lattice_with_their_colours(any_lattice, rng):
    sigma = rng.choice([-1.0, 1.0], size=any_lattice.n_nodes)
    fig = draw_configuration(any_lattice, sigma)
    sites = one(fig, "sites")
    np.testing.assert_allclose(sites.get_offsets(), plane(any_lattice.positions))
    assert sites.get_picker() is True
    _assert_spins(sites, sigma)
    bonds = one(fig, "bonds")
    edges, _ = any_lattice.bond_vectors(1)
    assert len(bonds.get_segments()) <= len(edges)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["σ = −1", "σ = +1"]


@pytest.mark.parametrize(
    "local_states", [[1.0, -1.0], [-1.0, 1.0]], ids=["new-ordering", "inverted-ordering"]
)
def test_up_is_up_in_both_orderings(local_states):
    """+1 is ↑ (vermillion ▲, legend "σ = +1" with ▲) whichever order the Hilbert space has."""
    lattice = make_lattice("Chain-obc")
    sigma = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0])
    fig = draw_configuration(lattice, sigma, local_states=local_states, legend=True)
    _assert_spins(one(fig, "sites"), sigma)
    handles = fig.axes[0].get_legend().legend_handles
    by_label = {h.get_label(): h for h in handles}
    assert set(by_label) == {"σ = +1", "σ = −1"}
    assert by_label["σ = +1"].get_marker() == "^"
    np.testing.assert_allclose(to_rgba(by_label["σ = +1"].get_markerfacecolor()), to_rgba(UP_COLOR))
    assert by_label["σ = −1"].get_marker() == "v"


def test_all_up_is_still_drawn_as_spin_half():
    lattice = make_lattice("Square-obc")
    fig = draw_configuration(lattice, np.ones(lattice.n_nodes), legend=True)
    _assert_spins(one(fig, "sites"), np.ones(lattice.n_nodes))
    assert len(fig.axes[0].get_legend().get_texts()) == 2


def test_spin_one_uses_three_ordered_colours():
    lattice = make_lattice("Chain-obc")
    sigma = np.array([-2.0, 0.0, 2.0, 0.0, -2.0, 2.0, 2.0])
    fig = draw_configuration(lattice, sigma, local_states=[2, 0, -2])
    colors = one(fig, "sites").get_facecolors()
    # same state, same colour; three distinct colours, darkest for the lowest state
    assert np.allclose(colors[0], colors[4])
    assert np.allclose(colors[1], colors[3])
    assert len({tuple(c) for c in np.round(colors, 6)}) == 3
    lightness = colors[:, :3].sum(axis=1)
    assert lightness[0] < lightness[1] < lightness[2]
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["σ = −2", "σ = 0", "σ = +2"]


def test_indices_and_highlight_and_given_axes():
    lattice = make_lattice("Triangular-obc")
    sigma = np.resize([1.0, -1.0], lattice.n_nodes)
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_configuration(lattice, sigma, ax, show_indices=True, highlight=[2]) is fig
    texts = [one(fig, f"site-label-{i}").get_text() for i in range(lattice.n_nodes)]
    assert texts == [str(i) for i in range(lattice.n_nodes)]
    np.testing.assert_allclose(one(fig, "highlight").get_offsets(), lattice.positions[[2]])


def test_bad_configurations_are_refused():
    lattice = make_lattice("Square-pbc")
    with pytest.raises(ValueError, match="5 entries per configuration but the lattice has 16"):
        draw_configuration(lattice, np.ones(5))
    sigma = np.ones(16)
    sigma[3] = np.nan
    with pytest.raises(ValueError, match="non-finite values"):
        draw_configuration(lattice, sigma)
    sigma[3] = np.inf
    with pytest.raises(ValueError, match="non-finite values"):
        draw_configuration(lattice, sigma)
    with pytest.raises(ValueError, match=r"values \[0\.5\] are not among the local states"):
        draw_configuration(lattice, np.r_[np.ones(15), 0.5], local_states=[-1, 1])
    with pytest.raises(ValueError, match=r"must have shape \(16,\)"):
        draw_configuration(lattice, np.ones((2, 16)))
    with pytest.raises(TypeError, match="must be real"):
        draw_configuration(lattice, np.ones(16, complex))
    with pytest.raises(ValueError, match="distinct"):
        draw_configuration(lattice, np.ones(16), local_states=[1, 1])


def test_samples_gallery_has_one_titled_panel_per_sample(rng):
    lattice = make_lattice("Kagome-pbc")
    samples = rng.choice([-1.0, 1.0], size=(20, lattice.n_nodes))
    log_probs = rng.normal(size=20)
    fig = draw_samples(lattice, samples, log_probs=log_probs, max_samples=6)
    assert len(fig.axes) == 6
    assert fig.get_suptitle() == "first 6 of 20 samples"
    for k, ax in enumerate(fig.axes):
        assert ax.get_title() == f"sample {k}\nlog p = {log_probs[k]:.3g}"
        sites = one(ax, "sites")
        np.testing.assert_allclose(sites.get_offsets(), lattice.positions)
        _assert_spins(sites, samples[k])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["σ = −1", "σ = +1"]


def test_samples_fill_a_given_figure_and_validate(rng):
    lattice = make_lattice("Chain-pbc")
    fig = Figure()
    fig.add_subplot().plot([0, 1])
    samples = rng.choice([-1.0, 1.0], size=(3, 7))
    assert draw_samples(lattice, samples, fig=fig, ncols=3) is fig
    assert len(fig.axes) == 3  # the old axes was cleared away
    assert fig.get_suptitle() == "3 samples"
    assert [ax.get_title() for ax in fig.axes] == ["sample 0", "sample 1", "sample 2"]
    with pytest.raises(ValueError, match="non-finite"):
        draw_samples(lattice, samples, log_probs=[0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"log_probs must have shape \(3,\)"):
        draw_samples(lattice, samples, log_probs=[0.0])
    with pytest.raises(ValueError, match="samples is empty"):
        draw_samples(lattice, np.zeros((0, 7)))
    with pytest.raises(ValueError, match="max_samples must be a positive integer"):
        draw_samples(lattice, samples, max_samples=0)
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        draw_samples(lattice, samples, ncols=0)
    with pytest.raises(TypeError, match="must be a matplotlib Figure"):
        draw_samples(lattice, samples, fig="figure")
    bad = samples.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"samples contains non-finite values .* \(1, 2\)"):
        draw_samples(lattice, bad)


def test_set_configuration_repaints_in_place(rng):
    lattice = make_lattice("Honeycomb-pbc")
    sigma = rng.choice([-1.0, 1.0], size=lattice.n_nodes)
    fig = draw_configuration(lattice, sigma)
    sites = one(fig, "sites")
    flipped = sigma.copy()
    flipped[4] *= -1
    set_configuration(sites, flipped)
    assert one(fig, "sites") is sites
    _assert_spins(sites, flipped)
    with pytest.raises(ValueError, match="3 entries per configuration but the lattice has 18"):
        set_configuration(sites, np.ones(3))
    with pytest.raises(ValueError, match="non-finite"):
        set_configuration(sites, np.full(lattice.n_nodes, np.nan))
    with pytest.raises(TypeError, match="'sites' PathCollection"):
        set_configuration(fig.axes[0], flipped)
