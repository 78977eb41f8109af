"""Search that answers a learner's question: BM25F over a card's fields, words not substrings.

A query is folded to words the way the cards are: case, `-` and `_` folded ("multi-class" is
"multi class" and "multiclass"), camelCase split (BatchNormalization is "batch normalization"),
a light hand-written stemmer (overfitting/overfit, normalise/normalize, optimiser/optimizer) and
question and stop words dropped ("how do I", "what is", "why does my"). A card need not hold
every word: the cards that hold the most of the query's weight rank first, and when no card holds
enough of it, search answers nothing rather than a weak hit. A card's head (names, description,
`Use when`) outweighs its note and pitfalls, which outweigh its code (issue 35). Pure Python,
standard library only.
"""

import math
import re
from collections import Counter

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

_WORD = re.compile(r"\w+(?:[-']\w+)*")
_NUMBER = re.compile(r"[0-9.e+-]*[0-9][0-9.e+-]*")  # 95, 0.5, 1e-4 as the query splits them
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
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
    for token in _WORD.findall(text):
        found.extend(token_words(token))
    return found


def token_words(token):
    """The words of one token, worked out once: code repeats its names."""
    known = _token_words.get(token)
    if known is None:
        parts = [part for piece in re.split(r"[-_']", token) for part in _CAMEL.findall(piece)]
        lowered = [part.lower() for part in parts]
        known = [stem(part) for part in lowered if len(part) > 1]
        if len(lowered) > 1:
            known.append(stem("".join(lowered)))
        _token_words[token] = known
    return known


def query_words(query):
    """The words of a query that carry meaning, without question and stop words: [(as typed,
    stemmed whole, [stemmed parts])], each once, and the joins of two neighbours ("multi class"
    also looks for "multiclass"). `k-means` is held only by a card with "kmeans" or with every
    part, and a one-letter part is never held, so `k-means` is not "means"."""
    groups = []
    for token in _WORD.findall(query):
        pieces = [part.lower() for piece in re.split(r"[-_']", token)
                  for part in _CAMEL.findall(piece)]
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


class Corpus:
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
        # per card: {field: folded text}; a field is split into tokens only once a query word's
        # first letters are in it. Its length, for BM25's damping, is its number of characters.
        self.folded = [{name: _fold(text) for name, text in texts.items()} for texts in self.texts]
        self._tokens = {}  # (position, field, probe) -> {folded token: [(token, count)]}
        self.average = {name: max(sum(len(texts[name]) for texts in self.texts)
                                  / max(len(self.cards), 1), 1.0) for name in FIELD_WEIGHTS}
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
            tallied = Counter(_WORD.findall("\n".join(
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

    def frequency(self, word):
        """How many cards hold the stemmed `word`, in any field."""
        if word not in self._frequency:
            self._frequency[word] = sum(
                any(self.field_count(position, name, word) for name in FIELD_WEIGHTS)
                for position in range(len(self.cards)))
        return self._frequency[word]

    def idf(self, word):
        """BM25's idf: near 0 for a word on every card; a word on no card weighs the most."""
        count, total = self.frequency(word), len(self.cards)
        return math.log(1 + (total - count + 0.5) / (count + 0.5))

    def weighted_count(self, position, word, fields=FIELD_WEIGHTS):
        """BM25F's pseudo-frequency over `fields`: the word's count in each, weighted and
        length-damped."""
        total = 0.0
        for name in fields:
            weight = FIELD_WEIGHTS[name]
            count = self.field_count(position, name, word)
            if count:
                length = len(self.texts[position][name])
                total += weight * count / ((1 - B) + B * length / self.average[name])
        return total


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
    corpus = Corpus(cards, code_of) if groups else None
    # A number no card holds is a value from the learner's run ("95% accuracy", "1e-4"), not a
    # topic: it would weigh the most of all the query's words and shut every card out.
    groups = [group for group in groups
              if not _NUMBER.fullmatch(group[0]) or corpus.frequency(group[1])]
    if not groups:
        return []
    terms = []
    for _, whole, parts in groups:
        terms.extend(term for term in (whole, *parts, *joins) if term and term not in terms)
    weights = {whole: corpus.idf(whole) for _, whole, _ in groups}
    total_weight = sum(weights.values())
    scored = []
    for position in range(len(corpus.cards)):
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
                        best_line(corpus.texts[position], line_weights)))
    return hits


def best_line(fields, weights):
    """(field, text) of the note sentence, pitfall or code line holding the most query weight,
    or else the card's `Use when` line, or None. Ties go to the note, then the pitfalls."""
    best, best_weight = None, 0.0
    for name in ("note", "pitfalls", "code", "use_when"):
        if name == "note":
            lines = re.split(r"(?<=[.!?])\s+(?=[A-Z`'(])", fields[name])
        elif name == "use_when":
            lines = [fields[name]] if fields[name] else []
        else:
            lines = fields[name].splitlines()
        for line in lines:
            folded = _fold(line)
            if not any(word[:3] in folded for word in weights):
                continue  # cannot hold a query word: no need to split it into words
            weight = sum(weights[word] for word in set(words(line)) & weights.keys())
            if weight > best_weight + 1e-9 and (best is None or name != "use_when"):
                best, best_weight = (name.replace("_", " "), line.strip()), weight
    return best
