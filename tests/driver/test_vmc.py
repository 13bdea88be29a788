"""VMC training reaches exact energies; the training state is data; values never recompile."""

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.driver import _vmc
from tests.vqs._exact import dense, sector_basis, sector_ground_energy

N = 6


@pytest.fixture(scope="module")
def problem():
    hi = nqx.hilbert.Spin(0.5, N)
    graph = nqx.graph.Chain(N)
    H = nqx.operator.Ising(hi, graph, h=1.0)
    h = dense(H)
    return hi, graph, H, h, float(np.linalg.eigvalsh(h)[0])


def test_full_sum_adam_reaches_the_ground_energy(problem):
    hi, _, H, _, e0 = problem
    vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=2), seed=0)
    driver = nqx.driver.VMC(H, nqx.optimizer.Adam(0.03), variational_state=vs)
    driver.run(300)
    energy = float(vs.expect(H).mean.real)
    assert e0 - 1e-10 <= energy < e0 + 2e-3 * abs(e0)
    assert len(driver.history["Energy"]) == 300
    assert driver.history["Energy"][-1] < driver.history["Energy"][0]


def test_monte_carlo_sr_reaches_the_ground_energy(problem):
    hi, _, H, _, e0 = problem
    sampler = nqx.sampler.MetropolisLocal(hi, n_chains=16)
    vs = nqx.vqs.MCState(sampler, nqx.models.RBM(alpha=1), n_samples=512, seed=0)
    driver = nqx.driver.VMC(
        H, nqx.optimizer.Sgd(0.05), variational_state=vs, preconditioner=nqx.optimizer.SR(0.01)
    )
    driver.run(150)
    exact_energy = float(
        nqx.vqs.FullSumState(hi, vs.model, variables=vs.variables).expect(H).mean.real
    )
    assert exact_energy < e0 + 5e-3 * abs(e0)
    assert 0.05 < vs.acceptance < 1.0
    assert np.isfinite(driver.history["R_hat"][-1])


def test_symmetrized_model_converges_to_its_sector_not_below(problem):
    """k = π holds no ground state of the TFIM chain: training stops at that sector's energy."""
    hi, graph, H, h, e0 = problem
    group = graph.translation_group()
    k_pi = group.irrep_labels.index("k=1/2")
    chars = group.characters(k_pi)
    e_sector = sector_ground_energy(h, sector_basis(hi, group, chars))
    assert e_sector > e0 + 0.1  # the sector really excludes the ground state
    model = nqx.nn.blocks.SymmExpSum(
        module=nqx.models.RBM(alpha=2), symm_group=group, character_id=k_pi
    )
    vs = nqx.vqs.FullSumState(hi, model, seed=1)
    nqx.driver.VMC(H, nqx.optimizer.Adam(0.03), variational_state=vs).run(300)
    energy = float(vs.expect(H).mean.real)
    assert e_sector - 1e-9 <= energy < e_sector + 5e-3 * abs(e_sector)


def test_training_state_round_trips_and_resumes(problem, tmp_path):
    hi, _, H, _, _ = problem
    sampler = nqx.sampler.MetropolisLocal(hi, n_chains=8)

    def make():
        vs = nqx.vqs.MCState(sampler, nqx.models.RBM(alpha=1), n_samples=64, seed=0)
        return nqx.driver.VMC(H, nqx.optimizer.Adam(0.01), variational_state=vs)

    straight = make()
    straight.run(6)
    first = make()
    first.run(3)
    first.save(tmp_path / "train.msgpack")
    resumed = make()
    resumed.load(tmp_path / "train.msgpack")
    assert resumed.step_count == 3
    assert resumed.history["Energy"] == first.history["Energy"]
    resumed.run(3)
    np.testing.assert_allclose(resumed.history["Energy"], straight.history["Energy"], rtol=1e-12)

    def flat(d):
        return np.concatenate(
            [np.ravel(x) for x in __import__("jax").tree_util.tree_leaves(d.state.parameters)]
        )

    np.testing.assert_allclose(flat(resumed), flat(straight), rtol=1e-12)
    with pytest.raises(ValueError, match="training state"):
        resumed.from_bytes(b"\x80")


def test_value_changes_do_not_recompile(problem):
    hi, graph, H, _, _ = problem
    vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1), seed=2)
    driver = nqx.driver.VMC(
        H, nqx.optimizer.Sgd(0.01), variational_state=vs, preconditioner=nqx.optimizer.SR(0.01)
    )
    driver.advance(1)
    compiled = _vmc.vmc_step_jit._cache_size()
    driver.learning_rate = 0.02
    driver.diag_shift = 0.1
    driver.hamiltonian = nqx.operator.Ising(hi, graph, h=2.5)
    driver.advance(2)
    assert _vmc.vmc_step_jit._cache_size() == compiled
    assert driver.learning_rate == pytest.approx(0.02)
    assert driver.diag_shift == pytest.approx(0.1)


def test_run_in_chunks_and_callback_stop(problem):
    hi, _, H, _, _ = problem
    vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1), seed=3)
    driver = nqx.driver.VMC(H, nqx.optimizer.Adam(0.01), variational_state=vs)
    assert list(driver.iter(5, step=2)) == [2, 4, 5]
    seen = []
    driver.run(10, callback=lambda step, log, d: seen.append(step) or step < 7)
    assert seen == [5, 6, 7]
    assert driver.step_count == 8


def test_driver_arguments_are_checked(problem):
    hi, _, H, _, _ = problem
    vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1))
    with pytest.raises(TypeError, match="optax"):
        nqx.driver.VMC(H, "adam", variational_state=vs)
    with pytest.raises(TypeError, match="variational_state"):
        nqx.driver.VMC(H, nqx.optimizer.Adam(), variational_state=None)
    with pytest.raises(ValueError, match="diag_shift"):
        nqx.optimizer.SR(diag_shift=-1)
    import optax

    fixed = nqx.driver.VMC(H, optax.adam(0.01), variational_state=vs)
    with pytest.raises(ValueError, match="fixed"):
        fixed.learning_rate = 0.1


def test_a_new_optimizer_of_the_same_kind_reuses_the_compiled_step(problem):
    hi, _, H, _, _ = problem
    vs = nqx.vqs.FullSumState(hi, nqx.models.RBM(alpha=1), seed=4)
    nqx.driver.VMC(H, nqx.optimizer.Adam(0.01), variational_state=vs).advance(1)
    compiled = _vmc.vmc_step_jit._cache_size()
    driver = nqx.driver.VMC(H, nqx.optimizer.Adam(0.05, b1=0.8), variational_state=vs)
    driver.advance(1)
    assert _vmc.vmc_step_jit._cache_size() == compiled
    assert driver.learning_rate == pytest.approx(0.05)
