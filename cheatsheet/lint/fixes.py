"""Fixes: the findings' edits applied with LibCST, which keeps every other byte of the file.

Imported only for --fix and --diff (LibCST costs ~0.1 s to import). Each edit names the node it
changes by position; nodes are matched on LibCST's own positions, so comments, spacing and
quoting elsewhere stay as they were. Applying the fixes of the fixed text again changes nothing.
"""

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .check import Edit  # noqa: F401  (the edit kinds are documented there)


class Applier(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits):
        super().__init__()
        self.replace = {(edit.start, edit.end): edit.text for edit in edits
                        if edit.kind == "replace"}
        self.statement = {edit.start: edit.text for edit in edits if edit.kind == "statement"}
        self.rename = {edit.start: edit.text for edit in edits if edit.kind == "rename_keyword"}
        self.remove = {edit.start for edit in edits if edit.kind == "remove_arg"}
        self.default_none = {edit.start for edit in edits if edit.kind == "default_none"}
        self.import_keras = any(edit.kind == "import_keras" for edit in edits)
        self.applied = 0

    def span(self, node):
        try:
            position = self.get_metadata(PositionProvider, node)
        except KeyError:
            return None, None
        return ((position.start.line, position.start.column),
                (position.end.line, position.end.column))

    def changed(self, original_node, updated_node):
        start, end = self.span(original_node)
        if start is None:
            return updated_node
        if isinstance(original_node, cst.BaseExpression) and (start, end) in self.replace:
            self.applied += 1
            new = cst.parse_expression(self.replace.pop((start, end)))
            if hasattr(updated_node, "lpar") and hasattr(new, "lpar"):
                new = new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
            return new
        if isinstance(original_node, cst.ImportFrom) and start in self.statement:
            self.applied += 1
            return cst.parse_statement(self.statement.pop(start) + "\n").body[0]
        if isinstance(original_node, cst.Arg) and original_node.keyword is not None and \
                start in self.rename:
            self.applied += 1
            return updated_node.with_changes(keyword=cst.Name(self.rename.pop(start)))
        if isinstance(original_node, cst.Param) and start in self.default_none:
            self.default_none.discard(start)
            self.applied += 1
            return updated_node.with_changes(
                default=cst.Name("None"),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                      whitespace_after=cst.SimpleWhitespace("")))
        if isinstance(original_node, cst.Call) and self.remove:
            return self.without_removed(original_node, updated_node)
        return updated_node

    def on_leave(self, original_node, updated_node):
        if isinstance(original_node, cst.Module):
            return self.with_import(updated_node)
        return self.changed(original_node, updated_node)

    def without_removed(self, original, updated):
        drop = [self.span(argument)[0] in self.remove for argument in original.args]
        if not any(drop):
            return updated
        kept = [argument for argument, gone in zip(updated.args, drop, strict=True) if not gone]
        for argument, gone in zip(original.args, drop, strict=True):
            if gone:
                self.remove.discard(self.span(argument)[0])
                self.applied += 1
        if kept and drop[-1]:  # the last one went: the new last keeps the old last's comma
            kept[-1] = kept[-1].with_changes(comma=updated.args[-1].comma)
        return updated.with_changes(args=kept)

    def with_import(self, updated_node):
        if not self.import_keras or binds_keras(updated_node):
            return updated_node
        body = list(updated_node.body)
        where = 0
        for index, statement in enumerate(body):
            if imports_tensorflow(statement):
                where = index + 1
                break
        else:
            while where < len(body) and is_preamble(body[where]):
                where += 1
        body.insert(where, cst.parse_statement("import keras\n"))
        self.applied += 1
        return updated_node.with_changes(body=body)


def imports_tensorflow(statement):
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import) and any(
                cst.Module([]).code_for_node(alias.name).split(".")[0] == "tensorflow"
                for alias in small.names):
            return True
    return False


def binds_keras(module):
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = cst.Module([]).code_for_node(alias.name)
                    if name == "keras" and alias.asname is None:
                        return True
    return False


def is_preamble(statement):
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    small = statement.body[0]
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString):
        return True  # the docstring
    return isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and \
        small.module.value == "__future__"


class FixError(Exception):
    """LibCST cannot parse what `ast` could (a newer syntax): the file is reported, not fixed."""


def apply(text, edits):
    """`text` with `edits` applied; the rest byte for byte."""
    if not edits:
        return text
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise FixError(f"LibCST cannot parse it (line {error.raw_line}); not fixed") from None
    applier = Applier(edits)
    return MetadataWrapper(module, unsafe_skip_copy=True).visit(applier).code
