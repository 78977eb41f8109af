"""Run a rule's example on the installed Keras and say what happened: (error, warnings)."""

import json
import os
import warnings

from cheatsheet.lint.command import fix_document
from cheatsheet.lint.files import Document

NOISE = (DeprecationWarning, PendingDeprecationWarning, ResourceWarning)


class LazyTensorflow:
    """`tf` for the examples: TensorFlow is imported on first use, so an example without
    TensorFlow installed fails exactly where it touches `tf`."""

    def __getattr__(self, name):
        import tensorflow

        return getattr(tensorflow, name)


def outcome(code):
    """(the "Type: message" of the exception the code raised or None, [its warnings])."""
    namespace = {"tf": LazyTensorflow(), "__name__": "lint_example"}
    directory = os.getcwd()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(code, "<example>", "exec"), namespace)
            error = None
        except Exception as exception:  # the example's failure is what we measure
            error = f"{type(exception).__name__}: {exception}"
        finally:
            os.chdir(directory)
    found = [f"{item.category.__name__}: {item.message}" for item in caught
             if not issubclass(item.category, NOISE)]
    return error, found


def fixed(code, rule=None, unsafe=True):
    """The example with its `rule` findings (default: all) fixed, safe and unsafe fixes."""
    new, _ = fix_document(Document("example.py", code),
                          lambda finding: rule is None or finding.rule == rule, unsafe)
    return code if new is None else new


def main(codes):
    """In a subprocess (no TensorFlow): run each rule's invalid and fixed examples."""
    from cheatsheet.lint.rules import BY_CODE

    report = {}
    for code in codes:
        rule = BY_CODE[code]
        report[code] = {"invalid": outcome(rule.invalid + rule.probe),
                        "fixed": outcome(fixed(rule.invalid) + rule.probe),
                        "valid": outcome(rule.valid + rule.probe)}
    print(json.dumps(report))
