"""Run by Python at start-up in a process whose PYTHONPATH starts with this directory
(runner.keras_lean_in_processes_started_with): the processes a card's demo starts under `run`
or `check`, such as multi-worker's two, and every process they start. The process's first
`import keras` then leaves jax and matplotlib for later, as load_keras does in `run`, `plot`
and `check` themselves (runner.LEFT_FOR_LATER).

A sitecustomize found earlier on sys.path hides any other, so the one this hides, if the
environment has one (some Linux distributions' Pythons do), runs afterwards as it would have:
the first found after this directory's last entry on sys.path. So a link to this directory
further on is passed over, and another checkout's copy further on runs once and searches on
from its own place in turn: none runs twice, and none runs the other again.
"""

import importlib.machinery
import importlib.util
import os
import sys


def leave_optional_imports_for_later():
    try:
        from cheatsheet import runner
    except ImportError:  # cheatsheet cannot be imported here: start as plain Python does
        return
    sys.meta_path.insert(0, runner.KerasImportedLean())


def run_the_sitecustomize_this_hides():
    here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
    places = [os.path.realpath(entry or os.curdir) for entry in sys.path]
    last = max((index for index, place in enumerate(places) if place == here), default=-1)
    hidden = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path[last + 1:])
    if hidden is not None and hidden.loader is not None:
        module = importlib.util.module_from_spec(hidden)
        sys.modules["sitecustomize"] = module
        hidden.loader.exec_module(module)


leave_optional_imports_for_later()
run_the_sitecustomize_this_hides()
