"""The explorer's views as HTML: pure functions of `nqs_explorer.compute` results.

The widgets show these strings in ``ipywidgets.HTML``; the headless report
(``nqs-explorer render``) writes the same strings into its page, so the two always agree.
Each function takes plain results (a group, an `OrbitResult`, a `ParameterSummary`,
a list of `CheckResult`, ``Session.device_info()``) and returns a string; none needs a
running kernel.
"""

from ._character_picker import character_table_html as character_table_html
from ._checks_panel import results_html as check_results_html
from ._orbit_view import orbit_summary_html as orbit_summary_html
from ._orbit_view import terms_table_html as terms_table_html
from ._parameter_table import table_html as parameter_table_html
from ._status import device_text as device_text

__all__ = [
    "character_table_html",
    "check_results_html",
    "device_text",
    "orbit_summary_html",
    "parameter_table_html",
    "terms_table_html",
]
