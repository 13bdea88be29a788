"""The explorer's per-device SymmExpSum strategy table (compute.orbit_strategy)."""

import jax
import numpy as np

from nqs_explorer.compute import KERNEL_MODULES, Session, Setup, orbit_strategy
from nqs_explorer.models import MLP, RBM, DeepSetMLP


class _SubRBM(RBM):
    """Does not define the orbit protocol itself: gathered."""


def test_table_per_backend():
    """As measured in docs/PERFORMANCE.md: RBM kernels everywhere, MLP kernels on GPUs."""
    assert (orbit_strategy(RBM(), "cpu"), orbit_strategy(MLP(), "cpu")) == ("kernel", "gather")
    for gpu in ("gpu", "cuda", "rocm"):
        assert (orbit_strategy(RBM(), gpu), orbit_strategy(MLP(), gpu)) == ("kernel", "kernel")
    for backend in ("cpu", "gpu", "tpu"):
        assert orbit_strategy(DeepSetMLP(), backend) == "gather"
        assert orbit_strategy(_SubRBM(), backend) == "gather"
    assert orbit_strategy(RBM(), "tpu") == "gather"  # backends not in the table gather
    assert set(KERNEL_MODULES) == {"cpu", "gpu", "cuda", "rocm"}


def test_default_backend_is_jax_default(monkeypatch):
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    assert orbit_strategy(MLP()) == "kernel"
    monkeypatch.setattr(jax, "default_backend", lambda: "cpu")
    assert orbit_strategy(MLP()) == "gather"


def test_session_builds_symmetrized_models_with_the_table(monkeypatch):
    """The session's SymmExpSum carries the device's choice and its log ψ uses it."""
    for architecture, expected in (("RBM", "kernel"), ("MLP", "gather")):
        setup = Setup(
            lattice="Chain",
            extent=(6,),
            pbc=(True,),
            group="translation",
            architecture=architecture,
            symmetrize=True,
            character_id=1,
        )
        session = Session(setup)
        assert session.model.strategy == expected == orbit_strategy(session.model.module)
        x = session.random_configurations(4, seed=2)
        ours = session.log_psi(x)
        direct = np.asarray(jax.jit(session.model.apply)(session.variables, x))
        scale = np.abs(direct).max()
        np.testing.assert_allclose(np.exp(ours), np.exp(direct), atol=1e-12 * np.exp(scale))
