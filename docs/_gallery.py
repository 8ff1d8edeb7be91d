"""How the gallery runs the scripts of examples/ (sphinx_gallery_conf in conf.py).

The scripts are meant to run headless from a terminal: they save their
figures as PNG files and close them. Each script that saves one is given a
path in a temporary folder as its first argument, and the scraper shows
exactly the files the script saved, so the pictures in the gallery are the
ones a user gets.
"""

import shutil
import tempfile
from pathlib import Path

from sphinx_gallery.scrapers import figure_rst

FIGURES = Path(tempfile.mkdtemp(prefix="sklstm-gallery-"))

ARGUMENTS = {
    "airline_forecast.py": ["{out}"],
    "ucr_classification.py": ["{out}"],
    # The full run fits 8 backtest origins x 200 epochs (minutes on 2 cores);
    # the gallery runs the script's own --quick settings, as its page says.
    "panel_forecast.py": ["{out}", "--quick"],
}


def example_argv(gallery_conf, script_vars):
    """sys.argv[1:] of one example."""
    script = Path(script_vars["src_file"])
    out = FIGURES / f"{script.stem}.png"
    return [arg.format(out=out) for arg in ARGUMENTS.get(script.name, [])]


def saved_figures(block, block_vars, gallery_conf):
    """Scraper: move the PNG files the example saved into the gallery."""
    paths = []
    for png, target in zip(
        sorted(FIGURES.glob("*.png")), block_vars["image_path_iterator"], strict=False
    ):
        shutil.move(str(png), target)
        paths.append(target)
    return figure_rst(paths, gallery_conf["src_dir"])
