"""Search answered from its cache file is search as it was (issue 32).

rank() answers the index's own cards from a word index in a cache file (search.IndexedCorpus)
and any other cards, or code from any other code_of, from the cards' text (search.Corpus, what
every search did before). These tests hold the two to the same hits, to the last digit of the
score and the line shown; hold the index to its files (an edited card file is seen at the next
search); hold the splitters written by hand to the regular expressions they stand for; and hold
explain's quick answer for search (looks_like_error) to the whole match it stands in for.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheatsheet.cards import index, search, source
from cheatsheet.cards.search import rank, words
from cheatsheet.cards.source import SNIPPETS_DIR, read_snippet
from cheatsheet.explain import explain, fold, key_words, looks_like_error, template_key_words
from cheatsheet.explain.entries import ENTRIES

from .conftest import REPO
from .explain_pastes import NOT_KERAS, RELEVANCE
from .test_search import questions


def from_text(card):
    """The card's file as read_snippet reads it, by another function: rank takes the slow way,
    a Corpus of the cards' text, as every search did before the index."""
    return read_snippet(card)


def answers(hits):
    return [(hit.card, hit.score, hit.words, hit.fields, hit.line) for hit in hits]


def assert_same_answers(query, cards, corpus=None):
    """The index's hits for `query` are the hits from the cards' text: from a Corpus made for
    this query, or from `corpus`, one made before for these cards (a Corpus only remembers what
    it works out, so one serves many queries, and the many tests take seconds, not minutes)."""
    indexed = search.corpus_for(cards, read_snippet)
    assert isinstance(indexed, search.IndexedCorpus), "the index was not used"
    if corpus is None:
        from_cards_text = rank(query, cards, from_text)
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search, "corpus_for", lambda *_: corpus)
            from_cards_text = rank(query, cards, from_text)
    assert answers(rank(query, cards, read_snippet)) == answers(from_cards_text), query


def queries_of_test_search():
    """The queries tests/test_search.py asks (the first argument of its topics() and rank())."""
    tree = ast.parse(Path(__file__).with_name("test_search.py").read_text(encoding="utf-8"))
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("topics", "rank")
            and node.args and isinstance(node.args[0], ast.Constant)]


QUERIES = sorted(
    {question for question, _ in questions()}
    | set(queries_of_test_search())
    | {"98% accuracy but the network always predicts the same class", "multi-class labels",
       "multi class labels", "Multiclass LABELS", "how do I prevent overfitting", "softmax",
       "dropout_rate", "BatchNormalization", "HTTPServer k-means", "don't", "1e-4 0.5 95%", "",
       "the", "xyzzy", "lr", "Conv2D filters", "why is my loss nan"}
    | {name for card in index.CARDS for name in (card.topic, card.title, *card.aliases)})


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A cache folder of the test's own, and the index's and search's state put back after it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(index, "_loaded", None)
    monkeypatch.setattr(index, "_extras", None)
    monkeypatch.setattr(search, "_indexed", None)
    return tmp_path / "cache" / "keras-cheatsheet"


# -- the index answers as the cards' text does -----------------------------------------------------

def test_every_question_gets_the_same_hits_from_the_index_as_from_the_text(cache_home):
    assert len(QUERIES) > 300
    corpus = search.Corpus(index.CARDS, from_text)
    for query in QUERIES:
        assert_same_answers(query, index.CARDS, corpus)
    assert {path.name for path in cache_home.iterdir()} >= {"search-0.1.0.marshal"}


def test_cards_the_index_did_not_read_are_searched_from_their_text(cache_home):
    cards = list(index.CARDS)  # the same cards, but not the index's tuple
    assert isinstance(search.corpus_for(cards, read_snippet), search.Corpus)
    assert isinstance(search.corpus_for(index.CARDS, from_text), search.Corpus)
    assert answers(rank("prevent overfitting", cards, read_snippet)) == \
        answers(rank("prevent overfitting", index.CARDS, read_snippet))


# Words a learner could type: the cards' own tokens, stop words, numbers, and other text.
CARD_TOKENS = sorted({token for card in index.CARDS
                      for token in search.split_words(read_snippet(card))})
TYPED = st.one_of(st.sampled_from(CARD_TOKENS), st.sampled_from(sorted(search.STOP_WORDS)),
                  st.sampled_from(["95%", "1e-4", "0.5", "3e-9", "k-means", "multi-class",
                                   "Multi_Class", "don't", "ReLU's", "Σoftmax", "naïve"]),
                  st.text(max_size=12))


CORPUS = search.Corpus(index.CARDS, from_text)  # the cards' text, for every example


@settings(max_examples=300, deadline=None)
@given(st.lists(TYPED, min_size=1, max_size=6))
def test_any_words_get_the_same_hits_from_the_index_as_from_the_text(typed):
    assert_same_answers(" ".join(typed), index.CARDS, CORPUS)


def test_the_index_counts_every_word_of_every_card_as_the_text_does(cache_home):
    # The index counts every word of a field at once (index_data); Corpus counts a word in the
    # tokens that hold its first letters. Equal for every word of every field of every card:
    indexed = search.corpus_for(index.CARDS, read_snippet)
    corpus = search.Corpus(index.CARDS, read_snippet)
    for position, texts in enumerate(corpus.texts):
        for name, text in texts.items():
            for word in set(words(text)) | {"nosuchword", "overfit"}:
                assert indexed.field_count(position, name, word) == \
                    corpus.field_count(position, name, word), (position, name, word)
        for number, (_, line) in enumerate(search.field_lines(texts)):
            for word in set(words(line)):
                assert number in indexed.found(word)[1][position], (position, number, word)


NOT_ASCII = (
    "Naïve Straße: ΣΟΦΙΑ and σοφία, İstanbul's dotted İ, a Kelvin sign \u212a, the ﬁ ligature, "
    "ＦＵＬＬＷＩＤＴＨ letters and ½ or ² digits. Softmax over rows — a line apart. "
    "Over\u00a0fitting, then OVERFİTTİNG.")


@pytest.fixture
def cards_copy(tmp_path, monkeypatch):
    """A copy of the card files that read_snippet reads, as the index reads them."""
    copy = tmp_path / "snippets"
    shutil.copytree(SNIPPETS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(source, "SNIPPETS_DIR", str(copy))
    return copy


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    before = os.stat(path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))


def test_text_that_lower_case_changes_gets_the_same_hits(cache_home, cards_copy):
    # Outside ASCII, lower() can change a text's letters and length, so the index counts those
    # fields, and weighs those lines, the way Corpus does.
    edit(cards_copy / "activations.py", "Without a non-linearity",
         f"{NOT_ASCII} Without a non-linearity")
    # In the code, a line separator too: splitlines() splits there, split("\\n") does not.
    comment = NOT_ASCII.replace(" over ", " over\u2028")
    edit(cards_copy / "activations.py", "def softmax(", f"# {comment}\n\n\ndef softmax(")
    # "naïve" gives the word "nav" (its ASCII letters joined), but not nav's first letters, so
    # best_line passes over the note's sentence for this comment's "nave".
    edit(cards_copy / "activations.py", "def relu(", "# The nave of a church.\ndef relu(")
    edit(cards_copy / "dropout.py", "## Pitfalls\n\n", f"## Pitfalls\n\n- {NOT_ASCII}\n")
    cards = index.cached(str(cards_copy))[0]
    for query in ("naive strasse", "naïve straße", "σοφία", "ΣΟΦΙΑ", "istanbul", "İstanbul",
                  "kelvin \u212a", "k", "fi ligature", "ﬁ", "fullwidth", "ＦＵＬＬＷＩＤＴＨ",
                  "½ ²", "softmax over rows", "over fitting", "overfitting", "OVERFİTTİNG",
                  "line apart", "nave", "naive nave"):
        assert_same_answers(query, cards)


# -- the index follows its files -----------------------------------------------------------------

def counting_builds(monkeypatch):
    built = []
    real = search.index_data

    def index_data(*args):
        built.append(1)
        return real(*args)

    monkeypatch.setattr(search, "index_data", index_data)
    return built


@pytest.mark.parametrize("change", ["same size", "longer", "code only"])
def test_an_edited_card_file_is_seen_at_the_next_search(cache_home, cards_copy, monkeypatch,
                                                        change):
    built = counting_builds(monkeypatch)
    cards = index.cached(str(cards_copy))[0]
    query = "numerically stable softmax" if change != "code only" else "subtract the maximum"
    assert_same_answers(query, cards)
    assert built == [1]
    monkeypatch.setattr(search, "_indexed", None)  # a fresh process: read from the file
    assert_same_answers(query, cards)
    assert built == [1]
    path = cards_copy / "activations.py"
    if change == "same size":  # only the modification time tells
        edit(path, "numerically stable", "numerically stab1e")
    elif change == "longer":
        edit(path, "Use when: ", "Use when: softmax, subtract the maximum, ")
    else:  # the card's code, after the index read the cards: the cards stay as they were
        edit(path, "def softmax(", "# Subtract the maximum, subtract the maximum.\n"
                                   "def softmax(")
    if change != "code only":
        cards = index.cached(str(cards_copy))[0]
    assert_same_answers(query, cards)
    assert built == [1, 1]


def test_a_corrupt_or_foreign_search_cache_is_rebuilt(cache_home, monkeypatch):
    rank("softmax", index.CARDS, read_snippet)
    path = cache_home / "search-0.1.0.marshal"
    for damage in (b"", b"garbage", path.read_bytes()[:1000]):
        path.write_bytes(damage)
        monkeypatch.setattr(search, "_indexed", None)
        assert_same_answers("numerically stable softmax", index.CARDS)


def test_a_search_answered_from_the_cache_file_imports_no_re():
    # `import re` costs a search as much as the rest of its work from the cache file; explain's
    # patterns too. One run fills the cache files, the next must not need either.
    probe = ("import sys\nfrom cheatsheet.cli import main\n"
             "main(['search', 'how', 'do', 'I', 'prevent', 'overfitting'])\n"
             "print(sorted({'re', 'cheatsheet.explain.matching'} & set(sys.modules)))\n")
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# -- the splitters written by hand are the regular expressions -------------------------------------

# Text where the patterns' edges are: word characters of every kind, separators, the characters
# that start a sentence, whitespace of every kind, and letters lower() changes.
EDGES = ("aZ09_-'`(.!? \t\n\r\x0b\x0c\x1c\x85\xa0\u2028éÉßİıΣσςﬁ½²٣\u0301—"
         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
TEXT = st.one_of(st.text(alphabet=EDGES, max_size=40), st.text(max_size=40))


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_split_words_is_findall_of_word(text):
    assert search.split_words(text) == re.findall(search.WORD, text)


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_split_pieces_camel_parts_and_is_number_are_their_patterns(text):
    assert search.split_pieces(text) == re.split(search.SEPARATOR, text)
    assert search.camel_parts(text) == re.findall(search.CAMEL, text)
    lowered = text.lower()
    assert search.is_number(lowered) == bool(re.fullmatch(search.NUMBER, lowered))


@settings(max_examples=1000, deadline=None)
@given(st.one_of(TEXT, st.text(alphabet=".!? \n\u2028`'(Aa", max_size=20)))
def test_split_sentences_is_split_at_sentence_break(text):
    assert search.split_sentences(text) == re.split(search.SENTENCE_BREAK, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "95", "0.5", "1e-4", "e", "-", "+", ".", "12a", "x"]),
                max_size=4).map("".join))
def test_is_number_on_the_numbers_a_learner_types(token):
    assert search.is_number(token) == bool(re.fullmatch(search.NUMBER, token))


def test_the_splitters_split_every_card_as_the_patterns_do():
    for card in index.CARDS:
        text = read_snippet(card)
        tokens = search.split_words(text)
        assert tokens == re.findall(search.WORD, text)
        for token in set(tokens):
            pieces = search.split_pieces(token)
            assert pieces == re.split(search.SEPARATOR, token)
            assert [search.camel_parts(piece) for piece in pieces] == \
                [re.findall(search.CAMEL, piece) for piece in pieces]
        assert search.split_sentences(card.note) == re.split(search.SENTENCE_BREAK, card.note)


# -- explain's quick answer for search -------------------------------------------------------------

def matches_whole(text):
    """What looks_like_error answered before it had a quick way: a match of score 1.0."""
    return any(match.score >= 1.0 for match in explain(text))


TEMPLATES = [template for entry in ENTRIES for template in entry.templates]
PASTES = [paste for _, paste in RELEVANCE] + list(NOT_KERAS)


def test_looks_like_error_answers_every_paste_and_template_as_explain_does():
    assert len(PASTES) > 80
    filled = [template.replace("{}", "x") for template in TEMPLATES]
    for text in PASTES + filled + [paste[len(paste) // 2:] for paste in PASTES] + QUERIES:
        assert looks_like_error(text) == matches_whole(text), text
    assert all(looks_like_error(text) for text in filled)


def test_a_colour_code_inside_a_key_word_is_no_rejection():
    # Cleaning drops ANSI colour codes, which joins the letters on either side: a key word cut
    # by one is whole again in the cleaned text. Every such code holds a `[`.
    for template in TEMPLATES:
        text = fold(template.replace("{}", "x"))
        word = next(word for word in key_words() if word in text)
        middle = len(word) // 2
        for code in ("\x1b[1;31m", "[0m"):
            cut = text.replace(word, word[:middle] + code + word[middle:], 1)
            assert looks_like_error(cut) == matches_whole(cut) is True, cut


def template_pieces():
    """A template cut somewhere, its placeholders filled with names, shapes or nothing."""
    return st.builds(lambda template, fill, start, end: template.replace("{}", fill)[start:end],
                     st.sampled_from(TEMPLATES),
                     st.sampled_from(["", "x", "(None, 10)", "'dense_1'", "\x1b[1m", "[", "\n"]),
                     st.integers(0, 30), st.one_of(st.none(), st.integers(-30, -1)))


PASTE_BITS = st.one_of(
    template_pieces(), st.sampled_from(TEMPLATES), st.sampled_from(CARD_TOKENS),
    st.sampled_from(['  File "/x/lab.py", line 3, in <module>', "    model.fit(x, y)",
                     "Traceback (most recent call last):", "\x1b[0m", "\x1b[1;31m", "[0m", "[",
                     "ValueError:", "W0000 00:00:1.000000 1 op.cc:1] ", "`", '"', "\u2019",
                     "Exception encountered when calling Dense.call().", "\r\n", "\n", " "]),
    st.text(max_size=10))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PASTE_BITS, min_size=1, max_size=6).map("".join))
def test_looks_like_error_is_a_whole_match_on_any_text(text):
    assert looks_like_error(text) == matches_whole(text)


def test_key_words_are_cached_and_follow_the_templates(cache_home):
    assert key_words() == template_key_words()
    assert (cache_home / "explain-0.1.0.marshal").exists()
    assert key_words() == template_key_words()  # read back
    for template in TEMPLATES:  # every template has one of them in its literal text
        literal = fold(template).split("{}")
        assert any(word in part for word in key_words() for part in literal), template


def test_key_word_rejection_needs_no_patterns():
    probe = ("import sys\nfrom cheatsheet.explain import looks_like_error\n"
             "print(looks_like_error('how do I prevent overfitting'),"
             " sorted({'re', 'cheatsheet.explain.matching', 'cheatsheet.explain.entries'}"
             " & set(sys.modules)))\n")
    for _ in range(2):  # the first may fill the cache file
        result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                                text=True, timeout=60)
    assert result.stdout.strip() == "False []", result.stderr
