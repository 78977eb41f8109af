"""Search as a learner uses it: questions in their words, measured on a question set kept in the
repository (tests/search_questions.tsv, written before the ranker was tuned)."""

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cheatsheet.cards import index
from cheatsheet.cards.cardfile import parse
from cheatsheet.cards.search import Corpus, query_words, rank, stem, words
from cheatsheet.cards.source import read_snippet

QUESTIONS = Path(__file__).with_name("search_questions.tsv")
TOP_1, TOP_3 = 0.90, 0.95
FRESH = "# Issue 35"  # from here on, questions written from learners' public questions


def questions():
    """[(question, [acceptable topics])]; `none` lines give an empty list."""
    rows = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, answers = line.split("\t")
            rows.append((question, [] if answers == "none" else answers.split()))
    return rows


def fresh_questions():
    """[(source comment, question, [acceptable topics])] of the questions written from learners'
    public questions (issue 35), each under the comment that names where it came from."""
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    rows, source = [], None
    for line in lines[lines.index(next(line for line in lines if line.startswith(FRESH))):]:
        if line.startswith("#"):
            source = line
        elif line.strip():
            question, answers = line.split("\t")
            rows.append((source, question, [] if answers == "none" else answers.split()))
            source = None
    return rows


def topics(query):
    return [hit.card.topic for hit in rank(query, index.CARDS, read_snippet)]


def relevance(rows=None):
    """(top-1 rate, top-3 rate, [miss lines]) over the answerable questions (of `rows`, or of
    the whole set)."""
    answerable = [(question, good) for question, good in (rows or questions()) if good]
    top_1 = top_3 = 0
    misses = []
    for question, good in answerable:
        found = topics(question)
        top_1 += bool(found) and found[0] in good
        top_3 += any(topic in good for topic in found[:3])
        if not found or found[0] not in good:
            misses.append(f"{question!r}: got {found[:3]}, want one of {good}")
    return top_1 / len(answerable), top_3 / len(answerable), misses


def test_question_set_is_large_and_names_real_cards():
    rows = questions()
    assert len([row for row in rows if row[1]]) >= 80
    assert len([row for row in rows if not row[1]]) >= 5
    known = {card.topic for card in index.CARDS}
    assert all(set(good) <= known for _, good in rows)


def test_relevance_on_the_question_set():
    top_1, top_3, misses = relevance()
    fresh_1, fresh_3, _ = relevance([(question, good) for _, question, good in fresh_questions()])
    print(f"\nsearch relevance: top-1 {top_1:.1%}, top-3 {top_3:.1%} (fresh questions of issue "
          f"35: top-1 {fresh_1:.1%}, top-3 {fresh_3:.1%}); misses:\n  " + "\n  ".join(misses))
    assert top_3 >= TOP_3 and top_1 >= TOP_1, "\n".join(misses)


def test_fresh_questions_name_their_source():
    # Written from learners' public questions before tuning, each under the thread it came from.
    rows = fresh_questions()
    assert len(rows) >= 60 and len([row for row in rows if not row[2]]) >= 3
    for source, question, _ in rows:
        assert source and ("http" in source or "issue 35" in source), question


def test_a_cards_head_outranks_words_in_other_cards_code():
    # Issue 35: cnn's demo and residual's note use CosineDecay; lr-schedule is the card about it.
    assert topics("cosine decay")[0] == "lr-schedule"
    # "during" was on callbacks alone and outweighed "dropout"; filler words no longer count.
    assert topics("random dropout of units during training")[0] == "dropout"


def test_a_symptom_finds_the_cards_that_treat_it():
    found = topics("why is my validation loss going up")
    assert found and found[0] in ("early-stopping", "diagnostics", "dropout"), found
    assert {"early-stopping", "diagnostics"} <= set(found[:3])


def test_a_number_no_card_holds_is_a_value_not_a_topic():
    question = "98% accuracy but the network always predicts the same class"
    assert topics(question) == topics(question.replace("98% ", ""))
    assert "class-imbalance" in topics(question)[:3]
    assert topics("discriminator loss drops to 3e-9") == topics("discriminator loss drops")


@pytest.mark.parametrize("question", [q for q, good in questions() if not good])
def test_a_question_no_card_answers_gets_no_hit(cli, question):
    assert topics(question) == []
    result = cli("search", *question.split())
    assert result.status == 1 and result.out == ""
    assert result.err.startswith(f"Error: no card answers {question!r}")


@pytest.mark.parametrize("forms", [("overfit", "overfitting", "overfitted", "overfits"),
                                   ("normalise", "normalize", "normalized", "normalization"),
                                   ("optimiser", "optimizer", "optimizers"),
                                   ("class", "classes"), ("stop", "stopping", "stops")])
def test_stemming_folds_the_forms_of_a_word(forms):
    assert len({stem(form) for form in forms}) == 1, [stem(form) for form in forms]


def test_different_words_stay_apart():
    assert len({stem(word) for word in ("tensor", "tensorflow", "loss", "lose", "drop")}) == 5


def test_hyphens_underscores_and_case_are_folded():
    assert "multiclass" in words("Multi-class") and "multiclass" in words("multi_class")
    assert set(words("batch normalization")) < set(words("BatchNormalization"))
    found = {query: topics(query) for query in ("multi-class labels", "multi class labels",
                                                "Multiclass LABELS")}
    assert {hits[0] for hits in found.values()} == {"losses"}


def test_question_and_stop_words_are_ignored():
    assert query_words("how do I prevent overfitting")[0] == query_words("overfitting")[0]
    assert topics("why does my model overfit") == topics("model overfit")


def test_words_match_whole_words_not_substrings():
    # "tensor" is inside "TensorFlow" on most cards; only cards with the word itself count.
    for hit in rank("tensor", index.CARDS, read_snippet):
        assert "tensor" in words(read_snippet(hit.card)), hit.card.topic
    assert topics("what is a tensor")[0] == "basics"


def test_a_card_need_not_hold_every_word():
    hits = rank("dropout inference patience", index.CARDS, read_snippet)
    assert hits[0].card.topic == "dropout" and hits[0].words == ["dropout", "inference"]


def test_cards_name_the_problems_they_answer():
    assert topics("overfitting")[:4] and {"dropout", "weight-regularization"} <= set(
        topics("overfitting")[:3] + topics("overfitting")[3:4])
    assert "lstm" in topics("time series")[:2]
    for path in index.card_files():
        card = parse(path)
        assert card["Use when"], f"{path}: a card names the problems it answers"


def test_each_hit_says_why(cli):
    hits = json.loads(cli("search", "prevent", "overfitting", "--json").out)
    for hit in hits:
        assert hit["words"] == ["overfitting"]
        assert hit["line"]["field"] in ("note", "pitfalls", "code", "use when")
        text = read_snippet(index.find(hit["topic"]))
        assert " ".join(hit["line"]["text"].split()) in " ".join(text.split())
    plain = cli("search", "loss", "not", "decreasing").out.splitlines()
    assert plain[0].startswith("diagnostics") and "[loss, decreasing]" in plain[0]
    assert plain[1].startswith("    note: ")


@pytest.mark.parametrize("typed", ["early_stopping", "Early Stopping", "EARLY-STOPPING",
                                   "earlystopping"])
def test_show_resolves_what_people_type(cli, typed):
    assert cli("show", typed).out == cli("show", "early-stopping").out


def test_show_resolves_batch_norm_and_lr(cli):
    assert cli("show", "batch_norm").out.startswith("Batch normalization  (batch-norm)")
    assert cli("show", "lr").out.startswith("Learning-rate schedule  (lr-schedule)")


def test_show_of_a_problem_names_the_cards_about_it(cli):
    result = cli("show", "overfitting")
    assert result.status == 1 and result.out == ""
    about = result.err.removeprefix("Error: no card named 'overfitting'; cards about it: ")
    assert about != result.err
    assert {"dropout", "weight-regularization"} <= set(about.strip().split(", "))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
def test_the_stemmer_keeps_a_words_first_three_letters(word):
    # The corpus looks for a query word only in tokens that hold its first three letters.
    assert stem(word)[:3] == word[:3] or stem(word) == word[:len(stem(word))]


def test_counting_only_the_querys_words_equals_counting_every_word():
    corpus = Corpus(index.CARDS, read_snippet)
    for position, texts in enumerate(corpus.texts):
        for name, text in texts.items():
            counted = Counter(words(text))
            for word in list(counted)[:40] + ["overfit", "sery", "normaliz", "nosuchword"]:
                assert corpus.field_count(position, name, word) == counted[word], (name, word)
