"""Layer 5: the explorer's widgets, thin over `nqs_explorer.compute` and `nqs_explorer.plot`.

Every view is a plain object over a shared :class:`AppState` (one ``compute.Session``)
with a ``root`` widget; it displays in Jupyter by itself, and `Explorer` composes them all::

    import nqs_explorer as nqx
    nqx.Explorer()                                  # the whole app
    nqx.widgets.OrbitView()                         # one view on its own

State lives in :class:`AppState`, a ``traitlets.HasTraits`` whose typed traits (setup,
configuration, character, parameters, revision, busy, progress, messages, last error)
the views observe; tests drive it directly. Widget callbacks run through its error
boundary, so an invalid choice shows a message and keeps the last valid model. Every
view records the revision it drew (``drawn_revision``) and is marked stale while behind.
`nqs_explorer.plot.html` renders the views as HTML strings without widgets.
"""

from ._autoregressive_view import AutoregressiveView as AutoregressiveView
from ._character_picker import CharacterPicker as CharacterPicker
from ._checks_panel import CheckResult as CheckResult
from ._checks_panel import ChecksPanel as ChecksPanel
from ._checks_panel import run_checks as run_checks
from ._codegen import model_script as model_script
from ._explorer import Explorer as Explorer
from ._explorer import MessageLog as MessageLog
from ._export_panel import ExportPanel as ExportPanel
from ._figure import LiveFigure as LiveFigure
from ._group_picker import GroupPicker as GroupPicker
from ._lattice_picker import LatticePicker as LatticePicker
from ._model_builder import ModelBuilder as ModelBuilder
from ._orbit_view import OrbitView as OrbitView
from ._parameter_table import ParameterTable as ParameterTable
from ._spectrum_view import SpectrumView as SpectrumView
from ._state import ActionRecord as ActionRecord
from ._state import AppState as AppState
from ._status import StatusLine as StatusLine
from ._train_view import TrainView as TrainView

__all__ = [
    "ActionRecord",
    "AppState",
    "AutoregressiveView",
    "CharacterPicker",
    "CheckResult",
    "ChecksPanel",
    "Explorer",
    "ExportPanel",
    "GroupPicker",
    "LatticePicker",
    "LiveFigure",
    "MessageLog",
    "ModelBuilder",
    "OrbitView",
    "ParameterTable",
    "SpectrumView",
    "StatusLine",
    "TrainView",
    "model_script",
    "run_checks",
]
