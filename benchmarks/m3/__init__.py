"""The M3 forecasting benchmark (``python -m benchmarks.m3``, make bench-m3)."""
