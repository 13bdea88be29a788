"""Sharded log ψ and sampling: 4 fake CPU devices give the single-device results.

The sharded run happens in a subprocess started with
``XLA_FLAGS=--xla_force_host_platform_device_count=4`` (the device count is fixed when
JAX starts); this process, with one device, computes the references.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer import models
from nqs_explorer.compute import _sharding
from nqs_explorer.hilbert import Spin
from nqs_explorer.nn.blocks import SymmExpSum

ROOT = Path(__file__).resolve().parents[2]
N_DEVICES = 4
BATCHES = (40, 38)  # divisible by 4, and padded
SAMPLE_COUNTS = (64, 61)


def symm_case():
    """SymmExpSum(RBM) over the space group of Square 4x4, its variables and configurations."""
    model = SymmExpSum(models.RBM(alpha=2), nqx.graph.Square(4).space_group())
    x = np.sign(np.random.default_rng(5).standard_normal((max(BATCHES), 16)))
    return model, model.init(jax.random.PRNGKey(0), x[:1]), x


def ar_case():
    """FastARNNConv2D on 4x4, its variables and a sampling key."""
    model = models.FastARNNConv2D(hilbert=Spin(0.5, 16), layers=2, features=4, kernel_size=(3, 3))
    return model, model.init(jax.random.PRNGKey(1), jnp.ones((1, 16))), jax.random.PRNGKey(7)


SCRIPT = """
import json, re, sys
import jax, numpy as np
from nqs_explorer.compute import _sharding
from nqs_explorer.compute._kernels import host_transfer_instructions
from tests.compute.test_sharding import BATCHES, SAMPLE_COUNTS, ar_case, symm_case

out, info = {}, {"devices": len(jax.devices())}
model, variables, x = symm_case()
for n in BATCHES:
    log_psi = _sharding.sharded_log_psi(model, variables, x[:n])
    out[f"log_psi_{n}"] = np.asarray(log_psi)
    info[f"log_psi_{n}"] = [list(s.data.shape) for s in log_psi.addressable_shards]
model, variables, key = ar_case()
for n in SAMPLE_COUNTS:
    samples, log_prob = _sharding.sharded_sample(model, variables, key, n)
    out[f"samples_{n}"], out[f"log_prob_{n}"] = np.asarray(samples), np.asarray(log_prob)
    info[f"samples_{n}"] = [list(s.data.shape) for s in samples.addressable_shards]
    info[f"samples_{n}_devices"] = len(samples.sharding.device_set)
# the sampling scan itself is partitioned: its (rows, 16) arrays have 64/4 rows
hlo = _sharding._sharded_sample.lower(model, variables, key, 64).compile().as_text()
info["sample_hlo_rows"] = sorted({int(r) for r in re.findall(r"f64\\[(\\d+),16\\]", hlo)})
model, variables, x = symm_case()
log_psi_hlo = _sharding.sharded_log_psi.lower(model, variables, x[:40]).compile().as_text()
info["host_transfers"] = [host_transfer_instructions(t) for t in (hlo, log_psi_hlo)]
np.savez(sys.argv[1], **out)
print(json.dumps(info))
"""


@pytest.fixture(scope="module")
def sharded_run(tmp_path_factory):
    """Outputs of the 4-device subprocess and the shapes of their per-device shards."""
    path = tmp_path_factory.mktemp("sharding") / "out.npz"
    env = dict(os.environ)
    env["XLA_FLAGS"] = (
        env.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={N_DEVICES}"
    )
    env["JAX_PLATFORMS"] = "cpu"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    info = json.loads(done.stdout.strip().splitlines()[-1])
    with np.load(path) as data:
        return dict(data), info


@pytest.mark.slow  # the subprocess (JAX start, compilations) takes ~7 s
def test_subprocess_has_four_devices_and_outputs_are_sharded(sharded_run):
    _, info = sharded_run
    assert info["devices"] == N_DEVICES
    assert info["log_psi_40"] == [[10]] * N_DEVICES  # one quarter of the batch per device
    assert info["samples_64"] == [[16, 16]] * N_DEVICES
    assert info["samples_64_devices"] == N_DEVICES
    assert info["sample_hlo_rows"] == [16]  # no device holds all 64 rows while sampling
    assert info["host_transfers"] == [[], []]  # the partitioned programs stay on the devices


@pytest.mark.slow
@pytest.mark.parametrize("n", BATCHES)
def test_sharded_log_psi_equals_single_device(sharded_run, n):
    out, _ = sharded_run
    assert len(jax.devices()) == 1
    model, variables, x = symm_case()
    reference = np.asarray(jax.jit(model.apply)(variables, x[:n]))
    assert out[f"log_psi_{n}"].shape == (n,)
    np.testing.assert_allclose(out[f"log_psi_{n}"], reference, rtol=1e-12, atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("n", SAMPLE_COUNTS)
def test_sharded_samples_equal_single_device(sharded_run, n):
    out, _ = sharded_run
    model, variables, key = ar_case()
    samples, log_prob = models.sample(model, variables, key, n)
    np.testing.assert_array_equal(out[f"samples_{n}"], samples)  # same key, same samples
    np.testing.assert_allclose(out[f"log_prob_{n}"], log_prob, rtol=1e-12, atol=1e-12)


def test_single_device_is_a_no_op():
    assert _sharding.batch_sharding() is None
    model, variables, x = symm_case()
    np.testing.assert_array_equal(
        _sharding.sharded_log_psi(model, variables, x[:5]), jax.jit(model.apply)(variables, x[:5])
    )
    model, variables, key = ar_case()
    for a, b in zip(
        _sharding.sharded_sample(model, variables, key, 3), models.sample(model, variables, key, 3)
    ):
        np.testing.assert_array_equal(a, b)
    tree = {"a": jnp.ones((4, 2))}
    assert _sharding.constrain_batch(tree) is tree


def test_sizes_and_errors():
    assert [_sharding.padded_size(n, 4) for n in (1, 4, 5, 8)] == [4, 4, 8, 8]
    model, variables, key = ar_case()
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="n_samples must be a positive integer"):
            _sharding.sharded_sample(model, variables, key, bad)
