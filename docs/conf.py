"""Sphinx configuration of the sklstm site (``make docs``).

Only the settings of the site live here; the packages it needs are the
``docs`` extra of pyproject.toml, and the build command (warnings as errors,
nitpicky references) is the ``docs`` target of the Makefile.
"""

import re
import sys
from pathlib import Path

import sklstm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

project = "sklstm"
author = "the sklstm developers"
copyright = "the sklstm developers, BSD-3-Clause"
release = sklstm.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]
html_static_path = ["_static"]

html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_show_sourcelink = False

# MyST: ``#`` headings get anchors down to level 3, so pages can link to
# sections as ``page.md#section``; colon fences for notes.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# API reference: one stub page per public name, written by autosummary from
# the templates in _templates/autosummary.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter types such as "int, default=50" are prose, not class names.
numpydoc_xref_param_type = False

# Cross-references are nitpicky (-n in make docs). Names below are third-party
# types or documentation-only words that no inventory available offline holds.
nitpicky = True
nitpick_ignore_regex = [
    # pandas, numpy, sklearn, torch and skorch objects named in docstrings and
    # "See Also" sections: their sites are not reachable from the offline build
    # (no intersphinx inventories), so they cannot be resolved. (?s): a
    # reference may be wrapped over two lines.
    ("py:.*", r"(?s)(pd|pandas|np|numpy|sklearn|torch|skorch|matplotlib)\..*"),
    ("py:class", r"(array-like|ndarray|Series|DataFrame|Index|MultiIndex|Axes)"),
    # sklearn's set_output, named in SlidingWindowTransformer's docstring, is
    # documented by sklearn (see _SKLEARN_METHODS below).
    ("py:meth", r"set_output"),
]
# intersphinx would need the network; the build runs offline in CI.
intersphinx_mapping = {}

# The gallery: every script of examples/ runs during the build (see
# _gallery.py for the arguments each gets and the figures it shows).
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/",
    "ignore_pattern": r"__init__\.py",
    "reset_argv": "_gallery.example_argv",
    "image_scrapers": ("_gallery.saved_figures",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "show_memory": False,
    "plot_gallery": "True",
}


# Methods sklearn adds to every estimator (metadata-routing requests, output
# containers) are documented by sklearn; their docstrings point into
# sklearn's own site.
_SKLEARN_METHODS = {"set_output", "get_metadata_routing"}


def _skip_sklearn_methods(app, what, name, obj, skip, options):
    if name in _SKLEARN_METHODS or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True
    return None


# Docstrings name fitted attributes in prose and types, e.g. "array-like of
# shape (n_samples, n_features_in_)", where reStructuredText reads a word
# ending in "_" as a link. Such words are escaped before numpydoc runs, except
# inside backquotes, in parameter names and in doctest lines.
_TRAILING_UNDERSCORE = re.compile(r"(?<![\\\w])([A-Za-z]\w*_)(?![\w`])")
_NAME_AND_TYPE = re.compile(r"^(\s*[\w*, ]+ : )(.*)$")


_QUOTED = re.compile(r"(``.*?``|`[^`]*`)")


def _escape_outside_backquotes(text):
    parts = _QUOTED.split(text)
    for k in range(0, len(parts), 2):  # even parts lie outside backquotes
        parts[k] = _TRAILING_UNDERSCORE.sub(lambda m: m.group(1)[:-1] + "\\_", parts[k])
    return "".join(parts)


def _escape_attribute_names(app, what, name, obj, options, lines):
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith((">>>", "...", ".. ")):
            continue
        match = _NAME_AND_TYPE.match(line)
        if match:
            lines[k] = match.group(1) + _escape_outside_backquotes(match.group(2))
        else:
            lines[k] = _escape_outside_backquotes(line)


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_methods)
    app.connect("autodoc-process-docstring", _escape_attribute_names, priority=100)
