"""Group picker: none, translations, a point group or the space group of the lattice."""

from __future__ import annotations

import ipywidgets as widgets

from ..plot.html import group_summary_html as group_summary_html
from ._state import AppState
from ._view import View, set_if_changed, set_options

GROUP_CHOICES = (
    ("none", None),
    ("translations", "translation"),
    ("point group", "point"),
    ("space group", "space"),
)
LARGEST = "largest"


class GroupPicker(View):
    """Choose the symmetry group: none, translations, a point group or the space group.

    Attributes:
        kind: ``ToggleButtons`` none / translations / point group / space group.
        point_group: ``Dropdown`` of the point groups the lattice has (``largest`` first).
        info: ``HTML`` with the order, generators and conjugacy classes.
    """

    source = "group"
    title = "Group"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        # no description: the four buttons need the whole column (and wrap if they must)
        self.kind = widgets.ToggleButtons(
            options=list(GROUP_CHOICES), tooltips=["no symmetry", "lattice translations",
            "rotations and reflections about a centre", "translations × point group"],
        )  # fmt: skip
        self.kind.style.button_width = "auto"
        self.point_group = widgets.Dropdown(
            description="point group",
            layout=widgets.Layout(width="240px"),
            style={"description_width": "80px"},
        )
        self.info = widgets.HTML()
        self.on_value(self.kind, self._set_kind, "Change group")
        self.on_value(self.point_group, self._set_point_group, "Change point group")
        self.redraw_on(["setup"])
        self.root = widgets.VBox([self.kind, self.point_group, self.message, self.info])
        self.sync()

    def _set_kind(self, kind: str | None) -> bool:
        return self.state.update(self.source, group=kind)

    def _set_point_group(self, name: str) -> bool:
        return self.state.update(self.source, point_group=None if name == LARGEST else name)

    def sync(self) -> None:
        setup, session = self.state.setup, self.state.session
        available = tuple(session.lattice.available_point_groups())
        with self.muted():
            set_if_changed(self.kind, setup.group)
            set_options(
                self.point_group,
                [LARGEST, *available],
                setup.point_group if setup.point_group is not None else LARGEST,
            )
            self.point_group.disabled = setup.group not in ("point", "space")
        self.info.value = group_summary_html(session.group)
