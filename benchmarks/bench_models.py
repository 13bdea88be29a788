"""Benchmark: batched log ψ of SymmExpSum(RBM) and fast autoregressive sampling, vs NetKet.

Both sides run the same work on the same parameters and groups, jitted, on the default
device: NetKet's models get our parameters transplanted (the trees are the same) and its
groups are built from our permutation arrays. Outputs are checked to agree before timing.
Each figure is the median of repeated calls after a warm-up call (compilation excluded),
each call ended by ``block_until_ready``; the calls compared with each other are measured
interleaved, so a change of machine load during the run hits them alike.

    python benchmarks/run.py --only models      # or: python benchmarks/bench_models.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from nqs_explorer import graph, models
from nqs_explorer.hilbert import Spin
from nqs_explorer.nn.blocks import SymmExpSum

REPEATS = 7
BATCH = 4096
N_SAMPLES = 4096
AR_EXTENT = (10, 10)
AR_OPTIONS = {"layers": 3, "features": 16, "kernel_size": (3, 3)}
#: Batch of the extra throughput figures on accelerators (the issue's H100 reference).
LARGE_BATCH = 65536
#: Dense fp64 (tensor core) and fp32 peak FLOP/s by device kind, for the share of peak.
PEAK_FLOPS = {"NVIDIA H100 80GB HBM3": 67e12, "NVIDIA H200": 67e12}


def _median_seconds(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each call, measured interleaved.

    Each call is warmed up first (it compiles). Interleaving makes the comparison fair on a
    machine whose load changes during the run. Each timed call follows an untimed call of
    the same function: a call right after a memory-hungry other one (NetKet's gathered
    copies) finds the caches cold and runs 15–25 % slower, which would favour whichever
    call happens to come after a lighter one. The timed calls run under
    ``jax.transfer_guard("disallow")``: an implicit host-device transfer inside them
    raises, so the figures are device-only work.
    """
    for call in calls.values():
        jax.block_until_ready(call())
    times: dict[str, list[float]] = {name: [] for name in calls}
    with jax.transfer_guard("disallow"):
        for _ in range(repeats):
            for name, call in calls.items():
                jax.block_until_ready(call())  # settle the caches for this call
                start = time.perf_counter()
                jax.block_until_ready(call())
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _netket():
    try:
        import netket as nk
    except ImportError:
        return None
    return nk


def _load() -> str:
    try:
        return "load " + "/".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover - platforms without getloadavg
        return "load ?"


def _rate(count: int, seconds: float | None, what: str) -> str:
    return f"{count / seconds / 1e3:,.1f} k {what}/s" if seconds else "—"


def _flops(batch: int, seconds: float | None) -> str:
    """Rate of the first layer's ``2·B·|G|·N·H`` multiply-adds (the FLOPs that matter)."""
    if not seconds:
        return "—"
    rate = 2 * batch * 288 * 36 * 72 / seconds
    peak = PEAK_FLOPS.get(jax.devices()[0].device_kind)
    share = f", {rate / peak:.1%} of the {peak / 1e12:.0f} TFLOP/s peak" if peak else ""
    if rate < 1e12:
        return f"{rate / 1e9:.3g} GFLOP/s{share}"
    return f"{rate / 1e12:.3g} TFLOP/s{share}"


def _symm_rows(dtype, repeats: int, nk, batch: int = BATCH) -> list[dict]:
    group = graph.Square(6).space_group()
    perms = np.asarray(group.to_array())
    x = jax.random.choice(jax.random.PRNGKey(1), jnp.asarray([-1.0, 1.0], dtype), (batch, 36))
    ours = SymmExpSum(models.RBM(alpha=2, param_dtype=dtype), group)
    gather = ours.clone(strategy="gather")
    variables = ours.init(jax.random.PRNGKey(0), x[:2])
    ours_fn, gather_fn = jax.jit(ours.apply), jax.jit(gather.apply)
    out = ours_fn(variables, x)
    reference = gather_fn(variables, x)
    tol = 1e-12 if dtype == jnp.float64 else 1e-5
    np.testing.assert_allclose(out, reference, rtol=tol, atol=tol)
    calls = {"ours": lambda: ours_fn(variables, x), "gather": lambda: gather_fn(variables, x)}
    if nk is not None:
        nk_group = nk.utils.group.PermutationGroup(
            [nk.utils.group.Permutation(permutation_array=p) for p in perms], degree=36
        )
        theirs = nk.nn.blocks.SymmExpSum(
            module=nk.models.RBM(alpha=2, param_dtype=dtype), symm_group=nk_group
        )
        theirs_fn = jax.jit(theirs.apply)
        np.testing.assert_allclose(theirs_fn(variables, x), reference, rtol=tol, atol=tol)
        calls["netket"] = lambda: theirs_fn(variables, x)
    seconds = _median_seconds(calls, repeats)
    ours_s, gather_s, netket_s = seconds["ours"], seconds["gather"], seconds.get("netket")
    name = np.dtype(dtype).name
    label = f"SymmExpSum(RBM α=2) log ψ, Square 6x6 space group (288 elements), B={batch}, {name}"
    common = f"median of {repeats}, interleaved; {_load()}"
    blocked = "blocked" if jax.default_backend() == "cpu" else "unblocked"
    return [
        dict(
            name=label,
            value=ours_s,
            unit="s",
            netket=netket_s,
            better="lower",
            notes=f"strategy auto → {ours.resolved_strategy()} on {jax.default_backend()}; "
            f"{_rate(batch, ours_s, 'configs')} (NetKet {_rate(batch, netket_s, 'configs')}); "
            f"{_flops(batch, ours_s)}; {common}",
        ),
        dict(
            name=f"{label}, strategy=gather (reference formulation)",
            value=gather_s,
            unit="s",
            netket=netket_s,
            better="lower",
            notes=f"{_rate(batch, gather_s, 'configs')}; batch {blocked}; "
            f"{_flops(batch, gather_s)}; {common}",
        ),
    ]


def _sampling_row(repeats: int, nk) -> dict:
    n_sites = AR_EXTENT[0] * AR_EXTENT[1]
    model = models.FastARNNConv2D(hilbert=Spin(0.5, n_sites), **AR_OPTIONS)
    variables = model.init(jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    key = jax.random.PRNGKey(2)
    samples, log_prob = models.sample(model, variables, key, N_SAMPLES)
    # the returned log p is the model's: 2 Re log ψ of the samples
    np.testing.assert_allclose(
        log_prob, 2 * jax.jit(model.apply)(variables, samples).real, rtol=1e-10, atol=1e-10
    )
    calls = {"ours": lambda: models.sample(model, variables, key, N_SAMPLES)}
    if nk is not None:
        # Both default Spins list the local states as NetKet >= 3.16: (+1, -1).
        hilbert = nk.hilbert.Spin(0.5, n_sites)
        theirs = nk.models.FastARNNConv2D(hilbert=hilbert, **AR_OPTIONS)
        sampler = nk.sampler.ARDirectSampler(hilbert)
        from netket.sampler.autoreg import ARDirectSamplerState

        def netket_sample(key):
            state = ARDirectSamplerState(key=key)
            (sigma, log_p), _ = sampler._sample_chain(
                theirs, variables, state, N_SAMPLES, return_log_probabilities=True
            )
            return sigma.reshape(-1, n_sites), log_p.reshape(-1)

        netket_fn = jax.jit(netket_sample)
        sigma, log_p = netket_fn(key)
        assert sigma.shape == (N_SAMPLES, n_sites)
        # same distribution: NetKet's log p of its samples is our model's 2 Re log ψ
        np.testing.assert_allclose(
            log_p, 2 * jax.jit(model.apply)(variables, sigma).real, rtol=1e-10, atol=1e-10
        )
        calls["netket"] = lambda: netket_fn(key)
    seconds = _median_seconds(calls, repeats)
    ours_s, netket_s = seconds["ours"], seconds.get("netket")
    return dict(
        name=f"FastARNNConv2D 10x10 (3 layers, 16 features, 3x3) sampling, {N_SAMPLES} samples",
        value=ours_s,
        unit="s",
        netket=netket_s,
        better="lower",
        notes=f"{_rate(N_SAMPLES, ours_s, 'samples')} (NetKet {_rate(N_SAMPLES, netket_s, 'samples')});"
        f" both return log p; float64; median of {repeats}, interleaved; {_load()}",
    )


def _residency_row() -> dict:
    """Host-transfer instructions in the compiled programs of the app's batched kernels.

    Counted in the optimised HLO of the explorer's kernels (log ψ of SymmExpSum(RBM) over
    the Square 6x6 space group, and FastARNNConv2D 10x10 sampling) as compiled for the
    default device; 0 means each runs on the device from its inputs to its outputs.
    """
    from nqs_explorer.compute import _kernels

    group = graph.Square(6).space_group()
    perms, characters = np.asarray(group.to_array()), np.ones(len(group), complex)
    rbm = models.RBM(alpha=2)
    x = np.ones((BATCH, 36))
    rbm_vars = rbm.init(jax.random.PRNGKey(0), x[:1])
    n_sites = AR_EXTENT[0] * AR_EXTENT[1]
    ar = models.FastARNNConv2D(hilbert=Spin(0.5, n_sites), **AR_OPTIONS)
    ar_vars = ar.init(jax.random.PRNGKey(0), jnp.ones((1, n_sites)))
    found = _kernels.host_transfers(
        _kernels.symm_log_psi, rbm_vars, x, perms, characters, module=rbm
    ) + _kernels.host_transfers(
        _kernels.sample, ar_vars, np.uint32(0), model=ar, n_samples=N_SAMPLES
    )
    return dict(
        name="host-transfer instructions in the compiled log ψ and sampling kernels",
        value=len(found),
        unit="",
        notes=f"on {jax.devices()[0].device_kind}; optimised HLO searched for callbacks, "
        "infeed/outfeed, host send/recv; the timed calls also run under "
        'jax.transfer_guard("disallow")' + (f"; found {sorted(set(found))}" if found else ""),
    )


def run(repeats: int = REPEATS) -> list[dict]:
    """Median seconds per figure (see the module docstring); rows in run.py's format."""
    nk = _netket()
    rows = []
    for dtype in (jnp.float64, jnp.float32):
        rows += _symm_rows(dtype, repeats, nk)
    if jax.default_backend() != "cpu":
        for dtype in (jnp.float64, jnp.float32):
            rows += _symm_rows(dtype, repeats, nk, batch=LARGE_BATCH)
    rows.append(_sampling_row(repeats, nk))
    rows.append(_residency_row())
    return rows


if __name__ == "__main__":
    for row in run():
        theirs = row["netket"]
        ratio = f"x{theirs / row['value']:.2f}" if theirs else "NetKet not installed"
        print(f"{row['value'] * 1e3:9.1f} ms  {ratio:>8}  {row['name']}  [{row['notes']}]")
