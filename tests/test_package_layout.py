"""One import package (issue 33): the cards are found and loaded by file path, in the
repository and in the installed layout (cheatsheet/snippets/), never by `import snippets`.
tests/install drives the built wheel itself (make test-install)."""

import importlib.util
import json
import os
import sys

import pytest

from cheatsheet.cards import index, source
from cheatsheet.demos import runner

from .conftest import blocking_imports, run_python


def test_the_cards_are_read_from_the_package_when_installed_else_from_the_repository(tmp_path):
    package = tmp_path / "site-packages" / "cheatsheet"
    package.mkdir(parents=True)
    repository = tmp_path / "site-packages"
    assert source.snippets_dir(str(package)) == str(repository / "snippets")  # editable layout
    (package / "snippets").mkdir()
    assert source.snippets_dir(str(package)) == str(package / "snippets")  # the wheel's layout


def test_a_card_module_is_loaded_from_its_file_under_a_private_name(monkeypatch):
    card = index.find("multi-worker")
    monkeypatch.delitem(sys.modules, "snippets.multi_worker", raising=False)
    monkeypatch.delitem(sys.modules, "cheatsheet._card_multi_worker", raising=False)
    module = runner.load_card_module(card)
    assert module.__name__ == "cheatsheet._card_multi_worker"
    # The card starts its workers by running its own file: the same file show reads.
    assert os.path.samefile(module.__file__, source.snippet_path(card))
    assert "snippets.multi_worker" not in sys.modules
    assert runner.load_card_module(card) is module


def test_a_card_already_imported_from_the_same_file_is_that_module():
    from snippets import activations

    assert runner.load_card_module(index.find("activations")) is activations


def test_a_card_that_imports_tensorflow_is_skipped_with_its_reason_when_tensorflow_is_absent(
        monkeypatch):
    deployment, basics = index.find("deployment"), index.find("basics")
    assert runner.needs_absent_tensorflow(deployment, "jax") is None  # installed here
    monkeypatch.setattr(runner, "tensorflow_installed", lambda: False)
    row = runner.needs_absent_tensorflow(deployment, "jax")
    assert row["status"] == "not supported" and row["topic"] == "deployment"
    assert row["reason"] == ("needs TensorFlow installed, on jax too: "
                             "pip install 'keras-cheatsheet[tensorflow]'")
    assert runner.figure_line(row) == row["reason"]
    assert runner.needs_absent_tensorflow(basics, "jax") is None  # Keras alone
    assert runner.needs_absent_tensorflow(deployment, "tensorflow") is None  # said elsewhere


def test_each_missing_library_is_named_with_what_installs_it(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    error = runner.missing_library("run", "jax")
    assert error.exit_status == 2
    assert str(error).endswith("pip install 'keras-cheatsheet[jax]'")
    monkeypatch.delenv("KERAS_BACKEND")
    assert "pip install 'keras-cheatsheet[tensorflow]'" in str(
        runner.missing_library("run", "tensorflow"))
    assert runner.BACKEND_INSTALL["torch"].endswith("--index-url "
                                                    "https://download.pytorch.org/whl/cpu")


@pytest.mark.slow
def test_check_on_jax_without_tensorflow_skips_the_card_that_needs_it_and_runs_the_others():
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed (make test-backends installs it)")
    probe = blocking_imports("tensorflow", "ai_edge_litert") + (
        "from cheatsheet.cli import main\n"
        "raise SystemExit(main(['check', '--backend', 'jax', '--jobs', '1', '--json',\n"
        "                       'basics', 'deployment']))\n")
    result = run_python("-c", probe)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {row["topic"]: row for row in json.loads(result.stdout)["results"]}
    assert rows["basics"]["status"] == "ok"
    assert rows["deployment"]["status"] == "not supported"
    assert "pip install 'keras-cheatsheet[tensorflow]'" in rows["deployment"]["reason"]
