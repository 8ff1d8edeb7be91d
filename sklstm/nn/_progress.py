"""What training prints: the per-epoch progress bar and the epoch table.

Imported lazily, on the first fit or load (skorch imports torch).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from skorch.callbacks import Callback, PrintLog, ProgressBar


class Terminal(NamedTuple):
    """What the output streams can show."""

    progress: bool  # a live progress bar (a terminal or a notebook)
    colour: bool  # ANSI colour codes in the epoch table


def output_is_interactive() -> Terminal:
    """Whether stderr shows a live bar and stdout renders colour codes.

    Outside a terminal (a log file, CI, a pipe) the bar's carriage returns
    and the table's colour codes would only clutter the text.
    """
    notebook = ProgressBar().in_ipynb()
    return Terminal(
        progress=notebook or _isatty(sys.stderr),
        colour=_isatty(sys.stdout),
    )


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


class BatchProgress(ProgressBar):
    """skorch's per-epoch progress bar, redrawn as batches finish.

    tqdm redraws at most every 0.1 s by default, so the bar of a short epoch
    is never redrawn after "0/n"; here it is redrawn at least every batch
    that ends 10 ms after the last redraw.
    """

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        import tqdm
        import tqdm.notebook

        bar = tqdm.notebook.tqdm if self._use_notebook() else tqdm.tqdm
        self.pbar_ = bar(
            total=self._get_batches_per_epoch(net, dataset_train, dataset_valid),
            leave=False,
            mininterval=0.01,
            desc=f"epoch {len(net.history)}",
        )

    def on_epoch_end(self, net, **kwargs):
        self.pbar_.refresh()  # the finished count is shown at least once
        super().on_epoch_end(net, **kwargs)


class EpochLog(Callback):
    """One row of the epoch table per finished epoch (skorch's PrintLog format).

    skorch runs its ``PrintLog`` after every other callback, so the epoch in
    which early stopping ends training was never printed; this callback runs
    before the ones that can end training. Without ``colour`` the best values
    are not highlighted with ANSI codes.
    """

    def __init__(self, colour=False):
        self.colour = colour

    def initialize(self):
        self.table_ = PrintLog().initialize()
        self.first_row_ = True
        return self

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        if not self.colour:
            row = {key: value for key, value in row.items() if key[-5:] != "_best"}
        lines = self.table_.table(row).split("\n")
        if self.first_row_:
            print("\n".join(lines[:2]))
            self.first_row_ = False
        print(lines[-1], flush=True)
