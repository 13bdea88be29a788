"""The Train tab from Python: play, pause, step, reset; the other views show the trained
model; a structural change stops training."""

import asyncio

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.widgets import AppState, Explorer, TrainView

CHAIN6 = compute.Setup(lattice="Chain", extent=(6,), group="translation", hamiltonian="Heisenberg")


@pytest.fixture
def chain_state():
    return AppState(CHAIN6)


def test_step_and_reset_from_the_buttons(chain_state):
    view = TrainView(chain_state)
    assert view.counter.value == "<b>step 0</b>"
    revision = chain_state.parameters
    view.step_button.click()
    assert "train" not in chain_state.messages
    assert view.trainer.step_count == 1
    assert view.counter.value == "<b>step 1</b>"
    assert chain_state.parameters == revision + 1  # the other views are told
    assert view.handle.n_points == 1
    assert "steps/s" in view.status.value
    assert "cpu" in view.status.value or "gpu" in view.status.value
    view.reset_button.click()
    assert view.trainer.step_count == 0
    assert view.handle.n_points == 0


def test_play_runs_in_the_background_and_pause_stops_it(chain_state):
    view = TrainView(chain_state)
    view.step(1)  # compile first

    async def main():
        task = view.play(0)  # until Pause
        assert view.running
        assert view.pause_button.disabled is False
        assert view.play_button.disabled is True
        for _ in range(200):
            await asyncio.sleep(0)
            if view.trainer.step_count > 20:
                break
        view.pause_button.click()
        await task
        return view.trainer.step_count

    stopped_at = asyncio.run(main())
    assert stopped_at > 20
    assert not view.running
    assert view.counter.value == f"<b>step {stopped_at}</b>"
    assert view.handle.n_points == stopped_at
    # the session holds the trained parameters after the final publication
    np.testing.assert_array_equal(
        chain_state.session.variables["params"]["Dense"]["kernel"],
        view.trainer.variables["params"]["Dense"]["kernel"],
    )


def test_play_with_a_step_budget_stops_by_itself(chain_state):
    view = TrainView(chain_state)

    async def main():
        await view.play(7)

    asyncio.run(main())
    assert view.trainer.step_count == 7
    assert view.work.state == "done"


def test_other_views_show_the_trained_parameters():
    app = Explorer(CHAIN6)
    app.views.selected_index = app.shown_views.index(app.parameters)
    summary_before = app.state.memo("parameter_summary", app.state.session.parameter_summary)
    app.train.learning_rate.value = 0.05
    app.train.step(20)
    summary = app.parameters.summary
    assert summary.rows[1].mean != summary_before.rows[1].mean  # the table moved
    # the orbit view's terms equal a fresh evaluation with the trained variables
    fresh = compute.Session(CHAIN6)
    fresh.set_variables(app.train.trainer.variables)
    sigma = app.state.configuration
    np.testing.assert_allclose(app.state.orbit().log_terms, fresh.orbit(sigma).log_terms)


def test_a_structural_change_stops_training_and_starts_afresh(chain_state):
    view = TrainView(chain_state)
    view.step(1)

    async def main():
        task = view.play(0)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        chain_state.update("model", architecture="MLP")
        await task

    asyncio.run(main())
    assert not view.running
    assert view.trainer.step_count == 0
    assert view.trainer.session.setup.architecture == "MLP"


def test_bad_settings_show_a_message_and_keep_the_settings(chain_state):
    view = TrainView(chain_state)
    view.estimator.value = "samples"
    assert view.trainer.settings.estimator == "samples"
    view.n_samples.value = 16
    assert view.trainer.settings.n_samples == 16
    chain_state.update("model", hamiltonian=None)
    assert view.trainer is None
    view.step_button.click()
    assert "needs a Hamiltonian" in chain_state.messages["train"].text


def test_the_step_is_compiled_ahead_of_time_so_play_compiles_nothing(chain_state):
    view = TrainView(chain_state)
    assert view.trainer is not None
    view.set_active(True)  # shown: the step of this setup compiles in the background
    assert compute.wait_precompiled(timeout=300)
    assert view.trainer.is_compiled()
    view.configure(optimizer="SGD", sr=True)  # a new step structure: compiled ahead too
    assert compute.wait_precompiled(timeout=300)
    assert view.trainer.is_compiled()
    before = compute.compile_count()
    view.trainer.step(2)  # what a chunk of Play runs (publishing may compile log ψ)
    assert compute.compile_count() == before
    assert view.trainer.compile_s == 0.0


def test_save_and_load_the_training_state_from_the_buttons(tmp_path):
    from nqs_explorer.widgets import _save_load

    path = tmp_path / "state.msgpack"
    view = TrainView(AppState(CHAIN6))
    view.optimizer.value = "SGD"
    view.learning_rate.value = 0.04
    view.step(4)
    view.state_path.value = str(path)
    view.save_state_button.click()
    assert "train" not in view.state.messages
    trained = view.trainer.variables

    other = TrainView(AppState(CHAIN6))  # a fresh explorer: Adam, step 0
    other.state_path.value = str(path)
    other.load_state_button.click()
    assert "train" not in other.state.messages
    assert other.trainer.step_count == 4
    assert other.counter.value == "<b>step 4</b>"
    assert other.optimizer.value == "SGD"  # the file's settings, shown
    assert other.learning_rate.value == 0.04
    assert other.handle.n_points == 4
    kernel = other.state.session.variables["params"]["Dense"]["kernel"]
    np.testing.assert_array_equal(kernel, trained["params"]["Dense"]["kernel"])  # published
    # exporting the trained parameters works as before
    exported = tmp_path / "params.msgpack"
    assert _save_load.save_parameters(other.state, exported, "train")
    fresh = compute.Session(CHAIN6)
    fresh.load_parameters(exported)
    np.testing.assert_array_equal(fresh.variables["params"]["Dense"]["kernel"], kernel)

    # a bad file: a message, and the state stays
    bad = tmp_path / "bad.msgpack"
    bad.write_bytes(b"\x00not msgpack")
    other.state_path.value = str(bad)
    other.load_state_button.click()
    assert "not valid msgpack" in other.state.messages["train"].text
    assert other.trainer.step_count == 4
    other.load_state_bytes(path.read_bytes())  # what an upload does
    assert other.trainer.step_count == 4


def test_the_status_line_measures_against_the_chosen_sector():
    """A symmetrized model in the k = 1/2 sector can only reach that sector's lowest energy:
    the relative error shown is against it, and says so."""
    state = AppState(CHAIN6.replace(symmetrize=True, character_id=3))
    view = TrainView(state)
    view.step_button.click()
    t = view.trainer
    sector = t.reference.sector
    assert sector > t.reference.ground  # not the ground-state sector
    expected = abs(t.energy - sector) / abs(sector)
    assert f"rel. error {expected:.2e} (vs lowest E in {t.reference.sector_label})" in (
        view.status.value
    )
    # not symmetrized, the model is not confined to the sector: against the ground state
    state.update("model", symmetrize=False)
    view.step_button.click()
    t = view.trainer
    expected = abs(t.energy - t.reference.ground) / abs(t.reference.ground)
    assert f"rel. error {expected:.2e} (vs E₀)" in view.status.value
