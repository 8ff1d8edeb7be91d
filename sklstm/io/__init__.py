"""Saving, loading and exporting fitted models.

:func:`save_model` / :func:`load_model` write and read a safe model file (a zip
of JSON, ``.npy`` and tensors; nothing is executed on load), and
:func:`export_onnx` writes a fitted regressor as an ONNX graph.
"""

from ._export import export_onnx
from ._persistence import load_model, save_model

__all__ = ["export_onnx", "load_model", "save_model"]
