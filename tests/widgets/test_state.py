"""The app state: error boundary, observers, configuration editing, timing, compile counts."""

import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.widgets import AppState


def test_invalid_update_keeps_last_valid_model_and_posts_message(state):
    before = state.setup
    variables = state.session.variables
    assert state.update("lattice", extent=(0, 0)) is False
    assert state.setup == before
    assert state.session.variables is variables
    message = state.messages["lattice"]
    assert message.level == "error"
    assert "extent" in message.text
    assert ">= 1" in message.text
    assert state.log[-1] is message


def test_success_clears_errors_and_notifies_observers(state):
    seen = []
    state.observe(lambda c: seen.append((c["old"].extent, c["new"].extent)), names=["setup"])
    state.update("lattice", extent=(0, 0))
    assert state.update("lattice", extent=(4, 4)) is True
    assert seen == [((3, 3), (4, 4))]
    assert state.messages == {}
    assert state.configuration.shape == (16,)


def test_size_change_reinitialises_parameters(state):
    state.update("lattice", extent=(4, 4))
    kernel = state.session.variables["params"]["Dense"]["kernel"]
    assert kernel.shape == (16, 16)
    x = state.session.random_configurations(3, 0)
    assert np.all(np.isfinite(state.session.log_psi(x)))


def test_character_out_of_range_via_state(state):
    n = len(state.session.group.irrep_dims)
    assert state.set_character(n) is False
    assert state.setup.character_id is None
    assert str(n - 1) in state.messages["character"].text


def test_observer_errors_roll_the_action_back_and_are_shown_for_their_source(state):
    def broken(_change):
        raise RuntimeError("boom")

    before, seed = state.configuration.copy(), state.config_seed
    state.watch(broken, ["configuration"], source="broken-view")
    # atomic: a view that cannot show the change makes the action roll back
    assert state.random_configuration() is False
    np.testing.assert_array_equal(state.configuration, before)
    assert state.config_seed == seed
    assert state.messages["orbit"].text == (
        "the broken-view view could not show this change (Internal error (RuntimeError): "
        "boom); the previous state is kept"
    )
    message = state.messages["broken-view"]  # it fails on the restored state too
    assert message.text == "Internal error (RuntimeError): boom"
    assert "RuntimeError" in message.details


def test_unknown_trait_is_refused_and_there_are_no_string_events(state):
    with pytest.raises(ValueError, match=r"unknown trait\(s\) \['nope'\]"):
        state.watch(print, ["nope"])
    assert not hasattr(state, "emit")


def test_flip_site_cycles_local_states(state):
    sigma = state.configuration.copy()
    assert state.flip_site(4)
    assert state.configuration[4] == -sigma[4]
    np.testing.assert_array_equal(np.delete(state.configuration, 4), np.delete(sigma, 4))
    assert state.flip_site(99) is False
    assert "sites are 0..8" in state.messages["orbit"].text


def test_set_configuration_validates(state):
    assert state.set_configuration(np.zeros(9)) is False
    assert "local states" in state.messages["orbit"].text
    assert state.set_configuration(np.ones(4)) is False
    assert "(9,)" in state.messages["orbit"].text
    assert state.set_configuration(np.ones(9)) is True
    np.testing.assert_array_equal(state.configuration, np.ones(9))


def test_random_configuration_is_seeded(state):
    state.random_configuration(seed=7)
    first = state.configuration.copy()
    state.random_configuration(seed=8)
    state.random_configuration(seed=7)
    np.testing.assert_array_equal(state.configuration, first)


def test_action_record_and_busy_label(state):
    busy = []
    state.observe(lambda c: busy.append(c["new"]), names=["busy"])
    state.update("model", seed=3)
    assert busy == ["Update seed", ""]
    record = state.last_action
    assert record.label == "Update seed"
    assert record.ok
    assert record.compiles == 0
    assert "init" in record.kernels
    state.update("model", seed=-1)
    assert state.last_action.ok is False


def test_value_only_changes_never_recompile(space_state):
    state = space_state
    state.orbit()
    state.random_configuration()
    state.orbit()  # warm: every kernel these actions use is compiled
    before = compute.compile_count()
    for k in range(3):
        state.set_character(k)
        state.random_configuration()
        state.flip_site(k)
        state.orbit()
        state.update("model", seed=k + 1)
        state.orbit()
    assert compute.compile_count() == before


def test_memo_is_shared_until_something_changes(state):
    first = state.orbit()
    assert state.orbit() is first
    state.flip_site(0)
    assert state.orbit() is not first


def test_warnings_become_messages(state):
    assert state.update("lattice", lattice="Honeycomb", extent=(2, 2), pbc=(True, True))
    message = state.messages["lattice"]
    assert message.level == "warning"
    assert "periodic extent of 1 or 2" in message.text


def test_progress_steps(ar_state):
    events = []
    ar_state.observe(lambda c: events.append(tuple(c["new"][:2])), names=["progress"])
    samples, log_probs = ar_state.run("autoregressive", "Draw", ar_state.sample, 300, 0)[1]
    assert samples.shape == (300, 9)
    assert log_probs.shape == (300,)
    assert events == [(0, 2), (1, 2), (2, 2), (0, 0)]


def test_state_on_an_existing_session():
    session = compute.Session(compute.Setup(lattice="Chain", extent=(5,), pbc=(True,)))
    state = AppState(session=session)
    assert state.session is session
    assert state.configuration.shape == (5,)


def test_enumeration_moves_the_progress_bar(monkeypatch):
    """The exact enumeration reports one step per chunk of states, then clears the bar."""
    from nqs_explorer.compute import _autoregressive

    monkeypatch.setattr(_autoregressive, "EXACT_CHUNK", 128)
    state = AppState(compute.Setup(lattice="Chain", extent=(9,), group=None))
    events = []
    state.observe(lambda c: events.append(tuple(c["new"][:2])), names=["progress"])
    exact = state.exact_state()
    assert exact.states.shape == (512, 9)
    assert events == [(0, 1), (0, 4), (1, 4), (2, 4), (3, 4), (4, 4), (0, 0)]
