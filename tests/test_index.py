"""The index reads the cards from the snippet files; these tests keep it honest against them."""

import importlib
import inspect
from pathlib import Path

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.source import SNIPPETS_DIR, SnippetSource, snippet_path

SECTION_NAMES = [section for section, _ in index.SECTIONS]


@pytest.mark.parametrize("card", index.CARDS, ids=lambda card: card.topic)
def test_entry_resolves_to_real_functions_in_snippets(card):
    assert Path(snippet_path(card)).is_file()
    module = importlib.import_module(f"snippets.{card.module}")
    for name in card.functions:
        assert callable(getattr(module, name)), f"snippets.{card.module}.{name} is not callable"
        assert inspect.getmodule(getattr(module, name)) is module, f"{name} must be defined there"
    assert callable(getattr(module, "demo", None)), "every card has a demo()"


@pytest.mark.parametrize("card", index.CARDS, ids=lambda card: card.topic)
def test_entry_is_complete(card):
    assert card.section in SECTION_NAMES
    assert card.functions and card.pitfalls and card.aliases
    assert len(card.note) > 100, "the note explains the idea in our own words"
    assert all(index.find(topic) is not None for topic in card.see_also), "see-also must exist"
    assert card.topic not in card.see_also


def test_cards_follow_roadmap_order():
    positions = [SECTION_NAMES.index(card.section) for card in index.CARDS]
    assert positions == sorted(positions)


def test_names_are_unique_across_topics_and_aliases():
    names = [name for card in index.CARDS for name in (card.topic, *card.aliases)]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates
    assert all(name == name.lower() and " " not in name for name in names)


def test_every_snippet_file_has_an_index_entry():
    modules = {path.stem for path in Path(SNIPPETS_DIR).glob("*.py")}
    assert modules - {"__init__"} == {card.module for card in index.CARDS}


def test_find_accepts_topics_and_aliases_case_insensitively():
    for card in index.CARDS:
        for name in (card.topic, *card.aliases):
            assert index.find(name.upper()) is card


def test_suggestions_for_a_typo():
    assert index.suggestions("activaton")[0] == "activations"
    assert index.suggestions("zzzzzz") == []


def test_shown_functions_are_self_contained_given_their_imports():
    """`show --code` must run as pasted: its imports plus the shown definitions."""
    import keras

    # The pasted code registers its own copies of the cards' custom layers under the cards'
    # names; left there, a later test in this process would load the copies, not the cards'.
    registered = dict(keras.saving.get_custom_objects())
    try:
        for card in index.CARDS:
            namespace = {}
            exec(compile(SnippetSource.of(card).copy_ready(card.functions), card.module, "exec"),
                 namespace)
            assert all(callable(namespace[name]) for name in card.functions)
    finally:
        keras.saving.get_custom_objects().clear()
        keras.saving.get_custom_objects().update(registered)
