"""The wheel as a learner installs it (issue 33): built from this checkout, installed with no
editable mode into fresh virtual environments, and driven from another directory.

`make test-install` runs this module; `make test` leaves it out (marker `install`): it builds a
wheel, makes three venvs and installs TensorFlow into two. pip finds its packages as for `make
test` (its cache, find-links and indexes). The tests of one venv run in file order.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.install

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = (REPO / "pyproject.toml").read_text()
FILES = sorted(path.name for path in (REPO / "snippets").glob("*.py"))  # the cards, __init__.py
CARDS = [name for name in FILES if not name.startswith("_")]
# The oldest releases pyproject.toml allows, as a kernel (Colab's, say) may already hold them.
KERAS_MINIMUM = re.search(r'"keras>=([\d.]+)"', PYPROJECT).group(1)
TENSORFLOW_MINIMUM = re.search(r'"tensorflow>=([\d.]+)"', PYPROJECT).group(1)


def run(*argv, check=True, **kwargs):
    result = subprocess.run([str(arg) for arg in argv], capture_output=True, text=True,
                            **kwargs)
    if check and result.returncode != 0:
        pytest.fail(f"{shlex.join(map(str, argv))} exited {result.returncode}:\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def make_venv(path):
    run(sys.executable, "-m", "venv", path)
    return path


def python(venv):
    return venv / "bin" / "python"


def pip(venv, *args):
    return run(python(venv), "-m", "pip", "--disable-pip-version-check", *args)


def installed(venv):
    """{normalised distribution name: version} of a venv."""
    listing = json.loads(pip(venv, "list", "--format", "json").stdout)
    return {row["name"].lower().replace("_", "-"): row["version"] for row in listing}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, REPO)
    (path,) = out.glob("keras_cheatsheet-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel):
    """A fresh venv with the wheel installed as `pip install keras-cheatsheet` would: no backend."""
    path = make_venv(tmp_path_factory.mktemp("learner") / "venv")
    pip(path, "install", "--quiet", wheel)
    return path


@pytest.fixture
def elsewhere(tmp_path):
    """A working directory that is not the repository."""
    return tmp_path


def cheatsheet(venv, *argv, cwd, check=True, module=False, **kwargs):
    """The installed command (`python -m cheatsheet` with module=True: the working directory
    is then first on sys.path, as in a notebook's kernel)."""
    command = ([python(venv), "-m", "cheatsheet"] if module
               else [venv / "bin" / "cheatsheet"])
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "KERAS_BACKEND")}
    return run(*command, *argv, cwd=cwd, check=check, env=environment, **kwargs)


def own_snippets_package(directory):
    """A learner's project with its own `snippets` package, whose cards say they are theirs."""
    package = directory / "snippets"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("basics.py", "cnn.py"):
        (package / name).write_text('"""\nTitle: Not ours\n"""\nraise SystemExit("theirs")\n')
    return directory


def test_the_wheel_holds_one_import_package_with_the_cards_and_no_tests(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names if not name.split("/")[0].endswith(
        ".dist-info")} == {"cheatsheet"}
    assert sorted(name.removeprefix("cheatsheet/snippets/") for name in names
                  if name.startswith("cheatsheet/snippets/")) == FILES
    assert not [name for name in names if re.search(
        r"(^|/)(tests?|golden|bench)(/|$)|\.pyc$|__pycache__", name)]


def test_the_base_install_has_no_backend(venv):
    versions = installed(venv)
    assert "keras" in versions and "keras-cheatsheet" in versions
    assert not {"tensorflow", "tensorflow-cpu", "jax", "torch", "ai-edge-litert"} & set(versions)


def test_lookups_copy_export_and_quiz_work_without_a_backend(venv, elsewhere):
    listed = cheatsheet(venv, "list", cwd=elsewhere).stdout.split()
    assert listed[0] == "basics" and "multi-worker" in listed and len(listed) == len(CARDS)
    assert "Conv2D" in cheatsheet(venv, "show", "conv", cwd=elsewhere).stdout
    assert "adamw" in cheatsheet(venv, "search", "weight", "decay", cwd=elsewhere).stdout
    assert "Fundamentals" in cheatsheet(venv, "roadmap", cwd=elsewhere).stdout
    assert "complete" in cheatsheet(venv, "completion", "bash", cwd=elsewhere).stdout
    cheatsheet(venv, "copy", "activations", "--to", "activations.py", cwd=elsewhere)
    assert "def softmax" in (elsewhere / "activations.py").read_text()
    cheatsheet(venv, "export", "--format", "notebook", "--out", "cards.ipynb", cwd=elsewhere)
    assert len(json.loads((elsewhere / "cards.ipynb").read_text())["cells"]) > len(CARDS)
    cheatsheet(venv, "export", "--format", "markdown", "--out", "cards.md", cwd=elsewhere)
    assert "## " in (elsewhere / "cards.md").read_text()
    answers = cheatsheet(venv, "quiz", "--answers", "--seed", "1", cwd=elsewhere).stdout
    assert answers.count("\n") > 10


def test_import_snippets_fails_in_the_installed_layout(venv, elsewhere):
    result = run(python(venv), "-c", "import snippets", cwd=elsewhere, check=False)
    assert result.returncode == 1 and "No module named 'snippets'" in result.stderr


def test_run_check_and_plot_name_the_extra_to_install_without_a_backend(venv, elsewhere):
    for argv in (["run", "basics"], ["check"], ["check", "--jobs", "1", "basics"],
                 ["plot", "activations", "--out", "a.png"]):
        result = cheatsheet(venv, *argv, cwd=elsewhere, check=False)
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stdout == "" and result.stderr.count("\n") == 1, (argv, result.stderr)
        assert "pip install 'keras-cheatsheet[tensorflow]'" in result.stderr, result.stderr


def test_a_snippets_package_in_the_working_directory_changes_nothing(venv, elsewhere):
    shown = cheatsheet(venv, "show", "basics", cwd=elsewhere, module=True).stdout
    own_snippets_package(elsewhere)
    assert cheatsheet(venv, "show", "basics", cwd=elsewhere, module=True).stdout == shown
    result = cheatsheet(venv, "run", "basics", cwd=elsewhere, module=True, check=False)
    assert result.returncode == 2 and "keras-cheatsheet[tensorflow]" in result.stderr


def test_the_hints_install_command_brings_tensorflow_and_run_works(venv, elsewhere):
    said = cheatsheet(venv, "run", "basics", cwd=elsewhere, check=False).stderr
    command = shlex.split(re.search(r"pip install ('[^']+')", said).group(0))
    pip(venv, *command[1:], "--quiet")  # pip install 'keras-cheatsheet[tensorflow]', as said
    assert {"tensorflow", "ai-edge-litert"} <= set(installed(venv))
    result = cheatsheet(venv, "run", "basics", cwd=own_snippets_package(elsewhere), module=True)
    assert "theirs" not in result.stdout + result.stderr
    assert result.stdout.startswith("basics · ")  # and exit status 0: the card met its target


def test_a_kernels_keras_and_tensorflow_at_the_minimum_are_kept(tmp_path, wheel):
    """Colab's or a lab's kernel already has a backend: `%pip install keras-cheatsheet` (with
    or without the tensorflow extra) must leave its TensorFlow and Keras as they are."""
    kernel = make_venv(tmp_path / "kernel")
    # "==3.15" is 3.15.0 (PEP 440 pads the release with zeros): exactly the minimums.
    pip(kernel, "install", "--quiet", f"tensorflow=={TENSORFLOW_MINIMUM}",
        f"keras=={KERAS_MINIMUM}")
    before = installed(kernel)
    assert [before["keras"], before["tensorflow"]] == [f"{KERAS_MINIMUM}.0",
                                                       f"{TENSORFLOW_MINIMUM}.0"]
    pip(kernel, "install", "--quiet", wheel)
    report = tmp_path / "report.json"
    pip(kernel, "install", "--dry-run", "--quiet", "--report", report, f"{wheel}[tensorflow]")
    would_install = {item["metadata"]["name"].lower()
                     for item in json.loads(report.read_text())["install"]}
    after = installed(kernel)
    for name in ("tensorflow", "keras", "numpy"):
        assert after[name] == before[name], name
        assert name not in would_install, would_install
