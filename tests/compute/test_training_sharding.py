"""Training on several devices: the full sum's states and the Metropolis chains are split
over 2 fake CPU devices, and the trained energies equal the single-device ones.

The 2-device run is a subprocess started with
``XLA_FLAGS=--xla_force_host_platform_device_count=2`` (the device count is fixed when JAX
starts); this process, with one device, trains the references.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

from nqs_explorer.compute import Session, Setup, Trainer

ROOT = Path(__file__).resolve().parents[2]
CASES = {
    "full_sum_rbm": (
        Setup(lattice="Chain", extent=(8,), group=None, hamiltonian="Ising"),
        dict(learning_rate=0.05),
    ),
    "full_sum_symmetrized_sr": (
        Setup(
            lattice="Chain",
            extent=(8,),
            group="translation",
            symmetrize=True,
            hamiltonian="Heisenberg",
        ),
        dict(sr=True, optimizer="SGD", learning_rate=0.05),
    ),
    "metropolis_sr": (
        Setup(lattice="Chain", extent=(8,), group=None, hamiltonian="Ising"),
        dict(estimator="samples", n_samples=256, sr=True, optimizer="SGD", seed=4),
    ),
}
STEPS = 4


def train(name: str) -> Trainer:
    setup, settings = CASES[name]
    trainer = Trainer(Session(setup), **settings)
    trainer.step(STEPS)
    return trainer


SCRIPT = """
import json, sys
import jax
from jax.sharding import NamedSharding
from nqs_explorer.compute import _kernels
from tests.compute.test_training_sharding import CASES, train

out = {"devices": len(jax.devices())}
for name in CASES:
    t = train(name)
    placed = t._place(t._driver.step_inputs()[1])
    specs = sorted({str(leaf.sharding.spec) for leaf in jax.tree_util.tree_leaves(placed)
                    if isinstance(leaf.sharding, NamedSharding)})
    chains = getattr(getattr(t._driver.state, "sampler_state", None), "σ", None)
    out[name] = {
        "energy": t.history["energy"],
        "device": t.device,
        "specs": specs,
        "chains": None if chains is None else [list(s.data.shape)
                                               for s in chains.addressable_shards],
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def two_devices():
    env = dict(os.environ)
    env["XLA_FLAGS"] = env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
    env["JAX_PLATFORMS"] = "cpu"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # a subprocess that compiles three training steps for 2 devices
def test_the_step_is_split_over_two_devices(two_devices):
    assert two_devices["devices"] == 2
    for name in CASES:
        run = two_devices[name]
        assert run["device"] == "2 × cpu"
        assert run["specs"] == ["P('batch',)", "P()"]  # split inputs and replicated ones
    # 16 chains of 8 sites: 8 on each device, after the steps too
    assert two_devices["metropolis_sr"]["chains"] == [[8, 8], [8, 8]]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_two_devices_train_to_the_single_device_energies(two_devices, name):
    assert len(jax.devices()) == 1
    reference = train(name).history["energy"]
    # the same arithmetic per row, sums in another order; the same random bits per chain
    np.testing.assert_allclose(two_devices[name]["energy"], reference, rtol=1e-10, atol=1e-10)
