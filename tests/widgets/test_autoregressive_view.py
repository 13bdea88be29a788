"""The autoregressive view: conditional maps, the sampling-order slider, samples, normalization."""

import functools

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.plot import find_artist, sites_of
from nqs_explorer.widgets import AutoregressiveView
from nqs_explorer.widgets._figure import HAS_IPYMPL

from ._support import text_of


def test_hidden_with_an_explanation_for_other_models(state):
    view = AutoregressiveView(state)
    assert view.body.layout.display == "none"
    assert view.draw.disabled
    assert view.site.disabled
    assert "RBM is not autoregressive" in text_of(view.explanation.value)


def test_conditional_map_follows_the_slider(ar_state):
    view = AutoregressiveView(ar_state)
    assert view.body.layout.display is None
    assert view.site.max == 8
    assert view.site.continuous_update is False
    probs = ar_state.session.conditionals(ar_state.configuration)
    fields = ar_state.session.receptive_fields()
    before = compute.compile_count()
    for site in (0, 4, 8):
        view.site.value = site
        ax = view.conditionals_figure.figure.axes[0]
        colors = sites_of(ax).get_facecolors()
        assert np.all(colors[site + 1 :, 3] < 1)
        assert np.all(colors[: site + 1, 3] == 1)
        ring = find_artist(ax, "receptive-field") if fields[site].any() else None
        if ring is not None:
            np.testing.assert_allclose(
                ring.get_offsets(), ar_state.session.lattice.positions[fields[site]]
            )
        details = text_of(view.details.value)
        # columns in the Hilbert order: (+1, -1)
        assert (
            f"site i = {site}: p(σ_i = +1) = {probs[site, 0]:.4f}, "
            f"p(σ_i = -1) = {probs[site, 1]:.4f}" in details
        )
    assert compute.compile_count() == before
    assert len(view.conditionals_figure.figure.axes) == 1  # redrawn in place, no growth


def test_state_choice_starts_at_up_and_samples_count_up(ar_state):
    view = AutoregressiveView(ar_state)
    assert ar_state.local_states.tolist() == [1.0, -1.0]
    assert view.state_choice.value == 0
    assert view.state_choice.label == "σ = +1"
    assert "p(σ_i = +1 | σ_<i)" in view.conditionals_figure.figure.axes[0].get_title()
    view.n_samples.value = 40
    view.draw.click()
    samples = ar_state.session.sample(compute.SAMPLE_CHUNK, 0)[0][:40]  # one chunk's first
    assert f"fraction of σ = +1: {np.mean(samples == 1):.3f}" in text_of(view.samples_info.value)


def test_log_probability_of_the_configuration(ar_state):
    view = AutoregressiveView(ar_state)
    log_psi = ar_state.session.log_psi(ar_state.configuration)
    log_p = float(text_of(view.details.value).rsplit("= ", 1)[1])
    assert log_p == np.float64(f"{2 * np.real(log_psi):.6f}")


def test_clicking_elsewhere_updates_the_conditionals(ar_state):
    view = AutoregressiveView(ar_state)
    view.site.value = 5
    ar_state.flip_site(0)
    probs = ar_state.session.conditionals(ar_state.configuration)
    assert f"p(σ_i = +1) = {probs[5, 0]:.4f}, p(σ_i = -1) = {probs[5, 1]:.4f}" in (
        view.details.value
    )


def test_samples_and_exact_normalization(ar_state):
    view = AutoregressiveView(ar_state)
    view.n_samples.value = 12
    view.draw.click()
    panels = [ax for ax in view.samples_figure.figure.axes if ax.get_title().startswith("sample")]
    assert len(panels) == 12
    assert "12 samples drawn" in text_of(view.samples_info.value)
    assert view.sample_seed.value == 1  # the next click draws new samples
    view.normalize.click()
    text = text_of(view.normalization.value)
    assert "over 512 states" in text
    value = float(text.split("= ", 1)[1].split(" ", 1)[0])
    assert abs(value - 1.0) < 1e-12


def test_enumeration_too_large_shows_a_message(ar_state):
    view = AutoregressiveView(ar_state)
    ar_state.session.exact_state = functools.partial(ar_state.session.exact_state, max_bytes=1000)
    view.normalize.click()
    assert "exact enumeration refused" in text_of(view.message.value)
    assert view.normalization.value == ""


@pytest.mark.skipif(not HAS_IPYMPL, reason="blitting needs the ipympl canvas")
def test_slider_steps_blit_the_same_pixels_as_a_full_render(ar_state):
    view = AutoregressiveView(ar_state)
    live = view.conditionals_figure
    live.canvas.draw()
    draws = live.draws
    for step in (
        lambda: setattr(view.site, "value", 3),
        lambda: ar_state.flip_site(0),
        lambda: setattr(view.site, "value", 8),
    ):
        step()
        blitted = np.asarray(live.canvas.get_renderer().buffer_rgba()).copy()
        live.canvas.draw()
        np.testing.assert_array_equal(blitted, np.asarray(live.canvas.get_renderer().buffer_rgba()))
    assert (live.draws, live.blits) == (draws, 3)
    view.state_choice.value = 1  # another local state: a new colour bar, a full render
    assert live.draws == draws + 1
    assert "p(σ_i = −1 | σ_<i)" in live.figure.axes[0].get_title()


def test_never_seen_sites_are_marked_apart_from_the_field(ar_state):
    view = AutoregressiveView(ar_state)
    positions = ar_state.session.lattice.positions
    # Square 3x3, 3x3 kernels: site 3 = (1, 0) reads row 0 up to column 1 at every depth
    view.site.value = 3
    ax = view.conditionals_figure.figure.axes[0]
    np.testing.assert_allclose(find_artist(ax, "never-seen").get_offsets(), positions[[2]])
    np.testing.assert_allclose(find_artist(ax, "receptive-field").get_offsets(), positions[[0, 1]])
    details = text_of(view.details.value)
    assert "never seen, at any depth: 2 (the masked kernels' blind spot)" in details
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "never seen (any depth)" in legend
    # site 4 = (1, 1) sees every earlier site: no cross left behind
    view.site.value = 4
    with pytest.raises(LookupError):
        find_artist(ax, "never-seen")
    assert "never seen" not in text_of(view.details.value)


def test_histogram_of_samples_against_exact_probabilities(ar_state):
    view = AutoregressiveView(ar_state)
    view.n_samples.value = 200
    view.draw.click()
    exact = ar_state.session.exact_state()
    samples = ar_state.session.sample(compute.SAMPLE_CHUNK, 0)[0][:200]
    ax = view.histogram_figure.figure.axes[0]
    exact_bars = [p for p in ax.patches if p.get_gid() == "exact"]
    sample_bars = [p for p in ax.patches if p.get_gid() == "samples"]
    assert len(exact_bars) == len(sample_bars) == 16 + 1  # top 16 and "other"
    top = np.argsort(-exact.probabilities, kind="stable")[:16]
    np.testing.assert_allclose([b.get_height() for b in exact_bars[:16]], exact.probabilities[top])
    first = exact.states[top[0]]
    assert sample_bars[0].get_height() == np.mean(np.all(samples == first, axis=1))
    assert sum(b.get_height() for b in sample_bars) == pytest.approx(1.0)
    assert sum(b.get_height() for b in exact_bars) == pytest.approx(1.0)
    # a new sample count (and seed) draws again without compiling anything
    before = compute.compile_count()
    for n in (7, 300):
        view.n_samples.value = n
        view.draw.click()
    assert compute.compile_count() == before
    assert "300 samples" in ax.figure.axes[0].get_legend().get_texts()[0].get_text()


def test_sample_histogram_counts():
    states = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    samples = states[[1, 1, 1, 0, 3, 2]]
    h = compute.sample_histogram(samples, states, np.array([0.4, 0.3, 0.2, 0.1]), top_k=3)
    np.testing.assert_array_equal(h.states, states[:3])
    np.testing.assert_allclose(h.frequencies, [1 / 6, 3 / 6, 1 / 6])
    assert h.other_frequency == pytest.approx(1 / 6)
    assert h.other_exact == pytest.approx(0.1)
    with pytest.raises(ValueError, match="samples: expected"):
        compute.sample_histogram(np.ones((2, 3)), states, np.ones(4) / 4)
