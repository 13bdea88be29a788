"""Cancellable long work: background steps on the event loop, progress, Cancel."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.widgets import AppState, SpectrumView, StatusLine
from nqs_explorer.widgets import _state as state_module

# 12 spins: 4096 states (over the view's QUICK_STATES), 12 momentum sectors
CHAIN12 = compute.Setup(lattice="Chain", extent=(12,), hamiltonian="Heisenberg")


async def settle(state, turns: int = 2000) -> None:
    """Let the loop run until no background work (or its ending) is left."""
    me = asyncio.current_task()
    for _ in range(turns):
        if state.work is None and not (asyncio.all_tasks() - {me}):
            break
        await asyncio.sleep(0)
    assert state.work is None
    assert not (asyncio.all_tasks() - {me})


@pytest.fixture(autouse=True)
def fresh_spectra():
    compute.clear_spectrum_cache()
    yield
    compute.clear_spectrum_cache()


def test_a_large_spectrum_runs_in_steps_and_draws_when_done():
    async def main():
        state = AppState(CHAIN12)
        view = SpectrumView(state)
        status = StatusLine(state)
        # started, not drawn: stale, progress and Cancel shown
        assert state.working == "exact spectrum per sector"
        assert view.stale
        assert view.table is None
        assert status.cancel.layout.visibility == "visible"
        seen = set()
        for _ in range(2000):
            if state.work is None:
                break
            seen.add(state.progress[:2])
            await asyncio.sleep(0)
        await settle(state)
        assert {(c, 12) for c in range(1, 12)} <= seen  # one step per sector
        assert not view.stale
        assert view.drawn_revision == state.revision
        assert view.table.ground_energy == pytest.approx(-21.5495636698, abs=1e-8)
        assert state.progress == (0, 0, "")
        assert state.working == ""
        assert status.cancel.layout.visibility == "hidden"

    asyncio.run(main())


def test_cancel_keeps_the_last_valid_state_and_computes_nothing_more():
    async def main():
        state = AppState(CHAIN12)
        view = SpectrumView(state)
        status = StatusLine(state)
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # a step or two done
        status.cancel.click()
        assert state.working == ""  # at once
        await settle(state, turns=5)  # stops at the next step boundary
        assert not compute.Session(CHAIN12).has_spectrum(1)
        assert view.table is None  # nothing half-drawn
        assert "cancelled; the previous state is kept" in state.messages["spectrum"].text
        assert state.messages["spectrum"].level == "info"
        assert state.last_action.ok is False

    asyncio.run(main())


def test_a_slow_setup_change_builds_in_the_background_and_commits_atomically(monkeypatch):
    monkeypatch.setattr(state_module, "TIME_BUDGET_S", -1.0)  # every change counts as slow

    async def main():
        state = AppState(compute.Setup(lattice="Chain", extent=(6,)))
        revision = state.revision
        assert state.update("lattice", extent=(10,)) is True
        assert state.working == "Build model"
        assert state.session.setup.extent == (6,)  # nothing installed before completion
        assert state.revision == revision
        await settle(state)
        assert state.session.setup.extent == (10,)
        assert state.setup.extent == (10,)
        assert state.configuration.shape == (10,)
        assert state.revision == revision + 1
        assert state.last_action.ok is True

    asyncio.run(main())


def test_a_cancelled_setup_change_leaves_the_session_and_re_shows_it(monkeypatch):
    monkeypatch.setattr(state_module, "TIME_BUDGET_S", -1.0)

    async def main():
        state = AppState(compute.Setup(lattice="Chain", extent=(6,)))
        before = (state.setup, state.session.snapshot(), state.parameters)
        revision = state.revision
        state.update("lattice", extent=(12,))
        assert state.cancel_work() is True
        await settle(state, turns=5)
        assert (state.setup, state.session.snapshot(), state.parameters) == before
        assert state.revision == revision + 1  # one revision re-showing the same state
        assert state.changed == frozenset(state_module.MODEL_TRAITS)
        assert "Build model: cancelled" in state.messages["lattice"].text

    asyncio.run(main())


def test_without_an_event_loop_the_work_runs_at_once():
    state = AppState(CHAIN12)
    view = SpectrumView(state)
    assert state.work is None
    assert view.drawn_revision == state.revision
    assert view.table.ground_energy == pytest.approx(-21.5495636698, abs=1e-8)


def test_a_new_revision_supersedes_running_work_without_a_message():
    async def main():
        state = AppState(CHAIN12)
        view = SpectrumView(state)
        first = state.work
        assert first is not None
        await asyncio.sleep(0)
        state.update("spectrum", couplings={"J": 2.0})  # a new revision: new spectrum
        assert state.work is not None
        assert state.work is not first  # the old work stops at its next step, silently
        await settle(state)
        assert "spectrum" not in state.messages
        assert view.drawn_revision == state.revision
        assert view.table.ground_energy == pytest.approx(2 * -21.5495636698, abs=1e-7)

    asyncio.run(main())


def test_many_samples_are_drawn_in_the_background_and_can_be_cancelled():
    from nqs_explorer.widgets import AutoregressiveView
    from nqs_explorer.widgets._autoregressive_view import BACKGROUND_SAMPLES

    from ._support import text_of

    setup = compute.Setup(group=None, architecture="FastARNNConv2D")
    n = BACKGROUND_SAMPLES + 1

    async def main():
        state = AppState(setup)
        view = AutoregressiveView(state)
        view.n_samples.value = n
        view.draw.click()
        assert state.working == f"sampling {n}"
        assert view.samples_info.value == ""
        await settle(state)
        assert f"{n} samples drawn" in text_of(view.samples_info.value)
        view.samples_info.value = ""
        view.draw.click()
        await asyncio.sleep(0)
        assert state.cancel_work() is True
        await settle(state, turns=5)
        assert view.samples_info.value == ""  # nothing drawn after a cancel
        assert f"sampling {n}: cancelled" in state.messages["autoregressive"].text

    asyncio.run(main())
    # the blocking call takes the same steps: chunks of SAMPLE_CHUNK with seeds seed + k
    state = AppState(setup)
    samples, log_probs = state.sample(n, 7)
    assert samples.shape == (n, 9)
    chunk, chunk_lp = state.session.sample(compute.SAMPLE_CHUNK, 8)
    np.testing.assert_array_equal(samples[compute.SAMPLE_CHUNK : 2 * compute.SAMPLE_CHUNK], chunk)
    np.testing.assert_allclose(log_probs[compute.SAMPLE_CHUNK : 2 * compute.SAMPLE_CHUNK], chunk_lp)


def test_while_a_new_spectrum_computes_no_number_of_the_old_setup_is_shown():
    """Text and drawing of the view describe one revision: the 10-site numbers leave as
    soon as the 12-site spectrum starts computing, and the new ones come when it is done."""

    async def main():
        state = AppState(CHAIN12.replace(extent=(10,)))  # 1024 states: drawn at once
        view = SpectrumView(state)
        old_summary = view.summary.value
        assert old_summary != ""
        assert view.figure.figure.axes
        state.update("lattice", extent=(12,))
        assert state.working == "exact spectrum per sector"
        assert view.stale
        assert view.summary.value == ""
        assert view.figure.figure.axes == []
        assert "computing the spectrum per sector" in view.notice.value
        await settle(state)
        assert view.drawn_revision == state.revision
        assert view.summary.value not in ("", old_summary)
        assert view.table.ground_energy == pytest.approx(-21.5495636698, abs=1e-8)

    asyncio.run(main())
