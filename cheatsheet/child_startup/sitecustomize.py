"""Run by Python at start-up wherever this directory comes first on PYTHONPATH
(runner.keras_lean_in_processes_started_with): check's workers, pytest's, and every process
they start, such as multi-worker's two. The process's first `import keras` then leaves jax and
matplotlib for later, as load_keras does in `run`, `plot` and `check` (runner.LEFT_FOR_LATER).

A sitecustomize found earlier on sys.path hides any other, so the one this hides, if the
environment has one (some Linux distributions' Pythons do), runs afterwards as it would have.
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
    here = os.path.dirname(os.path.abspath(__file__))
    path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    hidden = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if hidden is not None and hidden.loader is not None:
        module = importlib.util.module_from_spec(hidden)
        sys.modules["sitecustomize"] = module
        hidden.loader.exec_module(module)


leave_optional_imports_for_later()
run_the_sitecustomize_this_hides()
