"""The explorer's views as HTML strings (no ipywidgets): shared by the app and the report.

Example:
    >>> from nqs_explorer.plot.html import complex_text, device_text
    >>> complex_text(0.5 - 0.5j)
    '0.5−0.5i'
    >>> device_text({"backend": "cpu", "devices": ["cpu:0"], "jax_version": "0.x", "x64": True})
    'JAX 0.x · backend cpu · devices cpu:0 · x64 on'
"""

from ._html_tables import SCROLL_BOX_STYLE as SCROLL_BOX_STYLE
from ._html_tables import angle_text as angle_text
from ._html_tables import character_column_html as character_column_html
from ._html_tables import character_row_html as character_row_html
from ._html_tables import character_table_html as character_table_html
from ._html_tables import character_value_text as character_value_text
from ._html_tables import check_results_html as check_results_html
from ._html_tables import complex_text as complex_text
from ._html_tables import device_text as device_text
from ._html_tables import format_number as format_number
from ._html_tables import group_summary_html as group_summary_html
from ._html_tables import irrep_label_text as irrep_label_text
from ._html_tables import orbit_summary_html as orbit_summary_html
from ._html_tables import parameter_table_html as parameter_table_html
from ._html_tables import real_text as real_text
from ._html_tables import row_cells as row_cells
from ._html_tables import scroll_box as scroll_box
from ._html_tables import sigma_text as sigma_text
from ._html_tables import stabilizer_html as stabilizer_html
from ._html_tables import terms_table_html as terms_table_html
from ._module_tree import module_tree_html as module_tree_html

__all__ = [
    "SCROLL_BOX_STYLE",
    "angle_text",
    "character_column_html",
    "character_row_html",
    "character_table_html",
    "character_value_text",
    "check_results_html",
    "complex_text",
    "device_text",
    "format_number",
    "group_summary_html",
    "irrep_label_text",
    "module_tree_html",
    "orbit_summary_html",
    "parameter_table_html",
    "real_text",
    "row_cells",
    "scroll_box",
    "sigma_text",
    "stabilizer_html",
    "terms_table_html",
]
