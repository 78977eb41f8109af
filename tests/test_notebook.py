"""Into the notebook: %cheat in IPython, and notebooks executed in a real Jupyter kernel.

The fast test drives the magic in a plain IPython shell (a subprocess, so its singleton and its
imports stay out of pytest). The slow ones start one ipykernel kernel each through nbclient,
as Jupyter and Colab do, and assert the cell outputs: the next-cell payload, the HTML, the
figure against its target, the picture.
"""

import base64
import json
import os
import re

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.source import SnippetSource
from cheatsheet.output import copy as copying

from .conftest import HEAVY_LIBRARIES, REPO, run_python

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KERNEL_TIMEOUT = 300  # seconds a cell may take: `%cheat check` imports TensorFlow in the kernel


def copy_ready(topic):
    card = index.find(topic)
    return SnippetSource.of(card).copy_ready(card.functions)


# -- terminal IPython: plain text, no kernel ------------------------------------------------------

SHELL = """\
import contextlib, io, json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "cheatsheet")
answers = {}
for line in sys.argv[1:]:
    out, err = io.StringIO(), io.StringIO()
    shell.rl_next_input = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        shell.run_line_magic("cheat", line)
    answers[line] = {"out": out.getvalue(), "err": err.getvalue(), "next": shell.rl_next_input}
answers["modules"] = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps(answers))
"""


def test_magic_in_terminal_ipython_prints_text_and_imports_nothing_heavy():
    pytest.importorskip("IPython")
    lines = ["activations", "lstm --full", "show cnn", "search prevent overfitting", "list",
             "cnnn", "zzqx", "show", "", "run", "list extra", "show 'cnn"]
    result = run_python("-c", SHELL, *lines)
    assert result.returncode == 0, result.stderr[-3000:]
    answers = json.loads(result.stdout)
    assert HEAVY_LIBRARIES & set(answers["modules"]) == set()

    inserted = answers["activations"]
    assert inserted["next"] == copy_ready("activations").rstrip("\n")
    assert inserted["out"].startswith("activations · Activation functions: ")
    assert inserted["err"] == ""
    assert answers["lstm --full"]["next"] == copying.script(index.find("lstm"), cell=True).rstrip()

    shown = answers["show cnn"]["out"]
    assert "<div" not in shown and "Keras 3 pitfalls this card avoids" in shown
    assert "%cheat run cnn" in shown and answers["show cnn"]["next"] is None
    from cheatsheet.cards.search import rank
    from cheatsheet.cards.source import read_snippet

    first = rank("prevent overfitting", index.CARDS, read_snippet)[0].card.topic
    assert answers["search prevent overfitting"]["out"].split()[0] == first  # as the CLI ranks
    assert all(card.topic in answers["list"]["out"] for card in index.CARDS)

    for line, error in [
        ("cnnn", "Error: no card named 'cnnn'. Did you mean: cnn, basics?"),
        ("zzqx", "Error: no card named 'zzqx'. Try: %cheat list"),
        ("show", "Error: usage: %cheat show TOPIC"),
        ("run", "Error: usage: %cheat run TOPIC"),
        ("list extra", "Error: %cheat list takes nothing more, not 'extra'"),
    ]:
        assert answers[line]["err"] == error + "\n", line
        assert answers[line]["out"] == "" and answers[line]["next"] is None
    for line in ("", "show 'cnn"):  # one line each, the usage in it
        assert answers[line]["err"].count("\n") == 1 and "usage: %cheat" in answers[line]["err"]


# -- real kernels ---------------------------------------------------------------------------------

def execute(sources, directory):
    """Run the cells in one fresh ipykernel kernel; (cells with outputs, payloads per cell)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = (sources if isinstance(sources, nbformat.NotebookNode)
                else nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                                     for source in sources]))
    payloads = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        payloads[cell_index] = execute_reply["content"].get("payload", [])

    client = nbclient.NotebookClient(
        notebook, kernel_name="python3",  # jupyter_client starts "python" as sys.executable
        timeout=KERNEL_TIMEOUT, resources={"metadata": {"path": str(directory)}},
        on_cell_executed=on_cell_executed)
    # The kernel imports this worktree's cheatsheet, as a pip-installed one would be imported.
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    client.execute(env=env)
    return notebook.cells, payloads


def outputs_of(cell, output_type):
    return [output for output in cell.outputs if output.output_type == output_type]


def text_of(cell, name="stdout"):
    return "".join(output.text for output in outputs_of(cell, "stream") if output.name == name)


@pytest.mark.slow
def test_exported_notebook_runs_in_a_kernel(cli, tmp_path):
    """The exported notebook, cell by cell in one kernel, as a learner runs it (quick card)."""
    nbformat = pytest.importorskip("nbformat")
    path = tmp_path / "lab.ipynb"
    assert cli("export", "--format", "notebook", "--out", str(path), "activations").status == 0
    cells, _ = execute(nbformat.read(path, as_version=4), tmp_path)
    code = [cell for cell in cells if cell.cell_type == "code"]
    assert all(not outputs_of(cell, "error") for cell in code)
    demo = next(cell for cell in code if cell.id == "activations-demo")
    assert "max |numpy - keras|" in text_of(demo) + json.dumps(demo.outputs)


MAGIC_CELLS = [
    "%load_ext cheatsheet",
    "%cheat show cnn",
    "%cheat search prevent overfitting",
    "%cheat list",
    "%cheat activations",
    "%cheat activations --full",
    "%cheat cnnn",
    "import sys\nprint(sorted({name.split('.')[0] for name in sys.modules}"
    f" & {set(HEAVY_LIBRARIES)!r}))",
    "%cheat run activations",
    "%cheat check activations",
    "import matplotlib\nprint(matplotlib.get_backend())",
    "%cheat run cnn",
    # Issue 30: the kernel's Keras was imported by %cheat run as a learner's import would be,
    # so its image gallery still finds matplotlib.
    "import keras, numpy as np\n"
    "keras.visualization.plot_image_gallery(np.random.rand(2, 8, 8, 3), rows=1, cols=2)\n"
    "print('gallery drawn')",
]


@pytest.mark.slow
def test_every_magic_in_a_kernel(tmp_path):
    cells, payloads = execute(MAGIC_CELLS, tmp_path)
    (load, show, search, listing, insert, full, unknown, heavy, run, check, backend, run_cnn,
     gallery) = cells
    for cell in cells:
        assert not outputs_of(cell, "error"), (cell.source, cell.outputs)  # never a traceback
    assert load.outputs == []

    card_page = outputs_of(show, "display_data")[0].data
    assert "<pre><code>" in card_page["text/html"]
    assert '<span class="k">def</span> <span class="f">build_cnn</span>' in card_page["text/html"]
    assert "Keras 3 pitfalls this card avoids" in card_page["text/html"]
    assert card_page["text/plain"].startswith("Convolutional neural network (CNN)  (cnn)")
    assert "<code>weight-regularization</code>" in \
        outputs_of(search, "display_data")[0].data["text/html"]
    assert all(f"<code>{card.topic}</code>" in outputs_of(listing, "display_data")[0]
               .data["text/html"] for card in index.CARDS)

    # What Jupyter (and Colab) turn into a new cell below, not run.
    assert payloads[4] == [{"source": "set_next_input", "replace": False,
                            "text": copy_ready("activations").rstrip("\n")}]
    assert text_of(insert).startswith("activations · Activation functions")
    assert payloads[5][0]["text"] == copying.script(index.find("activations"), cell=True).rstrip()
    assert [output.output_type for output in unknown.outputs] == ["stream"]
    assert text_of(unknown, "stderr") == "Error: no card named 'cnnn'. Did you mean: cnn, basics?\n"
    assert text_of(heavy).strip() == "[]"  # the lookups above imported nothing heavy

    report = outputs_of(run, "display_data")
    figure = report[0].data
    assert "max |numpy - keras|" in figure["text/plain"] and "(target <=" in figure["text/plain"]
    assert "met" in figure["text/plain"].split("result", 1)[1].splitlines()[0]
    assert '<span class="met">met</span>' in figure["text/html"]
    assert base64.b64decode(report[1].data["image/png"]).startswith(PNG_MAGIC)

    table = outputs_of(check, "display_data")[0].data  # updated in place as each card finished
    rows = table["text/plain"].splitlines()
    assert rows[0].startswith("Python ") and "backend" in rows[0]
    assert rows[-1].split()[:2] == ["activations", "ok"]
    assert '<td class="ok">ok</td>' in table["text/html"]
    # the summary `cheatsheet check` prints: one implementation (demos/check.py) for both
    assert re.fullmatch(r"1 of 1 cards met their targets in [0-9.]+ s \(Keras import [0-9.]+ s\)",
                        text_of(check).strip())
    assert "inline" in text_of(backend).lower()  # our plot left the learner's backend alone
    assert "held-out accuracy" in outputs_of(run_cnn, "display_data")[0].data["text/plain"]
    assert text_of(gallery).strip() == "gallery drawn"
