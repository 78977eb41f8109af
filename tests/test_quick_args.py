"""cli.quick_args, the lookups' parser without argparse, returns exactly what argparse returns,
or None (and argparse parses): every command line behaves as before, only sooner."""

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cheatsheet import cli


def parsed(argv):
    """vars() of argparse's Namespace for argv, or None where argparse exits (help, an error)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return vars(cli.build_parser().parse_args(argv))
        except SystemExit:
            return None


def agrees(argv):
    quick = cli.quick_args(argv)
    if quick is None:
        return None
    assert vars(quick) == parsed(argv), argv
    return vars(quick)


# The lookups as learners and the bench type them: each takes the quick path.
QUICK = [
    ["list"], ["list", "--json"], ["list", "--color", "always"], ["roadmap"],
    ["roadmap", "--color=never", "--json"], ["show", "cnn"], ["show", "conv", "--code"],
    ["show", "--json", "early_stopping"], ["show", "--color", "always", "cnn"],
    ["show", "-"], ["show", ""], ["search", "softmax"],
    ["search", "how", "do", "I", "prevent", "overfitting"], ["search", "--json", "time", "series"],
    ["search", "l2", "--color", "never"], ["explain", "Unrecognized keyword arguments passed to "
                                           "Dense: {'input_shape': (20,)}"],
    ["explain", "-"], ["explain", "--json", "a", "b"], ["lint", "lab.py"],
    ["lint", "a.py", "b.ipynb", "--format", "json"], ["lint", "--select", "KC1,KC201", "lab.py"],
    ["lint", "--ignore=KC101", "--fix", "--diff", "--unsafe-fixes", "lab"], ["lint", "-"],
    ["lint", "--select=-x", "lab.py"], ["show", "cnn", "--json", "--json"],
]
# What argparse must see: help, abbreviations, `--`, errors, values that look like options.
ARGPARSE = [
    [], ["--help"], ["--version"], ["-h"], ["show"], ["show", "-h"], ["show", "a", "b"],
    ["show", "--cod", "cnn"], ["show", "--", "cnn"], ["show", "-5"], ["show", "--json=1", "cnn"],
    ["show", "cnn", "--color"], ["show", "cnn", "--color", "blue"], ["show", "cnn", "--color="],
    ["show", "cnn", "--color", "-"], ["search"], ["search", "a", "--json", "b"],
    ["search", "--", "-x"], ["search", "-1 is not"], ["explain"], ["list", "x"], ["roadmap", "-"],
    ["lint"], ["lint", "--rules"], ["lint", "a", "--format"], ["lint", "a", "--format", "xml"],
    ["lint", "--select", "-x", "a"], ["lint", "a", "--fix=yes"], ["lint", "a", "--rule"],
    ["run", "cnn"], ["check"], ["copy", "cnn"], ["quiz"], ["export", "--format", "html"],
    ["completion", "bash"], ["plot", "activations"], ["nothing"],
]


@pytest.mark.parametrize("argv", QUICK, ids=" ".join)
def test_a_plain_lookup_takes_the_quick_path_and_gets_what_argparse_gives(argv):
    assert agrees(argv) is not None


@pytest.mark.parametrize("argv", ARGPARSE, ids=" ".join)
def test_anything_else_goes_to_argparse(argv):
    assert agrees(argv) is None


TOKENS = st.sampled_from([
    "cnn", "a", "", "-", "--", "-h", "--help", "--json", "--js", "--json=x", "--color",
    "--color=always", "--color=", "always", "never", "blue", "--code", "--co", "-5", "-x y",
    "--format", "json", "xml", "--select", "--select=KC1", "--ignore", "--fix", "--diff",
    "--unsafe-fixes", "--rules", "--version", "x=y", "KC201",
])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([*cli.LOOKUPS, "run", "check"]), st.lists(TOKENS, max_size=6))
def test_fuzzed_command_lines_agree_with_argparse(command, words):
    agrees([command, *words])
