"""The explorer's views as HTML strings: pure functions of `nqs_explorer.compute` results.

The widgets show these strings in ``ipywidgets.HTML``; the headless report
(``nqs-explorer render``) writes the same strings into its page, so the two always agree.
Each function takes plain results (a group, an `OrbitResult`, a `ParameterSummary`, a list
of `CheckResult`, ``Session.device_info()``) and returns a string; none needs ipywidgets
or a running kernel.
"""

from __future__ import annotations

import html
import re

import numpy as np

from ._style import format_phase

#: A box that scrolls (both ways) rather than overflowing. With ``contain:inline-size``
#: the box's width ignores its content's: a narrow column scrolls a wide table instead
#: of being pushed wider by it (and then clipped by its own parent).
SCROLL_BOX_STYLE = "overflow:auto;max-width:100%;contain:inline-size"


def scroll_box(content: str, css_class: str, max_height_px: int) -> str:
    """``content`` (HTML) inside a ``div`` of class ``css_class`` that scrolls when the
    content is wider than its column or taller than ``max_height_px``."""
    style = f"max-height:{max_height_px}px;{SCROLL_BOX_STYLE}"
    return f'<div class="{css_class}" style="{style}">{content}</div>'


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


_MOMENTUM_LABEL = re.compile(r"^k=(\((?P<many>[^)]*)\)|(?P<one>[^\s]+))(?P<rest>.*)$")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def irrep_label_text(label: str, reciprocal_vectors=None) -> str:
    """An irrep label with its momentum in units: ``"k=1/8"`` -> ``"k = 2π·(1/8)"``.

    Group labels give the momentum as fractions ``κ`` of the reciprocal vectors,
    ``k = Σ_i κ_i b_i``. When the ``b_i`` are ``2π`` times the Cartesian unit vectors
    (chains, square and rectangular grids) the label reads ``k = 2π·(κ_1, κ_2)``,
    otherwise ``k = κ_1·b₁ + κ_2·b₂`` (zero terms left out). Other labels are unchanged.

    Args:
        label: e.g. ``G.irrep_labels[c]``: ``"k=1/8"``, ``"k=(1/3,0) E"``, ``"A1"``.
        reciprocal_vectors: ``(d, d)`` rows ``b_i`` (``Lattice.reciprocal_vectors``);
            ``None``: the ``b_i`` form.

    Example:
        >>> import numpy as np
        >>> irrep_label_text("k=(1/4,-1/2) A1", 2 * np.pi * np.eye(2))
        'k = 2π·(1/4, −1/2) A1'
        >>> irrep_label_text("k=(1/3,-1/3) E")
        'k = 1/3·b₁ − 1/3·b₂ E'
    """
    match = _MOMENTUM_LABEL.match(label)
    if match is None:
        return label
    parts = (match["many"] if match["many"] is not None else match["one"]).split(",")
    parts = [p.strip().replace("-", "−") for p in parts]
    rest = match["rest"]
    if reciprocal_vectors is not None:
        b = np.asarray(reciprocal_vectors, dtype=float)
        if b.shape == (len(parts), len(parts)) and np.allclose(b, 2 * np.pi * np.eye(len(parts))):
            return f"k = 2π·({', '.join(parts)}){rest}"
    terms = [f"{p}·b{str(i + 1).translate(_SUBSCRIPTS)}" for i, p in enumerate(parts) if p != "0"]
    return f"k = {' + '.join(terms) or '0'}{rest}".replace("+ −", "− ")


def character_table_html(group, selected: int | None, reciprocal_vectors=None) -> str:
    """The by-class character table as an HTML table; the selected irrep is highlighted.

    Momentum labels carry their units (`irrep_label_text` with ``reciprocal_vectors``).
    """
    if group is None:
        return "<i>Choose a group to see its character table.</i>"
    table = np.asarray(group.character_table_by_class)
    head = "".join(
        f"<th>{html.escape(name)}</th>" for name in ("#", "irrep", "dim", *group.class_names)
    )
    body = []
    for k, (label, dim) in enumerate(zip(group.irrep_labels, group.irrep_dims)):
        style = ' style="background:#fff1c1;font-weight:600"' if k == selected else ""
        cells = "".join(f"<td>{character_value_text(z)}</td>" for z in table[k])
        body.append(
            f'<tr class="nqx-irrep"{style}><td>{k}</td>'
            f"<td>{html.escape(irrep_label_text(label, reciprocal_vectors))}</td>"
            f"<td>{int(dim)}</td>{cells}</tr>"
        )
    table = (
        '<table class="nqx-character-table" cellpadding="2" '
        'style="font-size:85%;border-collapse:collapse;white-space:nowrap">'
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )
    return scroll_box(table, "nqx-character-box", TABLE_MAX_HEIGHT_PX)


#: Widest character table (in conjugacy classes) shown open in the narrow controls column;
#: a wider one is folded under its chosen row (see `character_column_html`).
COLUMN_TABLE_CLASSES = 4


def character_row_html(group, selected: int | None, reciprocal_vectors=None) -> str:
    """The characters of irrep ``selected`` by class, one line per class (fits a narrow
    column at any group size); ``None``: the all-ones choice. Momentum labels carry their
    units (`irrep_label_text` with ``reciprocal_vectors``)."""
    if group is None:
        return ""
    if selected is None:
        return "<i>No character: every χ(g) = 1 (the symmetric sum).</i>"
    values = np.asarray(group.character_table_by_class)[selected]
    rows = "".join(
        f'<tr class="nqx-class-character"><td>{html.escape(name)}</td><td>{int(size)}</td>'
        f"<td>{character_value_text(z)}</td></tr>"
        for name, size, z in zip(group.class_names, group.class_sizes, values)
    )
    return (
        f"<b>χ of {html.escape(irrep_label_text(group.irrep_labels[selected], reciprocal_vectors))}</b> "
        f"(dim {int(group.irrep_dims[selected])}) by class"
        '<table class="nqx-character-row" cellpadding="2" '
        'style="font-size:85%;border-collapse:collapse">'
        f"<tr><th>class</th><th>size</th><th>χ</th></tr>{rows}</table>"
    )


def character_column_html(group, selected: int | None, reciprocal_vectors=None) -> str:
    """The character table for the explorer's controls column: the whole table when it is
    narrow (at most `COLUMN_TABLE_CLASSES` classes), else the chosen irrep's characters
    with the whole table folded in a ``<details>`` (it would not fit the column)."""
    full = character_table_html(group, selected, reciprocal_vectors)
    if group is None or len(group.class_sizes) <= COLUMN_TABLE_CLASSES:
        return full
    n_irreps, n_classes = len(group.irrep_labels), len(group.class_sizes)
    return (
        f"{character_row_html(group, selected, reciprocal_vectors)}"
        f'<details class="nqx-character-details"><summary>whole table ({n_irreps} irreps × '
        f"{n_classes} classes)</summary>{full}</details>"
    )


def group_summary_html(group) -> str:
    """Name, order, generators and conjugacy classes of ``group`` as HTML."""
    if group is None:
        return "<i>No symmetry group: the model is used as it is.</i>"
    names = group.element_names
    generators = ", ".join(html.escape(names[g]) for g in group.generators) or "none (trivial)"
    rows = "".join(
        f"<tr><td>{k}</td><td>{int(size)}</td><td>{html.escape(name)}</td></tr>"
        for k, (size, name) in enumerate(zip(group.class_sizes, group.class_names))
    )
    return (
        f"<b>{html.escape(group.name)}</b>: order |G| = {len(group)}, "
        f"{len(group.class_sizes)} conjugacy classes, acting on {group.degree} sites<br>"
        f"generators: {generators}"
        '<table class="nqx-classes" cellpadding="2" style="font-size:90%;border-collapse:collapse">'
        "<tr><th>class</th><th>size</th><th>name</th></tr>"
        f"{rows}</table>"
    )


MAX_TABLE_ROWS = 48


#: Rounding noise below this fraction of |z| prints as 0 (a cos(π/2) is 6e-17, not -0).
ZERO_TOLERANCE = 1e-12
#: Significant digits of the numbers in the terms table (the tooltip of each row has 10).
TABLE_DIGITS = 3
SUMMARY_DIGITS = 4
MINUS = "\u2212"  # typographic minus, as in the gallery titles
SUMMARY_STYLE = "white-space:normal;overflow-wrap:anywhere;max-width:100%;line-height:1.4"


def sigma_text(sigma: np.ndarray) -> str:
    """``σ = (+, −, +, ...)`` for spin 1/2, the values otherwise."""
    if np.all(np.isin(sigma, (-1.0, 1.0))):
        return "".join("+" if s > 0 else "−" for s in sigma)
    return " ".join(f"{s:g}" for s in sigma)


def _clean(x: float, scale: float) -> float:
    """``x`` with rounding noise (relative to ``scale``) and the sign of zero removed."""
    return 0.0 if abs(x) <= ZERO_TOLERANCE * max(scale, 1.0) else float(x) + 0.0


def real_text(x: float, digits: int = TABLE_DIGITS) -> str:
    """``x`` to ``digits`` significant digits, with a typographic minus (``−0.0366``)."""
    text = f"{float(x) + 0.0:.{digits}g}"
    return "0" if text in ("-0", "0") else text.replace("-", MINUS)


def complex_text(z: complex, digits: int = TABLE_DIGITS) -> str:
    """``z`` in its shortest form: ``1``, ``−i``, ``0.5i``, ``0.707−0.707i``.

    ``digits`` significant digits per part; a part that is zero up to rounding noise
    (a cos(π/2) is 6e-17) is left out, and zeros print unsigned.
    """
    z = complex(z)
    real, imag = _clean(z.real, abs(z)), _clean(z.imag, abs(z))
    if imag == 0.0:
        return real_text(real, digits)
    magnitude = real_text(abs(imag), digits)
    imag_text = ("" if magnitude == "1" else magnitude) + "i"
    if real == 0.0:
        return (MINUS if imag < 0 else "") + imag_text
    return f"{real_text(real, digits)}{'+' if imag > 0 else MINUS}{imag_text}"


def angle_text(z: complex) -> str:
    """arg z in units of π, as the gallery titles print it: ``0``, ``−π/4``, ``0.925π``.

    The branch cut is (−π, π]: a negative real number prints ``π``; ``0`` has no
    argument and prints ``—``.
    """
    z = complex(z)
    real, imag = _clean(z.real, abs(z)), _clean(z.imag, abs(z))
    if real == 0.0 and imag == 0.0:
        return "—"
    return format_phase(np.angle(complex(real, imag)))


def _full_text(z: complex) -> str:
    """``z`` to 10 significant digits (for tooltips)."""
    z = complex(z)
    return f"{z.real:.10g}{z.imag:+.10g}i"


def orbit_summary_html(orbit, group_name: str) -> str:
    """The forced-zero notice (first, when it applies), stabilizer, orbit size and ψ(σ).

    The stabilizer gives its size and its first :data:`STABILIZER_SHOWN` elements; a
    larger one lists the rest in a collapsed ``<details>`` ("show all").
    """
    names = orbit.element_names
    n = len(names)
    lines = []
    if orbit.forced_zero:
        lines.append(
            '<b class="nqx-forced-zero" style="color:#c62828">Σ_{h ∈ Stab(σ)} χ_h = 0: this '
            "character forces ψ(σ) = 0 for every parameter value (a selection rule).</b>"
        )
    elif orbit.cancelled:
        reason = (
            "ψ_θ(T_g σ) is the same for every g (the model is invariant on this orbit), so "
            "the sum is ψ_θ(σ) Σ_g χ_g / |G| = 0 for every non-trivial character"
            if orbit.invariant
            else "the terms of this model cancel here"
        )
        lines.append(
            '<b class="nqx-cancelled" style="color:#c62828">ψ(σ) = 0 up to rounding: '
            f"{html.escape(reason)}.</b>"
        )
    lines += [
        f"σ = <code>{sigma_text(orbit.sigma)}</code>",
        f"group {html.escape(group_name)}: |G| = {n}; " + stabilizer_html(orbit.stabilizer, names),
        f"orbit size |G|/|Stab| = {orbit.orbit_size} distinct configurations",
        f"ψ(σ) = Σ_g χ_g ψ_θ(T_g σ)/|G| = {complex_text(orbit.total, SUMMARY_DIGITS)}"
        f" (|ψ| = {real_text(abs(orbit.total), SUMMARY_DIGITS)},"
        f" arg ψ = {angle_text(orbit.total)})",
    ]
    # wrap long lines (σ of many sites has no spaces) inside the column instead of overflowing
    return f'<div style="{SUMMARY_STYLE}">' + "<br>".join(lines) + "</div>"


#: Stabilizer elements named in the summary before "show all".
STABILIZER_SHOWN = 4


def stabilizer_html(stabilizer, names) -> str:
    """``stabilizer (k): a, b, c, d`` and, past :data:`STABILIZER_SHOWN`, the rest collapsed."""
    elements = [html.escape(names[g]) for g in stabilizer]
    head = f"stabilizer ({len(elements)}): " + ", ".join(elements[:STABILIZER_SHOWN])
    if len(elements) <= STABILIZER_SHOWN:
        return head
    return (
        f'{head}, … <details class="nqx-stabilizer" style="display:inline">'
        f"<summary>show all {len(elements)}</summary>{', '.join(elements)}</details>"
    )


#: Column headers of the terms table: (short text, tooltip). Headers never wrap.
TERMS_COLUMNS = (
    ("g", "index of the group element"),
    ("element", "group element g"),
    ("χ_g", "character of g"),
    ("log ψ(T_g σ)", "log ψ_θ(T_g σ): the model's log-amplitude of the transformed configuration"),
    ("|term|", "|χ_g ψ_θ(T_g σ)| / |G|"),
    ("arg", "arg of the term χ_g ψ_θ(T_g σ) / |G|, in units of π"),
)
TERMS_HEADER = "".join(
    f'<th style="white-space:nowrap;text-align:left" title="{html.escape(tip)}">'
    f"{html.escape(text)}</th>"
    for text, tip in TERMS_COLUMNS
)
#: The terms table scrolls inside its box (`scroll_box`) rather than overflowing it.
TERMS_BOX_MAX_HEIGHT_PX = 300
TERMS_TABLE_STYLE = (
    "font-size:80%;font-family:monospace;border-collapse:collapse;white-space:nowrap;"
    "line-height:1.35"
)


def _term_row(g: int, name: str, character: complex, log_term: complex, term: complex) -> str:
    tooltip = (
        f"χ_g = {_full_text(character)}, log ψ = {_full_text(log_term)}, term = {_full_text(term)}"
    )
    return (
        f'<tr class="nqx-term" title="{html.escape(tooltip)}"><td>{g}</td>'
        f"<td>{html.escape(name)}</td><td>{complex_text(character)}</td>"
        f"<td>{complex_text(log_term)}</td><td>{real_text(abs(term))}</td>"
        f"<td>{angle_text(term)}</td></tr>"
    )


def terms_table_html(orbit) -> str:
    """One row per group element: χ_g, log ψ_θ(T_g σ), |term| and arg term; then the sum.

    Numbers have :data:`TABLE_DIGITS` significant digits, phases are in units of π
    (:func:`angle_text`); each row's tooltip has its numbers to 10 digits.
    """
    n = len(orbit.element_names)
    rows = [
        _term_row(
            g, orbit.element_names[g], orbit.characters[g], orbit.log_terms[g], orbit.terms[g]
        )
        for g in range(min(n, MAX_TABLE_ROWS))
    ]
    more = f"<tr><td colspan=6>… {n - MAX_TABLE_ROWS} more</td></tr>" if n > MAX_TABLE_ROWS else ""
    total = orbit.total
    table = (
        f'<table class="nqx-terms" cellpadding="3" style="{TERMS_TABLE_STYLE}">'
        f"<tr>{TERMS_HEADER}</tr>"
        f"{''.join(rows)}{more}"
        f'<tr class="nqx-sum" style="font-weight:600" title="sum = {_full_text(total)}">'
        f"<td></td><td>sum</td><td></td><td></td>"
        f"<td>{real_text(abs(total))}</td><td>{angle_text(total)}</td></tr></table>"
    )
    return scroll_box(table, "nqx-terms-box", TERMS_BOX_MAX_HEIGHT_PX)


#: Columns of the leaf table (the owning module is in the module tree beside it, see
#: `module_tree_html`; ``ParameterRow.module`` keeps it).
PARAMETER_COLUMNS = (
    "path", "shape", "dtype", "count", "bytes", "mean", "std", "min", "max",
)  # fmt: skip


def format_number(x) -> str:
    """Compact text of a (possibly complex) statistic."""
    x = complex(x) if np.iscomplexobj(x) else float(x)
    if isinstance(x, complex):
        if abs(x.imag) < 1e-300:
            return f"{x.real:.3g}"
        return f"{x.real:.3g}{'+' if x.imag >= 0 else '-'}{abs(x.imag):.3g}i"
    return f"{x:.3g}"


def row_cells(row) -> tuple[str, ...]:
    """The displayed cells of a ``compute.ParameterRow``, in :data:`PARAMETER_COLUMNS` order."""
    return (
        row.path,
        str(tuple(row.shape)),
        row.dtype,
        f"{row.count:,}",
        f"{row.bytes:,}",
        format_number(row.mean),
        format_number(row.std),
        format_number(row.min),
        format_number(row.max),
    )


def parameter_table_html(summary, selected: str | None) -> str:
    """HTML table of a ``compute.ParameterSummary``; non-finite leaves are flagged."""
    head = "".join(f"<th>{c}</th>" for c in PARAMETER_COLUMNS)
    body = []
    for row in summary.rows:
        style = ' style="background:#fff1c1"' if row.path == selected else ""
        cells = [f"<td>{html.escape(c)}</td>" for c in row_cells(row)]
        # a long path may wrap (the table fits a narrow view)
        cells[0] = f'<td style="overflow-wrap:anywhere">{html.escape(row.path)}</td>'
        if not row.finite:
            cells.append(
                f'<td><b style="color:#c62828">non-finite! {row.nonfinite} NaN/inf</b></td>'
            )
        body.append(f'<tr class="nqx-leaf"{style}>{"".join(cells)}</tr>')
    total = (
        f'<tr class="nqx-total" style="font-weight:600;border-top:1px solid #999">'
        f"<td>total ({len(summary.rows)} leaves)</td><td></td><td></td>"
        f"<td>{summary.total_count:,}</td><td>{summary.total_bytes:,}</td>"
        "<td></td><td></td><td></td><td></td></tr>"
    )
    return (
        '<table class="nqx-parameters" cellpadding="2" style="font-size:80%;font-family:monospace;'
        f'border-collapse:collapse"><tr>{head}</tr>{"".join(body)}{total}</table>'
    )


MARKS = {"pass": "✓", "fail": "✗", "info": "·", "n/a": "—"}
COLORS = {"pass": "#2e7d32", "fail": "#c62828", "info": "#555", "n/a": "#999"}


def check_results_html(results) -> str:
    """``compute.CheckResult`` s as an HTML table (one row per check, with the numbers)."""
    rows = []
    for r in results:
        value = "—" if r.value is None else f"{r.value:.3e}"
        rows.append(
            f'<tr class="nqx-check nqx-{r.verdict.replace("/", "")}">'
            f'<td style="color:{COLORS[r.verdict]};font-weight:700">{MARKS[r.verdict]}</td>'
            f"<td>{html.escape(r.name)}</td><td>{value}</td><td>{r.verdict}</td>"
            f'<td style="color:#555">{html.escape(r.detail)}</td></tr>'
        )
    return (
        '<table class="nqx-checks" cellpadding="4" style="font-size:90%;border-collapse:collapse">'
        "<tr><th></th><th>check</th><th>value</th><th>verdict</th><th>how</th></tr>"
        f"{''.join(rows)}</table>"
    )


def device_text(info: dict) -> str:
    """One line naming the JAX backend, devices, version and x64 mode."""
    devices = info.get("devices", ())
    if not isinstance(devices, str):
        devices = ", ".join(str(d) for d in devices)
    x64 = "on" if info.get("x64") else "off"
    backend = info.get("backend", "?")
    version = info.get("jax_version", info.get("version", "?"))
    return f"JAX {version} · backend {backend} · devices {devices} · x64 {x64}"
