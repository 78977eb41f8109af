"""Search that answers a learner's question: BM25F over a card's fields, words not substrings.

A query is folded to words the way the cards are: case, `-` and `_` folded ("multi-class" is
"multi class" and "multiclass"), camelCase split (BatchNormalization is "batch normalization"),
a light hand-written stemmer (overfitting/overfit, normalise/normalize, optimiser/optimizer) and
question and stop words dropped ("how do I", "what is", "why does my"). A card need not hold
every word: the cards that hold the most of the query's weight rank first, and when no card holds
enough of it, search answers nothing rather than a weak hit. A card's head (names, description,
`Use when`) outweighs its note and pitfalls, which outweigh its code (issue 35). Pure Python,
standard library only.

Splitting and stemming the cards' text is most of a search's work, and the same for every query
while the cards stay as they are. So, for the index's own cards, rank() keeps what that work
gives (every word's count in every field of every card, the lines that hold it, the fields'
lengths) in a cache file beside the index's (see index_data and IndexedCorpus), made by the same
functions as the lazy Corpus, under the key of the files the cards and their code come from.
Any other cards, or code from another code_of, are searched as before, through a Corpus. Text is
split by hand, as the regular expressions below describe (tests/test_search_index.py proves them
equal): `import re` alone costs as much as the rest of a search answered from the cache file.
"""

import os
import sys
from collections import Counter

from .. import cache
from .source import PACKAGE_DIR, read_snippet, snippet_path

# Where a word is found, and what a hit there is worth (BM25F field weights within a tier).
FIELD_WEIGHTS = {
    "topic": 6.0,
    "aliases": 5.0,
    "title": 5.0,
    "use_when": 5.0,
    "summary": 2.5,
    "note": 1.0,
    "pitfalls": 1.0,
    "code": 1.0,
}
FIELDS = tuple(FIELD_WEIGHTS)
FIELD_INDEX = {name: field for field, name in enumerate(FIELDS)}
# The fields fall in three tiers, each saturated on its own and then weighted: a card's names,
# description and the problems it says it answers (its head) outweigh its note and pitfalls,
# which outweigh its code and comments. One BM25F sum over all fields let a word repeated in a
# card's code (its demo's CosineDecay, a `units` argument) outrank a word in another card's title
# (issue 35): repetition saturates, so fifteen hits at weight 0.3 in code beat one in a title.
TIERS = (("head", ("topic", "aliases", "title", "use_when", "summary"), 1.0),
         ("body", ("note", "pitfalls"), 0.45),
         ("code", ("code",), 0.15))
# How much of a word's weight a card holds toward MIN_COVERAGE, by the best tier it is found in:
# a card that holds the query's words only in its code is a weak answer, not an equal one.
HOLD = {"head": 1.0, "body": 0.8, "code": 0.5}
# A word a card holds in several tiers: its best tier counts whole, the others this share, so a
# card that names a problem in its head is not outranked by one that also repeats it in its code.
OTHER_TIERS = 0.25
K1 = 1.2  # how fast repeats of a word stop counting
B = 0.5  # how much a long field is discounted
NAME_BONUS = 1.0  # a query word that is a card's whole topic or alias ("relu") counts once more
MIN_COVERAGE = 0.5  # share of the query's word weight (idf) a card must hold to be an answer
KEEP_WITHIN = 0.3  # hits scoring under this share of the best one are noise, not answers
MAX_HITS = 8

STOP_WORDS = frozenset("""
a about after again also although always an and any are as at avoid be been before being between
but by can could deal did difference do does doing during even every example explain fix for from
get gets getting go goes going had handle has have how i if in instead into is it its just keras me
my no not of on or our prevent reduce shall should so solve some still suddenly than that the their
them then there these they this those though to too understand understanding use used using versus
very vs want was we what when where which while who why will with work works would you your
don dont doesn doesnt didn didnt isn isnt aren arent won wont cant couldn couldnt
""".split())

# How text is split, as regular expressions: the functions named beside them do it by hand.
WORD = r"\w+(?:[-']\w+)*"  # a token: `multi-class`, `don't`, `count_params` (split_words)
SEPARATOR = r"[-_']"  # what splits a token into pieces (split_pieces)
CAMEL = r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+"  # a piece's parts (camel_parts)
NUMBER = r"[0-9.e+-]*[0-9][0-9.e+-]*"  # 95, 0.5, 1e-4 as the query splits them (is_number)
SENTENCE_BREAK = r"(?<=[.!?])\s+(?=[A-Z`'(])"  # between a note's sentences (split_sentences)
_BRITISH = (("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("isers", "izers"),
            ("iser", "izer"), ("ises", "izes"), ("ise", "ize"))
_SUFFIXES = (("ification", "ify"), ("ifier", "ify"), ("ifies", "ify"), ("ified", "ify"),
             ("ization", "ize"), ("izers", "ize"), ("izer", "ize"), ("ies", "y"))
_IRREGULAR = {"comparison": "compare", "comparisons": "compare"}
_stems = {}
_token_words = {}  # a token's words, worked out once: code repeats its names


def stem(word):
    """A light stemmer for English words in a lower-case token: enough to fold plurals, -ing,
    -ed, -ization and British -ise onto one form. Both the cards and the query go through it."""
    if word in _stems:
        return _stems[word]
    base = _IRREGULAR.get(word, word)
    if len(base) > 4 and not base.isdigit():
        for british, american in _BRITISH:
            if base.endswith(british) and len(base) > len(british) + 2:
                base = base[:-len(british)] + american
                break
        for suffix, replacement in _SUFFIXES:
            if base.endswith(suffix) and len(base) > len(suffix) + 2:
                base = base[:-len(suffix)] + replacement
                break
        for suffix in ("ing", "ed"):
            if base.endswith(suffix) and len(base) - len(suffix) >= 3 \
                    and any(vowel in base[:-len(suffix)] for vowel in "aeiouy"):
                base = base[:-len(suffix)]
                if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                    base = base[:-1]  # overfitting -> overfitt -> overfit
                break
        else:
            if base.endswith(("sses", "xes", "ches", "shes", "zes")):
                base = base[:-2]
            elif base.endswith("s") and not base.endswith(("ss", "us", "is")):
                base = base[:-1]
            if len(base) > 6 and base.endswith("tor"):
                base = base[:-2]  # extractor, generator: extract, generat(e)
    if len(base) > 3 and base.endswith("e"):
        base = base[:-1]  # normalize and normalized meet at normaliz
    _stems[word] = base
    return base


def words(text):
    """The stemmed search words of a text, in order, stop words kept (the caller drops them).

    `multi-class` gives multi, class and multiclass; `BatchNormalization` batch, normalization
    and batchnormalization; `count_params` count, params and countparams.
    """
    found = []
    for token in split_words(text):
        found.extend(token_words(token))
    return found


def token_words(token):
    """The words of one token, worked out once: code repeats its names."""
    known = _token_words.get(token)
    if known is None:
        parts = [part for piece in split_pieces(token) for part in camel_parts(piece)]
        lowered = [part.lower() for part in parts]
        known = [stem(part) for part in lowered if len(part) > 1]
        if len(lowered) > 1:
            known.append(stem("".join(lowered)))
        _token_words[token] = known
    return known


# -- text split by hand, as the regular expressions above describe --------------------------------

_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_NUMBER_CHARACTERS = _DIGITS | frozenset(".e+-")
_SENTENCE_STARTS = _UPPER | frozenset("`'(")


def _is_word_character(character):
    """What `\\w` matches in a str pattern: a letter, digit or numeric character of any script
    (str.isalnum tests the same four Unicode properties), or `_`."""
    return character.isalnum() or character == "_"


# Every ASCII character that can be no part of a token, as a space: what is left between spaces
# is word characters, `-`, `'` and characters outside ASCII.
_ASCII_GAPS = str.maketrans({character: " " for character in map(chr, range(128))
                             if not _is_word_character(character) and character not in "-'"})


def split_words(text):
    """The tokens of `text`: what WORD finds (`findall`), without `re`. A token is a run of word
    characters, joined to the next run by one `-` or `'` between them. The text is cut at
    whitespace and ASCII punctuation in C first; only a chunk with a `-`, a `'` or a character
    outside ASCII is looked at a character at a time."""
    tokens = []
    for chunk in text.translate(_ASCII_GAPS).split():
        if chunk.isascii() and "-" not in chunk and "'" not in chunk:
            tokens.append(chunk)  # word characters only: one token
        else:
            tokens.extend(_chunk_words(chunk))
    return tokens


def _chunk_words(chunk):
    tokens, position, end = [], 0, len(chunk)
    while position < end:
        if not _is_word_character(chunk[position]):
            position += 1
            continue
        start = position
        while True:
            while position < end and _is_word_character(chunk[position]):
                position += 1
            if position + 1 < end and chunk[position] in "-'" \
                    and _is_word_character(chunk[position + 1]):
                position += 1  # `multi-class`: the run goes on after the hyphen
                continue
            break
        tokens.append(chunk[start:position])
    return tokens


def split_pieces(token):
    """A token split at SEPARATOR (`re.split`), empty pieces kept, without `re`."""
    return token.replace("-", "_").replace("'", "_").split("_")


def camel_parts(piece):
    """What CAMEL finds in a piece (`findall`), without `re`: runs of capitals, of lower-case
    letters (after one capital), and of digits, all ASCII; capitals before a capitalised word
    leave it its capital (`HTTPServer` is HTTP, Server)."""
    parts, position, end = [], 0, len(piece)
    while position < end:
        character = piece[position]
        if character in _UPPER:
            run_end = position
            while run_end < end and piece[run_end] in _UPPER:
                run_end += 1
            if run_end < end and piece[run_end] in _LOWER:
                if run_end - position > 1:  # `[A-Z]+(?=[A-Z][a-z])`: all but the last capital
                    parts.append(piece[position:run_end - 1])
                    position = run_end - 1
                    continue
                run_end += 1  # `[A-Z]?[a-z]+`: one capital and the lower-case run after it
                while run_end < end and piece[run_end] in _LOWER:
                    run_end += 1
        elif character in _LOWER or character in _DIGITS:
            kind = _LOWER if character in _LOWER else _DIGITS
            run_end = position
            while run_end < end and piece[run_end] in kind:
                run_end += 1
        else:
            position += 1
            continue
        parts.append(piece[position:run_end])
        position = run_end
    return parts


def is_number(token):
    """Whether NUMBER matches the whole of a query token, without `re`."""
    return all(character in _NUMBER_CHARACTERS for character in token) \
        and any(character in _DIGITS for character in token)


def split_sentences(text):
    """`text` split at each SENTENCE_BREAK (`re.split`), without `re`: a run of whitespace after
    a `.`, `!` or `?` and before a capital, a backquote, a quote or an opening parenthesis."""
    ends = sorted(position for mark in ".!?" for position in _positions(text, mark))
    sentences, start, end = [], 0, len(text)
    for position in ends:
        run_end = position + 1
        while run_end < end and text[run_end].isspace():
            run_end += 1
        if run_end > position + 1 and run_end < end and text[run_end] in _SENTENCE_STARTS:
            sentences.append(text[start:position + 1])
            start = run_end
    sentences.append(text[start:])
    return sentences


def _positions(text, character):
    position = text.find(character)
    while position >= 0:
        yield position
        position = text.find(character, position + 1)


def query_words(query):
    """The words of a query that carry meaning, without question and stop words: [(as typed,
    stemmed whole, [stemmed parts])], each once, and the joins of two neighbours ("multi class"
    also looks for "multiclass"). `k-means` is held only by a card with "kmeans" or with every
    part, and a one-letter part is never held, so `k-means` is not "means"."""
    groups = []
    for token in split_words(query):
        pieces = [part.lower() for piece in split_pieces(token) for part in camel_parts(piece)]
        pieces = [piece for piece in pieces if piece not in STOP_WORDS]
        if not pieces or (len(pieces) == 1 and len(pieces[0]) < 2):
            continue
        whole = stem("".join(pieces))
        if all(whole != known for _, known, _ in groups):
            groups.append((token.lower(), whole,
                           [stem(piece) if len(piece) > 1 else None for piece in pieces]))
    joins = [stem(first[1] + second[1]) for first, second in zip(groups, groups[1:], strict=False)
             if len(first[2]) == len(second[2]) == 1]
    return groups, [join for join in joins if all(join != whole for _, whole, _ in groups)]


def card_fields(card, code):
    """The searchable text of one card, by field. `code` is the snippet file; its docstring is
    the card's other fields, so only what follows it counts as code."""
    end = code.find('"""', code.find('"""') + 3)
    return {
        "topic": card.topic,
        "aliases": " ".join(card.aliases),
        "title": card.title,
        "use_when": ", ".join(getattr(card, "use_when", ())),
        "summary": card.summary,
        "note": card.note,
        "pitfalls": "\n".join(card.pitfalls),
        "code": code[end + 3:] if end >= 0 else code,
    }


def idf_of(count, total):
    """BM25's idf of a word that `count` of `total` cards hold."""
    import math  # here: a search answered from the cache file reads its idf values from it

    return math.log(1 + (total - count + 0.5) / (count + 0.5))


class Statistics:
    """What BM25F needs of a corpus, from its `cards`, `lengths` (a card's fields' numbers of
    characters, in FIELDS order, a card each), `average` (the fields' mean lengths), `names` (the
    last word of each card's topic and aliases, a card each) and field_count()."""

    def frequency(self, word):
        """How many cards hold the stemmed `word`, in any field."""
        if word not in self._frequency:
            self._frequency[word] = sum(
                any(self.field_count(position, name, word) for name in FIELD_WEIGHTS)
                for position in range(len(self.cards)))
        return self._frequency[word]

    def idf(self, word):
        """BM25's idf: near 0 for a word on every card; a word on no card weighs the most."""
        return idf_of(self.frequency(word), len(self.cards))

    def holding(self, words):
        """The positions of the cards that may hold any of `words`, in order: all of them (a
        card that holds none is scored 0 and is no answer)."""
        return range(len(self.cards))

    def weighted_count(self, position, word, fields=FIELD_WEIGHTS):
        """BM25F's pseudo-frequency over `fields`: the word's count in each, weighted and
        length-damped."""
        total = 0.0
        for name in fields:
            weight = FIELD_WEIGHTS[name]
            count = self.field_count(position, name, word)
            if count:
                field = FIELD_INDEX[name]
                length = self.lengths[position][field]
                total += weight * count / ((1 - B) + B * length / self.average[field])
        return total


class Corpus(Statistics):
    """Every card's fields, with the statistics BM25F needs, worked out for the query's words.

    Splitting and stemming every distinct token of every card took ~20 ms a lookup, most of it
    on words no query asks for. So a field is only folded (lower case, no separators, in C) until
    a query word's first three letters turn up in it; then its tokens are tallied, and the word is
    looked for only among those that could hold it, split and stemmed as everywhere. A field's
    length, for BM25's damping, is its number of characters.
    """

    def __init__(self, cards, code_of):
        self.cards = list(cards)
        self.texts = [card_fields(card, code_of(card)) for card in self.cards]
        self.lengths = [tuple(len(texts[name]) for name in FIELDS) for texts in self.texts]
        # per card: {field: folded text}; a field is split into tokens only once a query word's
        # first letters are in it. Its length, for BM25's damping, is its number of characters.
        self.folded = [{name: _fold(text) for name, text in texts.items()} for texts in self.texts]
        self._tokens = {}  # (position, field, probe) -> {folded token: [(token, count)]}
        self.average = tuple(max(sum(len(texts[name]) for texts in self.texts)
                                 / max(len(self.cards), 1), 1.0) for name in FIELDS)
        self.names = [{words(name)[-1] for name in (card.topic, *card.aliases)}
                      for card in self.cards]
        self._frequency = {}
        self._counts = {}

    def tokens(self, position, name, probe):
        """The distinct tokens of a field's lines whose folded form holds `probe`, by their folded
        form, tallied: worked out on first use. Folding keeps the line breaks, so the folded
        lines match the field's; a token that holds the probe folded is on such a line, and
        only those lines are split (a card's code field is hundreds of lines)."""
        key = (position, name, probe)
        if key not in self._tokens:
            lines = self.texts[position][name].split("\n")
            folded_lines = self.folded[position][name].split("\n")
            tallied = Counter(split_words("\n".join(
                line for line, folded in zip(lines, folded_lines, strict=True)
                if probe in folded)))
            folded_text = _fold("\n".join(tallied))  # folded in one pass, in C
            by_folded = {}
            for folded, (token, count) in zip(folded_text.split("\n"), tallied.items(),
                                              strict=False):  # "" splits to [""]: no token
                by_folded.setdefault(folded, []).append((token, count))
            self._tokens[key] = by_folded
        return self._tokens[key]

    def field_count(self, position, name, word):
        """How often the stemmed `word` occurs in one field of a card."""
        key = (position, name, word)
        if key not in self._counts:
            probe, total = word[:3], 0  # the stemmer never changes a word's first three letters
            if probe in self.folded[position][name]:
                for folded, tokens in self.tokens(position, name, probe).items():
                    if probe in folded:
                        total += sum(count * token_words(token).count(word)
                                     for token, count in tokens)
            self._counts[key] = total
        return self._counts[key]

    def best_line(self, position, weights):
        """best_line of a card (its position in `cards`)."""
        return best_line(self.texts[position], weights)


def _fold(text):
    """Text as the stemmed words of its tokens could appear in it: lower case, no separators."""
    return text.lower().replace("_", "").replace("-", "").replace("'", "")


class Hit:
    """One answer: the card, its score, the query words it holds, the fields they are in, and
    the line of the card that holds most of them (the "why this hit")."""

    def __init__(self, card, score, words, fields, line):
        self.card, self.score, self.words, self.fields, self.line = \
            card, score, words, fields, line

    def __iter__(self):  # (card, score, fields), as rank() returned before hits had reasons
        return iter((self.card, self.score, self.fields))


def rank(query, cards, code_of):
    """[Hit] for the cards that answer `query`, best first; [] when none answers it.

    `code_of(card)` returns the snippet file's text. A card answers when it holds at least
    MIN_COVERAGE of the query's weight (each word weighs its idf); its BM25F score is then scaled
    by that share, so the cards that hold the most words rank first. Hits far below the best
    are dropped as noise.
    """
    groups, joins = query_words(query)
    corpus = corpus_for(cards, code_of) if groups else None
    # A number no card holds is a value from the learner's run ("95% accuracy", "1e-4"), not a
    # topic: it would weigh the most of all the query's words and shut every card out.
    groups = [group for group in groups
              if not is_number(group[0]) or corpus.frequency(group[1])]
    if not groups:
        return []
    terms = []
    for _, whole, parts in groups:
        terms.extend(term for term in (whole, *parts, *joins) if term and term not in terms)
    weights = {whole: corpus.idf(whole) for _, whole, _ in groups}
    total_weight = sum(weights.values())
    scored = []
    for position in corpus.holding(terms):
        score, present = 0.0, {}  # present: {term: share held, by the best tier it is in}
        for term in terms:
            tiers = []
            for tier, names, tier_weight in TIERS:
                frequency = corpus.weighted_count(position, term, names)
                if frequency:
                    present[term] = max(present.get(term, 0.0), HOLD[tier])
                    tiers.append(tier_weight * frequency / (K1 + frequency))
            if tiers:  # the best tier counts; the others only add a little on top
                best_tier = max(tiers)
                score += corpus.idf(term) * (best_tier + OTHER_TIERS * (sum(tiers) - best_tier))
            if term in present and term in corpus.names[position]:
                score += NAME_BONUS * corpus.idf(term)
        held, coverage = [], 0.0
        for group in groups:
            share = present.get(group[1], 0.0)
            if all(part in present for part in group[2]):
                share = max(share, min(present[part] for part in group[2]))
            if share:
                held.append(group)
                coverage += share * weights[group[1]]
        coverage /= total_weight
        if held and coverage >= MIN_COVERAGE:
            scored.append((score * coverage, position, held, present))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1]))  # ties keep roadmap order
    best = scored[0][0]
    hits = []
    for score, position, held, present in scored[:MAX_HITS]:
        if score < KEEP_WITHIN * best:
            break
        fields = [name for name in FIELD_WEIGHTS
                  if any(corpus.field_count(position, name, term) for term in present)]
        line_weights = {term: corpus.idf(term) for term in present}
        hits.append(Hit(corpus.cards[position], round(score, 3),
                        [typed for typed, _, _ in held], fields,
                        corpus.best_line(position, line_weights)))
    return hits


def best_line(fields, weights):
    """(field, text) of the note sentence, pitfall or code line holding the most query weight,
    or else the card's `Use when` line, or None. Ties go to the note, then the pitfalls."""
    return shown_line(first_best((name, line, line_weight(words(line), weights))
                                 for name, line in field_lines(fields)
                                 # a line without a query word's first letters cannot hold it
                                 if _holds_a_probe(_fold(line), weights)))


def field_lines(fields):
    """(field, line) of every line best_line chooses from, in its order: the note's sentences,
    the pitfalls, the code's lines, the `Use when` line."""
    for name in ("note", "pitfalls", "code", "use_when"):
        if name == "note":
            lines = split_sentences(fields[name])
        elif name == "use_when":
            lines = [fields[name]] if fields[name] else []
        else:
            lines = fields[name].splitlines()
        for line in lines:
            yield name, line


def _holds_a_probe(folded, weights):
    return any(word[:3] in folded for word in weights)


def line_weight(line_words, weights):
    """The query weight a line holds: the weights of the distinct query words among its words."""
    return sum(weights[word] for word in set(line_words) & weights.keys())


def first_best(weighted):
    """best_line's choice among (field, line, weight) in its order, as (field, line): the first
    line of the most weight, a `Use when` line only when no other line holds any."""
    best, best_weight = None, 0.0
    for name, line, weight in weighted:
        if weight > best_weight + 1e-9 and (best is None or name != "use_when"):
            best, best_weight = (name, line), weight
    return best


def shown_line(chosen):
    """(field, line) as a hit shows it: "use when", the line stripped."""
    return None if chosen is None else (chosen[0].replace("_", " "), chosen[1].strip())


# -- the index in the cache file: what Corpus would work out, for every word at once -------------

INDEX_FORMAT = 1  # what index_data returns; a change gives new cache files, never a misread one
# The modules that make the index, beside the card files its code comes from.
INDEX_MADE_BY = tuple(os.path.join(PACKAGE_DIR, *name.split("/"))
                      for name in ("cache.py", "cards/search.py", "cards/source.py"))
_indexed = None  # (key, index_data) of the cards last searched through the index


def corpus_for(cards, code_of):
    """What rank scores `cards` on: an IndexedCorpus, from the cache file, for the cards the
    index read (index.Cards) with their code as read_snippet reads it; else a Corpus of
    code_of's text."""
    global _indexed
    try:
        key = index_key(cards) if code_of is read_snippet else None
    except OSError:  # a card's file is gone: read_snippet says so, as without a cache
        key = None
    if key is None:
        return Corpus(cards, code_of)
    if _indexed is None or _indexed[0] != key:
        _indexed = key, cache.cached("search", key, lambda: index_data(cards, code_of))
    return IndexedCorpus(cards, code_of, _indexed[1])


def index_key(cards):
    """Everything index_data(cards, read_snippet) is made from: the files the index read the
    cards from (their source_key), the card files read_snippet reads now and the modules that
    make the index, by path, size and modification time; None for cards the index did not read.
    Raises OSError for a file that is gone."""
    source_key = getattr(cards, "source_key", None)
    if source_key is None:
        return None
    paths = [snippet_path(card) for card in cards] + list(INDEX_MADE_BY)
    return (INDEX_FORMAT, sys.byteorder, source_key, cache.file_stats(paths))


def index_data(cards, code_of):
    """What IndexedCorpus reads, made by Corpus's own functions: the words, "\\n"-separated in
    one string; where each one is, packed (see _record); each card's field lengths, the mean
    lengths, each card's name words; the idf of a word on 0, 1, ... all the cards; and each
    card's number of code lines and the numbers of its lines that are not ASCII."""
    corpus = Corpus(cards, code_of)
    counted, lines = {}, {}  # word -> [(position, field, count)], [(position, line numbers)]
    line_facts = []  # per card: (its number of code lines, the numbers of its lines not ASCII)
    for position, texts in enumerate(corpus.texts):
        for field, name in enumerate(FIELDS):
            counts = Counter(words(texts[name]))
            if not texts[name].isascii():
                # Counting every word gives Corpus.field_count's counts where folding keeps a
                # token's letters together, as in ASCII text (tests/test_search_index.py proves
                # it on every word of every card); lower() can change other letters: there,
                # count each word as Corpus does.
                counts = {word: corpus.field_count(position, name, word) for word in counts}
            for word, count in counts.items():
                if count:
                    counted.setdefault(word, []).append((position, field, count))
        holding, not_ascii = {}, []
        for number, (_, line) in enumerate(field_lines(texts)):
            for word in set(words(line)):
                holding.setdefault(word, []).append(number)
            if not line.isascii():
                not_ascii.append(number)
        line_facts.append((len(texts["code"].splitlines()), tuple(not_ascii)))
        for word, numbers in holding.items():
            lines.setdefault(word, []).append((position, numbers))
    vocabulary = sorted(counted.keys() | lines.keys())
    records = [_record_bytes(_record(counted.get(word, ()), lines.get(word, ())))
               for word in vocabulary]
    starts = [0]
    for record in records:
        starts.append(starts[-1] + len(record))
    return ("\n" + "\n".join(vocabulary) + "\n", _packed(starts), b"".join(records),
            tuple(corpus.lengths), corpus.average,
            tuple(tuple(sorted(names)) for names in corpus.names),
            tuple(idf_of(count, len(corpus.cards)) for count in range(len(corpus.cards) + 1)),
            tuple(line_facts))


# Where a word is, as one run of numbers (its record): how many (card position, field, count)
# triples follow, the triples, then (card position, how many line numbers follow, the numbers in
# field_lines of the lines that hold it) for each card it is on. The records are bytes, one
# after another in one bytes object, found by their starts (packed in the machine's own order,
# which the cache key holds): marshal reads them back in one copy, and a search decodes only its
# own words' records.


def _record(counts, lines):
    record = [len(counts)]
    for triple in counts:
        record.extend(triple)
    for position, numbers in lines:
        record += [position, len(numbers), *numbers]
    return record


def _record_bytes(numbers):
    """A record as bytes: a number below 255 as its byte; a larger one as 255, its length in
    bytes, then its bytes. Nearly every number is below 255: half the bytes of 16-bit numbers."""
    data = bytearray()
    for number in numbers:
        if number < 255:
            data.append(number)
        else:
            size = (number.bit_length() + 7) // 8
            data += bytes((255, size)) + number.to_bytes(size, "big")
    return bytes(data)


def _record_numbers(data):
    """The numbers of a record's bytes (_record_bytes)."""
    if 255 not in data:
        return list(data)
    numbers, at = [], 0
    while at < len(data):
        if data[at] < 255:
            numbers.append(data[at])
            at += 1
        else:
            size = data[at + 1]
            numbers.append(int.from_bytes(data[at + 2:at + 2 + size], "big"))
            at += 2 + size
    return numbers


def _packed(numbers):
    """(type code, bytes) of the numbers in the narrowest of memoryview's unsigned types that
    holds them all."""
    from array import array

    largest = max(numbers, default=0)
    code = next(code for code in "HIQ" if largest < 1 << 8 * array(code).itemsize)
    return code, array(code, numbers).tobytes()


def _unpacked(packed):
    code, data = packed
    return memoryview(data).cast(code)


class IndexedCorpus(Statistics):
    """Corpus's statistics, read from index_data() instead of worked out from the cards' text:
    the same numbers, so the same hits. Only a hit's text is read (code_of), for its best line."""

    def __init__(self, cards, code_of, data):
        (self._vocabulary, starts, records, self.lengths, self.average, self.names, self._idf,
         self._line_facts) = data
        self._starts, self._records = _unpacked(starts), records
        self.cards = list(cards)
        self.code_of = code_of
        self._frequency = {}
        self._found = {}  # word -> ({position: {field: count}}, {position: line numbers})

    def found(self, word):
        """Where the stemmed `word` is, unpacked on first use: ({card position: {field: count}},
        {card position: the numbers of the lines that hold it})."""
        if word not in self._found:
            counts, lines = {}, {}
            at = self._vocabulary.find("\n" + word + "\n")
            if at >= 0:
                index = self._vocabulary.count("\n", 0, at)  # the words before it
                record = _record_numbers(
                    self._records[self._starts[index]:self._starts[index + 1]])
                end = 1 + 3 * record[0]
                for start in range(1, end, 3):
                    position, field, count = record[start:start + 3]
                    counts.setdefault(position, {})[FIELDS[field]] = count
                while end < len(record):
                    position, size = record[end:end + 2]
                    lines[position] = record[end + 2:end + 2 + size]
                    end += 2 + size
            self._found[word] = counts, lines
        return self._found[word]

    def field_count(self, position, name, word):
        """How often the stemmed `word` occurs in one field of a card."""
        return self.found(word)[0].get(position, {}).get(name, 0)

    def frequency(self, word):
        return len(self.found(word)[0])  # the cards with a count in some field

    def holding(self, words):
        """The positions of the cards that hold any of `words`, in order."""
        return sorted({position for word in words for position in self.found(word)[0]})

    def weighted_count(self, position, word, fields=FIELD_WEIGHTS):
        if position not in self.found(word)[0]:
            return 0.0  # what adding up its fields' counts, all 0, gives
        return super().weighted_count(position, word, fields)

    def idf(self, word):
        return self._idf[self.frequency(word)]  # idf_of, worked out when the index was made

    def best_line(self, position, weights):
        """best_line of a card, from the lines the index says hold a query word (a line that
        holds none weighs nothing and is never chosen), weighed by the words it says they hold:
        no line is split into words, and the card's file is read only for a code line to show.
        best_line skips a line without a query word's first three letters; an ASCII line that
        holds a query word has them (folding keeps a token's letters together, and the stemmer
        a word's first three), so only the lines that are not ASCII are looked at for them. The
        weights are added in another order than best_line's (a set's), which moves a sum by a
        rounding error at most, far below its 1e-9 tolerance."""
        held = {}  # line number -> the query words it holds
        for word in weights:
            for number in self.found(word)[1].get(position, ()):
                held.setdefault(number, []).append(word)
        if not held:
            return None
        code_lines, not_ascii = self._line_facts[position]
        lines = _CardLines(self.cards[position], self.code_of, code_lines)
        weighed = []
        for number in sorted(held):
            if number in not_ascii and not _holds_a_probe(_fold(lines.line(number)), weights):
                continue
            weighed.append((lines.field(number), number, sum(weights[word]
                                                             for word in held[number])))
        chosen = first_best(weighed)
        return None if chosen is None else shown_line((chosen[0], lines.line(chosen[1])))


class _CardLines:
    """A card's lines as field_lines numbers them, the code's read from its file only when one
    of them is asked for: the note's, the pitfalls' and the `Use when` line are the card's."""

    def __init__(self, card, code_of, code_lines):
        self.card, self.code_of, self.code_lines = card, code_of, code_lines
        self.own = list(field_lines(card_fields(card, "")))  # every line but the code's
        self.first_code = len([name for name, _ in self.own if name != "use_when"])
        self.code = None

    def field(self, number):
        if self.first_code <= number < self.first_code + self.code_lines:
            return "code"
        return self.own[self._own_number(number)][0]

    def line(self, number):
        if self.field(number) != "code":
            return self.own[self._own_number(number)][1]
        if self.code is None:
            self.code = card_fields(self.card, self.code_of(self.card))["code"].splitlines()
        return self.code[number - self.first_code]

    def _own_number(self, number):
        return number if number < self.first_code else number - self.code_lines
