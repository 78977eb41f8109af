"""The Keras minimum: declared once in code, equal to pyproject.toml's, and named by `check`'s
header when the installed Keras is older."""

import re
import sys

import pytest

from cheatsheet.demos import runner
from cheatsheet.output import render

from .conftest import REPO


def test_pyproject_declares_the_same_keras_minimum_as_the_runner():
    declared = re.search(r'"keras>=([\d.]+)"', (REPO / "pyproject.toml").read_text())
    assert declared and declared.group(1) == runner.KERAS_MINIMUM


@pytest.mark.parametrize("version, below", [
    ("3.14.0", True), ("3.9.2.dev0", True), ("2.15.0", True),
    ("3.15.0", False), ("3.15.1", False), ("3.16.0rc1", False), ("4.0.0", False)])
def test_below_minimum_compares_major_and_minor_as_numbers(version, below):
    assert runner.below_minimum(version, "3.15") is below


def fake_environment(keras_version):
    return {"python": "3.11.9", "tensorflow": "2.21.0", "keras": keras_version,
            "keras_minimum": "3.15", "keras_below_minimum": runner.below_minimum(keras_version),
            "backend": "tensorflow", "devices": ["cpu:0"], "import_seconds": 2.0}


def test_check_header_says_when_keras_is_below_the_minimum():
    first_line = render.check_header(fake_environment("3.10.0")).splitlines()[0]
    assert "Keras 3.10.0 (below 3.15, the oldest the cards are tested on)" in first_line
    assert "below" not in render.check_header(fake_environment("3.15.1"))


def test_environment_flags_a_faked_old_installed_keras(monkeypatch):
    keras = runner.load_keras("check")
    monkeypatch.setattr(keras, "__version__", "3.8.0")
    info = runner.environment()
    assert info["keras"] == "3.8.0" and info["keras_below_minimum"] is True
    assert "(below 3.15" in render.check_header(info)
    assert sys.modules["keras"] is keras
