"""Character picker: the group's character table (table and heatmap); choosing sets character_id."""

from __future__ import annotations

import ipywidgets as widgets

from .. import plot
from ..plot.html import character_column_html as character_column_html
from ..plot.html import character_table_html as character_table_html
from ..plot.html import character_value_text as character_value_text
from ..plot.html import irrep_label_text
from ._figure import LiveFigure, fluid_canvas_style
from ._state import AppState
from ._view import View, set_options

NO_CHARACTER = "no character (all ones)"


def irrep_options(group, reciprocal_vectors=None) -> list[tuple[str, int | None]]:
    """Dropdown options: no character, then ``"k: label (dim d)"`` for every irrep, with
    momenta in units (`nqs_explorer.plot.html.irrep_label_text`)."""
    options: list[tuple[str, int | None]] = [(NO_CHARACTER, None)]
    if group is None:
        return options
    for k, (label, dim) in enumerate(zip(group.irrep_labels, group.irrep_dims)):
        text = irrep_label_text(label, reciprocal_vectors)
        options.append((f"{k}: {text} (dim {int(dim)})", k))
    return options


class CharacterPicker(View):
    """The character table of the current group; choosing an irrep sets ``character_id``.

    Attributes:
        irrep: ``Dropdown`` of the irreps (label and dimension), plus "no character (all ones)".
        table: ``HTML`` table of the characters by conjugacy class (for more than
            four classes: the chosen irrep's column, the whole table folded below it).
        figure: :class:`LiveFigure` with the table as a heatmap (magnitude and phase);
            fluid: the browser scales it down to the column's width.
    """

    source = "character"
    title = "Character"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.irrep = widgets.Dropdown(
            description="irrep",
            layout=widgets.Layout(width="310px"),
            style={"description_width": "40px"},
        )
        self.table = widgets.HTML()
        # not clickable: the browser shows a large group's heatmap scaled to the column
        self.figure = LiveFigure(figsize=(4.8, 3.0), fluid=True)
        self.on_value(self.irrep, self._choose, "Change character")
        self.redraw_on(["setup"])
        self.root = widgets.VBox(
            [self.irrep, self.message, self.table, self.figure.widget, fluid_canvas_style()]
        )
        self._drawn_group = None
        self.sync()

    def _choose(self, character_id: int | None) -> bool:
        return self.state.set_character(character_id, self.source)

    def sync(self) -> None:
        group, setup = self.state.session.group, self.state.setup
        reciprocal = self.state.session.lattice.reciprocal_vectors
        with self.muted():
            set_options(self.irrep, irrep_options(group, reciprocal), setup.character_id)
            self.irrep.disabled = group is None
        self.table.value = character_column_html(group, setup.character_id, reciprocal)
        self._draw(group, reciprocal)

    def _draw(self, group, reciprocal_vectors) -> None:
        if group is self._drawn_group:
            return
        self._drawn_group = group
        if group is None:
            self.figure.reset().set_axis_off()
        else:
            args = (
                group.character_table_by_class,
                [irrep_label_text(label, reciprocal_vectors) for label in group.irrep_labels],
                list(group.class_names),
            )
            title = f"{group.name}: characters by class"
            size, rect = plot.character_table_layout(*args, title=title)
            plot.draw_character_table(*args, ax=self.figure.layout(size, [rect])[0], title=title)
        self.figure.redraw()
