"""The orbit view: clicking sites on the ipympl canvas, the gallery, terms and selection rules."""

import numpy as np
import pytest

from nqs_explorer import compute, plot
from nqs_explorer.plot import find_artist, sites_of
from nqs_explorer.widgets import AppState, OrbitView
from nqs_explorer.widgets._figure import HAS_IPYMPL

from ._support import click_site, site_states, table_rows, text_of


def test_configuration_is_drawn_on_a_clickable_canvas(state):
    view = OrbitView(state)
    if HAS_IPYMPL:
        from ipympl.backend_nbagg import Canvas

        assert isinstance(view.configuration_figure.widget, Canvas)
    ax = view.configuration_figure.figure.axes[0]
    assert sites_of(ax).pickable()
    np.testing.assert_array_equal(site_states(ax), state.configuration)


@pytest.mark.parametrize("site", [0, 4, 8])
def test_clicking_a_site_flips_that_spin(state, site):
    view = OrbitView(state)
    before = state.configuration.copy()
    click_site(view.configuration_figure, site)
    expected = before.copy()
    expected[site] *= -1
    np.testing.assert_array_equal(state.configuration, expected)
    np.testing.assert_array_equal(site_states(view.configuration_figure.figure.axes[0]), expected)
    assert view.state.last_action.label == "Flip site (click)"


def test_buttons_random_and_flip(state):
    view = OrbitView(state)
    before = state.configuration.copy()
    view.random.click()
    assert not np.array_equal(state.configuration, before) or state.config_seed == 1
    view.site.value = 2
    current = state.configuration.copy()
    view.flip.click()
    assert state.configuration[2] == -current[2]


def test_summary_and_terms_table(state):
    view = OrbitView(state)
    orbit = state.orbit()
    summary = text_of(view.summary.value)
    assert f"orbit size |G|/|Stab| = {orbit.orbit_size}" in summary
    assert "stabilizer (1): Id" in summary or len(orbit.stabilizer) > 1
    rows = table_rows(view.terms.value, "nqx-term")
    assert len(rows) == 9
    assert [r[1] for r in rows] == list(orbit.element_names)
    magnitudes = np.array([float(r[4]) for r in rows])
    # 3 significant digits (the row's tooltip has them all)
    np.testing.assert_allclose(magnitudes, np.abs(orbit.terms), rtol=5e-3)
    total = table_rows(view.terms.value, "nqx-sum")[0]
    assert float(total[4]) == pytest.approx(abs(np.sum(orbit.terms)), rel=5e-3)


def test_forced_zero_is_announced(state):
    view = OrbitView(state)
    state.set_configuration(np.ones(9))  # invariant under every translation
    state.set_character(1)  # a nonzero momentum: Σ_Stab χ = 0
    orbit = state.orbit()
    assert orbit.forced_zero
    assert len(orbit.stabilizer) == 9
    assert orbit.orbit_size == 1
    summary = text_of(view.summary.value)
    # the selection rule is the message: it comes first, before the stabilizer's elements
    assert summary.startswith("Σ_{h ∈ Stab(σ)} χ_h = 0: this character forces ψ(σ) = 0")
    # nine stabilizer elements: the size, four names, the rest behind "show all"
    names = orbit.element_names
    shown = ", ".join(names[:4])
    assert f"stabilizer (9): {shown}, … show all 9 {', '.join(names)}" in summary
    assert view.summary.value.count("<details") == 1
    state.set_character(0)
    assert "forces" not in text_of(view.summary.value)
    assert text_of(view.summary.value).startswith("σ =")


def test_gallery_updates_in_place_like_a_fresh_drawing(space_state):
    view = OrbitView(space_state)
    figure = view.gallery_figure.figure
    group = space_state.session.group

    def drawn():  # |G| = 72: the view draws the terms grouped (per configuration or class)
        orbit, note = compute.readable_orbit(space_state.orbit(), group)
        return orbit, (len(orbit.terms), note.split(":")[0])

    for action in (lambda: space_state.flip_site(3), lambda: space_state.set_character(2)):
        axes_before, (_, layout_before) = list(figure.axes), drawn()
        action()
        orbit, layout = drawn()
        if layout == layout_before:
            assert list(figure.axes) == axes_before  # updated, not rebuilt
        fresh = plot.draw_orbit_gallery(
            space_state.session.lattice,
            orbit.configs,
            orbit.terms,
            list(orbit.element_names),
            stabilizer=orbit.stabilizer,
            local_states=space_state.local_states,
            max_panels=min(len(orbit.terms), 8),
        )
        assert figure._suptitle.get_text() == fresh._suptitle.get_text()
        for mine, theirs in zip(figure.axes[:8], fresh.axes[:8]):
            assert mine.get_title() == theirs.get_title()
            np.testing.assert_allclose(
                sites_of(mine).get_facecolors(), sites_of(theirs).get_facecolors()
            )
            np.testing.assert_allclose(
                find_artist(mine, "phase-frame").get_edgecolor(),
                find_artist(theirs, "phase-frame").get_edgecolor(),
            )
        terms_ax = next(ax for ax in figure.axes if ax.get_gid() == "terms")
        tip = find_artist(terms_ax, "sum").xy
        assert tip == pytest.approx((orbit.total.real, orbit.total.imag), abs=1e-12)


def test_configuration_changes_do_not_recompile(space_state):
    view = OrbitView(space_state)
    click_site(view.configuration_figure, 0)  # warm
    before = compute.compile_count()
    for site in (1, 2, 3):
        click_site(view.configuration_figure, site)
        view.random.click()
        space_state.set_character(site)
    assert compute.compile_count() == before


def test_without_a_group(state):
    view = OrbitView(state)
    state.update("group", group=None)
    assert "Choose a group" in view.summary.value
    assert view.terms.value == ""
    assert view.gallery_figure.figure.axes == []
    click_site(view.configuration_figure, 1)  # editing still works
    assert state.messages == {}


def test_lattice_change_redraws(state):
    view = OrbitView(state)
    state.update("lattice", lattice="Chain", extent=(6,), pbc=(True,), character_id=None)
    ax = view.configuration_figure.figure.axes[0]
    assert sites_of(ax).get_offsets().shape == (6, 2)
    assert view.site.max == 5
    assert len(table_rows(view.terms.value, "nqx-term")) == 6


def _frame(live) -> np.ndarray:
    return np.asarray(live.canvas.get_renderer().buffer_rgba()).copy()


@pytest.mark.skipif(not HAS_IPYMPL, reason="blitting needs the ipympl canvas")
@pytest.mark.parametrize("fixture", ["state", "space_state"])
def test_value_only_updates_blit_the_same_pixels_as_a_full_render(fixture, request):
    app_state = request.getfixturevalue(fixture)
    view = OrbitView(app_state)
    figures = (view.configuration_figure, view.gallery_figure)
    for live in figures:
        live.canvas.draw()  # displayed: the browser asks for a first render
    for action in (
        lambda: click_site(view.configuration_figure, 4),
        lambda: app_state.set_character(1),
        view.random.click,
        lambda: click_site(view.configuration_figure, 0),
    ):
        before = [(live.draws, live.blits) for live in figures]
        action()
        for live, (draws, blits) in zip(figures, before):
            if live.draws != draws:  # a full render was asked for: the browser renders
                live.canvas.draw()
            elif live.blits != blits:  # blitted at once: the frame of a full render?
                blitted = _frame(live)
                live.canvas.draw()
                np.testing.assert_array_equal(blitted, _frame(live))
    # every new σ is blitted; only a switch between real and complex terms renders anew
    assert view.configuration_figure.blits == 3
    assert view.gallery_figure.blits >= 3


def test_an_identically_zero_sector_is_shown_in_the_orbit_view_and_the_checks():
    """A symmetrized DeepSetMLP is permutation invariant: every non-trivial momentum
    cancels (not a selection rule of σ: its stabilizer is trivial)."""
    from nqs_explorer.widgets import AppState, ChecksPanel

    state = AppState(
        compute.Setup(
            lattice="Chain",
            extent=(4,),
            architecture="DeepSetMLP",
            symmetrize=True,
            character_id=1,
            hamiltonian=None,
        )
    )
    view, panel = OrbitView(state), ChecksPanel(state)
    state.set_configuration(np.array([1.0, 1.0, 1.0, -1.0]))
    orbit = state.orbit()
    assert not orbit.forced_zero
    assert orbit.cancelled
    summary = text_of(view.summary.value)
    assert "ψ(σ) = 0 up to rounding: ψ_θ(T_g σ) is the same for every g" in summary
    panel.run_button.click()
    assert panel.results[0].verdict == "fail"
    assert "nqx-pass" not in panel.table.value.split("AR normalization")[0]
    state.set_character(0)
    assert "up to rounding" not in text_of(view.summary.value)


def test_a_large_group_draws_distinct_configurations_with_multiplicity():
    state = AppState(compute.Setup(lattice="Square", extent=(4, 4), group="space", symmetrize=True))
    view = OrbitView(state)
    state.set_configuration(np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0, -1.0, 1.0] * 2))
    fig = view.gallery_figure.figure
    panels = [ax for ax in fig.axes if ax.get_gid() != "terms" and ax.title.get_text()]
    assert len(panels) == 2  # not eight copies of σ
    titles = [ax.title.get_text().split("\n")[0] for ax in panels]
    assert titles == ["Id ×64  ∈ Stab", "Translation(0,1) ×64"]
    assert fig.get_suptitle() == "orbit of σ: 2 distinct configurations"
    assert len(find_artist(fig, "terms").collections) >= 1
    summary = text_of(view.summary.value)
    assert "drawn: 128 terms summed per distinct configuration: 2 coset(s)" in summary
    # a generic σ: one arrow per conjugacy class, and the note says so
    view.random.click()
    assert "summed per conjugacy class (20 classes)" in text_of(view.summary.value)
    terms_ax = find_artist(fig, "terms")
    assert len(find_artist(terms_ax, "term-arrows").get_offsets()) == 20


def test_dense_lattices_hide_site_numbers():
    small = OrbitView(AppState(compute.Setup(lattice="Square", extent=(3, 3))))
    ax = small.configuration_figure.figure.axes[0]
    assert [t for t in ax.texts if (t.get_gid() or "").startswith("site-label")]
    dense = OrbitView(AppState(compute.Setup(lattice="Square", extent=(9, 9))))
    ax = dense.configuration_figure.figure.axes[0]
    assert not [t for t in ax.texts if (t.get_gid() or "").startswith("site-label")]
