"""draw_orbit_gallery and draw_terms: panels, phases and the arrows of the sum."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.quiver import Quiver

import nqs_explorer.graph as graph
from nqs_explorer.plot import draw_orbit_gallery, draw_terms, phase_colormap
from nqs_explorer.plot._style import format_phase
from nqs_explorer.plot._terms import update_terms

from ._support import by_gid, make_lattice, one


def arrow_ends(arrows: Quiver) -> tuple[np.ndarray, np.ndarray]:
    """Tails and heads ``(n, 2)`` of a quiver whose arrows are drawn in data units."""
    # angles/scale in data units: arrow k is drawn from (X, Y) to (X + U, Y + V) exactly
    assert (arrows.angles, arrows.scale_units, arrows.scale, arrows.pivot) == (
        "xy",
        "xy",
        1.0,
        "tail",
    )
    tails = np.column_stack([arrows.X, arrows.Y])
    return tails, tails + np.column_stack([arrows.U, arrows.V])


def _orbit(lattice, sigma, character_id, weights):
    """T_g σ and the terms χ_g ψ(T_g σ)/|G| of a toy log ψ(σ) = w·σ."""
    group = lattice.translation_group()
    configs = np.asarray(group.apply(sigma))
    chi = group.characters(character_id)
    terms = chi * np.exp(configs @ weights) / len(group)
    return group, configs, terms


def test_gallery_panels_show_every_element_with_its_term(rng):
    lattice = make_lattice("Square-pbc")
    sigma = rng.choice([-1.0, 1.0], size=lattice.n_nodes)
    weights = 0.3 * rng.normal(size=lattice.n_nodes) + 0.2j * rng.normal(size=lattice.n_nodes)
    group, configs, terms = _orbit(lattice, sigma, 3, weights)
    names = list(group.element_names)
    fig = draw_orbit_gallery(lattice, configs, terms, names, stabilizer=group.stabilizer(sigma))
    panels = [ax for ax in fig.axes if ax.get_gid() != "terms" and by_gid(ax, "sites")]
    assert len(panels) == len(group) == 16
    frames = by_gid(fig, "phase-frame")
    assert len(frames) == 16
    for k, ax in enumerate(panels):
        head, detail = ax.get_title().split("\n")
        assert head.startswith(names[k])
        assert head.endswith("∈ Stab") == (k in set(group.stabilizer(sigma)))
        assert detail == f"|term| = {abs(terms[k]):.3g}, arg = {format_phase(np.angle(terms[k]))}"
        np.testing.assert_array_equal(
            one(ax, "sites").get_facecolors()[:, 0] > 0.5, configs[k] > 0
        )  # vermillion (up) has a large red channel, blue (down) a small one
        expected = phase_colormap()((np.angle(terms[k]) + np.pi) / (2 * np.pi))
        np.testing.assert_allclose(one(ax, "phase-frame").get_edgecolor(), expected)
    terms_ax = one(fig, "terms")
    np.testing.assert_allclose(one(terms_ax, "sum").xy, (terms.sum().real, terms.sum().imag))
    assert len(fig.axes) == 16 + 1  # the panels and the complex plane
    assert len(terms_ax.child_axes) == 1  # the phase colour bar
    assert fig.get_suptitle().startswith("orbit of σ: 16 distinct configurations")


def test_gallery_without_terms_and_with_a_panel_limit(rng):
    lattice = make_lattice("Honeycomb-pbc")
    group = lattice.translation_group()
    configs = np.asarray(group.apply(rng.choice([-1.0, 1.0], size=lattice.n_nodes)))
    fig = draw_orbit_gallery(lattice, configs, max_panels=4)
    assert [ax.get_title() for ax in fig.axes] == ["g = 0", "g = 1", "g = 2", "g = 3"]
    assert by_gid(fig, "terms") == []
    assert "(first 4 panels shown)" in fig.get_suptitle()


def test_forced_zero_shows_as_cancelling_terms():
    # σ = (+,-,+,-) on a 4-chain: stabilizer {Id, T(2)}; for k = 1/4, χ(T(2)) = -1
    chain = graph.Chain(4)
    sigma = np.array([1.0, -1.0, 1.0, -1.0])
    group, configs, terms = _orbit(chain, sigma, 1, np.array([0.1, 0.2, 0.3, 0.4]))
    assert abs(terms.sum()) < 1e-15
    fig = draw_orbit_gallery(chain, configs, terms, group.element_names)
    terms_ax = one(fig, "terms")
    assert terms_ax.get_title() == "Σ ≈ 0: the terms cancel"
    ring = one(terms_ax, "sum")
    assert isinstance(ring, Line2D)
    np.testing.assert_allclose(np.ravel(ring.get_xydata()), [0.0, 0.0], atol=1e-15)


def test_terms_are_arrows_head_to_tail_ending_at_the_sum(rng):
    terms = rng.normal(size=6) + 1j * rng.normal(size=6)
    fig = draw_terms(terms, labels=[f"g{k}" for k in range(6)])
    ax = fig.axes[0]
    ends = np.cumsum(terms)
    starts = np.r_[0.0, ends[:-1]]
    tails, heads = arrow_ends(one(ax, "term-arrows"))
    np.testing.assert_allclose(tails, np.column_stack([starts.real, starts.imag]))
    np.testing.assert_allclose(heads, np.column_stack([ends.real, ends.imag]))
    expected = phase_colormap()((np.angle(terms) + np.pi) / (2 * np.pi))
    np.testing.assert_allclose(one(ax, "term-arrows").get_facecolors(), expected)
    for k in range(6):
        assert one(ax, f"term-label-{k}").get_text() == f"g{k}"
    total = one(ax, "sum")
    np.testing.assert_allclose(total.xy, (terms.sum().real, terms.sum().imag))
    np.testing.assert_allclose(total.xyann, (0.0, 0.0))
    assert ax.get_title() == (
        f"Σ: |Σ| = {abs(terms.sum()):.3g}, arg Σ = {format_phase(np.angle(terms.sum()))}"
    )
    # every arrow lies inside the view
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for z in np.r_[0.0, ends]:
        assert x0 < z.real < x1
        assert y0 < z.imag < y1


def test_terms_from_the_origin_into_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    terms = np.array([1.0, 1j, -0.5])
    assert draw_terms(terms, ax, style="origin", title="") is fig
    tails, heads = arrow_ends(one(ax, "term-arrows"))
    np.testing.assert_allclose(tails, np.zeros((3, 2)))
    np.testing.assert_allclose(heads, np.column_stack([terms.real, terms.imag]))


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        (np.array([1.0, np.nan]), "terms contains non-finite values"),
        (np.array([1.0, complex(0, np.inf)]), "terms contains non-finite values"),
        (np.zeros(0), "terms is empty"),
        (np.zeros((2, 2)), "terms must have 1 axes"),
    ],
    ids=["nan", "inf", "empty", "2d"],
)
def test_bad_terms_are_refused(terms, message):
    with pytest.raises(ValueError, match=message):
        draw_terms(terms)


def test_gallery_validates_its_inputs(rng):
    lattice = make_lattice("Square-obc")
    group = make_lattice("Square-pbc").translation_group()
    configs = np.asarray(group.apply(np.ones(16)))
    with pytest.raises(ValueError, match=r"one entry per orbit configuration, shape \(16,\)"):
        draw_orbit_gallery(lattice, configs, np.ones(3))
    with pytest.raises(ValueError, match="element_names has 2 entries, expected 16"):
        draw_orbit_gallery(lattice, configs, element_names=["a", "b"])
    with pytest.raises(ValueError, match="non-finite"):
        draw_orbit_gallery(lattice, configs, np.r_[np.ones(15), np.nan])
    with pytest.raises(ValueError, match="orbit_configs has 9 entries per configuration"):
        draw_orbit_gallery(lattice, np.ones((2, 9)))
    with pytest.raises(ValueError, match="style must be 'chain' or 'origin'"):
        draw_terms([1.0], style="spiral")


def test_real_terms_are_drawn_one_row_each(rng):
    terms = rng.normal(size=5)
    names = ["Id", "Rot(90°)", "Rot(180°)", "Refl(0°)", "Refl(90°)"]
    fig = draw_terms(terms, labels=names)
    ax = fig.axes[0]
    ends = np.cumsum(terms)
    starts = np.r_[0.0, ends[:-1]]
    tails, heads = arrow_ends(one(ax, "term-arrows"))
    rows = -np.arange(1, 6)
    np.testing.assert_allclose(tails, np.column_stack([starts, rows]))
    np.testing.assert_allclose(heads, np.column_stack([ends, rows]))
    np.testing.assert_allclose(one(ax, "sum").xy, (terms.sum(), 0.0))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Σ", *names]


def test_gallery_fills_a_given_subfigure(rng):
    lattice = make_lattice("Square-pbc")
    group = lattice.translation_group()
    configs = np.asarray(group.apply(rng.choice([-1.0, 1.0], size=16)))
    terms = group.characters(5) * np.exp(configs @ (0.1 * rng.normal(size=16))) / 16
    fig = Figure(figsize=(12, 5))
    left, right = fig.subfigures(1, 2, width_ratios=[1, 2])
    assert draw_orbit_gallery(lattice, configs, terms, fig=right) is fig
    panels = [ax for ax in right.axes if by_gid(ax, "sites")]
    assert len(panels) == 16
    assert left.axes == []
    # the panels tile the subfigure without overlapping
    boxes = [ax.get_position() for ax in panels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert (
                a.x1 <= b.x0 + 1e-9
                or b.x1 <= a.x0 + 1e-9
                or a.y1 <= b.y0 + 1e-9
                or (b.y1 <= a.y0 + 1e-9)
            )


def _terms_picture(ax) -> dict:
    """What a terms drawing shows: arrows, colours, sum, labels, title, framing."""
    tails, heads = arrow_ends(one(ax, "term-arrows"))
    total = one(ax, "sum")
    return dict(
        tails=tails,
        heads=heads,
        colors=one(ax, "term-arrows").get_facecolors(),
        sum=np.ravel(total.get_xydata()) if isinstance(total, Line2D) else np.array(total.xy),
        labels=sorted(
            (a.get_gid(), a.get_text())
            for a in ax.get_children()
            if (a.get_gid() or "").startswith("term-label-")
        ),
        title=ax.get_title(),
        xlim=ax.get_xlim(),
        ylim=ax.get_ylim(),
        aspect=ax.get_aspect(),
        yticks=[t.get_text() for t in ax.get_yticklabels()],
        ylabel=ax.get_ylabel(),
        xlabel=ax.get_xlabel(),
        lines=sorted(
            (tuple(np.ravel(line.get_xydata())) for line in by_gid(ax, "axis-line")),
        ),
    )


def test_update_terms_in_place_draws_what_a_fresh_drawing_draws(rng):
    complex_terms = rng.normal(size=6) + 1j * rng.normal(size=6)
    real_terms = rng.normal(size=6)
    cancelling = np.array([1.0, 1j, -1.0, -1j, 0.5, -0.5])
    names = [f"g{k}" for k in range(6)]
    fig = Figure(figsize=(5, 4))
    ax = fig.add_axes((0.2, 0.15, 0.6, 0.7))
    draw_terms(complex_terms, ax, labels=names)
    ax.inset_axes((1.05, 0.0, 0.05, 1.0), gid="kept")  # e.g. a colour bar: must stay
    # complex -> real (rows) -> cancelling (ring) -> complex again, in place
    for terms in (real_terms, cancelling, 2.0 * complex_terms):
        update_terms(ax, terms, labels=names)
        fresh = Figure(figsize=(5, 4)).add_axes((0.2, 0.15, 0.6, 0.7))
        draw_terms(terms, fresh, labels=names)
        mine, theirs = _terms_picture(ax), _terms_picture(fresh)
        assert mine.keys() == theirs.keys()
        for key in mine:
            if isinstance(mine[key], np.ndarray):
                np.testing.assert_allclose(mine[key], theirs[key], err_msg=key)
            else:
                assert mine[key] == theirs[key], key
        assert [c.get_gid() for c in ax.child_axes] == ["kept"]
        assert len(by_gid(ax, "term-arrows")) == 1  # replaced, not accumulated
    # the numbers of the y axis come back once the row labels go
    update_terms(ax, complex_terms)
    fig.canvas.draw()
    assert all(t.get_text() not in names for t in ax.get_yticklabels())


@pytest.mark.parametrize("name", ["Chain-pbc", "Square-pbc", "Kagome-obc"])
def test_gallery_sizes_without_drawing(name, rng):
    from nqs_explorer.plot import draw_samples
    from nqs_explorer.plot._gallery import samples_gallery_size
    from nqs_explorer.plot._orbit import orbit_gallery_size

    lattice = make_lattice(name)
    configs = rng.choice([-1.0, 1.0], size=(11, lattice.n_nodes))
    terms = rng.normal(size=11) + 1j * rng.normal(size=11)
    for shown, with_terms in ((8, True), (11, False), (3, True)):
        fig = draw_orbit_gallery(lattice, configs, terms if with_terms else None, max_panels=shown)
        assert orbit_gallery_size(lattice, shown, with_terms=with_terms) == pytest.approx(
            tuple(fig.get_size_inches())
        )
    for shown, log_probs in ((5, None), (11, -rng.uniform(size=11))):
        fig = draw_samples(lattice, configs, log_probs=log_probs, max_samples=shown)
        expected = samples_gallery_size(lattice, shown, with_log_probs=log_probs is not None)
        assert expected == pytest.approx(tuple(fig.get_size_inches()))
