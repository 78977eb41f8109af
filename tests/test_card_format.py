"""The card format, as keras-io's validator does for its examples: header, standalone, runs.

The format itself is documented in cheatsheet/cards/cardfile.py; its checker is the same code every
lookup runs (index.load), so these tests feed it broken cards and read its errors.
"""

import ast
import os.path
import re
import shutil
import tokenize
from pathlib import Path

import pytest

from cheatsheet.cards import index, roadmap
from cheatsheet.cards.cardfile import CardFormatError, parse
from cheatsheet.cards.source import SNIPPETS_DIR

from .conftest import run_python

SNIPPET_FILES = [Path(path) for path in index.card_files()]


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda path: path.stem)
def test_header_names_real_definitions_and_a_known_section(path):
    card = parse(path)
    assert card["Section"] in index.SECTION_NAMES
    defined = {node.name for node in ast.parse(path.read_text()).body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert set(card["Functions"]) <= defined, "Functions: names top-level definitions"
    assert card["Aliases"] and card["pitfalls"] and len(card["note"]) > 100


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


# Issue 30: a card is what a learner copies, so its code is plain Keras, as keras-io writes it.
# Only the cards whose topic it is build an optimizer by hand.
BUILD_THEIR_OPTIMIZER = {
    "custom_training": "its stateless JAX step takes the slots as arguments",
    "multi_worker": "its custom loop makes the slots under the strategy's scope",
}
# Words of the harness's speed work, which a comment in a card must not teach.
HARNESS_WORDS = re.compile(r"\btrac(e|es|ed|ing)\b|retrac|compile count|compiles? (it|the "
                           r"(train )?step) again|whole batches|perf_counter|warm[- ]up run",
                           re.IGNORECASE)


def code_comments(path):
    """(line, comment text) of every comment in a card file's code."""
    with open(path, encoding="utf-8") as file:
        return [(token.start[0], token.string) for token in tokenize.generate_tokens(file.readline)
                if token.type == tokenize.COMMENT]


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda path: path.stem)
def test_card_code_is_plain_keras_without_the_harness_tuning(path):
    source = path.read_text()
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "build"
             and "optimizer" in ast.unparse(node.func.value).lower()]
    if path.stem not in BUILD_THEIR_OPTIMIZER:
        assert not calls, f"{path.name}:{calls[0].lineno}: fit() builds the optimizer itself"
    assert "perf_counter" not in source, "the harness times a demo, not the card"
    for line, comment in code_comments(path):
        assert not HARNESS_WORDS.search(comment), f"{path.name}:{line}: {comment}"


def test_the_harness_words_are_caught():
    assert HARNESS_WORDS.search("# slots now, not in fit's first trace")
    assert HARNESS_WORDS.search("# a short last one would make JAX compile the train step again")
    assert HARNESS_WORDS.search("# one call: no predict() trace")
    assert not HARNESS_WORDS.search("# evaluate() runs in inference mode")


@pytest.mark.slow
def test_a_card_runs_on_its_own_in_a_fresh_process(tmp_path):
    # From an empty directory, by file path: nothing of the project is on sys.path.
    result = run_python(os.path.join(SNIPPETS_DIR, "activations.py"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "max |numpy - keras|" in result.stdout


# -- the checker rejects broken cards, naming file and line ---------------------------------------

GOOD = '''"""
Title: A card
Description: One sentence that says what the card shows.
Section: Fundamentals
Aliases: first-alias, other
See also: second
Functions: build

## Note

What the idea is, over
two lines.

## Pitfalls

- The first pitfall,
  over two lines.
- The second.
"""


def build():
    return 1
'''


def cards_dir(tmp_path, first=GOOD, second=None):
    """A snippets/ directory with two cards, `first` and `second`, and the order naming both."""
    directory = tmp_path / "snippets"
    directory.mkdir()
    (directory / "first.py").write_text(first)
    second = second if second is not None else (GOOD.replace("first-alias, other", "two")
                                                .replace("See also: second", "See also: first"))
    (directory / "second.py").write_text(second)
    return directory


def load_error(directory, topics=("first", "second")):
    with pytest.raises(CardFormatError) as caught:
        index.load(str(directory), topics=topics)
    return str(caught.value)


def test_a_good_card_reads_back_every_field(tmp_path):
    cards, by_name = index.load(str(cards_dir(tmp_path)), topics=("first", "second"))
    first = by_name["other"]
    assert first == cards[0] and first.topic == "first" and first.module == "first"
    assert first.title == "A card" and first.section == "Fundamentals"
    assert first.aliases == ("first-alias", "other") and first.see_also == ("second",)
    assert first.functions == ("build",)
    assert first.note == "What the idea is, over two lines."
    assert first.pitfalls == ("The first pitfall, over two lines.", "The second.")


def test_a_field_may_continue_on_an_indented_line(tmp_path):
    text = GOOD.replace("Aliases: first-alias, other", "Aliases: first-alias,\n    other")
    cards, _ = index.load(str(cards_dir(tmp_path, text)), topics=("first", "second"))
    assert cards[0].aliases == ("first-alias", "other")


@pytest.mark.parametrize(("old", "new", "line", "says"), [
    ('"""\nTitle', "# a comment\n\"\"\"\nTitle", 1, 'opens with a line holding only """'),
    ("Section: Fundamentals\n", "Section Fundamentals\n", 4, "expected 'Field: value'"),
    ("Section: Fundamentals\n", "Sektion: Fundamentals\n", 4, "'Sektion: Fundamentals'"),
    ("Title: A card\n", "", 6, "no 'Title' field"),
    ("Title: A card\n", "Title: A card\nTitle: Again\n", 3, "'Title' appears twice"),
    ("Description: One sentence that says what the card shows.",
     "Description: no capital and no period", 3, "the description is one sentence"),
    ("Functions: build", "Functions:", 7, "'Functions' is empty"),
    ("Section: Fundamentals", "Section: Cooking", 4, "unknown section 'Cooking'"),
    ("## Note", "## Notes", 9, "unknown block 'Notes'"),
    ("- The second.", "The second.", 18, "a pitfall starts with '- '"),
    ("## Pitfalls\n\n- The first pitfall,\n  over two lines.\n- The second.\n", "", 14,
     "non-empty '## Pitfalls' block"),
    ("Aliases: first-alias, other", "Aliases: first-alias, second", 5,
     "name 'second' is already card 'second''s (snippets/second.py)"),
    ("Aliases: first-alias, other", "Aliases: first-alias, first", 5,
     "name 'first' is already card 'first''s (snippets/first.py)"),
    ("Aliases: first-alias, other", "Aliases: First Alias", 5, "lower case, no spaces"),
    ("See also: second", "See also: nosuch", 6, "see-also 'nosuch' is not another card's"),
    ("See also: second", "See also: first", 6, "see-also 'first' is not another card's"),
])
def test_a_broken_card_is_rejected_with_its_file_and_line(tmp_path, old, new, line, says):
    assert old in GOOD
    message = load_error(cards_dir(tmp_path, GOOD.replace(old, new)))
    assert message.startswith(f"snippets/first.py:{line}: "), message
    assert says in message


def test_a_card_missing_from_the_order_and_an_order_without_a_card(tmp_path):
    directory = cards_dir(tmp_path)
    assert "topic 'second' has no place in the roadmap" in load_error(directory, ("first",))
    message = load_error(directory, ("first", "second", "third"))
    assert "TOPICS names third, which has no card file (expected snippets/third.py)" in message


def test_every_card_of_this_repository_passes_the_checker(tmp_path):
    # The real files, copied: the checker reads them as they are, with the real order.
    copy = tmp_path / "snippets"
    shutil.copytree(SNIPPETS_DIR, copy)
    cards, _ = index.load(str(copy))
    assert [card.topic for card in cards] == [card.topic for card in index.CARDS]
    assert {card.topic for card in cards} == set(roadmap.TOPICS)


def test_a_broken_card_is_one_line_of_error_from_the_command(tmp_path, monkeypatch, cli):
    directory = cards_dir(tmp_path, GOOD.replace("Section: Fundamentals", "Section: Cooking"))
    real_load = index.load
    monkeypatch.setattr(index, "_loaded", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # no cache: the files are read
    monkeypatch.setattr(index, "load",
                        lambda *_: real_load(str(directory), ("first", "second")))
    result = cli("list")
    assert result.status == 1
    assert result.err.startswith("Error: snippets/first.py:4: unknown section 'Cooking'")
    assert result.err.count("\n") == 1
