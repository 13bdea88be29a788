"""Character picker: the group's character table (table and heatmap); choosing sets character_id."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import plot
from ..plot._characters import character_table_layout
from ._figure import LiveFigure, fluid_canvas_style
from ._state import AppState
from ._view import View, scroll_box, set_options

NO_CHARACTER = "all ones (no character)"
#: The table scrolls inside its box (`scroll_box`) rather than widening the pickers.
TABLE_MAX_HEIGHT_PX = 260


def character_value_text(z: complex, tol: float = 1e-9) -> str:
    """Short plain text of a character value: ``1``, ``-1``, ``i``, ``0.5+0.87i``."""
    z = complex(z)
    re = 0.0 if abs(z.real) < tol else z.real
    im = 0.0 if abs(z.imag) < tol else z.imag

    def num(x: float) -> str:
        return f"{x:.0f}" if abs(x - round(x)) < tol else f"{x:.3g}"

    if im == 0.0:
        return num(re)
    imag = {"1": "i", "-1": "-i"}.get(num(im), num(im) + "i")
    if re == 0.0:
        return imag
    return f"{num(re)}{'' if imag.startswith('-') else '+'}{imag}"


def irrep_options(group) -> list[tuple[str, int | None]]:
    """Dropdown options: no character, then ``"k: label (dim d)"`` for every irrep."""
    options: list[tuple[str, int | None]] = [(NO_CHARACTER, None)]
    if group is None:
        return options
    for k, (label, dim) in enumerate(zip(group.irrep_labels, group.irrep_dims)):
        options.append((f"{k}: {label} (dim {int(dim)})", k))
    return options


def character_table_html(group, selected: int | None) -> str:
    """The by-class character table as an HTML table; the selected irrep is highlighted."""
    if group is None:
        return "<i>Choose a group to see its character table.</i>"
    table = np.asarray(group.character_table_by_class())
    head = "".join(
        f"<th>{html.escape(name)}</th>" for name in ("#", "irrep", "dim", *group.class_names)
    )
    body = []
    for k, (label, dim) in enumerate(zip(group.irrep_labels, group.irrep_dims)):
        style = ' style="background:#fff1c1;font-weight:600"' if k == selected else ""
        cells = "".join(f"<td>{character_value_text(z)}</td>" for z in table[k])
        body.append(
            f'<tr class="nqx-irrep"{style}><td>{k}</td><td>{html.escape(label)}</td>'
            f"<td>{int(dim)}</td>{cells}</tr>"
        )
    table = (
        '<table class="nqx-character-table" cellpadding="2" '
        'style="font-size:85%;border-collapse:collapse;white-space:nowrap">'
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )
    return scroll_box(table, "nqx-character-box", TABLE_MAX_HEIGHT_PX)


class CharacterPicker(View):
    """The character table of the current group; choosing an irrep sets ``character_id``.

    Attributes:
        irrep: ``Dropdown`` of the irreps (label and dimension), plus "all ones".
        table: ``HTML`` table of the characters by conjugacy class.
        figure: :class:`LiveFigure` with the table as a heatmap (magnitude and phase);
            fluid: the browser scales it down to the column's width.
    """

    source = "character"
    title = "Character"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.irrep = widgets.Dropdown(description="irrep", layout=widgets.Layout(width="320px"))
        self.table = widgets.HTML()
        # not clickable: the browser shows a large group's heatmap scaled to the column
        self.figure = LiveFigure(figsize=(4.8, 3.0), fluid=True)
        self.on_value(self.irrep, self._choose, "Change character")
        self.state.observe("setup", self.refresh, self.source)
        self.root = widgets.VBox(
            [self.irrep, self.message, self.table, self.figure.widget, fluid_canvas_style()]
        )
        self._drawn_group = None
        self.sync()

    def _choose(self, character_id: int | None) -> bool:
        return self.state.set_character(character_id, self.source)

    def sync(self) -> None:
        group, setup = self.state.session.group, self.state.setup
        with self.muted():
            set_options(self.irrep, irrep_options(group), setup.character_id)
            self.irrep.disabled = group is None
        self.table.value = character_table_html(group, setup.character_id)
        self._draw(group)

    def _draw(self, group) -> None:
        if group is self._drawn_group:
            return
        self._drawn_group = group
        if group is None:
            self.figure.reset().set_axis_off()
        else:
            args = (
                group.character_table_by_class(),
                list(group.irrep_labels),
                list(group.class_names),
            )
            title = f"{group.name}: characters by class"
            size, rect = character_table_layout(*args, title=title)
            plot.draw_character_table(*args, ax=self.figure.layout(size, [rect])[0], title=title)
        self.figure.redraw()
