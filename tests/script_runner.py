"""Run copied card scripts one after another in one Python that imports Keras once.

    python tests/script_runner.py      (one JSON line per script path read on stdin)

A fresh `python FILE` per card pays the Keras import every time (3-5 s a card, most of the
copied-script tests' time). Here each script still runs as `__main__` from its own directory,
with sys.argv, cwd, sys.path[0], stdout and stderr of its own, and it cannot import this project:
`cheatsheet`, `snippets` and `tests` are refused, as they would be beside a lone copy. What a
shared process cannot show is left to the tests that start a fresh one: the C++ start-up lines
of a first TensorFlow import, and cards that must set up devices before TensorFlow starts.
The runner tunes its own process as `check` tunes its workers (see serve).
"""

import contextlib
import importlib.abc
import io
import json
import os
import runpy
import sys
import traceback

PROJECT_PACKAGES = ("cheatsheet", "snippets", "tests")


class RefuseProject(importlib.abc.MetaPathFinder):
    """An import finder that fails any import of this project's packages."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in PROJECT_PACKAGES:
            raise ModuleNotFoundError(f"No module named {name!r} (a copied script stands alone)",
                                      name=name)
        return None


def run_script(path):
    """Run `path` as __main__ as `python path` would; {"ok", "stdout", "stderr", "error"}."""
    directory = os.path.dirname(os.path.abspath(path))
    saved = (os.getcwd(), list(sys.path), list(sys.argv), sys.stderr, os.dup(2))
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        os.chdir(directory)
        sys.path[0] = directory
        sys.argv = [path]
        with contextlib.redirect_stdout(out):
            sys.stderr = err  # the script may swap it (copy's C++-quieting lines do)
            runpy.run_path(path, run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            error = f"SystemExit: {exit_.code}"
    except BaseException:  # noqa: BLE001 - any failure of the script is its result
        error = traceback.format_exc(limit=-8)
    finally:
        cwd, sys.path[:], sys.argv, sys.stderr, fd = saved
        os.dup2(fd, 2)  # undo the script's redirection of descriptor 2
        os.close(fd)
        os.chdir(cwd)
        import keras

        keras.backend.clear_session()  # the next script starts from Keras's empty graph
    return {"ok": error is None, "stdout": out.getvalue(), "stderr": err.getvalue(),
            "error": error}


def serve():
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # C-level writes must not mix with answers
    from cheatsheet.demos import tuning  # this runner's own tuning, before the project is refused

    for name in [name for name in sys.modules if name.split(".")[0] in PROJECT_PACKAGES]:
        del sys.modules[name]
    sys.meta_path.insert(0, RefuseProject())
    import keras  # once, before the first script: what this runner is for

    # The test's own process, tuned as check tunes its workers (Grappler off, tf.data untuned,
    # gc.freeze): what the scripts compute is the same to float rounding, and what they prove,
    # that a copy runs on its own, is unchanged. Scripts run as written, untuned, where a
    # fresh `python FILE` runs them (tests/test_card_format.py, the ALONE cards, transcripts).
    tuning.settle_after_import(keras)
    with tuning.tuned_demo():
        answers.write(json.dumps({"ready": True}) + "\n")
        for line in sys.stdin:
            answers.write(json.dumps(run_script(json.loads(line)["path"])) + "\n")


if __name__ == "__main__":
    serve()
    os._exit(0)  # every answer is written: skip TensorFlow's teardown (about a second)
