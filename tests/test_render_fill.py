"""render.fill, which wraps a piped lookup's text without importing textwrap (and `re`), gives
textwrap.fill's exact text, on every card and on any text."""

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cheatsheet.cards import index, roadmap
from cheatsheet.output import render


def both(text, width, first="", rest="", hyphens=False):
    ours = render.fill(text, width, initial_indent=first, subsequent_indent=rest,
                       break_on_hyphens=hyphens)
    theirs = textwrap.fill(text, width=width, initial_indent=first, subsequent_indent=rest,
                           break_on_hyphens=hyphens)
    assert ours == theirs, (text, width, first, rest)


@pytest.mark.parametrize("width", [20, 38, 40, 60, 86, 88, 98])
def test_every_card_text_wraps_as_textwrap_wraps_it(width):
    for card in index.CARDS:
        for text in (card.note, card.summary, *card.pitfalls, render.backends_line(card),
                     f"{card.section} · aliases: {', '.join(card.aliases)}"):
            both(text, width, "  ", "  ")
            both(text, width, "  - ", "    ")
            both(text, width, "", "  ")
    for _, why in roadmap.SECTIONS:
        both(why, width, "   ", "   ")


TEXT = st.lists(st.sampled_from([*"ab-. \t\n\r\x0b\x0c\u00a0\u2003é", "word", "--",
                                 "averyveryverylongwordindeed"]), max_size=40).map("".join)


@settings(max_examples=600, deadline=None)
@given(TEXT, st.integers(7, 50), st.sampled_from(["", "  ", "  - ", "xxxxxx"]),
       st.sampled_from(["", "  ", "    "]), st.booleans())
def test_any_text_wraps_as_textwrap_wraps_it(text, width, first, rest, hyphens):
    """Wider than the indents: narrower, textwrap itself never ends (CPython's own bug)."""
    both(text, width, first, rest, hyphens)


def test_a_width_of_zero_is_refused_as_textwrap_refuses_it():
    with pytest.raises(ValueError, match="invalid width 0"):
        render.fill("a", 0)
