"""compute.Trainer: training against the exact answer, value changes without recompiles,
the session follows the trained parameters, structural changes start afresh."""

import asyncio

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nqs_explorer import compute
from nqs_explorer.compute import Session, Setup, Trainer, TrainSettings
from nqs_explorer.utils import BackgroundWork

CHAIN6 = Setup(lattice="Chain", extent=(6,), group=None, hamiltonian="Heisenberg")


def test_short_training_reaches_the_exact_ground_energy():
    s = Session(CHAIN6)
    t = Trainer(s, learning_rate=0.05)
    exact = t.reference.ground
    assert exact == pytest.approx(-11.211102550927981, abs=1e-9)
    t.step(300)
    first, last = t.history["energy"][0], t.history["energy"][-1]
    assert last < first
    assert last >= exact - 1e-9  # variational
    assert t.history["rel_error"][-1] < 0.03
    t.publish()
    # the session holds the trained model: its exact energy is the trainer's
    assert s.model_energy().energy == pytest.approx(t.energy, abs=0.05)
    assert 0.9 < t.history["fidelity"][-1] <= 1.0 + 1e-12


def test_symmetrized_model_converges_to_its_sector_not_below():
    # character 1 (k = 1/6) does not hold the ground state of the 6-site chain
    s = Session(CHAIN6.replace(group="translation", symmetrize=True, character_id=1))
    t = Trainer(s, learning_rate=0.05)
    ref = t.reference
    assert ref.sector > ref.ground + 0.1  # not the ground sector
    t.step(250)
    e = t.history["energy"][-1]
    assert e >= ref.sector - 1e-9
    assert t.history["rel_error_sector"][-1] < 0.05


def test_value_changes_never_recompile():
    s = Session(CHAIN6)
    t = Trainer(s, learning_rate=0.01)
    t.step(2)
    before = compute.compile_count()
    t.configure(learning_rate=0.03)
    t.step(1)
    s.change(couplings={"J": 0.7})
    assert t.sync() == "couplings"
    t.step(1)
    t.configure(seed=5)
    t.step(1)
    assert compute.compile_count() == before
    assert t.settings.learning_rate == 0.03
    # the new couplings are trained with: the reference moved with them
    assert t.reference.ground == pytest.approx(0.7 * -11.211102550927981, abs=1e-9)
    assert len(t.history["energy"]) == 5  # history kept across a couplings change


def test_sr_and_samples_run_and_keep_values_as_values():
    s = Session(CHAIN6)
    t = Trainer(s, sr=True, diag_shift=0.01, learning_rate=0.05)
    t.step(2)
    n = compute.compile_count()
    t.configure(diag_shift=0.1)
    t.step(1)
    assert compute.compile_count() == n
    t.configure(estimator="samples", n_samples=256)
    t.step(3)
    assert np.isfinite(t.history["acceptance"][-1])
    assert t.history["error"][-1] > 0
    assert len(t.history["step"]) == 6  # structural settings keep the history


def test_structural_change_restarts_and_external_parameters_are_adopted():
    s = Session(CHAIN6)
    t = Trainer(s, learning_rate=0.05)
    t.step(5)
    t.publish()
    assert t.sync() == "same"
    s.change(architecture="MLP")
    assert t.sync() == "restart"
    assert t.step_count == 0
    assert t.history["energy"] == []
    t.step(2)
    s.change(seed=3)  # new parameters from the session
    assert t.sync() == "restart"


def test_reset_restores_the_initial_parameters():
    s = Session(CHAIN6)
    initial = s.variables
    t = Trainer(s, learning_rate=0.05)
    t.step(5)
    t.publish()
    kernel = s.variables["params"]["Dense"]["kernel"]
    assert not np.allclose(kernel, initial["params"]["Dense"]["kernel"])
    t.reset()
    np.testing.assert_array_equal(
        s.variables["params"]["Dense"]["kernel"], initial["params"]["Dense"]["kernel"]
    )
    assert t.step_count == 0


def test_total_sz_full_sum_stays_in_the_sector():
    s = Session(CHAIN6.replace(total_sz=1.0))
    t = Trainer(s, learning_rate=0.05)
    t.step(100)
    # lowest energy with Sz = 1 on the 6-site chain is above the singlet ground state
    assert t.reference.ground > -11.2111 + 0.5
    assert t.history["energy"][-1] >= t.reference.ground - 1e-9


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="optimizer"):
        TrainSettings(optimizer="RMSProp").validate()
    with pytest.raises(ValueError, match="learning_rate"):
        TrainSettings().replace(learning_rate=0.0)
    with pytest.raises(ValueError, match="unknown training setting"):
        TrainSettings().replace(lr=0.1)
    with pytest.raises(ValueError, match="needs a Hamiltonian"):
        Trainer(Session(CHAIN6.replace(hamiltonian=None)))
    t = Trainer(Session(CHAIN6))
    with pytest.raises(ValueError, match="n_samples"):
        t.configure(n_samples=0)
    assert t.settings.n_samples == 1024  # unchanged on error


def test_background_work_pauses_between_chunks_and_keeps_the_last_state():
    s = Session(CHAIN6)
    t = Trainer(s, learning_rate=0.05)
    t.step(1)  # compile outside the timed loop
    progress = []
    work = BackgroundWork(
        lambda: t.run_for(0.01, 10**6) > 0, on_progress=lambda: progress.append(t.step_count)
    )

    async def main():
        task = work.start()
        for _ in range(5):
            await asyncio.sleep(0)
        work.pause()
        await task
        return t.step_count

    stopped_at = asyncio.run(main())
    assert work.state == "paused"
    assert stopped_at > 1
    assert t.step_count == stopped_at == len(t.history["energy"])
    assert progress[-1] == stopped_at  # a last progress call at the end


def test_background_work_reports_failures_and_needs_a_loop():
    def boom():
        raise ValueError("bad chunk")

    stops = []
    work = BackgroundWork(boom, on_stop=stops.append)
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        work.start()

    async def main():
        await work.start()

    asyncio.run(main())
    assert stops == ["failed"]
    assert str(work.error) == "bad chunk"


# Structures used nowhere else in the suite, so the process-wide kernel cache is cold.
CHAIN5_TFIM = Setup(lattice="Chain", extent=(5,), group=None, hamiltonian="Ising")


def test_precompile_in_the_background_then_the_step_compiles_nothing():
    s = Session(CHAIN5_TFIM)
    t = Trainer(s, optimizer="SGD", learning_rate=0.02)
    assert not t.is_compiled()
    t.precompile()  # returns at once; the thread builds the inputs and compiles
    assert compute.wait_precompiled(timeout=120)
    assert t.is_compiled()
    before = compute.compile_count(), compute.background_compile_count()
    t.step(2)
    assert (compute.compile_count(), compute.background_compile_count()) == before
    assert t.compile_s == 0.0


def test_quick_start_runs_a_fast_compiled_step_with_the_same_numbers():
    s = Session(CHAIN5_TFIM.replace(hyperparameters={"alpha": 2}))
    reference = Trainer(s, learning_rate=0.03)
    reference.step(3)
    compute.wait_precompiled(timeout=120)
    t = Trainer(Session(s.setup), learning_rate=0.03)
    t.quick_start = True  # the optimised step is compiled already: no quick one
    before = compute.compile_count()
    t.step(3)
    assert compute.compile_count() == before
    np.testing.assert_allclose(t.history["energy"], reference.history["energy"], rtol=1e-12)

    q = Trainer(Session(s.setup), learning_rate=0.03, sr=True)  # a new structure
    q.quick_start = True
    counts = compute.compile_count(), compute.background_compile_count()
    q.step(1)
    assert compute.compile_count() == counts[0] + 1  # the quick executable, waited for
    assert compute.wait_precompiled(timeout=120)
    assert compute.background_compile_count() == counts[1] + 1  # the optimised one
    assert q.is_compiled()
    q.step(2)
    assert compute.compile_count() == counts[0] + 1
    slow = Trainer(Session(s.setup), learning_rate=0.03, sr=True)
    slow.step(3)  # the optimised executable from the first step on
    np.testing.assert_allclose(q.history["energy"], slow.history["energy"], rtol=1e-10)


def _sin_sum(x):
    return jnp.sin(x).sum(axis=-1)


def test_a_call_waits_for_a_background_compilation_instead_of_compiling_twice():
    from nqs_explorer.compute._kernels import call_kernel

    x = np.linspace(0.0, 1.0, 21).reshape(3, 7)
    total = compute.compile_count() + compute.background_compile_count()
    assert compute.precompile(_sin_sum, x) is True
    out, _ = call_kernel(_sin_sum, x)  # finds it compiled, waits for it, or compiles it
    np.testing.assert_allclose(out, np.sin(x).sum(axis=-1), rtol=1e-14)
    assert compute.wait_precompiled(timeout=60)
    assert compute.compile_count() + compute.background_compile_count() == total + 1
    assert compute.precompile(_sin_sum, x) is False


@pytest.mark.parametrize(
    "changes",
    [
        dict(learning_rate=0.05),
        dict(optimizer="SGD", sr=True, estimator="samples", n_samples=128, seed=3),
    ],
    ids=["full-sum-adam", "metropolis-sr"],
)
def test_resume_from_a_saved_state_is_bit_identical(tmp_path, changes):
    setup = CHAIN6.replace(hamiltonian="Ising")
    straight = Trainer(Session(setup), **changes)
    straight.step(6)

    first = Trainer(Session(setup), **changes)
    first.step(3)
    path = tmp_path / "training.msgpack"
    first.save(path)
    first.step(2)  # what happens to the saver afterwards does not matter

    resumed = Trainer(Session(setup))  # default settings: the file's replace them
    resumed.load(path)
    assert resumed.settings == straight.settings
    assert resumed.step_count == 3
    resumed.step(3)
    assert resumed.history["energy"] == straight.history["energy"]  # exactly
    assert resumed.history["step"] == list(range(6))
    for a, b in zip(
        jax.tree_util.tree_leaves(resumed.variables),
        jax.tree_util.tree_leaves(straight.variables),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    # Reset goes back to where the saved run started, not to the loading session's state
    resumed.reset()
    assert resumed.step_count == 0
    for a, b in zip(
        jax.tree_util.tree_leaves(resumed.session.variables),
        jax.tree_util.tree_leaves(Session(setup).variables),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_bad_training_state_files_are_refused_and_change_nothing(tmp_path, monkeypatch):
    from nqs_explorer.compute import _training

    t = Trainer(Session(CHAIN6), learning_rate=0.05)
    t.step(2)
    data = t.to_bytes()
    other = Trainer(Session(CHAIN6.replace(extent=(8,))))
    with pytest.raises(ValueError, match=r"another setup \(extent differ\)"):
        other.from_bytes(data)
    with pytest.raises(ValueError, match="not valid msgpack"):
        t.from_bytes(b"\x00garbage")
    with pytest.raises(ValueError, match=r"not a 'nqs_explorer\.training_state' file"):
        t.from_bytes(b"\x80")  # an empty msgpack map
    monkeypatch.setattr(_training, "MAX_TRAINING_STATE_BYTES", 100)
    path = tmp_path / "big.msgpack"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="over the limit of 100 bytes"):
        t.load(path)
    assert t.step_count == 2
    assert other.step_count == 0
    # couplings may differ: training continues with the session's Hamiltonian
    monkeypatch.undo()
    j = Trainer(Session(CHAIN6.replace(couplings={"J": 0.5})))
    j.from_bytes(data)
    assert j.step_count == 2
    j.step(1)
    assert j.reference.ground == pytest.approx(0.5 * -11.211102550927981, abs=1e-9)
