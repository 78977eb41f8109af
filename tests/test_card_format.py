"""The card format, as keras-io's validator does for its examples: header, standalone, runs."""

import ast
import os.path
from pathlib import Path

import pytest

from cheatsheet import index
from cheatsheet.source import SNIPPETS_DIR, SnippetSource

from .conftest import run_python

SNIPPET_FILES = sorted(path for path in Path(SNIPPETS_DIR).glob("*.py")
                       if path.name != "__init__.py")
CARD_OF_MODULE = {card.module: card for card in index.CARDS}


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda path: path.stem)
def test_header_has_title_and_one_line_description(path):
    header = SnippetSource(path.read_text()).header()
    description = header.get("Description", "")
    assert header.get("Title"), "the docstring opens with 'Title: ...'"
    assert description[:1].isupper() and description.endswith(".") and len(description) < 100
    card = CARD_OF_MODULE[path.stem]
    assert header["Title"] == card.title, "index title and snippet title must agree"
    assert description == card.summary, "index summary and snippet Description must agree"


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda path: path.stem)
def test_imports_nothing_from_this_project(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots = [(node.module or "").split(".")[0]] if node.level == 0 else ["<relative>"]
        else:
            continue
        assert not {"cheatsheet", "snippets", "tests", "<relative>"} & set(roots), ast.dump(node)


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda path: path.stem)
def test_runs_its_demo_when_run_as_a_script(path):
    tree = ast.parse(path.read_text())
    main_blocks = [node for node in tree.body if isinstance(node, ast.If)
                   and "__main__" in ast.unparse(node.test)]
    assert main_blocks and "demo(" in ast.unparse(main_blocks[0])


@pytest.mark.slow
def test_a_card_runs_on_its_own_in_a_fresh_process(tmp_path):
    # From an empty directory, by file path: nothing of the project is on sys.path.
    result = run_python(os.path.join(SNIPPETS_DIR, "activations.py"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "max |numpy - keras|" in result.stdout
