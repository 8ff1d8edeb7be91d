import os

# One BLAS/torch/OpenMP thread per process, set before numpy and torch load:
# the workers share the cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from .cli import main  # noqa: E402

raise SystemExit(main())
