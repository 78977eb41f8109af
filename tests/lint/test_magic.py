"""`%cheat lint` in a plain IPython shell (a subprocess): the cells run so far, or a file."""

import json

import pytest

from ..conftest import HEAVY_LIBRARIES, run_python

SHELL = """\
import contextlib, io, json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "cheatsheet")
for cell in ["x = 1", "def build():\\n    import keras\\n    return keras.optimizers.Adam(lr=0.1)",
             "%cheat lint"]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        shell.run_cell(cell, store_history=True)
answers = {"cells": {"out": out.getvalue(), "err": err.getvalue()}}
for line in sys.argv[1:]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        shell.run_line_magic("cheat", line)
    answers[line] = {"out": out.getvalue(), "err": err.getvalue()}
answers["modules"] = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps(answers))
"""


def test_cheat_lint_checks_the_cells_run_so_far_or_a_file(tmp_path):
    pytest.importorskip("IPython")
    lab = tmp_path / "lab.py"
    lab.write_text("import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n")
    clean = tmp_path / "clean.py"
    clean.write_text("import keras\n")
    result = run_python("-c", SHELL, f"lint {lab}", f"lint {clean}", f"lint {tmp_path}/no.py",
                        "lint a b")
    assert result.returncode == 0, result.stderr[-3000:]
    answers = json.loads(result.stdout)
    assert answers["cells"]["out"].strip() == (
        "In[2]:3:34: KC301 `lr=` is rejected by Keras 3 optimizers: `learning_rate=` "
        "(card: optimizers)")
    assert answers[f"lint {lab}"]["out"].startswith(f"{lab}:2:32: KC205 ")
    assert answers[f"lint {clean}"]["out"].strip() == f"{clean}: no finding"
    assert answers[f"lint {tmp_path}/no.py"]["err"].startswith("Error: ")
    assert "cannot read" in answers[f"lint {tmp_path}/no.py"]["err"]
    assert answers["lint a b"]["err"] == "Error: usage: %cheat lint [FILE]\n"
    assert HEAVY_LIBRARIES & set(answers["modules"]) == set()
