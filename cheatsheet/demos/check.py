"""check: the named cards' demos (or every card's) run and each figure judged against its target.

One implementation for `cheatsheet check` and `%cheat check`; a front end only shows what it
reports (the CLI prints its table a row at a time, the magic grows one in the notebook). A card
the backend cannot run is not run: its row says why.

Where the cards run:
- several cards, jobs > 1: in check's own worker processes (workers.py), tuned as tuning.py
  lists; this process never imports Keras;
- one card, or jobs 1: in this process, tuned the same way;
- as written (`--as-written`, and always in a notebook's kernel): in this process, untuned,
  exactly as `python snippets/<card>.py` runs a card.
"""

import contextlib
import sys
import time

from ..errors import CheatsheetError
from . import runner, tuning, workers


class Report:
    """What a check found: its environment (the header's), a result for each card it ran, the
    rows of the cards it did not run, and its seconds (the Keras import and all)."""

    def __init__(self, environment, results, skipped, seconds, backend):
        self.environment, self.results, self.skipped = environment, results, skipped
        self.seconds, self.backend = seconds, backend

    @property
    def failed(self):
        """The topics of the cards that ran and missed their target or failed."""
        return [result["topic"] for result in self.results if result["status"] != "ok"]

    def rows(self, cards):
        """Every row, run or not, in the order of `cards`."""
        order = [card.topic for card in cards]
        return sorted(self.results + self.skipped, key=lambda row: order.index(row["topic"]))


def backend_of(chosen):
    """The backend the cards will run on: `chosen` (--backend), else the one Keras already runs
    on in this process (a notebook's kernel), else the one it would start on."""
    keras = sys.modules.get("keras")
    if chosen is None and keras is not None:
        return keras.config.backend()
    return runner.chosen_backend(chosen)


def not_run(cards, backend):
    """(the cards `backend` can run, the rows of those it cannot: not declared, or a card that
    imports TensorFlow where it is not installed)."""
    rows = [runner.unsupported(card, backend) if backend not in card.backends
            else runner.needs_absent_tensorflow(card, backend) for card in cards]
    return ([card for card, row in zip(cards, rows, strict=True) if row is None],
            [row for row in rows if row is not None])


def run(cards, on_header, on_row, seed=0, backend=None, jobs=None, as_written=False):
    """Run `cards` and return a Report. `on_header(environment, skipped rows)` is called once
    the environment is known, `on_row(result)` as each card ends, in the order of `cards`.

    `backend`: --backend (None: see backend_of). `jobs`: worker processes (None: one per core,
    at most 4; 1: this process). `as_written`: in this process, with none of the tuning."""
    started = time.perf_counter()  # the total is wall time: the Keras import and all
    if as_written and jobs not in (None, 1):
        raise CheatsheetError("--as-written runs every card in this process, one by one: "
                              "leave out --jobs")
    jobs = 1 if as_written else workers.default_jobs() if jobs is None else jobs
    name = backend_of(backend)
    cards, skipped = not_run(cards, name)
    environment = {}

    def header(found):
        environment.update(found)
        on_header(found, skipped)

    if jobs > 1 and len(cards) > 1:  # workers: this process never imports Keras
        runner.require_keras("check", name)
        try:
            results = workers.run([card.topic for card in cards], jobs, backend=backend,
                                  seed=seed, on_environment=header, on_result=on_row)
        except workers.WorkerError as error:
            said = f"; its stderr ended: {error.stderr[-1]}" if error.stderr else ""
            raise CheatsheetError(f"check could not start a worker process: {error}{said}"
                                  ) from None
    else:  # --backend before keras's import; the header, not the first card, shows its cost
        tuned = not as_written
        with tuning.quiet_stderr() if tuned else contextlib.nullcontext():
            keras = runner.load_keras("check", backend=backend)
        runner.prepare(cards)
        if tuned:
            tuning.settle_after_import(keras)
        header({**runner.environment(), "tuning": tuning.describe(1 if tuned else None, name)})
        results = []
        for card in cards:
            results.append(runner.run_card(card, seed=seed, tuned=tuned, quiet=tuned))
            on_row(results[-1])
    return Report(environment, results, skipped, time.perf_counter() - started, name)
