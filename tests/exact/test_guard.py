"""The memory guard refuses before building anything and names a size that it accepts."""

import re

import numpy as np
import pytest

import nqs_explorer as nqx
from nqs_explorer.exact import lanczos_ed, sector_spectrum


class Built(Exception):
    """Raised by `Unbuildable.to_sparse`: the guard let the size through."""


class Unbuildable:
    def __init__(self, n):
        self.hilbert = nqx.hilbert.Spin(0.5, n)

    def to_sparse(self):
        raise Built


def _largest(message):
    match = re.search(
        r"the largest this machine does for this operator is N=(\d+) \((\d+) states\)", message
    )
    assert match, message
    n = int(match.group(1))
    assert int(match.group(2)) == 2**n
    return n


def test_lanczos_guard_names_a_size_that_passes():
    with pytest.raises(ValueError, match=r"would need about .* GiB") as info:
        lanczos_ed(Unbuildable(30))
    n = _largest(str(info.value))
    assert 16 <= n < 30
    with pytest.raises(Built):  # the size it names is accepted...
        lanczos_ed(Unbuildable(n))
    with pytest.raises(ValueError, match="would need"):  # ...and one more site is not
        lanczos_ed(Unbuildable(n + 1))


def test_sector_guard_suggests_total_sz():
    group = nqx.graph.Chain(30).translation_group()
    with pytest.raises(ValueError, match=r"total_sz") as info:
        sector_spectrum(Unbuildable(30), group, total_sz=0)
    assert _largest(str(info.value)) < 30
    assert "sector_spectrum" in str(info.value)


def test_max_conn_size_is_used():
    small, big = Unbuildable(22), Unbuildable(22)
    small.max_conn_size = 1
    big.max_conn_size = 10_000
    with pytest.raises(Built):
        lanczos_ed(small)
    with pytest.raises(ValueError, match="~10000 non-zeros per row"):
        lanczos_ed(big)
    assert np.isfinite(nqx.exact.MEMORY_BUDGET_BYTES)
