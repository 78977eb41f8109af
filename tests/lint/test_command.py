"""`cheatsheet lint` as a learner runs it: output formats, exit statuses, fixes that keep the
rest of the file byte for byte, notebooks, standard input, and honesty on Keras 3 code."""

import io
import json
import sys

import pytest

from cheatsheet.lint import command
from cheatsheet.lint.check import lint_text

from ..conftest import heavy_imports_after, run_python

LAB = '''\
"""A tf.keras 2 lab."""
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation="relu", input_shape=(8,)),   # hidden
    tf.keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(np.ones((4, 8)), np.zeros(4), epochs=1, workers=2)
model.save("lab_model")
'''

MODERN = '''\
"""Keras 3 code with look-alikes of the old habits: none is a finding."""
import keras
import numpy as np
import tensorflow as tf
from keras import layers

lr = 1e-3


def fit_generator(model, data):  # the user's own function of that name
    return model.fit(data, epochs=1)


class Residual(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)

    def call(self, inputs, training=None, mask=None):
        if mask is not None and inputs.shape[-1] > 1:
            inputs = inputs * 1.0
        if training:
            inputs = inputs + 0.0
        return inputs + self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.dense.units}


inputs = keras.Input(shape=(8,))
hidden = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(8)(inputs))
outputs = layers.Dense(3, activation="softmax")(Residual(8)(hidden))
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
dataset = tf.data.Dataset.from_tensor_slices((np.ones((8, 8)), np.zeros(8))).batch(4)
dataset = dataset.prefetch(tf.data.AUTOTUNE)
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
model.fit(dataset, validation_data=dataset, callbacks=[stop], epochs=1)
fit_generator(model, dataset)
model.save("model.keras")
model.save_weights("model.weights.h5")
np.save("array", np.ones(3))
'''


def run(*paths, stdin="", **options):
    out, err = io.StringIO(), io.StringIO()
    status = command.run(list(paths), stdin=io.StringIO(stdin), out=out, err=err, **options)
    return status, out.getvalue(), err.getvalue()


def test_modern_keras_3_code_has_no_finding():
    assert lint_text(MODERN) == []


def test_text_output_names_file_line_column_rule_and_card(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text(LAB)
    status, out, err = run(str(lab))
    assert status == 1 and err == ""
    assert f"{lab}:9:50: KC301 `lr=` is rejected by Keras 3 optimizers: `learning_rate=` " \
           "(card: optimizers) [*]" in out.splitlines()
    assert f"{lab}:12:12: KC401" in out and f"{lab}:11:51: KC306" in out


def test_exit_statuses(tmp_path, cli):
    clean = tmp_path / "clean.py"
    clean.write_text(MODERN)
    broken = tmp_path / "broken.py"
    broken.write_text("x = (\n")
    assert cli("lint", str(clean)).status == 0
    assert cli("lint", str(tmp_path)).status == 2  # a folder with a file that does not parse
    result = cli("lint", str(broken))
    assert result.status == 2 and result.err.count("\n") == 1
    assert result.err.startswith(f"Error: {broken}:1:") and "Traceback" not in result.err
    result = cli("lint", str(tmp_path / "missing.py"))
    assert result.status == 2 and "cannot read" in result.err
    assert cli("lint", "--select", "KC999", str(clean)).status == 2
    assert cli("lint", "--format", "xml", str(clean)).status == 2
    assert cli("lint").status == 2


def test_select_ignore_and_inline_ignore(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text(LAB)
    _, out, _ = run(str(lab), select="KC3")
    assert {line.split()[1] for line in out.splitlines()[:-1]} == {"KC301", "KC306"}
    _, out, _ = run(str(lab), ignore="KC1,KC2,KC3")
    assert {line.split()[1] for line in out.splitlines()[:-1]} == {"KC401"}
    ignored = LAB.replace('save("lab_model")', 'save("lab_model")  # cheatsheet: ignore[KC401]')
    assert "KC401" not in {f.rule for f in lint_text(ignored)}
    assert lint_text("import keras\nkeras.optimizers.Adam(lr=1)  # cheatsheet: ignore\n") == []


def test_json_sarif_and_github_formats(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text(LAB)
    _, out, _ = run(str(lab), output_format="json")
    found = json.loads(out)
    assert set(found[0]) == {"path", "cell", "line", "col", "end_line", "end_col", "rule",
                             "severity", "message", "card", "fix"}
    lr = next(item for item in found if item["rule"] == "KC301")
    assert (lr["line"], lr["col"], lr["end_line"], lr["end_col"]) == (9, 50, 9, 57)
    assert lr["fix"]["applicability"] == "safe" and lr["card"] == "optimizers"
    _, out, _ = run(str(lab), output_format="sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == len(found)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] == found[0]["line"]
    _, out, _ = run(str(lab), output_format="github")
    assert out.splitlines()[0].startswith(f"::warning file={lab},line=5,col=9,")


def test_fix_keeps_the_rest_byte_for_byte_and_a_second_fix_changes_nothing(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_bytes(LAB.replace("\n", "\r\n").encode())  # Windows line ends survive too
    lab.chmod(0o640)
    status, _, err = run(str(lab), fix=True)
    assert status == 1 and err.startswith("Fixed ")
    after = lab.read_bytes().decode()
    expected = (LAB.replace("import tensorflow as tf\n", "import tensorflow as tf\nimport keras\n")
                .replace("tf.keras.", "keras.").replace("lr=0.01", "learning_rate=0.01")
                .replace(", workers=2", "").replace('"lab_model"', '"lab_model.keras"'))
    assert after == expected.replace("\n", "\r\n")
    assert lab.stat().st_mode & 0o777 == 0o640
    status, out, _ = run(str(lab), fix=True)
    assert lab.read_bytes().decode() == after
    assert [line.split()[1] for line in out.splitlines()[:-1]] == ["KC201"]  # no safe fix


def test_diff_writes_nothing(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text(LAB)
    status, out, _ = run(str(lab), show_diff=True)
    assert status == 1 and lab.read_text() == LAB
    assert f"--- {lab}\n+++ {lab}\n" in out and "-model.save(\"lab_model\")" in out
    assert "+model.save(\"lab_model.keras\")" in out


def test_unsafe_fixes_only_when_asked(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text("import keras\nlayer = keras.layers.Dense(1, activation='softmax')\n")
    run(str(lab), fix=True)
    assert "softmax" in lab.read_text()
    run(str(lab), fix=True, unsafe_fixes=True)
    assert "activation='sigmoid'" in lab.read_text()


def test_standard_input(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("import keras\nkeras.optimizers.SGD(lr=1)\n"))
    result = cli("lint", "-")
    assert result.status == 1 and result.out.startswith("-:2:22: KC301")
    monkeypatch.setattr(sys, "stdin", io.StringIO("import keras\nkeras.optimizers.SGD(lr=1)\n"))
    result = cli("lint", "--fix", "-")
    assert result.out == "import keras\nkeras.optimizers.SGD(learning_rate=1)\n"


def notebook(*cells):
    nbformat = pytest.importorskip("nbformat")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell(text) if kind == "md" else
                  nbformat.v4.new_code_cell(text) for kind, text in cells]
    return nbformat.writes(book)


def test_notebook_cells_magics_and_fixes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    path = tmp_path / "lab.ipynb"
    path.write_text(notebook(
        ("md", "# A lab"),
        ("code", "!pip install tensorflow\nimport tensorflow as tf\n%matplotlib inline"),
        ("code", "%%bash\necho lr=1"),
        ("code", "if True:\n    !ls\n    opt = tf.keras.optimizers.Adam(lr=0.1)")))
    status, out, _ = run(str(path))
    assert status == 1
    assert out.splitlines()[:2] == [
        f"{path}:cell 4:3:11: KC101 `tf.keras.optimizers.Adam`: the installed Keras has "
        "`keras.optimizers.Adam`; use `import keras` (card: basics) [*]",
        f"{path}:cell 4:3:36: KC301 `lr=` is rejected by Keras 3 optimizers: `learning_rate=` "
        "(card: optimizers) [*]"]
    run(str(path), fix=True)
    book = nbformat.read(str(path), as_version=4)
    nbformat.validate(book)
    assert book.cells[1].source == "!pip install tensorflow\nimport tensorflow as tf\n" \
                                   "%matplotlib inline"
    assert book.cells[2].source == "%%bash\necho lr=1"
    assert book.cells[3].source == ("import keras\nif True:\n    !ls\n"
                                    "    opt = keras.optimizers.Adam(learning_rate=0.1)")
    assert run(str(path), fix=True)[0] == 0
    assert nbformat.read(str(path), as_version=4) == book


def test_a_notebook_syntax_error_names_the_cell(tmp_path, cli):
    path = tmp_path / "lab.ipynb"
    path.write_text(notebook(("code", "x = 1"), ("code", "y = (\n")))
    result = cli("lint", str(path))
    assert result.status == 2 and result.err.startswith(f"Error: {path}:cell 2:")


def test_rules_lists_every_rule_with_its_card(cli):
    from cheatsheet.lint.rules import RULES

    result = cli("lint", "--rules")
    assert result.status == 0 and len(result.out.splitlines()) == len(RULES)
    assert "KC301  error    optimizers" in result.out


@pytest.mark.slow
def test_lint_imports_no_heavy_library(tmp_path):
    lab = tmp_path / "lab.py"
    lab.write_text(MODERN)
    assert heavy_imports_after(["lint", str(lab)], ["lint", "--rules"]) == set()
    result = run_python("-c", "import sys\nfrom cheatsheet.cli import main\n"
                        f"main(['lint', '--diff', {str(lab)!r}])\n"
                        "print(sorted({m.split('.')[0] for m in sys.modules} & "
                        "{'keras', 'tensorflow', 'jax', 'torch', 'matplotlib'}))")
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_the_cards_have_no_error_and_the_original_sheet_has_its_pitfalls():
    from pathlib import Path

    from cheatsheet.lint.files import Document, python_files

    repo = Path(__file__).resolve().parents[2]
    errors = [(path, finding) for path in python_files([str(repo / "snippets")])
              for finding in Document(path, Path(path).read_text()).findings()
              if finding.severity == "error"]
    assert errors == []
    found = {finding.rule for path in python_files([str(repo / "tests" / "original")])
             for finding in Document(path, Path(path).read_text()).findings()}
    assert {"KC100", "KC101", "KC201", "KC205", "KC507", "KC601"} <= found


@pytest.mark.slow
def test_without_keras_installed_lint_still_runs_the_rules_it_can(tmp_path):
    """The lookup-only install: no Keras to read names from, so the namespace and layer-keyword
    rules say nothing rather than guess; the others still find what they find."""
    from ..conftest import blocking_imports

    lab = tmp_path / "lab.py"
    lab.write_text(LAB)
    result = run_python("-c", blocking_imports("keras") + "import sys\n"
                        "from cheatsheet.cli import main\n"
                        f"sys.exit(main(['lint', '--format', 'json', {str(lab)!r}]))")
    assert result.returncode == 1, result.stderr
    found = {item["rule"] for item in json.loads(result.stdout)}
    assert {"KC301", "KC306", "KC401"} <= found and "KC101" not in found


def test_ipython_lines_are_masked_in_place_and_restored_exactly():
    from cheatsheet.lint.files import mask, unmask

    source = "".join(f"%time x{number} = {number}\n" if number % 2 else f"y = {number}\n"
                     for number in range(25)) + "!ls"
    masked, replaced = mask(source)
    assert len(replaced) == 13 and masked.count("\n") == source.count("\n")
    assert all(line.startswith(("pass", "y =")) for line in masked.splitlines())
    assert unmask(masked, replaced) == source
    assert mask("%%bash\necho hi\n") == (None, [])


def test_the_head_is_the_last_layer_bound_to_outputs():
    head = ("import keras\ninputs = keras.Input((4,))\n"
            "outputs = keras.layers.Dense(3)(inputs)\n{}"
            "model = keras.Model(inputs, outputs)\n"
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n")
    softmax_after = head.format("outputs = keras.layers.Activation('softmax')(outputs)\n")
    assert lint_text(softmax_after) == []
    assert [finding.rule for finding in lint_text(head.format(""))] == ["KC503"]
