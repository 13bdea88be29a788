"""Size budgets: refused before any allocation, with the largest size that fits."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer import compute, group
from nqs_explorer.compute import MAX_SITES, Session, Setup


def refused_fast(fn, match: str) -> str:
    """``fn`` raises ValueError matching ``match`` within 0.1 s and under 1 MiB."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match) as info:
            fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 2**20, peak  # nothing sized by the request was allocated
    assert time.perf_counter() - start < 5.0  # generous: the real figure is ~1e-4 s
    return str(info.value)


@pytest.mark.parametrize("n", [4097, 100_000, 1_000_000, 10**18])
def test_a_chain_over_the_site_budget_is_refused_naming_the_largest_that_fits(n):
    text = refused_fast(lambda: Setup().change(lattice="Chain", extent=(n,)), "extent: Chain")
    assert f"{MAX_SITES} sites" in text
    assert f"largest extent that fits is ({MAX_SITES},)" in text


def test_a_square_keeps_equal_extents_in_its_suggestion():
    text = refused_fast(lambda: Setup().change(extent=(100, 100)), "10000 sites")
    assert "largest extent that fits is (64, 64)" in text  # 64 x 64 = 4096


def test_from_json_applies_the_same_budget():
    text = Setup(lattice="Chain", extent=(8,)).to_json().replace("[8]", "[1000000]")
    refused_fast(lambda: Setup.from_json(text), "over the app's budget of 4096 sites")


def test_a_group_whose_tables_exceed_the_budget_is_refused_with_the_extent_that_fits():
    text = refused_fast(
        lambda: Setup().change(lattice="Chain", extent=(4096,)), "group: the translation group"
    )
    assert "largest extent that fits is (2048,)" in text
    # 64 B x 2048 x 2048 = 256 MiB exactly: the largest that fits
    assert group.group_bytes("translation", (2048,), (True,), 1) == group.MAX_TABLE_BYTES
    Setup().change(lattice="Chain", extent=(4096,), group=None)  # without a group it fits


def test_the_group_api_refuses_before_building():
    lattice = nqx.graph.Square(100)
    text = refused_fast(lattice.translation_group, "translation group of extent")
    assert "the largest extent that fits is (45, 45) (2025 sites)" in text
    refused_fast(nqx.graph.Square(30).space_group, "space group of Square")
    refused_fast(nqx.graph.Square(200).point_group, "point group of Square")
    # open axes have no translations: the group is trivial and cheap
    assert len(nqx.graph.Square(100, pbc=False).translation_group()) == 1


def test_the_group_budget_can_be_raised(monkeypatch):
    monkeypatch.setattr(group, "MAX_TABLE_BYTES", 2**10)
    with pytest.raises(ValueError, match="largest extent that fits is"):
        nqx.graph.Chain(8).translation_group()
    monkeypatch.setattr(group, "MAX_TABLE_BYTES", 2**20)
    assert len(nqx.graph.Chain(8).translation_group()) == 8


def test_largest_fitting_extent_is_the_boundary():
    fits = lambda e: e[0] * e[1] <= 100  # noqa: E731
    assert group.largest_fitting_extent((30, 30), fits) == (10, 10)
    assert group.largest_fitting_extent((40, 20), fits) == (14, 7)
    assert group.largest_fitting_extent((3, 3), lambda e: False) is None


def test_a_model_over_the_parameter_budget_is_refused_before_initialising(monkeypatch):
    session = Session(Setup(lattice="Chain", extent=(8,), group=None))
    before = session.build_counts["init"]
    monkeypatch.setattr(compute._constants, "MODEL_MAX_BYTES", 1000)
    with pytest.raises(ValueError, match=r"hyperparameters: RBM would have 152 parameters"):
        session.change(hyperparameters={"alpha": 2})  # 8 + 16 + 8 x 16
    assert session.build_counts["init"] == before
    assert session.setup.hyperparameters == {}


def test_estimate_build_s_grows_with_the_size():
    small = compute.estimate_build_s(Setup())
    large = compute.estimate_build_s(Setup(lattice="Chain", extent=(2048,)))
    assert small < 0.1 < compute.TIME_BUDGET_S < large
    assert np.isfinite(large)
