"""Time-ordered cross-validation splitters for sklstm's data (panels of series)."""

from ._split import PanelTimeSeriesSplit

__all__ = ["PanelTimeSeriesSplit"]
