"""Parameter documentation shared by LSTMRegressor and LSTMClassifier.

Both estimators train the same way (skorch's loop, set up by
:mod:`sklstm.nn._net`), so the parameters of that loop are described once here
and filled into each class docstring where it says ``%(name)s``, as
matplotlib's ``_docstring.interpd`` does. Defaults that differ per estimator
are passed in. What the reader of ``help()`` and the rendered docs sees is
the filled docstring; numpydoc and the doctests read it too.
"""

from __future__ import annotations

OPTIMIZATION = """\
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, \
default="adam"
        Optimizer.
    lr : float, default=%(lr)s
        Learning rate.
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    lr_schedule : {"plateau", "cosine"} or None, default=%(lr_schedule)s
        Learning-rate schedule: reduce on a plateau of the monitored loss, or
        cosine annealing over ``max_epochs``.
    clip_grad_norm : float or None, default=%(clip_grad_norm)s
        Clip the gradient norm to this value.
    batch_size : int, default=%(batch_size)s
        Samples per gradient step."""

# The one place that states the epoch vocabulary; both docstrings include it.
# The names stay mixed on purpose: ``max_epochs`` because "iteration" often
# means one batch in torch libraries (Lightning's ``max_steps``), while
# sklearn users grid-search ``n_iter_no_change`` and read ``n_iter_``, which
# count epochs in ``MLPRegressor`` as well.
MAX_EPOCHS = """\
    max_epochs : int, default=%(max_epochs)s
        Maximum number of epochs (passes over the training samples). A fit
        that ends here while its loss is still improving warns with
        sklearn's ``ConvergenceWarning``. Training is counted in epochs
        throughout: ``max_epochs`` is skorch's and Lightning's name for
        ``MLPRegressor``'s ``max_iter``; ``n_iter_no_change`` and the fitted
        ``n_iter_`` keep ``MLPRegressor``'s names, which count epochs there
        too; ``best_epoch_`` is 1-based, ``loss_curve_`` has one value per
        epoch, and ``partial_fit`` runs one epoch."""

STOPPING = """\
    n_iter_no_change : int, default=10
        Patience, in epochs, of the stopping rule (``MLPRegressor``'s): the
        fit ends when the monitored loss has not fallen more than ``tol``
        below its best value for this many consecutive epochs. The monitored
        loss is the validation loss with ``early_stopping=True`` (the best
        epoch's weights are then restored), and otherwise the training loss
        (convergence stopping; the last weights are kept). ``partial_fit``
        always runs exactly one epoch.
    tol : float, default=1e-4
        The improvement that counts, absolute, in the loss as training sees
        it (scaled targets). ``n_iter_no_change=max_epochs`` makes every fit
        run ``max_epochs``."""

RUNTIME = """\
    verbose : int, default=0
        0 is silent; 1 or more prints a row of the training and validation
        loss per epoch and, in a terminal or notebook, a progress bar (plain
        text when the output is redirected).
    device : {"cpu", "cuda", "cuda:N", "auto"}, default="cpu"
        Where the network runs; ``"auto"`` picks CUDA when available.
        Predictions are always numpy arrays on the CPU.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (for example checkpointing), added to the
        ones this estimator sets up.
    n_threads : int or None, default=None
        torch intra-op threads during ``fit`` and ``predict`` (restored
        afterwards). None: one thread for a small batch (under about 4
        million multiply-adds per forward pass), where threading costs more
        than it saves, torch's current setting otherwise (the README's
        "Threads" section).
    precision : {"float32", "bf16-mixed"}, default="float32"
        Precision of the forward pass in ``fit`` and ``predict``.
        ``"bf16-mixed"`` (Lightning's name) runs it in bfloat16 under
        ``torch.autocast`` while weights, gradients, optimizer state and loss
        stay float32; it needs native bf16 (AVX512-BF16/AMX CPUs,
        bf16-capable CUDA GPUs) and is refused with a ``ValueError``
        elsewhere."""


def fill_training_docs(*, extra_blocks: dict | None = None, **defaults: str):
    """Class decorator: fill the shared blocks of a class docstring.

    The placeholders are ``%(optimization)s`` (``optimizer`` to
    ``batch_size``), ``%(max_epochs)s``, ``%(stopping)s``
    (``n_iter_no_change``, ``tol``) and ``%(runtime)s`` (``verbose`` to
    ``precision``); the parameters between them differ per estimator and
    stand in the class docstring.

    ``defaults`` are the per-estimator defaults the shared text names
    (``lr``, ``lr_schedule``, ``clip_grad_norm``, ``max_epochs``,
    ``batch_size``), as they appear in the signature. ``extra_blocks``
    names more placeholders of one estimator (name -> text whose first
    line is unindented).

    Examples
    --------
    >>> @fill_training_docs(lr="1e-3", lr_schedule="None", clip_grad_norm="None",
    ...                     max_epochs="100", batch_size="32")
    ... class Model:
    ...     '''A model.
    ...
    ...     Parameters
    ...     ----------
    ...     %(stopping)s
    ...     '''
    >>> "n_iter_no_change : int, default=10" in Model.__doc__
    True
    """
    # The placeholders stand indented in the docstring, so each block's
    # first line brings no indentation of its own.
    blocks = {
        "optimization": (OPTIMIZATION % defaults).lstrip(),
        "max_epochs": (MAX_EPOCHS % defaults).lstrip(),
        "stopping": STOPPING.lstrip(),
        "runtime": RUNTIME.lstrip(),
        **(extra_blocks or {}),
    }

    def fill(cls):
        cls.__doc__ = cls.__doc__ % blocks
        return cls

    return fill
