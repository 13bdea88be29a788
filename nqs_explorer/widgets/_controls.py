"""Controls generated from hyperparameter declarations (``compute.Hyperparameter``).

One function maps a declaration to a widget, one reads a value back, one shows a value;
the model builder has no hand-written form for any architecture.

=================================  ===============================================
declaration                        control
=================================  ===============================================
``bool``                           ``Checkbox``
anything with ``choices``          ``Dropdown``
``int`` with min and max (≤ 64)    ``IntSlider`` (``continuous_update=False``)
``int`` / ``float`` otherwise      ``BoundedIntText`` / ``FloatText``
``tuple`` of ints                  ``Text`` "3, 3" (parsed; errors become messages)
``str``                            ``Text``
=================================  ===============================================
"""

from __future__ import annotations

import ipywidgets as widgets

SLIDER_MAX_RANGE = 64
#: Fits the explorer's controls column (340 px less padding); the help is the tooltip.
_WIDTH = widgets.Layout(width="300px")
_STYLE = {"description_width": "120px"}


def control_for(spec, value) -> widgets.Widget:
    """A widget for the hyperparameter declaration ``spec`` showing ``value``."""
    common = dict(description=spec.name, tooltip=spec.help, style=_STYLE, layout=_WIDTH)
    if spec.type is bool:
        return widgets.Checkbox(value=bool(value), indent=True, **common)
    if spec.choices is not None:
        return widgets.Dropdown(options=list(spec.choices), value=value, **common)
    if spec.type is int:
        lo = -(2**31) if spec.min is None else int(spec.min)
        hi = 2**31 - 1 if spec.max is None else int(spec.max)
        if spec.min is not None and spec.max is not None and hi - lo <= SLIDER_MAX_RANGE:
            return widgets.IntSlider(
                value=int(value), min=lo, max=hi, continuous_update=False, **common
            )
        return widgets.BoundedIntText(value=int(value), min=lo, max=hi, **common)
    if spec.type is float:
        return widgets.FloatText(value=float(value), **common)
    return widgets.Text(value=format_value(spec, value), continuous_update=False, **common)


def format_value(spec, value) -> str:
    """Text shown in a ``Text`` control: tuples as ``"3, 3"``."""
    if spec.type is tuple:
        return ", ".join(str(v) for v in value)
    return str(value)


def read_control(spec, control: widgets.Widget):
    """The value a control holds, in the declaration's type (tuples parsed from text).

    Raises:
        ValueError: text that is not a comma-separated list of numbers.
    """
    value = control.value
    if spec.type is tuple and isinstance(value, str):
        parts = [p.strip() for p in value.replace("(", "").replace(")", "").split(",")]
        parts = [p for p in parts if p]
        cast = spec.item_type
        try:
            return tuple(cast(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"{spec.name}: expected comma-separated {cast.__name__}s such as "
                f"{format_value(spec, spec.default)!r}, got {value!r}"
            ) from None
    return value


def show_value(spec, control: widgets.Widget, value) -> None:
    """Make ``control`` show ``value`` (no-op when it already does)."""
    shown = format_value(spec, value) if isinstance(control, widgets.Text) else value
    if control.value != shown:
        control.value = shown
