"""The index: every card, read from its snippet file's docstring, in roadmap order; find by name.

A card's title, note, pitfalls, aliases and section live in snippets/<module>.py (the format is
in cardfile.py); the order lives in roadmap.py. Nothing here imports a snippet, tensorflow,
keras or matplotlib: lookups read the files as text. The cards are read on first use, so a card
file that breaks the format is a one-line error from the command, not a failed import.
"""

import os
from collections import namedtuple

from . import roadmap
from .cardfile import CardFormatError, display, parse
from .source import SNIPPETS_DIR

Card = namedtuple(
    "Card",
    [
        "topic",  # the id people type: `cheatsheet show <topic>`; the file name, `_` as `-`
        "title",  # the header's `Title:`
        "section",  # `Section:`, one of roadmap.SECTIONS
        "summary",  # `Description:`, one sentence
        "note",  # the `## Note` block: what the idea is and why it works, in our own words
        "module",  # the snippet module under snippets/, e.g. "early_stopping"
        "functions",  # `Functions:`, the top-level definitions `show` prints, in reading order
        "aliases",  # `Aliases:`, other names people type
        "pitfalls",  # the `## Pitfalls` block: the Keras 3 pitfalls this card avoids
        "see_also",  # `See also:`, related topics
        "use_when",  # `Use when:`, the problems a learner types that the card answers
        "backends",  # `Backends:`, the Keras backends the card runs on, in cardfile.BACKENDS order
        "unsupported",  # ((backend, why the card leaves it out), ...) for the others
    ],
)

SECTIONS = roadmap.SECTIONS
SECTION_NAMES = tuple(section for section, _ in SECTIONS)

_loaded = None  # (cards, {name: card}) once read


def card_files(directory=SNIPPETS_DIR):
    """The card files of a snippets directory: every *.py but the package's own dunder files."""
    return sorted(os.path.join(directory, name) for name in os.listdir(directory)
                  if name.endswith(".py") and not name.startswith("_"))


def load(directory=SNIPPETS_DIR, topics=roadmap.TOPICS):
    """(cards in roadmap order, {topic or alias: card}) read from `directory`.

    Raises CardFormatError, naming file and line, for a card that breaks the format, a section
    that is not in the roadmap, a name two cards claim, a see-also with no card, or a card
    missing from (or extra to) the order in roadmap.py.
    """
    paths = card_files(directory)
    parsed = [parse(path) for path in paths]
    files = {card["topic"]: path for card, path in zip(parsed, paths, strict=True)}
    for card in parsed:
        if card["topic"] not in topics:
            raise CardFormatError(files[card["topic"]], None,
                                  f"topic {card['topic']!r} has no place in the roadmap: add it "
                                  "to TOPICS in cheatsheet/roadmap.py")
        if card["Section"] not in SECTION_NAMES:
            raise CardFormatError(files[card["topic"]], card["lines"]["Section"],
                                  f"unknown section {card['Section']!r}; sections are: "
                                  f"{', '.join(SECTION_NAMES)}")
    missing = [topic for topic in topics if topic not in files]
    if missing:
        expected = ", ".join(display(os.path.join(directory, topic.replace("-", "_") + ".py"))
                             for topic in missing)
        raise CardFormatError("cheatsheet/roadmap.py", None,
                              f"TOPICS names {', '.join(missing)}, which has no card file "
                              f"(expected {expected})")
    owner = {card["topic"]: card["topic"] for card in parsed}  # topics first: an alias yields
    for card in parsed:
        for name in card["Aliases"]:
            path = files[card["topic"]]
            if name != name.lower() or any(ch.isspace() for ch in name):
                raise CardFormatError(path, card["lines"].get("Aliases"),
                                      f"alias {name!r}: lower case, no spaces")
            if name in owner:
                raise CardFormatError(path, card["lines"].get("Aliases", 2),
                                      f"name {name!r} is already card {owner[name]!r}'s "
                                      f"({display(files[owner[name]])})")
            owner[name] = card["topic"]
    for card in parsed:
        for topic in card["See also"]:
            if topic not in files or topic == card["topic"]:
                raise CardFormatError(files[card["topic"]], card["lines"]["See also"],
                                      f"see-also {topic!r} is not another card's topic")
    cards = [Card(topic=card["topic"], title=card["Title"], section=card["Section"],
                  summary=card["Description"], note=card["note"], module=card["module"],
                  functions=tuple(card["Functions"]), aliases=tuple(card["Aliases"]),
                  pitfalls=tuple(card["pitfalls"]), see_also=tuple(card["See also"]),
                  use_when=tuple(card["Use when"]),
                  backends=card["backends"], unsupported=tuple(card["unsupported"].items()))
             for card in parsed]
    cards.sort(key=lambda card: (SECTION_NAMES.index(card.section), topics.index(card.topic)))
    by_name = {}
    for card in cards:
        for name in (card.topic, *card.aliases):
            by_name[name] = card
    return tuple(cards), by_name


def _index():
    global _loaded
    if _loaded is None:
        _loaded = load()
    return _loaded


def __getattr__(name):
    """`index.CARDS`: every card in roadmap order, read on first use."""
    if name == "CARDS":
        return _index()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find(name):
    """The card for a topic or alias, or None. Case, `_`, spaces and `-` are folded, so
    `Early Stopping`, `early_stopping` and `earlystopping` all name early-stopping."""
    names = _index()[1]
    key = "-".join(name.replace("_", " ").replace("-", " ").lower().split())
    if key in names:
        return names[key]
    joined = {known.replace("-", ""): card for known, card in names.items()}
    return joined.get(key.replace("-", "")) if key else None


def suggestions(name, limit=3):
    """Topics whose id or aliases look like `name`, best first, for 'Did you mean'."""
    import difflib

    names = _index()[1]
    close = difflib.get_close_matches(name.strip().lower(), list(names), n=limit * 2, cutoff=0.6)
    topics = []
    for match in close:
        topic = names[match].topic
        if topic not in topics:
            topics.append(topic)
    return topics[:limit]


def cards_by_section():
    """(section, why, [cards]) in roadmap order, skipping sections with no card yet."""
    cards = _index()[0]
    return [(section, why, [c for c in cards if c.section == section])
            for section, why in SECTIONS
            if any(c.section == section for c in cards)]
