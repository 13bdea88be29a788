"""Layer 4: matplotlib figures of lattices, configurations, orbits, characters, parameters.

Every ``draw_*`` function takes plain data (numpy arrays, layer-1 lattices) and returns a
``matplotlib.figure.Figure``. With ``ax=`` (or ``fig=`` for galleries) it draws into what
it is given; otherwise it creates a new ``Figure`` directly, never through pyplot, so no
global figure state is touched and nothing is shown. Colours are colour-blind friendly
(Okabe–Ito; phases use a cyclic ``twilight`` colormap, see :func:`phase_colormap`).

Site markers are one ``PathCollection`` with gid ``sites`` and ``picker=True`` whose
offsets are the site positions in site order: in a ``pick_event`` handler, ``event.ind``
are site indices.

Non-finite values are never drawn as if valid: configurations, terms, probabilities and
character tables with NaN/inf raise ``ValueError``; parameter heatmaps and histograms draw
the finite entries and annotate the non-finite ones.
"""

from ._artists import find_artist as find_artist
from ._artists import sites_of as sites_of
from ._artists import stacked_above as stacked_above
from ._characters import character_table_layout as character_table_layout
from ._characters import draw_character_table as draw_character_table
from ._conditionals import draw_conditionals as draw_conditionals
from ._conditionals import update_conditionals as update_conditionals
from ._conditionals import value_artists as conditionals_value_artists
from ._configuration import draw_configuration as draw_configuration
from ._configuration import set_configuration as set_configuration
from ._gallery import draw_samples as draw_samples
from ._gallery import samples_gallery_size as samples_gallery_size
from ._histogram import draw_sample_histogram as draw_sample_histogram
from ._lattice import draw_lattice as draw_lattice
from ._levels import draw_level_diagram as draw_level_diagram
from ._module_tree import draw_kernel_panels as draw_kernel_panels
from ._orbit import draw_orbit_gallery as draw_orbit_gallery
from ._orbit import orbit_gallery_size as orbit_gallery_size
from ._orbit_handle import OrbitGalleryHandle as OrbitGalleryHandle
from ._parameters import draw_parameter_heatmap as draw_parameter_heatmap
from ._parameters import draw_parameter_histogram as draw_parameter_histogram
from ._style import phase_colormap as phase_colormap
from ._terms import draw_terms as draw_terms
from ._training import TrainingHandle as TrainingHandle
from ._training import draw_training as draw_training

__all__ = [
    "OrbitGalleryHandle",
    "TrainingHandle",
    "character_table_layout",
    "conditionals_value_artists",
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
    "find_artist",
    "orbit_gallery_size",
    "phase_colormap",
    "samples_gallery_size",
    "set_configuration",
    "sites_of",
    "stacked_above",
    "update_conditionals",
]
