"""Read a card's code straight from its snippet file, as text: the exact code the tests run.

Nothing here imports the snippet (that would import keras); the file is parsed with `ast`,
imported where a file is parsed: every lookup imports this module for SNIPPETS_DIR, and
`import ast` is a sixth of `python -c pass`.
"""

import os.path

# pathlib would cost ~10 ms of start-up (it imports re, fnmatch, urllib): plain os.path here.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # cheatsheet/


def snippets_dir(package_dir=PACKAGE_DIR):
    """Where the card files are. Installed from the wheel, inside this package (cheatsheet/
    snippets/, copied there from the repository's snippets/ at build time: one import package,
    no top-level `snippets` to clash with a learner's own); in the repository or an editable
    install, the repository's snippets/ beside the package."""
    inside = os.path.join(package_dir, "snippets")
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(package_dir), "snippets")


SNIPPETS_DIR = snippets_dir()


def snippet_path(card):
    """The snippet file behind a card: what `show` reads and `run` loads (by path, never by
    `import snippets.<card>`), in either layout."""
    return os.path.join(SNIPPETS_DIR, f"{card.module}.py")


def read_snippet(card):
    """The snippet file's text."""
    with open(snippet_path(card), encoding="utf-8") as file:
        return file.read()


def top_level_imports(card):
    """The top-level names a card's file imports at its top ("tensorflow" for `import
    tensorflow as tf`): the libraries it cannot be loaded without."""
    import ast

    names = set()
    for node in ast.parse(read_snippet(card)).body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def display_path(card):
    """The snippet's path as a learner sees it in the repository: snippets/<module>.py."""
    return f"snippets/{card.module}.py"


def test_path(card):
    """The tests that prove a card, as a learner sees the path: tests/cards/test_<module>.py."""
    return f"tests/cards/test_{card.module}.py"


class SnippetSource:
    """One parsed snippet file: its header, its imports and its top-level definitions."""

    def __init__(self, text):
        import ast

        self.text = text
        self.lines = text.splitlines()
        self.tree = ast.parse(text)

    @classmethod
    def of(cls, card):
        return cls(read_snippet(card))

    def imports(self, names=None):
        """Top-level import statements, verbatim; with `names`, only those the definitions use."""
        import ast

        used = None
        if names is not None:
            used = {node.id for name in names for node in ast.walk(self._node(name))
                    if isinstance(node, ast.Name)}
        return "\n".join(
            self._segment(node) for node in self.tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
            and (used is None or any((alias.asname or alias.name).split(".")[0] in used
                                     for alias in node.names)))

    def definition(self, name):
        """The verbatim source of a top-level function or class, decorators included."""
        return self._segment(self._node(name))

    def code(self, names):
        """The named definitions, separated by blank lines as in the file."""
        return "\n\n\n".join(self.definition(name) for name in names)

    def copy_ready(self, names):
        """Imports plus the named definitions: paste-able into a lab as it stands."""
        return f"{self.imports(names)}\n\n\n{self.code(names)}\n"

    def main_block(self):
        """The verbatim `if __name__ == "__main__":` block that runs the demo, or None."""
        node = self._main_node()
        return None if node is None else self._segment(node)

    def main_body(self):
        """The main block's statements, dedented: what a notebook cell runs to show the demo."""
        node = self._main_node()
        if node is None:
            return None
        import textwrap

        first = node.body[0].lineno
        return textwrap.dedent("\n".join(self.lines[first - 1:node.end_lineno]))

    def body(self):
        """The file between its docstring and its main block, verbatim: imports, helpers, demo."""
        import ast

        start = 0
        first = self.tree.body[0] if self.tree.body else None
        if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                and isinstance(first.value.value, str):
            start = first.end_lineno
        lines = self.lines[start:]
        main = self._main_node()
        if main is not None:  # usually last, but cut it out wherever it is
            lines = self.lines[start:main.lineno - 1] + self.lines[main.end_lineno:]
        return "\n".join(lines).strip("\n") + "\n"

    def _main_node(self):
        import ast

        for node in self.tree.body:
            if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) \
                    and "__main__" in ast.unparse(node.test):
                return node
        return None

    def _node(self, name):
        import ast

        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                    and node.name == name:
                return node
        raise KeyError(name)

    def _segment(self, node):
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return "\n".join(self.lines[first - 1:node.end_lineno])
