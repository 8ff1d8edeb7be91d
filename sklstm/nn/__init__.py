"""The torch side: the network, its training loop on skorch, inference and threads.

This subpackage knows nothing of the estimators, forecasting or model files:
the estimators build what it needs and hand it over. Its modules import
torch, so they are imported on the first fit or load, never by
``import sklstm``; the names below are therefore loaded on first access.
"""

from importlib import import_module

_LAZY = {
    "EnsembleModule": "._ensemble",
    "SequenceRegressorModule": "._module",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
