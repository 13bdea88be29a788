"""draw_conditionals: colours are the probabilities; site, receptive field, order marked."""

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from nqs_explorer.plot import draw_conditionals
from nqs_explorer.plot._conditionals import UNSAMPLED_ALPHA, update_conditionals

from ._support import make_lattice, one, plane


def _conditionals(rng, n, local_size=2):
    p = rng.uniform(0.05, 1.0, size=(n, local_size))
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", ["Chain-obc", "Square-pbc", "Honeycomb-obc", "Kagome-pbc"])
def test_sites_are_coloured_by_probability_and_faded_after_the_current_one(name, rng):
    lattice = make_lattice(name)
    n = lattice.n_nodes
    probs = _conditionals(rng, n)
    site = n // 2
    field = np.arange(n) < site  # a fully connected AR model sees every earlier site
    fig = draw_conditionals(lattice, probs, site, receptive_field=field)
    sites = one(fig, "sites")
    np.testing.assert_allclose(sites.get_offsets(), plane(lattice.positions))
    # no local states given: NetKet's spin-1/2 order (+1, −1); the default shows ↑ = column 0
    expected = mpl.colormaps["cividis"](probs[:, 0])
    expected[site + 1 :, 3] = UNSAMPLED_ALPHA
    np.testing.assert_allclose(sites.get_facecolors(), expected)
    np.testing.assert_allclose(
        one(fig, "current-site").get_offsets(), plane(lattice.positions)[[site]]
    )
    np.testing.assert_allclose(
        one(fig, "receptive-field").get_offsets(), plane(lattice.positions)[field]
    )
    assert sites.get_picker() is True
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [f"current site {site}", "receptive field", "not yet sampled"]
    assert fig.axes[0].get_title() == f"conditionals p(σ_i = +1 | σ_<i), sampling site {site}"


def test_other_local_state_and_one_dimensional_probabilities(rng):
    lattice = make_lattice("Chain-pbc")
    probs = _conditionals(rng, 7, local_size=3)
    fig = draw_conditionals(
        lattice, probs, 0, local_state_index=0, local_states=[-2, 0, 2], show_values=True
    )
    colors = one(fig, "sites").get_facecolors()
    np.testing.assert_allclose(colors[:, :3], mpl.colormaps["cividis"](probs[:, 0])[:, :3])
    assert "p(σ_i = −2 | σ_<i)" in fig.axes[0].get_title()
    assert one(fig, "value-3").get_text() == f"{probs[3, 0]:.2f}"
    fig = draw_conditionals(lattice, probs[:, 1], 6, receptive_field=[5])
    np.testing.assert_allclose(
        one(fig, "sites").get_facecolors()[:, :3], mpl.colormaps["cividis"](probs[:, 1])[:, :3]
    )
    np.testing.assert_allclose(one(fig, "receptive-field").get_offsets(), [[5.0, 0.0]])


@pytest.mark.parametrize("s", [0.5, 1], ids=["s=1/2", "s=1"])
def test_default_state_is_up_in_both_orderings(s, rng):
    """The same conditionals in either column order draw the same map of p(σ_i = ↑)."""
    lattice = make_lattice("Chain-pbc")
    two_s = round(2 * s)
    descending = np.arange(two_s, -two_s - 1, -2, dtype=float)
    probs = _conditionals(rng, 7, local_size=two_s + 1)
    new = draw_conditionals(lattice, probs, 3, local_states=descending)
    old = draw_conditionals(lattice, probs[:, ::-1], 3, local_states=descending[::-1])
    np.testing.assert_allclose(
        one(new, "sites").get_facecolors(), one(old, "sites").get_facecolors()
    )
    up = "+1" if s == 0.5 else "+2"
    for fig in (new, old):
        assert f"p(σ_i = {up} | σ_<i)" in fig.axes[0].get_title()
        colorbar = fig.axes[0].child_axes[0]
        assert colorbar.get_ylabel() == f"p(σ_i = {up} | σ_<i)"
    expected = mpl.colormaps["cividis"](probs[:, 0])
    np.testing.assert_allclose(one(new, "sites").get_facecolors()[:4, :3], expected[:4, :3])


def test_bad_conditionals_are_refused(rng):
    lattice = make_lattice("Square-obc")
    probs = _conditionals(rng, 16)
    with pytest.raises(ValueError, match="probs has 9 rows but the lattice has 16 sites"):
        draw_conditionals(lattice, probs[:9], 0)
    bad = probs.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="probs contains non-finite values"):
        draw_conditionals(lattice, bad, 0)
    bad[4, 1] = 1.5
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        draw_conditionals(lattice, bad, 0)
    with pytest.raises(ValueError, match=r"site must be an integer in 0\.\.15"):
        draw_conditionals(lattice, probs, 16)
    with pytest.raises(ValueError, match=r"local_state_index must be in -2\.\.1"):
        draw_conditionals(lattice, probs, 0, local_state_index=2)
    with pytest.raises(ValueError, match=r"receptive_field mask must have shape \(16,\)"):
        draw_conditionals(lattice, probs, 0, receptive_field=np.ones(4, bool))
    with pytest.raises(ValueError, match="local_states must have 2 entries"):
        draw_conditionals(lattice, probs, 0, local_states=[1, 2, 3])
    with pytest.raises(TypeError, match="must be real probabilities"):
        draw_conditionals(lattice, probs.astype(complex), 0)


def _map_picture(ax) -> dict:
    """What a conditional map shows (everything but the bonds and the colour bar)."""
    picture = {
        gid: (a.get_offsets().copy(), a.get_facecolors().copy(), a.get_edgecolors().copy())
        for a in ax.collections
        if (gid := a.get_gid()) in ("sites", "receptive-field", "current-site")
    }
    picture["values"] = sorted(
        (a.get_gid(), a.get_text(), a.get_color())
        for a in ax.texts
        if (a.get_gid() or "").startswith("value-")
    )
    picture["legend"] = [t.get_text() for t in ax.get_legend().get_texts()]
    picture["title"] = ax.get_title()
    return picture


def test_update_conditionals_in_place_draws_what_a_fresh_drawing_draws(rng):
    lattice = make_lattice("Square-obc")
    n = lattice.n_nodes
    fig = Figure(figsize=(4.2, 3.8))
    ax = fig.add_subplot()
    draw_conditionals(lattice, _conditionals(rng, n), 3, ax=ax, receptive_field=[0, 1, 2])
    colorbar = ax.child_axes
    for site, field in ((0, None), (9, np.arange(n) < 9), (15, [14])):
        probs = _conditionals(rng, n)
        update_conditionals(ax, lattice, probs, site, receptive_field=field, show_values=True)
        fresh = Figure(figsize=(4.2, 3.8)).add_subplot()
        draw_conditionals(lattice, probs, site, ax=fresh, receptive_field=field, show_values=True)
        mine, theirs = _map_picture(ax), _map_picture(fresh)
        assert mine.keys() == theirs.keys()
        for key in mine:
            if key in ("values", "legend", "title"):
                assert mine[key] == theirs[key], key
            else:
                for a, b in zip(mine[key], theirs[key]):
                    np.testing.assert_allclose(a, b, err_msg=key)
        assert ax.child_axes == colorbar  # the colour bar stays, nothing accumulates
        assert len([c for c in ax.collections if c.get_gid() == "sites"]) == 1
    with pytest.raises(ValueError, match="no colour bar"):
        update_conditionals(ax, lattice, probs, 0, local_state_index=1)


def test_never_seen_sites_are_crossed_and_more_layers_dashed(rng):
    lattice = make_lattice("Square-obc")
    n = lattice.n_nodes
    probs = _conditionals(rng, n)
    fig = draw_conditionals(
        lattice, probs, 5, receptive_field=[0, 1, 2, 4], never_seen=[3], not_yet=[]
    )
    np.testing.assert_allclose(one(fig, "never-seen").get_offsets(), lattice.positions[[3]])
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "not-yet-seen"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [
        "current site 5",
        "receptive field",
        "not yet sampled",
        "never seen (any depth)",
    ]
    # in place: the crosses and dashed rings follow the new site, nothing accumulates
    ax = fig.axes[0]
    update_conditionals(
        ax, lattice, probs, 15, receptive_field=[10, 11, 14], not_yet=[5, 6], never_seen=[]
    )
    assert not [c for c in ax.collections if c.get_gid() == "never-seen"]
    np.testing.assert_allclose(one(fig, "not-yet-seen").get_offsets(), lattice.positions[[5, 6]])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "current site 15",
        "receptive field",
        "not yet sampled",
        "seen with more layers",
    ]
    with pytest.raises(ValueError, match="never_seen has site indices outside"):
        draw_conditionals(lattice, probs, 5, never_seen=[99])
