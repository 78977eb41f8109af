"""`copy`: a card as a standalone lab script, taken from the very snippet file the tests run.

The script is the whole snippet file, verbatim, under a two-line comment saying where it came
from. Why the whole file and not imports + the functions `show` prints + a main block: a demo
leans on helpers `show` leaves out (data loaders, small layers, constants), and any reassembly
of pieces is a second code path that could drift from what the tests run. The snippet file
already is "imports, the card's functions and an `if __name__ == "__main__":` block that runs
its demo", imports nothing from this project (tests/test_card_format.py checks both), and runs
with `python FILE` from any directory. Only a file without that block (which the format test
rejects) would get one appended, so the copy always runs the demo.

No heavy imports here: copying a card must not start TensorFlow.
"""


from .. import __version__
from ..cards.source import SnippetSource, display_path, read_snippet, test_path
from .files import target, write_new

FALLBACK_MAIN = '\n\nif __name__ == "__main__":\n    print(demo())\n'
# Put after the snippet's docstring: what `check` and `run` do for their own runs. TensorFlow's
# and LiteRT's C++ start-up lines ignore TF_CPP_MIN_LOG_LEVEL, so only file descriptor 2 can
# drop them; Python's stderr (tracebacks, warnings) moves to a copy of it first.
QUIET_CPP_LOGS = """\
# Added by `cheatsheet copy`: drop the C++ log lines of TensorFlow and LiteRT, keep Python's
# errors and warnings on stderr. Delete these lines to see every log line.
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.stderr = os.fdopen(os.dup(2), "w", buffering=1, errors="backslashreplace")
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
"""


def script(card, cell=False):
    """The runnable lab script of a card, as text.

    `cell`: for a notebook cell (`%cheat --full`): the same file, without the lines that move
    file descriptor 2, since a kernel forwards it to the notebook and owns sys.stderr."""
    text = read_snippet(card)
    if SnippetSource(text).main_block() is None:
        text = text.rstrip("\n") + "\n" + FALLBACK_MAIN
    if not cell:
        text = after_docstring(text, QUIET_CPP_LOGS)
    run = ("Run the cell" if cell else "Run it with `python <this file>`")
    header = (f"# From keras-cheatsheet {__version__}: card {card.topic!r}, {display_path(card)}, "
              f"tested in {test_path(card)}.\n"
              f"# {run}: it runs the card's demo() (needs Keras 3).\n")
    return header + text


def after_docstring(text, insert):
    """`text` with `insert` (and a blank line) after its module docstring, or at its top."""
    import ast

    body = ast.parse(text).body
    end = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        end = body[0].end_lineno
    lines = text.splitlines(keepends=True)
    return "".join(lines[:end]) + ("\n" if end else "") + insert + "".join(lines[end:])


def target_path(card, path):
    """Where `copy --to PATH` writes: PATH, or PATH/<module>.py when PATH is a directory."""
    return target(path, f"{card.module}.py")


def copy(card, path, force=False):
    """Write the card's script to `path` (never over a file without `force`); return the path."""
    return write_new(target_path(card, path), script(card), force=force)
