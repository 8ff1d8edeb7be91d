"""Small public data sets shipped with sklstm, for the examples and the docs.

The files are installed with the package, so the loaders work offline and
outside a checkout of the repository. Sources and licences:
``sklstm/datasets/data/SOURCES.md``.
"""

from ._loaders import (
    load_airline,
    load_italy_power_demand,
    load_uschange,
    load_wineind,
)

__all__ = [
    "load_airline",
    "load_italy_power_demand",
    "load_uschange",
    "load_wineind",
]
