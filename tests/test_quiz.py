"""The quiz and its Anki deck, without TensorFlow: questions well formed, gaps that restore the
tested code, original lines quoted verbatim, seeds, answers, streams and every bad input.
tests/cards/test_quiz_answers.py checks each answer against Keras and NumPy."""

import io
import json
import os
import re
import sqlite3
import sys
import zipfile
from collections import Counter

import pytest

from cheatsheet import quiz
from cheatsheet.cards import index
from cheatsheet.cards.source import SnippetSource
from cheatsheet.quiz.original import CNN_BLOCK, SPOTS
from tests import original

from .conftest import REPO, heavy_imports_after, run_python

SEED_SHEET = REPO.parent / "shared" / "seed" / "deep-learning-cheatsheet.txt"
ALL = quiz.questions()


def test_every_kind_has_questions_and_every_id_is_unique():
    kinds = Counter(question.kind for question in ALL)
    assert set(kinds) == set(quiz.KINDS), kinds
    assert kinds["spot-the-bug"] == len(SPOTS)
    assert len({question.id for question in ALL}) == len(ALL)
    for question in ALL:
        assert question.id.startswith(f"{question.kind}:{question.topic}:")
        assert index.find(question.topic) is not None and question.prompt and question.answer


def test_choice_questions_have_four_different_options_one_of_them_the_answer():
    for question in ALL:
        if question.kind in ("spot-the-bug", "choose"):
            assert len(set(question.choices)) == 4, question.id
            assert question.choices.count(question.answer) == 1
        else:
            assert question.choices == ()


@pytest.mark.parametrize("spot", SPOTS, ids=lambda spot: f"{spot.topic}-{spot.family}")
def test_original_lines_are_verbatim_and_name_one_pitfall(spot):
    assert spot.code in original.source(spot.topic.replace("-", "_"))
    card = index.find(spot.topic)
    assert sum(spot.pitfall in pitfall for pitfall in card.pitfalls) == 1


def test_original_lines_are_verbatim_in_the_sheet_itself():
    if not SEED_SHEET.exists():
        pytest.skip(f"{SEED_SHEET} is not here")
    sheet = SEED_SHEET.read_text(encoding="utf-8").replace("\u00a0", " ")
    for code in [spot.code for spot in SPOTS] + [CNN_BLOCK]:
        assert code in sheet, code


def test_spot_the_bug_answers_say_what_happens_and_wrong_options_are_about_the_same_code():
    for spot in SPOTS:
        # what actually happens, by name: the exception or warning, or that there is none
        assert re.match(r"(\w+(Error|Warning)\b|No error)", spot.answer), spot.answer
        assert not spot.answer.endswith("...")  # never a cut sentence
        keys = [key for key, _ in spot.wrong]
        assert len(keys) == len(set(keys)) == 3, spot  # each one disproved by its key
    for question in ALL:
        if question.kind == "spot-the-bug":
            spot = next(spot for spot in SPOTS if question.id.endswith(
                f"{spot.topic}:{spot.family.replace(' ', '-')}"))
            assert set(question.choices) == {spot.answer, *(text for _, text in spot.wrong)}
            assert question.why == quiz.pitfall_of(index.find(spot.topic), spot.pitfall)


def test_the_cut_answers_named_in_issue_31_keep_their_failure():
    answers = {question.id: question.answer for question in ALL}
    assert answers["spot-the-bug:cnn:input_shape"].startswith(
        "UserWarning: Do not pass an `input_shape`/`input_dim` argument to a layer")
    assert answers["spot-the-bug:lr-schedule:schedule-owns-the-rate"].startswith("TypeError")


def test_fill_the_gap_answer_restores_the_exact_tested_code():
    gaps = [question for question in ALL if question.kind == "fill-the-gap"]
    assert {"fill-the-gap:early-stopping:restore_best_weights", "fill-the-gap:text:key_dim",
            "fill-the-gap:early-stopping:monitor"} <= {question.id for question in gaps}
    for question in gaps:
        card = index.find(question.topic)
        code = SnippetSource.of(card).copy_ready(card.functions)
        assert question.code.count(quiz.GAP) == 1
        assert question.code.replace(quiz.GAP, question.answer) in code, question.id
        assert quiz.GAP not in code


def test_every_card_has_a_gap_and_gaps_are_not_all_activations():
    gaps = [question for question in ALL if question.kind == "fill-the-gap"]
    assert {question.topic for question in gaps} == {card.topic for card in index.CARDS}
    keys = Counter(question.id.split(":")[2] for question in gaps)
    assert keys["activation"] + keys["padding"] <= len(gaps) // 8, keys
    assert {"class_weight", "mask_zero", "save_best_only", "restore_best_weights",
            "negative_slope", "trainable", "batch-norm", "zero_grad"} <= set(keys)


def comments_and_docstrings(code):
    """The comments and the triple-quoted strings of a piece of code (an excerpt may not
    tokenize: then every '#' to the end of its line)."""
    import tokenize

    try:
        return [token.string for token in tokenize.generate_tokens(io.StringIO(code).readline)
                if token.type == tokenize.COMMENT or (token.type == tokenize.STRING and
                                                      token.string[:3] in ('"' * 3, "'" * 3))]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [line[line.index("#"):] for line in code.splitlines() if "#" in line]


def test_no_gap_shows_its_answer_on_its_line_or_in_a_comment_around_it():
    for question in ALL:
        if question.kind != "fill-the-gap":
            continue
        answer = re.compile(r"(?<![\w.])" + re.escape(question.answer.strip("'\"")) + r"(?!\w)")
        line = next(line for line in question.code.splitlines() if quiz.GAP in line)
        assert not answer.search(line.replace(quiz.GAP, "")), question.id
        for text in comments_and_docstrings(question.code):
            assert not answer.search(text), (question.id, text)


def test_a_gap_whose_code_changed_is_an_error_naming_the_card(monkeypatch):
    monkeypatch.setattr(quiz, "GAPS", (("cnn", "pooling", "keras.layers.___((3, 3)),",
                                        "MaxPooling2D", "a pooling layer"),))
    with pytest.raises(quiz.GapDrift, match="card cnn: .* no longer in its code"):
        quiz.questions([index.find("cnn")])


def words(text):
    return set(re.findall(r"[a-z0-9_]+", text.lower()))


def test_a_shared_words_baseline_scores_at_most_40_percent_on_multiple_choice():
    """Pick the option sharing most words with the question and its code (a tie shares the
    point): a quiz this guesses well tests reading, not knowing. Chance is 25%."""
    asked = [question for question in ALL if question.choices]
    score = 0.0
    for question in asked:
        context = words(question.prompt + " " + question.code)
        shared = {choice: len(words(choice) & context) for choice in question.choices}
        best = [choice for choice in question.choices if shared[choice] == max(shared.values())]
        score += (question.answer in best) / len(best)
    assert score / len(asked) <= 0.40, f"{score:.1f} of {len(asked)}"


def test_predict_answers_are_read_from_notes_or_computed():
    answers = {question.id: question.answer for question in ALL if question.kind == "predict"}
    assert answers["predict:cnn:params"] == "121,930"
    assert answers["predict:cnn:flatten-width"] == "1,600"  # 5 * 5 * 64, computed
    assert quiz.cnn_flatten_width(CNN_BLOCK.replace("(28, 28, 1)", "(32, 32, 1)")) == 6 * 6 * 64
    for question in ALL:
        if question.kind == "predict":
            assert quiz.as_number(question.answer) is not None


def test_a_missing_figure_in_a_note_is_an_error_not_a_wrong_answer():
    with pytest.raises(quiz.QuizError, match="no match"):
        quiz.number_in("no numbers here", r"has ([\d,]+) parameters", "cnn note")


def test_the_same_seed_makes_the_same_quiz_and_another_seed_another():
    first = quiz.make_quiz([], 10, seed=7)
    assert first == quiz.make_quiz([], 10, seed=7)
    assert first != quiz.make_quiz([], 10, seed=8)
    assert len(quiz.make_quiz([index.find("dropout")], 50, seed=1)) == len(
        quiz.questions([index.find("dropout")]))  # all there are, no more


def test_section_narrows_the_cards_case_folded():
    asked = quiz.make_quiz([], 50, seed=0, section="regularization")
    assert {index.find(question.topic).section for question in asked} == {"Regularization"}
    with pytest.raises(quiz.QuizError, match="sections are"):
        quiz.make_quiz([], 5, seed=0, section="nope")


def question(kind):
    return next(question for question in ALL if question.kind == kind)


def test_replies_are_compared_loosely_but_not_wrongly():
    choice = question("choose")
    letter = quiz.LETTERS[choice.choices.index(choice.answer)]
    assert quiz.is_right(choice, letter) and quiz.is_right(choice, letter.upper())
    assert quiz.is_right(choice, str(choice.choices.index(choice.answer) + 1))
    assert not quiz.is_right(choice, next(l for l in quiz.LETTERS if l != letter))  # noqa: E741
    predict = next(q for q in ALL if q.id == "predict:cnn:params")
    for reply in ("121930", "121,930", "121_930", " 121 930 "):
        assert quiz.is_right(predict, reply)
    assert not quiz.is_right(predict, "121931") and not quiz.is_right(predict, "lots")
    rate = next(q for q in ALL if q.id == "predict:lr-schedule:rate-25000")
    assert quiz.is_right(rate, "0.00768") and quiz.is_right(rate, "7.68e-3")
    gap = next(q for q in ALL if q.id == "fill-the-gap:early-stopping:monitor")
    assert quiz.is_right(gap, "val_loss") and quiz.is_right(gap, "'val_loss'")
    assert not quiz.is_right(gap, "loss")


def right_reply(question):
    if question.choices:
        return quiz.LETTERS[question.choices.index(question.answer)]
    return question.answer


def test_ask_scores_and_names_the_cards_to_revisit():
    asked = quiz.make_quiz([], 4, seed=3)
    replies = [right_reply(q) for q in asked[:3]] + ["\n", "nonsense-that-is-wrong"]
    if asked[3].choices:
        replies[-1] = next(l for l in quiz.LETTERS  # noqa: E741
                           if asked[3].choices[quiz.LETTERS.index(l)] != asked[3].answer)
    stdout = io.StringIO()
    right = quiz.ask(asked, io.StringIO("\n".join(replies) + "\n"), stdout, 3)
    assert right == 3
    text = stdout.getvalue()
    assert f"Score: 3/4 (75%). Cards to revisit: cheatsheet show {asked[3].topic}." in text
    assert f"Wrong. Answer: {quiz.answer_text(asked[3])}" in text
    assert "Same quiz again: --seed 3" in text


def test_input_ending_mid_quiz_prints_the_score_so_far():
    asked = quiz.make_quiz([], 3, seed=5)
    stdout = io.StringIO()
    with pytest.raises(quiz.InputEnded, match="question 2 of 3; score so far 1/1"):
        quiz.ask(asked, io.StringIO(right_reply(asked[0]) + "\n"), stdout, 5)
    assert "Score: 1/1 (100%)." in stdout.getvalue()


def test_command_refuses_a_standard_input_that_is_not_a_terminal():
    with pytest.raises(quiz.QuizError, match="not a terminal"):
        quiz.command([], io.StringIO("a\n"), io.StringIO(), count=2, seed=1)


# -- the command line ----------------------------------------------------------------------------

def test_answers_prints_questions_with_answers_and_the_card_to_read(cli):
    result = cli("quiz", "cnn", "--count", "3", "--seed", "2", "--answers")
    assert result.status == 0 and result.err == ""
    assert result.out.count("Answer: ") == 3 and "Read: cheatsheet show cnn" in result.out
    assert result.out == cli("quiz", "cnn", "--count", "3", "--seed", "2", "--answers").out


def test_json_lists_questions_for_machines(cli):
    result = cli("quiz", "--count", "5", "--seed", "4", "--json")
    data = json.loads(result.out)
    assert data["seed"] == 4 and len(data["questions"]) == 5
    for item in data["questions"]:
        assert set(item) == {"id", "kind", "topic", "prompt", "code", "choices", "answer", "why",
                             "read"}
        assert item["read"] == f"cheatsheet show {item['topic']}"


@pytest.mark.parametrize("argv, status, message", [
    (["--count", "0"], 2, "ask for 1 or more"),
    (["--count", "-3"], 2, "ask for 1 or more"),
    (["--count", "many"], 2, "not a whole number"),
    (["nosuchcard"], 1, "Error: no card named 'nosuchcard'"),
    (["--section", "nope"], 1, "Error: no section named 'nope'"),
])
def test_bad_input_is_one_error_line_and_an_exit_status(cli, argv, status, message):
    result = cli("quiz", *argv, "--answers")
    assert result.status == status and message in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_piped_standard_input_is_refused_in_one_line():
    result = run_python("-m", "cheatsheet", "quiz", "--seed", "1", input="a\n")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "not a terminal" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_ctrl_d_on_a_terminal_mid_quiz_prints_the_score_so_far_and_exits_1():
    import pty
    import subprocess

    asked = quiz.make_quiz([], 3, seed=9)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "cheatsheet", "quiz", "--count", "3",
                                "--seed", "9"], cwd=REPO, stdin=terminal,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(terminal)
    os.write(controller, (right_reply(asked[0]) + "\n").encode() + b"\x04")  # then Ctrl-D
    out, err = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 1
    assert "Score: 1/1 (100%)." in out
    assert err == "Error: input ended at question 2 of 3; score so far 1/1\n"


def test_the_quiz_imports_nothing_heavy():
    assert heavy_imports_after(["quiz", "--answers", "--count", "50", "--seed", "0"]) == set()


# -- the Anki deck -------------------------------------------------------------------------------

def notes_of(path):
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        media = json.loads(package.read("media"))
        collection = path.parent / f"{path.stem}.anki2"
        collection.write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(collection) as connection:
        rows = connection.execute("SELECT guid, flds, tags FROM notes").fetchall()
    return names, media, {fields.split("\x1f")[0]: (guid, fields.split("\x1f"), tags)
                          for guid, fields, tags in rows}


def test_anki_deck_holds_one_note_per_question_with_stable_ids(cli, tmp_path):
    pytest.importorskip("genanki")
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    assert cli("export", "--format", "anki", "--out", str(first)).status == 0
    assert cli("export", "--format", "anki", "--out", str(second)).status == 0
    names, media, notes = notes_of(first)
    assert names == {"collection.anki2", "media"} and media == {}  # self-contained: no files
    assert set(notes) == {question.id for question in ALL}
    _, _, again = notes_of(second)
    assert {key: note[0] for key, note in notes.items()} == \
        {key: note[0] for key, note in again.items()}  # re-import updates, never duplicates
    guid, fields, tags = notes["fill-the-gap:early-stopping:restore_best_weights"]
    assert "restore_best_weights=___" in fields[3] and '<span class="k">True</span>' not in \
        fields[3] and "fill-the-gap" in tags
    assert '<span class="' in fields[3]  # highlighted code
    assert "cheatsheet show early-stopping" in fields[4]


def test_anki_deck_of_some_cards_and_its_refusals(cli, tmp_path, monkeypatch):
    pytest.importorskip("genanki")
    path = tmp_path / "cnn.apkg"
    assert cli("export", "--format", "anki", "--out", str(path), "cnn").status == 0
    _, _, notes = notes_of(path)
    assert {note[1][2] for note in notes.values()} == {"cnn"}
    result = cli("export", "--format", "anki", "--out", "-")
    assert result.status == 1 and "binary package" in result.err
    monkeypatch.setitem(sys.modules, "genanki", None)  # as if not installed
    result = cli("export", "--format", "anki", "--out", str(tmp_path / "none.apkg"))
    assert result.status == 1
    assert result.err == ("Error: the anki export needs genanki: pip install "
                          "'keras-cheatsheet[anki]' (or pip install genanki)\n")
    assert not (tmp_path / "none.apkg").exists()
