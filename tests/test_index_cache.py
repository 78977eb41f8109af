"""The index's cache file gives exactly what parsing every card file gives, sees an edited card
at the next lookup, and is never an error: corrupt, unreadable or unwritable, the cards are read
from their files."""

import os
import shutil
import subprocess
import sys

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.source import SNIPPETS_DIR, SnippetSource

from .conftest import REPO


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A cache folder of the test's own, and the index's state put back after it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(index, "_loaded", None)
    monkeypatch.setattr(index, "_extras", None)
    return tmp_path / "cache" / "keras-cheatsheet"


def parsed_fresh(directory=SNIPPETS_DIR):
    """Every card file parsed, every card's code read with ast: the slow path, no cache."""
    from cheatsheet.lint.rules import RULES

    cards, by_name = index.load(directory)
    code = {}
    for card in cards:
        with open(os.path.join(directory, f"{card.module}.py"), encoding="utf-8") as file:
            source = SnippetSource(file.read())
        code[card.topic] = (source.code(card.functions), source.copy_ready(card.functions))
    lint = {card.topic: tuple(rule.code for rule in RULES if rule.card == card.topic)
            for card in cards}
    return cards, by_name, code, lint


def no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed a card file: the cache was not used")

    monkeypatch.setattr(index, "parse", refuse)


def assert_same(got, want):
    cards, by_name, code, lint = got
    want_cards, want_by_name, want_code, want_lint = want
    assert [card._asdict() for card in cards] == [card._asdict() for card in want_cards]
    assert {name: card.topic for name, card in by_name.items()} == \
        {name: card.topic for name, card in want_by_name.items()}
    assert by_name == want_by_name
    assert {topic: code[topic] for topic in want_code} == want_code
    assert {card.topic: lint.get(card.topic, ()) for card in cards} == want_lint


def test_the_cache_gives_exactly_what_parsing_every_card_file_gives(cache_home, monkeypatch):
    want = parsed_fresh()
    assert_same(index.cached(), want)  # built: no cache file yet
    # The cards' file and a code file a card (show reads one card's code, no other lookup any),
    # and no temporary file left beside them
    assert sorted(os.listdir(cache_home)) == sorted(
        ["index-0.1.0.marshal"] + [f"code-{card.topic}-0.1.0.marshal" for card in want[0]])
    no_parsing(monkeypatch)
    assert_same(index.cached(), want)  # read back from the file, every field of every card


def test_lookups_answer_from_the_cache_as_from_the_files(cache_home, monkeypatch):
    want_cards, _, want_code, want_lint = parsed_fresh()
    index.cached()
    monkeypatch.setattr(index, "_extras", None)  # a fresh process: nothing read yet
    no_parsing(monkeypatch)
    card = index.find("conv")
    assert card.topic == "cnn" and index.lint_codes(card) == want_lint["cnn"]
    assert index.card_code(card) == want_code["cnn"]
    assert index.CARDS == want_cards


@pytest.fixture
def cards_copy(tmp_path):
    copy = tmp_path / "snippets"
    shutil.copytree(SNIPPETS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return str(copy)


@pytest.mark.parametrize("change", ["title", "same size", "removed alias"])
def test_an_edited_card_file_is_seen_at_the_next_lookup(cache_home, cards_copy, change):
    index.cached(cards_copy)
    path = os.path.join(cards_copy, "cnn.py")
    with open(path, encoding="utf-8") as file:
        text = file.read()
    before = os.stat(path)
    if change == "title":
        text = text.replace("Title: ", "Title: Edited ", 1)
    elif change == "same size":  # only the modification time tells
        text = text.replace("Title: C", "Title: K", 1)
    else:
        text = text.replace("Aliases: conv, ", "Aliases: ", 1)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert_same(index.cached(cards_copy), parsed_fresh(cards_copy))


def test_a_card_added_or_removed_is_seen(cache_home, cards_copy):
    index.cached(cards_copy)
    os.remove(os.path.join(cards_copy, "cnn.py"))
    with pytest.raises(index.CardFormatError, match="cnn"):  # as without a cache
        index.cached(cards_copy)


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe3\x00\x00", "truncated", "other key",
                                    "directory"])
@pytest.mark.parametrize("name", ["index", "code-cnn"])
def test_a_corrupt_or_unreadable_cache_is_rebuilt(cache_home, monkeypatch, damage, name):
    import marshal

    index.cached()
    path = cache_home / f"{name}-0.1.0.marshal"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "other key":
        key, *rest = marshal.loads(path.read_bytes())
        path.write_bytes(marshal.dumps(("another", *rest)))
    elif damage == "directory":  # cannot be opened as a file
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(damage)
    assert_same(index.cached(), parsed_fresh())


@pytest.mark.parametrize("where", ["a file", "read-only"])
def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch, where):
    monkeypatch.setattr(index, "_loaded", None)
    monkeypatch.setattr(index, "_extras", None)
    blocker = tmp_path / "cache"
    if where == "a file":
        blocker.write_text("not a folder")
    else:
        blocker.mkdir()
        os.chmod(blocker, 0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    try:
        assert_same(index.cached(), parsed_fresh())
    finally:
        os.chmod(blocker, 0o700)


def test_the_command_line_prints_the_same_with_a_cache_without_one_and_in_a_read_only_home(
        tmp_path):
    golden = (REPO / "tests" / "golden" / "show-cnn.txt").read_text(encoding="utf-8")
    readonly = tmp_path / "home"
    readonly.mkdir()
    os.chmod(readonly, 0o500)
    for env in ({"XDG_CACHE_HOME": str(tmp_path / "cache")},) * 2 + (
            {"HOME": str(readonly), "XDG_CACHE_HOME": ""},):
        result = subprocess.run([sys.executable, "-m", "cheatsheet", "show", "cnn"], cwd=REPO,
                                env={**os.environ, **env}, capture_output=True, text=True,
                                timeout=60)
        assert (result.returncode, result.stdout, result.stderr) == (0, golden, "")
    assert os.listdir(tmp_path / "cache" / "keras-cheatsheet")
