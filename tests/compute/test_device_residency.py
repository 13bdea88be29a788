"""The jitted kernels stay on the device: no host transfer inside them.

Two independent checks, both of which hold on any backend and are exercised here on CPU:
- the compiled program of every kernel contains no host-transfer instruction (Python
  callbacks, infeed/outfeed, host send/recv), shown to catch a kernel that has one;
- every kernel runs under ``jax.transfer_guard("disallow")`` once its arguments are on
  the device, with results equal to an unguarded run, and the guard is shown to stop a
  kernel handed a host (numpy) array.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer import models
from nqs_explorer.compute import _kernels as K
from nqs_explorer.hilbert import Spin

PERMS = np.asarray(nqx.graph.Square(3).space_group().to_array())
CHARACTERS = np.asarray(nqx.graph.Square(3).space_group().character_table()[3])
SYMM = models.RBM(alpha=1, param_dtype=jnp.complex128)
PLAIN = models.MLP(hidden_dims=(4,))
HAM = nqx.operator.Heisenberg(Spin(0.5, 9), nqx.graph.Square(3))
AR = models.FastARNNConv2D(hilbert=Spin(0.5, 9), layers=2, features=3, kernel_size=(2, 2))


def _configs(seed: int, batch: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(batch, 9))


def _variables(model) -> dict:
    return model.init(jax.random.PRNGKey(0), jnp.ones((1, 9)))


def _train_step_inputs():
    """A Metropolis + SR training step of the MLP (sampler scan, local energies, SR)."""
    sampler = nqx.sampler.MetropolisLocal(Spin(0.5, 9), n_chains=4)
    vs = nqx.vqs.MCState(sampler, PLAIN, n_samples=16, seed=0)
    driver = nqx.driver.VMC(
        HAM, nqx.optimizer.Sgd(0.01), variational_state=vs, preconditioner=nqx.optimizer.SR()
    )
    structure, values = driver.step_inputs()
    return values, {"structure": structure}


def _cases():
    """(id, kernel, traced arguments, static arguments) for every kernel of the app."""
    x = _configs(1)
    symm, plain, ar = _variables(SYMM), _variables(PLAIN), _variables(AR)
    return [
        ("train_step", K.train_step, *_train_step_inputs()),
        ("init", K.init, (np.uint32(3), x), {"model": PLAIN}),
        ("log_psi", K.log_psi, (plain, x), {"model": PLAIN}),
        ("symm_log_psi", K.symm_log_psi, (symm, x, PERMS, CHARACTERS), {"module": SYMM}),
        ("orbit", K.orbit, (symm, x[0], PERMS, CHARACTERS), {"module": SYMM}),
        ("symmetry_check", K.symmetry_check, (plain, x, PERMS, CHARACTERS), {"model": PLAIN}),
        (
            "symm_symmetry_check",
            K.symm_symmetry_check,
            (symm, x, PERMS, CHARACTERS),
            {"module": SYMM},
        ),
        (
            "sector_cancellation",
            K.sector_cancellation,
            (symm, x, PERMS, CHARACTERS),
            {"module": SYMM},
        ),
        ("conditionals", K.conditionals, (ar, x), {"model": AR}),
        ("receptive_fields", K.receptive_fields, (ar, x[:2] * 0.3), {"model": AR}),
        ("sample", K.sample, (ar, np.uint32(11)), {"model": AR, "n_samples": 16}),
        (
            "energy_terms",
            K.energy_terms,
            (symm, x, np.zeros(5, complex), np.ones(5), np.float64(0.0), PERMS, CHARACTERS, HAM),
            {"module": SYMM},
        ),
    ]


CASES = _cases()
IDS = [case[0] for case in CASES]


def test_every_kernel_is_covered():
    kernels = {
        name
        for name, obj in vars(K).items()
        if callable(obj)
        and getattr(obj, "__module__", "") == K.__name__
        and not name.startswith("_")
        and name
        not in {
            "call_kernel",
            "compile_count",
            "cache_size",
            "host_transfers",
            "host_transfer_instructions",
            "background_compile_count",
            "is_compiled",
            "precompile",
            "precompile_later",
            "wait_precompiled",
        }
    }
    assert kernels == set(IDS)


@pytest.mark.parametrize(("name", "kernel", "args", "static"), CASES, ids=IDS)
def test_compiled_kernel_has_no_host_transfer(name, kernel, args, static):
    assert K.host_transfers(kernel, *args, **static) == [], f"{name} talks to the host"


def _printing_kernel(x, *, model):
    jax.debug.print("{}", x.sum())
    return model.apply(_variables(PLAIN), x)


def _callback_kernel(x, *, model):
    total = jax.pure_callback(np.sum, jax.ShapeDtypeStruct((), x.dtype), x)
    return model.apply(_variables(PLAIN), x) + total


@pytest.mark.parametrize("kernel", [_printing_kernel, _callback_kernel])
def test_host_transfer_detector_catches_callbacks(kernel):
    assert len(K.host_transfers(kernel, _configs(2), model=PLAIN)) == 1


def test_host_transfer_instructions_in_hlo_text():
    hlo = """
      %outfeed = token[] outfeed(f32[4]{0} %p, token[] %t), outfeed_config=""
      %send = (f32[], u32[], token[]) send(f32[] %a, token[] %t), is_host_transfer=true
      %dot = f64[8,72]{1,0} dot(f64[8,36]{1,0} %x, f64[36,72]{1,0} %w)
    """
    assert K.host_transfer_instructions(hlo) == ["outfeed(", "is_host_transfer=true"]


@pytest.mark.parametrize(("name", "kernel", "args", "static"), CASES, ids=IDS)
def test_kernel_runs_with_host_transfers_disallowed(name, kernel, args, static):
    expected, _ = K.call_kernel(kernel, *args, **static)
    on_device = jax.device_put(jax.tree_util.tree_map(K._canonical_leaf, args))
    with jax.transfer_guard("disallow"):
        outputs, _ = K.call_kernel(kernel, *on_device, to_host=False, **static)
        jax.block_until_ready(outputs)
    jax.tree_util.tree_map(
        lambda a, b: np.testing.assert_array_equal(np.asarray(a), np.asarray(b)),
        outputs,
        expected,
    )


def test_transfer_guard_stops_a_host_array():
    variables = jax.device_put(_variables(PLAIN))
    K.call_kernel(K.log_psi, variables, _configs(3), model=PLAIN)  # compiled already
    with jax.transfer_guard("disallow"), pytest.raises(Exception, match="host-to-device"):
        K.call_kernel(K.log_psi, variables, _configs(3), to_host=False, model=PLAIN)
