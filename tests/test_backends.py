"""Issue 12: every card declares its Keras backends; check runs them per backend and as a grid."""

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.cardfile import BACKENDS, CardFormatError, parse_backends


def test_every_card_declares_or_explains_each_backend():
    for card in index.CARDS:
        assert card.backends, card.topic
        assert set(card.backends) | {name for name, _ in card.unsupported} == set(BACKENDS)
        for name, reason in card.unsupported:
            assert len(reason) > 20, (card.topic, name)


def test_the_field_reads_backends_and_reasons():
    assert parse_backends("x.py", 3, "tensorflow, jax; not torch: needs torch_xla") == (
        ("tensorflow", "jax"), {"torch": "needs torch_xla"})
    assert parse_backends("x.py", 3, "torch, tensorflow; not jax: one, two") == (
        ("tensorflow", "torch"), {"jax": "one, two"})
    assert parse_backends("x.py", 3, "tensorflow; not jax, torch: tf only") == (
        ("tensorflow",), {"jax": "tf only", "torch": "tf only"})


@pytest.mark.parametrize("value, message", [
    ("tensorflow, jax", "say whether the card runs on torch"),
    ("tensorflow, jax, nosuch; not torch: x", "unknown backend 'nosuch'"),
    ("tensorflow, jax; torch: x", "expected '; not NAME: reason'"),
    ("tensorflow, jax; not torch:", "expected '; not NAME: reason'"),
    ("; not tensorflow, jax, torch: nothing", "at least one backend"),
    ("tensorflow, jax, torch; not jax: twice", "named twice"),
])
def test_a_bad_field_names_file_and_line(value, message):
    with pytest.raises(CardFormatError, match=message) as caught:
        parse_backends("snippets/x.py", 9, value)
    assert str(caught.value).startswith("snippets/x.py:9: ")


def test_show_prints_the_backends_and_json_carries_them(cli):
    shown = cli("show", "deployment", "--color", "never")
    assert "runs on: tensorflow, jax · not torch: SavedModel and LiteRT export" in \
        shown.out
    import json

    card = json.loads(cli("show", "cnn", "--json").out)
    assert card["backends"] == ["tensorflow", "jax", "torch"] and card["unsupported"] == {}


# -- check --backend and check --all-backends ----------------------------------------------------

def test_an_unknown_backend_is_a_usage_error_listing_the_valid_names(cli):
    result = cli("check", "--jobs", "1", "--backend", "nosuch")
    assert result.status == 2
    assert "invalid choice: 'nosuch' (choose from 'tensorflow', 'jax', 'torch')" in result.err


def test_a_backend_cannot_change_once_keras_is_imported(monkeypatch):
    import types

    from cheatsheet.demos import runner
    from cheatsheet.errors import CheatsheetError

    fake = types.SimpleNamespace(config=types.SimpleNamespace(backend=lambda: "tensorflow"))
    monkeypatch.setitem(__import__("sys").modules, "keras", fake)
    assert runner.load_keras("check", backend="tensorflow") is fake
    with pytest.raises(CheatsheetError, match="already imported with the tensorflow backend; "
                                              "a backend is chosen once, before `import keras`"):
        runner.load_keras("check", backend="jax")


def canned(status, seconds=1.0, **extra):
    return {"topic": None, "status": status, "seconds": {"total": seconds}, **extra}


def fake_runs(monkeypatch, runs):
    """backends.run_backend answering from `runs`: {backend: run report}; no subprocess."""
    from cheatsheet.demos import backends

    def run_backend(name, topics=(), seed=0, timeout=0, as_written=False):
        run = runs[name]
        if run.get("status") != "ran":
            return run
        results = [{**result, "topic": topic} for topic, result in run["results"].items()]
        return {"status": "ran", "environment": {"import_seconds": 2.0}, "results": results}

    monkeypatch.setattr(backends, "run_backend", run_backend)


MISSED = canned("missed", metric="held-out accuracy", value=0.5, target=0.9,
                higher_is_better=True)


def test_the_grid_marks_each_cell_and_fails_only_on_declared_backends(cli, monkeypatch):
    fake_runs(monkeypatch, {
        "tensorflow": {"status": "ran", "results": {"cnn": canned("ok"),
                                                    "deployment": canned("ok")}},
        "jax": {"status": "ran", "results": {"cnn": MISSED, "deployment": canned("ok", 2.5)}},
        "torch": {"status": "not installed", "install": "pip install torch --index-url x"},
    })
    result = cli("check", "--jobs", "1", "--all-backends", "cnn", "deployment")
    assert result.status == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("Python ") and " · Keras " in lines[0]
    cnn = next(line for line in lines if line.startswith("cnn "))
    assert cnn.split() == ["cnn", "ok", "1.0s", "missed", "1.0s", "[1]", "not", "installed"]
    assert "[1] cnn on jax: held-out accuracy 0.500 (target >= 0.9)" in lines
    deployment = next(line for line in lines if line.startswith("deployment "))
    assert deployment.split() == ["deployment", "ok", "1.0s", "ok", "2.5s", "not", "supported",
                                  "[2]"]
    assert any(line.startswith("[2] not torch: SavedModel and LiteRT") for line in lines)
    assert "torch not installed: pip install torch --index-url x" in result.out
    assert lines[-1] == "1 failure(s) on a declared backend: cnn on jax"


def test_a_broken_backend_is_one_line_in_its_cells_and_the_others_go_on(cli, monkeypatch):
    fake_runs(monkeypatch, {
        "tensorflow": {"status": "ran", "results": {"cnn": canned("ok")}},
        "jax": {"status": "broken", "error": "ImportError: jaxlib version 0.1 is too old"},
        "torch": {"status": "ran", "results": {"cnn": canned("ok")}},
    })
    result = cli("check", "--jobs", "1", "--all-backends", "cnn", "--json")
    assert result.status == 1
    import json

    report = json.loads(result.out)
    cells = report["cards"][0]["backends"]
    assert cells["tensorflow"]["status"] == cells["torch"]["status"] == "ok"
    assert cells["jax"] == {"status": "error", "backend_broken": True,
                            "reason": "ImportError: jaxlib version 0.1 is too old"}
    assert report["environment"]["backends"]["jax"]["status"] == "broken"


@pytest.mark.parametrize("missing", ["keras", "every backend"])
def test_the_grid_with_nothing_to_run_on_is_refused_with_the_install_line(
        cli, monkeypatch, missing):
    from cheatsheet.demos import backends

    installed = {"keras": "3.15.0", "tensorflow": "2.21.0", "jax": "0.10.2", "torch": "2.13.0"}
    if missing == "keras":
        installed["keras"] = None
    else:
        installed.update({name: None for name in BACKENDS})
    monkeypatch.setattr(backends, "version_of", installed.get)
    monkeypatch.setattr(backends, "run_backend", lambda *args, **kwargs: pytest.fail("ran"))
    result = cli("check", "--all-backends", "cnn")
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith("Error: 'check --all-backends' needs Keras and at least one")
    assert result.err.count("\n") == 1
    assert "pip install 'keras-cheatsheet[tensorflow]'" in result.err


def test_a_backend_that_dies_before_its_report_gives_its_last_error_line(monkeypatch):
    import subprocess

    from cheatsheet.demos import backends

    def died(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, stdout="",
                                           stderr="noise\nError: 'check' on the jax backend "
                                                  "needs jax, which cannot be imported\n")

    monkeypatch.setattr(subprocess, "run", died)
    monkeypatch.setattr(backends.importlib.util, "find_spec", lambda name: object())
    assert backends.run_backend("jax") == {
        "status": "broken",
        "error": "'check' on the jax backend needs jax, which cannot be imported"}
    monkeypatch.setattr(backends.importlib.util, "find_spec", lambda name: None)
    assert backends.run_backend("jax") == {"status": "not installed",
                                           "install": "pip install 'keras-cheatsheet[jax]'"}


@pytest.mark.slow
def test_check_backend_torch_runs_declared_cards_and_reports_the_others():
    import importlib.util
    import json

    from .conftest import run_python

    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed (make test-backends installs it)")
    done = run_python("-m", "cheatsheet", "check", "--backend", "torch", "--json", "losses",
                      "distributed", env={"KERAS_BACKEND": "jax"})  # --backend wins
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["environment"]["backend"] == "torch" and report["environment"]["torch"]
    losses, distributed = report["results"]
    assert losses["topic"] == "losses" and losses["status"] == "ok"
    assert distributed["status"] == "not supported"
    assert "keras.distribution is implemented for JAX" in distributed["reason"]
