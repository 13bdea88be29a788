"""Headless rendering for ``nqs-explorer render``: the explorer's views as PNGs and static HTML.

`setup_from_args` turns command-line options into a `compute.Setup` (raising `ValueError`
with a message naming the option); `render_report` builds the setup's `compute.Session`,
draws the views with `nqs_explorer.plot` and writes an ``index.html`` that shows them with the
same tables as the app (characters, orbit terms, parameters, checks, device line).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import re
import time
from functools import reduce
from operator import getitem
from pathlib import Path

import numpy as np

from . import compute, plot
from .plot.html import (
    character_table_html,
    check_results_html,
    device_text,
    orbit_summary_html,
    parameter_table_html,
    terms_table_html,
)

GROUP_OPTIONS = {"none": None, "translation": "translation", "point": "point", "space": "space"}
#: Most parameter leaves drawn as heatmaps (a deep model lists the rest in the table only).
MAX_HEATMAPS = 12
MAX_ORBIT_PANELS = 16
N_SAMPLES = 16
DPI = 100


def _choose(option: str, value: str, allowed) -> str:
    """The allowed name matching ``value`` case-insensitively, or a ValueError listing them."""
    allowed = tuple(allowed)
    for name in allowed:
        if name.lower() == str(value).lower():
            return name
    raise ValueError(f"{option}: unknown value {value!r}; choose one of {', '.join(allowed)}")


def _read_setup(path: Path) -> compute.Setup:
    from .utils import read_limited

    data = read_limited(path, max_bytes=compute.SETUP_MAX_BYTES, what="--setup")
    try:
        return compute.Setup.from_json(data)
    except ValueError as err:
        raise ValueError(f"--setup {path}: {err}") from None


def setup_from_args(args: argparse.Namespace) -> compute.Setup:
    """The `compute.Setup` described by ``nqs-explorer render`` options.

    Starts from ``--setup FILE`` (a setup JSON saved by the explorer) or the default setup,
    then applies the other options through `compute.Setup.change`, with the same rules as
    the explorer's pickers (a new lattice kind takes its default extent and clears the
    point group and character, ``--group none`` unticks symmetrize, ...); ``Square``
    accepts one extent ``L`` for an ``L×L`` lattice; ``--obc`` opens every axis.

    Raises:
        ValueError: an unreadable setup file or an invalid option; the message names the
            option and what is allowed.
    """
    setup_path = getattr(args, "setup", None)
    base = _read_setup(setup_path) if setup_path is not None else compute.Setup()
    changes: dict = {}
    if getattr(args, "lattice", None) is not None:
        changes["lattice"] = _choose("--lattice", args.lattice, compute.LATTICES)
    if getattr(args, "extent", None) is not None:
        changes["extent"] = tuple(int(e) for e in args.extent)
    if getattr(args, "obc", False):
        changes["pbc"] = False
    if getattr(args, "group", None) is not None:
        changes["group"] = GROUP_OPTIONS[_choose("--group", args.group, GROUP_OPTIONS)]
    if getattr(args, "point_group", None) is not None:
        changes["point_group"] = args.point_group
    if getattr(args, "character", None) is not None:
        changes["character_id"] = int(args.character)
    if getattr(args, "model", None) is not None:
        changes["architecture"] = _choose("--model", args.model, compute.ARCHITECTURES)
    if getattr(args, "hyperparameters", None) is not None:
        try:
            hyper = json.loads(args.hyperparameters)
        except json.JSONDecodeError as err:
            raise ValueError(f"--hyperparameters: not valid JSON ({err})") from None
        if not isinstance(hyper, dict):
            raise ValueError(
                f"--hyperparameters: expected a JSON object, got {args.hyperparameters!r}"
            )
        changes["hyperparameters"] = hyper
    if getattr(args, "param_dtype", None) is not None:
        changes["param_dtype"] = _choose("--param-dtype", args.param_dtype, compute.PARAM_DTYPES)
    if getattr(args, "symmetrize", False):
        changes["symmetrize"] = True
    if getattr(args, "seed", None) is not None:
        changes["seed"] = int(args.seed)
    if getattr(args, "hamiltonian", None) is not None:
        options = {("none" if h is None else h): h for h in compute.HAMILTONIANS}
        changes["hamiltonian"] = options[_choose("--hamiltonian", args.hamiltonian, options)]
    if getattr(args, "couplings", None) is not None:
        try:
            couplings = json.loads(args.couplings)
        except json.JSONDecodeError as err:
            raise ValueError(f"--couplings: not valid JSON ({err})") from None
        if not isinstance(couplings, dict):
            raise ValueError(f"--couplings: expected a JSON object, got {args.couplings!r}")
        changes["couplings"] = couplings
    if getattr(args, "total_sz", None) is not None:
        text = str(args.total_sz).strip()
        if text.lower() == "none":
            changes["total_sz"] = None
        else:
            try:
                changes["total_sz"] = float(text)
            except ValueError:
                raise ValueError(
                    f"--total-sz: expected a number such as 0 or 0.5 (or none), got {text!r}"
                ) from None
    return base.change(**changes)


# ---------------------------------------------------------------------------- rendering
@dataclasses.dataclass
class _Section:
    title: str
    html: str = ""
    images: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (file, caption)


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()


def _save(fig, out: Path, name: str) -> str:
    fig.savefig(out / name, dpi=DPI)
    return name


def _build_session(setup: compute.Setup) -> compute.Session:
    try:
        return compute.Session(setup)
    except ValueError:
        raise
    except Exception as err:  # a model that cannot be built: say so, as the app does
        raise ValueError(f"cannot build this setup: {type(err).__name__}: {err}") from err


def _lattice_section(session, out: Path) -> _Section:
    lattice = session.lattice
    text = (
        f"{html.escape(session.setup.lattice)} {'×'.join(map(str, session.setup.extent))}, "
        f"periodic {list(session.setup.pbc)}: N = {lattice.n_nodes} sites, "
        f"{len(lattice.edges())} nearest-neighbour bonds"
    )
    return _Section("Lattice", text, [(_save(plot.draw_lattice(lattice), out, "lattice.png"), "")])


def _group_sections(session, out: Path) -> list[_Section]:
    group, setup = session.group, session.setup
    if group is None:
        return [_Section("Group", "<i>No group chosen: no characters and no orbit.</i>")]
    chosen = (
        "all ones"
        if setup.character_id is None
        else (f"{setup.character_id}: {group.irrep_labels[setup.character_id]}")
    )
    characters = _Section(
        "Characters",
        f"<b>{html.escape(group.name)}</b>: |G| = {len(group)}, {group.n_classes} classes, "
        f"{group.n_irreps} irreps; character: {html.escape(chosen)}"
        + character_table_html(group, setup.character_id, session.lattice.reciprocal_vectors),
    )
    fig = plot.draw_character_table(
        group.character_table_by_class,
        list(group.irrep_labels),
        list(group.class_names),
        title=f"{group.name}: characters by class",
    )
    characters.images.append(
        (_save(fig, out, "characters.png"), "magnitude (area) and phase (colour)")
    )
    sigma = session.random_configurations(1, seed=setup.seed)[0]
    orbit = session.orbit(sigma)
    fig = plot.draw_orbit_gallery(
        session.lattice,
        orbit.configs,
        orbit.terms,
        list(orbit.element_names),
        stabilizer=orbit.stabilizer,
        max_panels=MAX_ORBIT_PANELS,
    )
    section = _Section("Orbit", orbit_summary_html(orbit, group.name) + terms_table_html(orbit))
    section.images.append((_save(fig, out, "orbit.png"), "T_g σ and the terms χ_g ψ_θ(T_g σ)/|G|"))
    return [characters, section]


def _parameter_section(session, out: Path) -> _Section:
    summary = session.parameter_summary()
    section = _Section("Parameters", parameter_table_html(summary, None))
    for row in summary.rows[:MAX_HEATMAPS]:
        # the rows' paths are "collection/module/name" keys of the variables tree
        leaf = np.asarray(reduce(getitem, row.path.split("/"), session.variables))
        name = f"param-{_slug(row.path)}.png"
        fig = plot.draw_parameter_heatmap(leaf, title=row.path)
        section.images.append((_save(fig, out, name), row.path))
    if len(summary.rows) > MAX_HEATMAPS:
        section.html += f"<p>heatmaps of the first {MAX_HEATMAPS} of {len(summary.rows)} leaves</p>"
    return section


def _autoregressive_section(session, out: Path) -> _Section:
    if not session.autoregressive:
        return _Section(
            "Autoregressive",
            f"<i>{html.escape(session.setup.architecture)} is not autoregressive: no "
            "conditionals and no exact sampling.</i>",
        )
    setup = session.setup
    sigma = session.random_configurations(1, seed=setup.seed)[0]
    probs = session.conditionals(sigma)
    fields = session.receptive_fields()
    site = session.hilbert.size // 2
    section = _Section(
        "Autoregressive",
        f"conditionals p(σ_i | σ_&lt;i) of a random configuration; site {site} outlined, "
        f"its receptive field {np.flatnonzero(fields[site]).tolist()} ringed",
    )
    fig = plot.draw_conditionals(
        session.lattice,
        probs,
        site,
        receptive_field=fields[site],
        local_states=session.hilbert.local_states,
    )
    section.images.append((_save(fig, out, "conditionals.png"), "conditionals"))
    samples, log_prob = session.sample(N_SAMPLES, seed=setup.seed)
    fig = plot.draw_samples(session.lattice, samples, log_probs=log_prob)
    section.images.append((_save(fig, out, "samples.png"), f"{N_SAMPLES} exact samples"))
    return section


def _spectrum_section(session, out: Path) -> _Section | None:
    """The level diagram (``spectrum.png``) and the table of sector energies."""
    setup = session.setup
    if setup.hamiltonian is None:
        return None
    title = "Spectrum"
    try:
        table = session.spectrum()
    except ValueError as err:
        return _Section(title, f"<p>Spectrum not available: {html.escape(str(err))}</p>")
    try:
        energy = session.model_energy()
        energy_text = energy.text
    except ValueError as err:
        energy, energy_text = None, f"not available: {err}"
    highlight = None
    if session.group is not None:
        highlight = 0 if setup.character_id is None else int(setup.character_id)
    fig = plot.draw_level_diagram(
        table,
        highlight=highlight,
        model_energy=None if energy is None or energy.forced_zero else energy.energy,
    )
    rows = "".join(
        f'<tr class="sector"><td>{i}</td><td>{html.escape(r.label)}</td><td>{r.irrep_dim}</td>'
        f"<td>{r.dim}</td><td>{', '.join(f'{e:.8f}' for e in r.energies)}</td></tr>"
        for i, r in enumerate(table)
    )
    couplings = compute.resolve_couplings(setup.hamiltonian, dict(setup.couplings))
    text = (
        f"<p>{html.escape(setup.hamiltonian)} "
        f"{html.escape(', '.join(f'{k} = {v:g}' for k, v in couplings.items()))}"
        + ("" if setup.total_sz is None else f", total Sz = {setup.total_sz:g}")
        + f" · <b>E₀ = {table.ground_energy:.8f}</b> in {html.escape(table.ground_sector.label)}"
        + f" · model ⟨ψ|H|ψ⟩/⟨ψ|ψ⟩ = {html.escape(energy_text)}</p>"
        '<table id="spectrum-table"><tr><th>#</th><th>irrep</th><th>d</th><th>dim</th>'
        f"<th>lowest energies</th></tr>{rows}</table>"
    )
    return _Section(title, text, [(_save(fig, out, "spectrum.png"), "lowest energy per sector")])


def _checks_section(session) -> _Section:
    return _Section("Checks", check_results_html(session.checks()))


def _page(setup: compute.Setup, sections: list[_Section], device: str, elapsed: str) -> str:
    body = []
    for section in sections:
        images = "".join(
            f'<figure><img src="{html.escape(name)}" alt="{html.escape(caption or name)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            for name, caption in section.images
        )
        slug = _slug(section.title)
        body.append(
            f'<section id="{slug}"><h2>{html.escape(section.title)}</h2>'
            f"<div>{section.html}</div>{images}</section>"
        )
    summary = (
        f"{setup.lattice} {list(setup.extent)} · group {setup.group} · character "
        f"{setup.character_id} · {setup.architecture}{' (SymmExpSum)' if setup.symmetrize else ''}"
        f" · seed {setup.seed}"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>nqs_explorer report: {html.escape(summary)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 1em auto; color: #222 }}
table {{ border-collapse: collapse }} td, th {{ padding: 1px 6px; text-align: left }}
figure {{ display: inline-block; margin: 0.5em }} img {{ max-width: 100% }}
.device {{ color: #555 }}
</style></head><body>
<h1>nqs_explorer report</h1>
<p>{html.escape(summary)}</p>
<p class="device">{html.escape(device)} · {html.escape(elapsed)}</p>
{"".join(body)}
<h2>Setup</h2>
<p>Restore it in the explorer (Export tab) or render it again with
<code>nqs-explorer render --setup setup.json</code>:</p>
<pre id="setup-json">{html.escape(json.dumps(setup.to_dict(), indent=2, sort_keys=True))}</pre>
</body></html>
"""


def render_report(setup: compute.Setup, out_dir) -> Path:
    """Draw every view of ``setup`` into ``out_dir``: PNGs, ``setup.json`` and ``index.html``.

    Files: ``lattice.png``; with a group ``characters.png`` and ``orbit.png`` (of a random
    configuration drawn with the setup's seed); ``param-<path>.png`` per parameter leaf (at
    most `MAX_HEATMAPS`); for autoregressive models ``conditionals.png`` and
    ``samples.png``; with a Hamiltonian ``spectrum.png`` and the table of sector energies
    (``#spectrum-table``). ``index.html`` shows them with the character table, orbit terms,
    parameter table, checks and the JAX device line.

    Returns:
        The path of ``index.html``.

    Raises:
        ValueError: an invalid setup (the message says what is wrong), or an ``out_dir``
            that is not a writable folder.
    """
    if not isinstance(setup, compute.Setup):
        raise TypeError(f"setup must be a compute.Setup, got {type(setup).__name__}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {out} exists and is not a folder")
    start = time.perf_counter()
    compiles = compute.compile_count()
    session = _build_session(setup)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"--out: cannot create {out}: {err.strerror or err}") from None
    sections = [_lattice_section(session, out)]
    sections += _group_sections(session, out)
    sections.append(_parameter_section(session, out))
    sections.append(_autoregressive_section(session, out))
    spectrum = _spectrum_section(session, out)
    if spectrum is not None:
        sections.append(spectrum)
    sections.append(_checks_section(session))
    elapsed = (
        f"rendered in {time.perf_counter() - start:.1f} s, "
        f"{compute.compile_count() - compiles} kernel compilation(s)"
    )
    (out / "setup.json").write_text(setup.to_json() + "\n", encoding="utf-8")
    index = out / "index.html"
    index.write_text(
        _page(setup, sections, device_text(session.device_info()), elapsed), encoding="utf-8"
    )
    return index
