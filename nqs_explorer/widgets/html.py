"""The explorer's views as HTML strings: re-exported from `nqs_explorer.plot.html`.

Kept so that ``nqs_explorer.widgets.html`` keeps working; new code imports
`nqs_explorer.plot.html` (which needs no ipywidgets).
"""

from ..plot.html import character_table_html as character_table_html
from ..plot.html import check_results_html as check_results_html
from ..plot.html import device_text as device_text
from ..plot.html import orbit_summary_html as orbit_summary_html
from ..plot.html import parameter_table_html as parameter_table_html
from ..plot.html import terms_table_html as terms_table_html

__all__ = [
    "character_table_html",
    "check_results_html",
    "device_text",
    "orbit_summary_html",
    "parameter_table_html",
    "terms_table_html",
]
