"""The index: every card, read from its snippet file's docstring, in roadmap order; find by name.

A card's title, note, pitfalls, aliases and section live in snippets/<module>.py (the format is
in cardfile.py); the order lives in roadmap.py. Nothing here imports a snippet, tensorflow,
keras or matplotlib: lookups read the files as text. The cards are read on first use, so a card
file that breaks the format is a one-line error from the command, not a failed import.

Parsing 34 card files, and a card's code with `ast`, took a lookup a fifth of `python -c pass`
and more: so what they give is kept in cache files (see cached_cards and cached_code) until a
file it was read from changes.
"""

import os
from collections import namedtuple

from .. import cache
from ..errors import CheatsheetError, shown
from . import roadmap
from .cardfile import CardFormatError, display, parse
from .source import PACKAGE_DIR, SNIPPETS_DIR

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
                                  "to TOPICS in cheatsheet/cards/roadmap.py")
        if card["Section"] not in SECTION_NAMES:
            raise CardFormatError(files[card["topic"]], card["lines"]["Section"],
                                  f"unknown section {card['Section']!r}; sections are: "
                                  f"{', '.join(SECTION_NAMES)}")
    missing = [topic for topic in topics if topic not in files]
    if missing:
        expected = ", ".join(display(os.path.join(directory, topic.replace("-", "_") + ".py"))
                             for topic in missing)
        raise CardFormatError("cheatsheet/cards/roadmap.py", None,
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
        _loaded = cached_cards()
    return _loaded


# -- the cache: what load() and show's code give, kept until a file they come from changes -------

CACHE_FORMAT = 2  # what the cache files hold; a change gives new files, never a misread old one
# The modules the cached values are made by, beside the card files they are read from.
MADE_BY = tuple(os.path.join(*name.split("/")) for name in (
    "cache.py", "cards/cardfile.py", "cards/index.py", "cards/roadmap.py", "cards/source.py",
    "lint/rules.py"))
_extras = None  # [{topic: lint codes}, {topic: (code, copy_ready)} as show asks], once read


def cache_key(directory):
    """The path, size and modification time of every card file and of every module that makes
    the cached values: any edit, a card added or removed, gives a new key."""
    paths = card_files(directory) + [os.path.join(PACKAGE_DIR, name) for name in MADE_BY]
    return (CACHE_FORMAT, directory, cache.file_stats(paths))


def build_lint_codes():
    """{topic: the codes of the lint rules of the card's pitfalls}, in the rules' order."""
    from ..lint.rules import RULES

    lint_codes = {}
    for rule in RULES:
        lint_codes[rule.card] = (*lint_codes.get(rule.card, ()), rule.code)
    return lint_codes


def build_code(cards, directory=SNIPPETS_DIR):
    """{topic: (code, copy_ready)}: each card's code as `show` prints it, read with ast (None for
    a card whose code cannot be read: show then says why)."""
    from .source import SnippetSource

    code = {}
    for card in cards:
        try:
            with open(os.path.join(directory, f"{card.module}.py"), encoding="utf-8") as file:
                source = SnippetSource(file.read())
            code[card.topic] = (source.code(card.functions), source.copy_ready(card.functions))
        except Exception:  # noqa: BLE001  show reads the file itself and says what is wrong
            code[card.topic] = None
    return code


class Cards(tuple):
    """The cards as the index read them (index.CARDS), with `source_key`: the key of the files
    they were read from (cache_key), None when there is none (a module file is gone). Search
    keeps its word index of these cards under that key (search.index_key), and show a card's
    code (cached_code)."""

    source_key = None


def cached_cards(directory=SNIPPETS_DIR):
    """(cards, by_name) as load() gives them, the cards a Cards tuple, with their lint codes: from
    the cache file `index` (cheatsheet.cache) while its key is still the files' key; else read
    from the files, and the cache file (re)written. A card's code, which only show needs, has a
    cache file of its own (cached_code): a lookup reads no code, show one card's."""
    global _extras

    def read():
        cards, _ = load(directory)
        return tuple(map(tuple, cards)), build_lint_codes()

    try:
        key = cache_key(directory)
    except OSError:  # a module file gone: read the cards, keep no cache
        key = None
    rows, lint_codes = cache.cached("index", key, read)
    cards = Cards(Card(*row) for row in rows)
    cards.source_key = key
    by_name = {name: card for card in cards for name in (card.topic, *card.aliases)}
    _extras = [lint_codes, {}]
    return cards, by_name


def cached_code(card, key, directory=SNIPPETS_DIR):
    """build_code's (code, copy_ready) of one card, from the cache file `code-<topic>` while the
    files' key is `key`, the one the cards were read under; else read with ast, and the cache
    file (re)written."""
    return cache.cached(f"code-{card.topic}", key,
                        lambda: build_code([card], directory)[card.topic])


def cached(directory=SNIPPETS_DIR):
    """(cards, by_name, code, lint codes), from the cache files while the files are unchanged:
    cached_cards and every card's cached_code."""
    cards, by_name = cached_cards(directory)
    lint_codes, code = _extras
    for card in cards:
        code[card.topic] = cached_code(card, cards.source_key, directory)
    return cards, by_name, code, lint_codes


def card_code(card):
    """(code, copy_ready) of an index card as `show` prints them, when the cache has them, else
    None (the caller reads the file)."""
    if _extras is None or _loaded is None or _loaded[1].get(card.topic) != card:
        return None
    code = _extras[1]
    if card.topic not in code:
        code[card.topic] = cached_code(card, _loaded[0].source_key)
    return code[card.topic]


def lint_codes(card):
    """The codes of the lint rules whose pitfall the card teaches, in the rules' order."""
    if _extras is not None:
        return _extras[0].get(card.topic, ())
    from ..lint.rules import RULES  # a table, no Keras

    return tuple(rule.code for rule in RULES if rule.card == card.topic)


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


def lookup(name, list_command="cheatsheet list"):
    """The card for a topic or alias, or a CheatsheetError that suggests the nearest names
    (their spelling, then the cards search finds about the word), or `list_command`."""
    card = find(name)
    if card is not None:
        return card
    close = suggestions(name)
    if close:
        raise CheatsheetError(f"no card named {shown(name)!r}. Did you mean: {', '.join(close)}?")
    from .search import rank
    from .source import read_snippet

    about = [hit.card.topic for hit in rank(name, _index()[0], read_snippet)[:3]]
    if about:
        raise CheatsheetError(f"no card named {shown(name)!r}; cards about it: "
                              f"{', '.join(about)}")
    raise CheatsheetError(f"no card named {shown(name)!r}. Try: {list_command}")
