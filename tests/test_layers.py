"""The layers you can see in the folders (issue 32), held by the import graph.

cheatsheet/cards/ (the card format, index, roadmap, source, search) and cheatsheet/output/
(render, html, the safe writer, copy, export, anki, completion) are pure text: no Keras,
TensorFlow, jax, torch or matplotlib at module level. cheatsheet/demos/ is the only code that
runs Keras. The front ends (cli and magic; the shell completion script is output, made from the
CLI's parser) use the layers and never each other, no layer imports a front end, and no
module's imports, lazy ones included, come back around to it.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cheatsheet"
HEAVY = {"keras", "tensorflow", "jax", "torch", "matplotlib"}
FRONT_ENDS = {"cheatsheet.cli", "cheatsheet.magic"}
# The doors to the front ends: `python -m cheatsheet` runs the CLI; `%load_ext cheatsheet` loads
# the magic through the package's load_ipython_extension.
DOORS = {"cheatsheet", "cheatsheet.__main__"}
PURE_LAYERS = ("cheatsheet.cards", "cheatsheet.output")


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(name, module_level_only=False):
    """The absolute names a module imports: every import, or only its module-level ones."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module
            found.add(stem)
            found |= {f"{stem}.{alias.name}" for alias in node.names}
    return {name for name in found if name in MODULES or name.split(".")[0] in HEAVY}


def test_the_layers_are_folders():
    assert {"cheatsheet.cards.index", "cheatsheet.cards.search", "cheatsheet.demos.runner",
            "cheatsheet.demos.workers", "cheatsheet.output.render", "cheatsheet.output.files",
            "cheatsheet.quiz", "cheatsheet.lint", "cheatsheet.explain"} <= set(MODULES)


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith(PURE_LAYERS)))
def test_cards_and_output_import_nothing_heavy_at_module_level(name):
    heavy = {found for found in imports(name, module_level_only=True)
             if found.split(".")[0] in HEAVY or found.startswith("cheatsheet.demos")}
    assert not heavy, f"{name} imports {heavy} at module level"


@pytest.mark.parametrize("name", sorted(set(MODULES) - DOORS))
def test_no_layer_imports_a_front_end_and_front_ends_not_each_other(name):
    front = {found for found in imports(name) if found in FRONT_ENDS} - {name}
    assert not front, f"{name} imports the front end(s) {front}"


def test_no_import_comes_back_around():
    graph = {name: {found for found in imports(name) if found in MODULES} - {name}
             for name in MODULES}
    graph = {name: {found for found in edges if not name.startswith(found + ".")}
             for name, edges in graph.items()}  # a package's own __init__ is not a circle
    done, stack = set(), []

    def visit(name):
        if name in stack:
            raise AssertionError("import circle: " + " -> ".join(stack[stack.index(name):]
                                                                + [name]))
        if name in done:
            return
        stack.append(name)
        for found in sorted(graph[name]):
            visit(found)
        stack.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_the_graph_reader_sees_a_circle_and_a_heavy_import(tmp_path, monkeypatch):
    (tmp_path / "cheatsheet" / "cards").mkdir(parents=True)
    (tmp_path / "cheatsheet" / "__init__.py").write_text("")
    (tmp_path / "cheatsheet" / "cards" / "__init__.py").write_text("")
    (tmp_path / "cheatsheet" / "cards" / "a.py").write_text("import keras\nfrom . import b\n")
    (tmp_path / "cheatsheet" / "cards" / "b.py").write_text("def f():\n    from . import a\n")
    fake = {module_name_in(tmp_path, path): path
            for path in (tmp_path / "cheatsheet").rglob("*.py")}
    monkeypatch.setattr(__import__(__name__, fromlist=["MODULES"]), "MODULES", fake)
    assert "keras" in imports("cheatsheet.cards.a", module_level_only=True)
    with pytest.raises(AssertionError, match="import circle: cheatsheet.cards.a -> "
                                             "cheatsheet.cards.b -> cheatsheet.cards.a"):
        test_no_import_comes_back_around()


def module_name_in(root, path):
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
