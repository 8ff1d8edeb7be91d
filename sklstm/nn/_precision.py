"""Mixed precision: which devices compute in bfloat16, and the autocast context.

Imported lazily, on the first fit or load (it imports torch).
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn

# The ``precision`` values and the dtype autocast runs the forward pass in;
# named as Lightning names its precisions ("bf16-mixed": bf16 compute, fp32
# weights, optimizer state and loss).
PRECISIONS = {"float32": None, "bf16-mixed": torch.bfloat16}
_BF16_SUPPORT: dict[str, bool] = {}


def bf16_supported(device: str) -> bool:
    """Whether ``device`` computes in bfloat16 natively (not emulated).

    CUDA asks torch; a CPU needs bf16 instructions (AVX512-BF16 or AMX on
    x86, BF16 on ARM; without them oneDNN emulates bf16, slower than
    float32), and a one-step LSTM forward under autocast must run.

    Examples
    --------
    >>> isinstance(bf16_supported("cpu"), bool)
    True
    """
    kind = device.split(":")[0]
    if kind not in _BF16_SUPPORT:
        if kind == "cuda":
            supported = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        else:
            supported = _cpu_has_native_bf16() and _bf16_probe_runs(kind)
        _BF16_SUPPORT[kind] = supported
    return _BF16_SUPPORT[kind]


def _cpu_has_native_bf16() -> bool:
    # oneDNN's own check also accepts plain AVX512, where bf16 is emulated;
    # on Linux the CPU's flags tell the bf16 instructions apart.
    if not torch.backends.mkldnn.is_available():
        return False
    probe = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    if probe is None or not probe():
        return False
    flags = _linux_cpu_flags()
    return flags is None or not flags.isdisjoint(_BF16_CPU_FLAGS)


# avx512_bf16 and amx_bf16 (x86), bf16 (ARM "Features") in /proc/cpuinfo.
_BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})


def _linux_cpu_flags() -> set[str] | None:
    """The first CPU's flags from /proc/cpuinfo, or None where there is none."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return set(value.split())
    except OSError:
        return None
    return None


def _bf16_probe_runs(kind: str) -> bool:
    try:
        with torch.autocast(kind, dtype=torch.bfloat16), torch.no_grad():
            out, _ = nn.LSTM(1, 2, batch_first=True)(torch.zeros(1, 1, 1))
        return out.dtype == torch.bfloat16
    except (RuntimeError, TypeError):
        return False


def check_precision(precision: str, device: str) -> None:
    """Refuse a ``precision`` that ``device`` cannot compute natively.

    Examples
    --------
    >>> check_precision("float32", "cpu")
    """
    if PRECISIONS[precision] is not None and not bf16_supported(device):
        where = (
            "this CPU has no bf16 instructions (AVX512-BF16 or AMX) that "
            "torch's oneDNN can use"
            if device == "cpu"
            else f"torch reports no bfloat16 support on {device!r}"
        )
        raise ValueError(
            f"precision={precision!r} needs native bfloat16 compute, but "
            f"{where}; emulated bf16 would be slower than float32. Use "
            f"precision='float32'."
        )


def autocast(device: str, precision: str):
    """The context the forward pass runs in for ``precision`` (float32: none).

    Examples
    --------
    >>> import torch
    >>> with autocast("cpu", "float32"):
    ...     torch.ones(1).dtype
    torch.float32
    """
    dtype = PRECISIONS[precision]
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.split(":")[0], dtype=dtype)


@contextlib.contextmanager
def training_context():
    """The torch state a fit runs in, whatever the caller's.

    Inside ``torch.inference_mode()`` or ``torch.no_grad()`` a fit would
    build tensors without gradients: both are switched off for the fit
    (they are thread-local, so other threads keep theirs). A default dtype
    other than float32 (``torch.set_default_dtype``, process-wide) would
    build the network in that dtype, which the fused CPU kernels refuse:
    refused here with what to do.
    """
    default = torch.get_default_dtype()
    if default != torch.float32:
        raise RuntimeError(
            f"sklstm trains in float32, but torch's default dtype is {default} "
            f"(torch.set_default_dtype), which fit would build the network "
            f"in. Call torch.set_default_dtype(torch.float32) before fit and "
            f"set it back after; predict and load_model work under either."
        )
    with torch.inference_mode(False), torch.enable_grad():
        yield
