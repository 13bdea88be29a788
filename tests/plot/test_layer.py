"""The plot layer uses matplotlib's object API only, and nothing from the layers below 4."""

import ast
import pathlib
import subprocess
import sys

import nqs_explorer.plot as plot

PLOT_DIR = pathlib.Path(plot.__file__).parent
FORBIDDEN = ("jax", "flax", "matplotlib.pyplot", "pylab", "ipywidgets", "netket")


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_no_forbidden_imports_and_no_show():
    files = sorted(PLOT_DIR.glob("*.py"))
    assert len(files) > 5
    for path in files:
        for module in _imported_modules(path):
            assert not module.startswith(FORBIDDEN), f"{path.name} imports {module}"
        assert ".show(" not in path.read_text(encoding="utf-8"), path.name


def test_importing_the_plot_layer_leaves_pyplot_and_flax_unloaded():
    code = (
        "import sys, nqs_explorer.plot; "
        "print(','.join(m for m in ('matplotlib.pyplot', 'flax', 'ipywidgets') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names():
    assert set(plot.__all__) == {
        # handles and helpers for in-place updates (the widgets' public seams)
        "OrbitGalleryHandle",
        "TrainingHandle",
        "character_table_layout",
        "conditionals_value_artists",
        "find_artist",
        "orbit_gallery_size",
        "samples_gallery_size",
        "sites_of",
        "stacked_above",
        "update_conditionals",
        "draw_character_table",
        "draw_conditionals",
        "draw_configuration",
        "draw_kernel_panels",
        "draw_lattice",
        "draw_level_diagram",
        "draw_orbit_gallery",
        "draw_parameter_heatmap",
        "draw_parameter_histogram",
        "draw_sample_histogram",
        "draw_samples",
        "draw_terms",
        "draw_training",
        "phase_colormap",
        "set_configuration",
    }
    for name in plot.__all__:
        assert getattr(plot, name).__doc__
