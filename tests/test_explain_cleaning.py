"""explain's cleaning skips a pattern only where it cannot match: each string test in front of
a pattern is True for every text the pattern matches, so a paste cleans as it did when every
pattern ran on every line; and a one-line message compiles none of them."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cheatsheet.explain import matching

# Pieces of what people paste, and characters that test the string tests' edges: spaces that
# are not ASCII, digits that are not ASCII, the letters re.IGNORECASE matches beyond their
# capitals (dotless i, long s, Kelvin sign, dotted capital I) and capitals of the key letters.
PIECES = [
    'File "/home/me/lab.py", line 3, in fit', "File ~/lab.py:12, in f(a)", "Cell In[4], line 2",
    "<ipython-input-3-1f2e> in ", "training.py in fit(self, x)", "Model.PY in fit(self, x)",
    "----> 5 model.fit(x)", "      4 x = 1", "^^^^^", "  ~~~^~~", "-" * 12,
    "Traceback (most recent call last):", "During handling of the above exception",
    "The above exception was the direct cause of", "Detected at node 'x'", "[[{{node dense}}]]",
    "[[node x]]", "... 3 frames", "<frozen runpy>",
    "2026-12-07 01:02:03.123456: I tensorflow/core/x.cc:12] ",
    *(f"{level}1207 01:02:03.123456 4242 x.cc:1] " for level in "IWEF"),
    "WARNING:absl:", "ERROR:tensorflow:", "INFO:root:", "lab.py:3: ", "UserWarning: ",
    "lab.py:3: UserWarning: x", "Exception encountered when calling Dense.call().",
    "exception encountered when calling layer 'dense' (type Dense).",
    "Could not automatically infer the output shape / dtype of 'x' (of type X). "
    "Error encountered:", "[Op:__inference_train_function_42]",
    "Arguments received by Dense.call():", "Call arguments received by layer 'x':",
    "  • inputs=tf.Tensor(shape=(2,))", "  * x=1",
    "\x1b[31m", "[0m", "/home/me/lab.py", "C:\\Users\\me", "~/x", "0xdeadbeef12", "0XABCDEF0",
    "ValueError: ", "Unrecognized keyword arguments passed to Dense: {'batch_input_shape': 1}",
    "\n", "\n\n", "\r\n", "\r", " ", "\t", "\u00a0", "\u2003", "\x1c", "1", "\u0663", "\u00b2",
    "\u0131", "\u017f", "\u212a", "\u0130", "F", "C", "T", "D", "P", "Y", ".", ".PY", "py", "x",
    ":", "(", ")", "'", '"',
]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
lines = texts.map(lambda text: text.replace("\r", "").split("\n")[0])

# (the string test, the pattern it stands in front of, how the pattern is used)
LINE_TESTS = [
    (matching.could_be_frame, matching._FRAME, "match"),
    (matching.could_be_arguments, matching._ARGUMENTS, "match"),
    (matching.could_have_log_prefix, matching._LOG_PREFIX, "search"),  # its own ^ anchors it
]


def compiled(lazy):
    return re.compile(lazy.pattern, lazy.flags)


@pytest.mark.parametrize("could, lazy, use", LINE_TESTS,
                         ids=[test.__name__ for test, _, _ in LINE_TESTS])
@settings(max_examples=600, deadline=None)
@given(line=lines)
def test_a_line_the_string_test_rules_out_never_matches_the_pattern(could, lazy, use, line):
    if getattr(compiled(lazy), use)(line):
        assert could(line), line


@pytest.mark.parametrize("could, lazy, use", LINE_TESTS,
                         ids=[test.__name__ for test, _, _ in LINE_TESTS])
def test_every_piece_its_pattern_matches_passes_the_string_test(could, lazy, use):
    matched = [piece for piece in PIECES if getattr(compiled(lazy), use)(piece.lstrip("\n"))]
    assert matched  # the pieces do reach the pattern
    assert all(could(piece.lstrip("\n")) for piece in matched)


def clean_with_every_pattern(text):
    """clean() as it was before its string tests: every pattern on every line."""
    text = compiled(matching._ANSI).sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept, source_indent, in_arguments = [], None, False
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip())
        if source_indent is not None and line.strip() and indent > source_indent:
            continue
        source_indent = None
        if compiled(matching._FRAME).match(line):
            if re.match(r"\s*file\s", line, re.IGNORECASE):
                source_indent = indent
            continue
        if compiled(matching._ARGUMENTS).match(line):
            in_arguments = True
            continue
        if in_arguments and (compiled(matching._BULLET).match(line) or not line.strip()):
            continue
        in_arguments = False
        kept.append(compiled(matching._LOG_PREFIX).sub("", line).rstrip())
    text = "\n".join(kept)
    for _, wrapper in matching._WRAPPERS:
        text = compiled(wrapper).sub(" ", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def shorten_with_every_pattern(line, limit=300):
    line = compiled(matching._ADDRESS).sub("0x...", compiled(matching._PATH).sub(
        lambda found: ".../" + found.group().rsplit("/", 1)[-1], " ".join(line.split())))
    return line if len(line) <= limit else line[:limit - 3] + "..."


@settings(max_examples=800, deadline=None)
@given(text=texts)
def test_a_paste_cleans_as_with_every_pattern_run(text):
    assert matching.clean(text) == clean_with_every_pattern(text)
    assert matching.shorten(text) == shorten_with_every_pattern(text)


def test_the_pieces_exercise_every_step_of_cleaning():
    whole = "\n".join(PIECES)
    assert matching.clean(whole) == clean_with_every_pattern(whole)
    for _, wrapper in matching._WRAPPERS:
        assert any(compiled(wrapper).search(piece) for piece in PIECES), wrapper.pattern
    assert matching.shorten("at 0xdeadbeef12 in /home/me/lab.py") == "at 0x... in .../lab.py"


def test_a_one_line_message_compiles_no_cleaning_pattern(monkeypatch):
    patterns = [matching._ANSI, matching._FRAME, matching._ARGUMENTS, matching._BULLET,
                matching._LOG_PREFIX, matching._PATH, matching._ADDRESS,
                *(wrapper for _, wrapper in matching._WRAPPERS)]
    for lazy in patterns:
        monkeypatch.setattr(lazy, "_compiled", None)
    message = "ValueError: Unrecognized keyword arguments passed to Dense: {'units': 1}"
    assert matching.clean(message) == message
    assert matching.shorten(message) == message
    assert [lazy.pattern[:30] for lazy in patterns if lazy._compiled is not None] == []
