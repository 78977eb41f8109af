"""`cheatsheet lint`: read, check, report, and with --fix/--diff fix. Exit statuses by name.

lint is a lookup (bench: within 2x Python's start-up), so what only some runs need is imported
where it is used: difflib for --diff, json for notebooks and --format json/sarif."""

from ..errors import ExitStatus
from . import report
from .check import Finding  # noqa: F401  (re-exported for callers)
from .files import Document, Unreadable, python_files, read_text
from .rules import BY_CODE, RULES, SAFE

# no finding; findings; usage, unreadable file or syntax error: ruff's statuses
CLEAN, FOUND, TROUBLE = ExitStatus.OK, ExitStatus.FAILED, ExitStatus.USAGE
FIX_ROUNDS = 5  # a fix can make another possible (workers= removed, fit_generator now safe)


class UsageError(Exception):
    """A bad --select/--ignore: one line, exit 2."""


def codes(text):
    """'KC301,KC4' -> ('KC301', 'KC4'): codes or prefixes of codes, each matching a rule."""
    if text is None:
        return None
    wanted = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    for code in wanted:
        if not any(rule.code.startswith(code) for rule in RULES):
            raise UsageError(f"no rule {code!r}; see: cheatsheet lint --rules")
    return wanted


def chosen(select, ignore):
    return lambda finding: ((select is None or finding.rule.startswith(select))
                            and not (ignore and finding.rule.startswith(ignore)))


def edits_of(findings, unsafe):
    return [edit for finding in findings if finding.fix is not None
            and (finding.fix.safety == SAFE or unsafe) for edit in finding.fix.edits]


def fix_document(document, keep, unsafe):
    """Apply the fixes until none is left to apply; return the document's new text, or None
    when nothing changed."""
    from . import fixes  # LibCST: only for --fix and --diff

    changed, warnings = False, []
    for _ in range(FIX_ROUNDS):
        findings = [finding for finding in document.findings() if keep(finding)]
        by_cell = {}
        for finding in findings:
            by_cell.setdefault(finding.cell, []).append(finding)
        progress = False
        for cell, found in by_cell.items():
            edits = edits_of(found, unsafe)
            if not edits:
                continue
            text = next(unit[1] for unit in document.units if unit[0] == cell)
            if any(edit.kind == "nbsp" for edit in edits):  # first: LibCST cannot parse them
                edits = [edit for edit in edits if edit.kind != "nbsp"]
                text = text.replace("\u00a0", " ")
            try:
                new = fixes.apply(text, edits)
            except fixes.FixError as error:
                where = f"cell {cell}: " if cell is not None else ""
                warnings.append(f"{where}{error}")
                continue
            if new == next(unit[1] for unit in document.units if unit[0] == cell):
                continue
            progress = changed = True
            if document.notebook:
                document.set_cell(cell, new)
            else:
                document = Document(document.path, new)
        if not progress:
            break
    document.warnings = sorted(set(warnings))
    if not changed:
        return None, document
    return (document.notebook_text() if document.notebook else document.units[0][1]), document


def diff(path, old, new):
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=path, tofile=path))


def run(paths, output_format="text", select=None, ignore=None, fix=False, show_diff=False,
        unsafe_fixes=False, stdin=None, out=None, err=None):
    """Lint `paths`; write the report to `out`, one line per trouble to `err`; the exit status."""
    keep = chosen(codes(select), codes(ignore))
    results, trouble, fixed_count = [], False, 0
    for path in python_files(paths):
        try:
            document = Document(path, read_text(path, stdin))
            findings = [finding for finding in document.findings() if keep(finding)]
            if fix or show_diff:
                new, fixed = fix_document(document, keep, unsafe_fixes)
                for warning in getattr(fixed, "warnings", []):
                    err.write(f"Warning: {path}: {warning}\n")
                if new is not None:
                    if show_diff:
                        out.write(diff(path, document.text, new))
                    elif path == "-":
                        out.write(new)
                    else:
                        write_fixed(path, new)
                    if not show_diff:
                        fixed_count += len(findings)
                        findings = [finding for finding in fixed.findings() if keep(finding)]
                        fixed_count -= len(findings)
                elif fix and path == "-":
                    out.write(document.text)
        except Unreadable as error:
            err.write(f"Error: {error}\n")
            trouble = True
            continue
        results.append((path, findings))
    found = any(findings for _, findings in results)
    if not show_diff:
        shown = out if not (fix and "-" in paths) else err  # stdout carries the fixed code
        shown.write(report.render(results, output_format))
        if fix and fixed_count and output_format == "text":
            err.write(f"Fixed {fixed_count} finding{'s' if fixed_count != 1 else ''}.\n")
    if trouble:
        return TROUBLE
    return FOUND if found else CLEAN


def write_fixed(path, text):
    from ..errors import CheatsheetError
    from ..output.files import write_new

    try:
        write_new(path, text, force=True)  # the one safe writer: atomic, keeps the mode
    except CheatsheetError as error:
        raise Unreadable(f"{path}: {error}") from None


def rule_codes():
    return sorted(BY_CODE)
