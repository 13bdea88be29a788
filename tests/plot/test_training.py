"""draw_training: curves at the history's values, reference lines, in-place updates."""

import numpy as np
import pytest

from nqs_explorer.plot import TrainingHandle, draw_training

HISTORY = {
    "step": [0, 1, 2, 3],
    "energy": [-1.0, -1.5, -1.8, -1.9],
    "variance": [1.0, 0.5, 0.0, 0.1],
    "rel_error": [0.5, 0.25, 0.1, 0.05],
    "rel_error_sector": [0.4, 0.2, 0.05, np.nan],
    "fidelity": [np.nan, 0.5, np.nan, 0.9],
}


def test_lines_hold_the_history_and_the_references():
    h = draw_training(HISTORY, exact=-2.0, sector=-1.95, sector_label="k=0")
    assert isinstance(h, TrainingHandle)
    np.testing.assert_array_equal(h.lines["energy"].get_ydata(), HISTORY["energy"])
    assert list(h.lines["exact"].get_ydata()) == [-2.0, -2.0]
    assert list(h.lines["sector"].get_ydata()) == [-1.95, -1.95]
    assert "k=0" in h.lines["sector"].get_label()
    # the exact line is inside the energy axis' limits
    lo, hi = h.axes["energy"].get_ylim()
    assert lo < -2.0
    assert hi > -1.0
    assert h.axes["error"].get_yscale() == "log"
    assert h.axes["variance"].get_yscale() == "log"
    # a zero variance is a gap on the log axis, not a point at -inf
    assert np.isnan(h.lines["variance"].get_ydata()[2])
    # the fidelity is drawn at its measured steps only
    np.testing.assert_array_equal(h.lines["fidelity"].get_xdata(), [1, 3])
    np.testing.assert_array_equal(h.lines["fidelity"].get_ydata(), [0.5, 0.9])


def test_update_redraws_in_place():
    h = draw_training({"step": [], "energy": []})
    assert h.n_points == 0
    assert h.fidelity_note.get_text() == ""
    axes_before = list(h.figure.axes)
    line = h.lines["energy"]
    h.update({"step": [0, 1], "energy": [3.0, 2.0]}, exact=None, sector=1.0)
    assert h.lines["energy"] is line
    assert list(h.figure.axes) == axes_before
    np.testing.assert_array_equal(line.get_ydata(), [3.0, 2.0])
    assert np.isnan(h.lines["exact"].get_ydata()[0])
    assert h.fidelity_note.get_text() == "fidelity: n/a"
    assert h.n_points == 2


def test_bad_histories_are_refused():
    with pytest.raises(ValueError, match="missing"):
        draw_training({"step": [0]})
    with pytest.raises(ValueError, match="history\\['variance'\\] has 1 entries"):
        draw_training({"step": [0, 1], "energy": [0.0, 1.0], "variance": [1.0]})
    with pytest.raises(TypeError, match="mapping"):
        draw_training([1, 2])
    with pytest.raises(ValueError, match="exact must be finite"):
        draw_training({"step": [0], "energy": [0.0]}, exact=float("nan"))
