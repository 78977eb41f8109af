"""What lint reads: Python files, notebooks (code cells only) and folders of them.

In a notebook, IPython lines (`%magic`, `!shell`) become `pass` at their own indent, so every
other line keeps its number and column; a cell that starts with a cell magic other than
%%time/%%timeit/%%capture is not Python and is skipped. Cells are numbered from 1, markdown
cells included, as they stand in the notebook.
"""

import os
import re

from .check import Checker, Edit, Finding, Fix, LintSyntaxError, Source, imported_names, parse
from .rules import BY_CODE, SAFE

NBSP = "\u00a0"

PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")
MARK = "pass  # cheatsheet-lint-ipython-"
SKIPPED_FOLDERS = {"__pycache__", "venv", "node_modules", "site-packages", "build", "dist"}
IPYTHON_LINE = re.compile(r"^(\s*)[%!]")


class Unreadable(Exception):
    """A file lint cannot read or parse; str() is the one line to print."""


def python_files(paths):
    """Each path, with folders walked (sorted) for .py and .ipynb files; hidden folders skipped."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for root, folders, files in os.walk(path):
                folders[:] = sorted(folder for folder in folders if not folder.startswith(".")
                                    and folder not in SKIPPED_FOLDERS)
                for name in sorted(files):
                    if name.endswith((".py", ".ipynb")):
                        yield os.path.join(root, name)
        else:
            yield path


def read_text(path, stdin=None):
    if path == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
    else:
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError as error:
            raise Unreadable(f"{path}: cannot read: {error.strerror or error}") from None
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Unreadable(f"{path}: not UTF-8 text") from None
    return data


def mask(source):
    """(source with IPython lines as `pass`, the lines replaced), or (None, []) for a cell in
    another language."""
    lines = source.splitlines(keepends=True)
    if lines and lines[0].startswith("%%"):
        if lines[0].split()[0] not in PYTHON_CELL_MAGICS:
            return None, []
    replaced = []
    for index, line in enumerate(lines):
        found = IPYTHON_LINE.match(line)
        if found or (index == 0 and line.startswith("%%")):
            ending = "\n" if line.endswith("\n") else ""
            indent = found.group(1) if found else ""
            lines[index] = f"{indent}{MARK}{len(replaced)}{ending}"
            replaced.append(line)
    return "".join(lines), replaced


def unmask(source, replaced):
    for number, line in enumerate(replaced):
        pattern = re.compile(rf"^[ \t]*{re.escape(MARK)}{number}(?!\d)\n?", re.MULTILINE)
        source = pattern.sub(lambda _, line=line: line, source, count=1)
    return source


def cell_source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


class Document:
    """One file's code as lint sees it: units of (cell number or None, Python text)."""

    def __init__(self, path, text):
        self.path, self.text = path, text
        self.notebook = path.endswith(".ipynb")
        self.units = []  # (cell, masked text, replaced lines)
        if not self.notebook:
            self.units.append((None, text, []))
            return
        import json

        try:
            cells = json.loads(text)["cells"]
            self.sources = {number: cell_source(cell) for number, cell in
                            enumerate(cells, start=1)
                            if isinstance(cell, dict) and cell.get("cell_type") == "code"}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Unreadable(f"{path}: not a Jupyter notebook (JSON with cells)") from None
        self.mask_cells()

    @classmethod
    def of_cells(cls, path, sources):
        """A notebook made of {cell number: source} (%cheat lint: the kernel's In history)."""
        document = cls.__new__(cls)
        document.path, document.text, document.notebook = path, None, True
        document.sources = dict(sources)
        document.mask_cells()
        return document

    def mask_cells(self):
        self.units = []
        for number, source in sorted(self.sources.items()):
            masked, replaced = mask(source)
            if masked is not None:
                self.units.append((number, masked, replaced))

    def set_cell(self, number, masked_source):
        """Replace a cell's code by a fixed version of its masked text."""
        replaced = next(unit[2] for unit in self.units if unit[0] == number)
        self.sources[number] = unmask(masked_source, replaced)
        self.mask_cells()

    def notebook_text(self):
        """The notebook with its cells' current sources, validated (nbformat)."""
        import nbformat

        notebook = nbformat.reads(self.text, as_version=nbformat.NO_CONVERT)
        for number, cell in enumerate(notebook.cells, start=1):
            if number in self.sources and cell_source(cell) != self.sources[number]:
                cell.source = self.sources[number]
        nbformat.validate(notebook)
        return nbformat.writes(notebook)

    def trees(self):
        """Each unit's tree; a text that parses only once its non-breaking spaces (U+00A0, from
        a web page or a PDF) are spaces is parsed so, and KC100 says where they are."""
        trees = []
        for cell, text, _ in self.units:
            try:
                trees.append(parse(text))
            except LintSyntaxError as error:
                if NBSP in text:
                    try:
                        trees.append(parse(text.replace(NBSP, " ")))
                        continue
                    except LintSyntaxError:
                        pass
                where = f"cell {cell}:" if cell is not None else ""
                raise Unreadable(f"{self.path}:{where}{error.line}:{error.col + 1}: "
                                 f"{error.message}") from None
        return trees

    def findings(self):
        trees = self.trees()
        aliases = {}
        if self.notebook:  # a name imported in one cell is bound in the others
            for tree in trees:
                aliases.update(imported_names(tree))
        found = []
        for (cell, text, _), tree in zip(self.units, trees, strict=True):
            analysed = text.replace(NBSP, " ") if NBSP in text else text
            checker = Checker(Source(analysed), tree, aliases)
            found += [finding._replace(cell=cell)
                      for finding in non_breaking_spaces(text, analysed, tree) + checker.run()]
        return found


def non_breaking_spaces(text, analysed, tree):
    """KC100 on each line whose U+00A0 stopped the parse (none when the text parsed as it is)."""
    if analysed is text:
        return []
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        column = line.find(NBSP)
        if column >= 0:
            findings.append(Finding("KC100", number, column, number, column + 1,
                                    BY_CODE["KC100"].summary,
                                    Fix(SAFE, "non-breaking spaces -> spaces",
                                        (Edit("nbsp"),))))
    return findings
