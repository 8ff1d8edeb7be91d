"""Accuracy benchmark: sklstm's defaults against classical forecasters.

Run ``python -m benchmarks.accuracy --help`` (or ``make bench-accuracy``) from
the repository root; see benchmarks/README.md for the protocol.
"""
