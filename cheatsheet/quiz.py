"""`quiz`: revision questions generated from the tested cards, asked and scored in a terminal.

Four kinds, every one made from what a card already proves:
- spot the bug: an original tf.keras 2 line (cheatsheet/original.py) and four explanations, one
  of them the card's pitfall about it; the wrong ones are other cards' pitfalls about other bugs;
- predict: a parameter count, a size or a formula's value, parsed from the card's note where the
  card's tests prove it, or computed here in plain Python from the sizes in the code;
- choose: the loss, metric or activation that fits a head and its labels (CHOICES);
- fill the gap: a key value blanked out of a card's copy-ready code (`restore_best_weights=___`).

Nothing here imports keras: questions are made from the cards' text, as fast as a lookup.
tests/cards/test_quiz_answers.py checks every answer against Keras and NumPy.
"""

import ast
import random
import re
from collections import namedtuple

from . import index
from .errors import CheatsheetError, shown
from .original import CNN_BLOCK, SPOTS
from .source import SnippetSource

KINDS = ("spot-the-bug", "predict", "choose", "fill-the-gap")
KIND_LABELS = {"spot-the-bug": "spot the bug", "predict": "predict", "choose": "choose",
               "fill-the-gap": "fill the gap"}
LETTERS = "abcd"
GAP = "___"

Question = namedtuple("Question", [
    "id",  # stable across versions and seeds: what an Anki note is keyed on
    "kind",  # one of KINDS
    "topic",  # the card to read when the answer is wrong
    "prompt",  # the question, one paragraph
    "code",  # the code it is about ("" when none)
    "choices",  # four options, or () for a typed answer
    "answer",  # the right option's text, or the typed answer
    "why",  # the card's own words behind the answer
])


class QuizError(CheatsheetError):
    """A quiz that cannot be made or asked: one line, exit status 1."""


class InputEnded(CheatsheetError):
    """Standard input ended (Ctrl-D) before the last answer; the score so far is printed."""


# -- spot the bug --------------------------------------------------------------------------------

def first_sentence(text, limit=170):
    """The first sentence of a pitfall (ending at '. ' or ': '), at most about `limit` chars."""
    match = re.search(r"[.:;](\s|$)", text)
    sentence = text[:match.start()] if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + " ..."
    return sentence


def pitfall_of(card, phrase):
    found = [pitfall for pitfall in card.pitfalls if phrase in pitfall]
    if len(found) != 1:
        raise QuizError(f"card {card.topic}: {len(found)} pitfalls mention {phrase!r}, not 1")
    return found[0]


def spot_questions(cards, seed):
    chosen = {card.topic for card in cards}
    spots = [(spot, index.find(spot.topic)) for spot in SPOTS]
    for spot, card in spots:
        if card.topic not in chosen:
            continue
        question_id = f"spot-the-bug:{card.topic}:{spot.family.replace(' ', '-')}"
        rng = random.Random(f"{seed}:{question_id}")
        answer = first_sentence(pitfall_of(card, spot.pitfall))
        others = [(other, other_card) for other, other_card in spots
                  if other.family != spot.family]
        rng.shuffle(others)  # the same section first: closest in subject, hardest to tell apart
        others.sort(key=lambda pair: pair[1].section != card.section)
        wrong, families = [], set()
        for other, other_card in others:
            text = first_sentence(pitfall_of(other_card, other.pitfall))
            if other.family not in families and text not in wrong:
                wrong.append(text)
                families.add(other.family)
            if len(wrong) == 3:
                break
        choices = wrong + [answer]
        rng.shuffle(choices)
        yield Question(question_id, "spot-the-bug", card.topic,
                       "This is the original tf.keras 2 sheet's code. What goes wrong with it "
                       "in Keras 3?", spot.code, tuple(choices), answer,
                       pitfall_of(card, spot.pitfall))


# -- predict -------------------------------------------------------------------------------------

def number_in(text, pattern, where):
    """The number the first group of `pattern` captures in `text` ("121,930" -> 121930)."""
    match = re.search(pattern, text)
    if match is None:
        raise QuizError(f"{where}: no match for {pattern!r}; the quiz reads its answer there")
    value = float(match.group(1).replace(",", ""))
    return int(value) if value.is_integer() and "e" not in match.group(1) else value


def cnn_flatten_width(block=CNN_BLOCK):
    """Features per image after Flatten(), from the sizes in the original CNN: each unpadded
    k x k convolution takes k - 1 off a side, each pooling divides it, rounding down."""
    side = int(re.search(r"input_shape=\((\d+),", block).group(1))
    filters = None
    for layer in re.finditer(r"(Conv2D)\((\d+), \((\d+)|(MaxPooling2D)\(\((\d+)", block):
        if layer.group(1):
            filters, side = int(layer.group(2)), side - int(layer.group(3)) + 1
        else:
            side //= int(layer.group(5))
    return side * side * filters


def card_code(topic, name):
    card = index.find(topic)
    return SnippetSource.of(card).definition(name)


def note_of(topic):
    return index.find(topic).note


# The rate of the original's Dropout line and the L2 strength of its regularizer line.
DROPOUT_RATE = float(re.search(r"Dropout\(([\d.]+)\)",
                               next(s.code for s in SPOTS if s.topic == "dropout")).group(1))
L2_STRENGTH = float(re.search(r"l2\(([\d.]+)\)",
                              next(s.code for s in SPOTS
                                   if s.topic == "weight-regularization")).group(1))
PENALISED_KERNEL = ((1.0, -2.0), (3.0, 0.0))
BATCH_MEAN = 5.0


def predict_specs():
    """(topic, key, prompt, code, answer, why) for every predict question. An answer is either
    read from the card's note, where the card's tests prove it, or computed here."""
    cnn_note = note_of("cnn")
    lstm_note = note_of("lstm")
    transformer_note = note_of("transformer")
    schedule_note = note_of("lr-schedule")
    lr_code = next(spot.code for spot in SPOTS if spot.topic == "lr-schedule")
    momentum_pitfall = pitfall_of(index.find("batch-norm"), "momentum=0.99")
    momentum = number_in(momentum_pitfall, r"`momentum=([\d.]+)` weights the old", "batch-norm")
    width = cnn_flatten_width()
    yield ("cnn", "params", "How many parameters (weights and biases) does the original sheet's "
           "CNN have at a 28x28x1 input?", CNN_BLOCK,
           number_in(cnn_note, r"stack has ([\d,]+) parameters", "cnn note"), cnn_note)
    yield ("cnn", "dense-params", "How many of this CNN's parameters sit in its first Dense "
           "layer, Dense(64)?", CNN_BLOCK,
           number_in(cnn_note, r"([\d,]+) of them in the first Dense", "cnn note"), cnn_note)
    yield ("cnn", "flatten-width", "How many numbers per image does Flatten() pass on (28 -> "
           "conv 3x3 -> pool 2 -> conv 3x3 -> pool 2, 64 channels)?", CNN_BLOCK, width,
           f"Unpadded 3x3 convolutions take 2 off each side, pooling halves it (rounding down): "
           f"28 -> 26 -> 13 -> 11 -> 5, and 5 x 5 x 64 = {width}.")
    sequential_note = note_of("sequential")
    yield ("sequential", "params", "How many parameters does build_sequential_model() have?",
           card_code("sequential", "build_sequential_model"),
           number_in(sequential_note, r"= ([\d,]+)\.", "sequential note"), sequential_note)
    functional_note = note_of("functional")
    yield ("functional", "params", "How many parameters does build_functional_model() have?",
           card_code("functional", "build_functional_model"),
           number_in(functional_note, r"the same ([\d,]+) weights", "functional note"),
           functional_note)
    yield ("lstm", "params", "How many parameters does build_lstm() have with its defaults "
           "(1 feature, three LSTM(50) layers, Dense(1))?", card_code("lstm", "build_lstm"),
           number_in(lstm_note, r"\(([\d,]+) against", "lstm note"), lstm_note)
    yield ("lstm", "simple-rnn-params", "The same stack with SimpleRNN(50) layers (the rnn "
           "card's build_rnn()): how many parameters?", card_code("rnn", "build_rnn"),
           number_in(lstm_note, r"against ([\d,]+) here", "lstm note"), lstm_note)
    yield ("transformer", "attention-params", "keras.layers.MultiHeadAttention(num_heads=4, "
           "key_dim=32 // 4) on 32-wide tokens: how many parameters?", "",
           number_in(transformer_note, r"\(([\d,]+) parameters at embed 32", "transformer note"),
           transformer_note)
    yield ("transformer", "wide-attention-params", "The original sheet's MultiHeadAttention("
           "num_heads=4, key_dim=embed_dim) at embed_dim=32: how many parameters?", "",
           number_in(transformer_note, r"against ([\d,]+) with the original", "transformer note"),
           transformer_note)
    yield ("lr-schedule", "rate-10000", "With this schedule, what is the learning rate at "
           "step 10,000?", lr_code,
           number_in(schedule_note, r"\(([\d.e-]+) at step 10,000", "lr-schedule note"),
           schedule_note)
    yield ("lr-schedule", "rate-25000", "With this schedule, what is the learning rate at "
           "step 25,000 (three significant digits)?", lr_code,
           number_in(schedule_note, r"([\d.e-]+) at 25,000", "lr-schedule note"), schedule_note)
    pytorch_note = note_of("pytorch")
    yield ("pytorch", "fc1-inputs", "PyTorch's Net: conv 3x3 (32) -> conv 3x3 (64) -> max-pool "
           "2 -> flatten, on a 1x28x28 image. How many inputs does fc1 need?", "",
           number_in(pytorch_note, r"(\d+) is 64 channels", "pytorch note"), pytorch_note)
    yield ("dropout", "kept-value", f"While training, Dropout({DROPOUT_RATE:g}) keeps a unit "
           "whose input is 3.0. What does the layer output for it?", "",
           3.0 / (1 - DROPOUT_RATE), note_of("dropout"))
    penalty = L2_STRENGTH * sum(w * w for row in PENALISED_KERNEL for w in row)
    yield ("weight-regularization", "l2-penalty", f"keras.regularizers.l2({L2_STRENGTH:g}) on "
           f"the kernel {[list(row) for row in PENALISED_KERNEL]}: what does it add to the "
           "loss?", "", penalty, note_of("weight-regularization"))
    yield ("batch-norm", "moving-mean", f"A BatchNormalization layer (momentum={momentum:g}) "
           f"starts with moving mean 0 and trains on one batch whose mean is {BATCH_MEAN:g}. "
           "What is its moving mean after that step?", "",
           momentum * 0 + (1 - momentum) * BATCH_MEAN,
           note_of("batch-norm") + " " + momentum_pitfall)


def show_number(value):
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.6g}"


def predict_questions(cards):
    chosen = {card.topic for card in cards}
    for topic, key, prompt, code, value, why in predict_specs():
        if topic in chosen:
            yield Question(f"predict:{topic}:{key}", "predict", topic, prompt, code, (),
                           show_number(value), why)


# -- choose --------------------------------------------------------------------------------------

# (topic, key, prompt, right, wrong options, why). tests/cards/test_quiz_answers.py fits or
# evaluates each option in Keras: the right one matches an independent NumPy or scikit-learn
# value, each wrong one raises or gives something else.
CHOICES = (
    ("losses", "sigmoid-binary", 'Head: Dense(1, activation="sigmoid"); labels: 0 or 1, shape '
     "(batch, 1). Which loss?", '"binary_crossentropy"',
     ('"sparse_categorical_crossentropy"', '"hinge"', '"kl_divergence"'),
     "A sigmoid head takes binary cross-entropy."),
    ("losses", "softmax-integers", 'Head: Dense(3, activation="softmax"); labels: integers '
     "0..2, shape (batch,). Which loss?", '"sparse_categorical_crossentropy"',
     ('"categorical_crossentropy"', '"binary_crossentropy"', '"mean_squared_error"'),
     "Integer labels take the sparse form; categorical cross-entropy wants one-hot labels."),
    ("losses", "softmax-one-hot", 'Head: Dense(3, activation="softmax"); labels: one-hot, '
     "shape (batch, 3). Which loss?", '"categorical_crossentropy"',
     ('"sparse_categorical_crossentropy"', '"binary_crossentropy"', '"hinge"'),
     "One-hot labels take categorical cross-entropy; the sparse form wants integers."),
    ("losses", "regression-outliers", "Head: Dense(1), no activation; real-valued targets with "
     "outliers, squared error below delta and linear above. Which loss string?", '"huber"',
     ('"huber_loss"', '"binary_crossentropy"', '"squared_hinge"'),
     '"huber_loss" is not a Keras name: compile accepts it and the first fit raises.'),
    ("losses", "regression-mean", "Head: Dense(1), no activation; real-valued targets, big "
     "errors must cost most. Which loss?", '"mean_squared_error"',
     ('"binary_crossentropy"', '"sparse_categorical_crossentropy"', '"kl_divergence"'),
     "Mean squared error: big errors cost most, and it predicts the mean."),
    ("metrics", "softmax-integers", 'Head: Dense(3, activation="softmax"); labels: integers, '
     "shape (batch,). Which metric string works?", '"accuracy"',
     ('"precision"', '"recall"', '"auc"'),
     'With integer labels on a softmax head only "accuracy" of these strings works.'),
    ("metrics", "sigmoid-f1", 'Head: Dense(1, activation="sigmoid"); labels 0 or 1, shape '
     "(batch, 1). Which gives the F1 score of the 0.5-threshold predictions?",
     'keras.metrics.F1Score(average="micro", threshold=0.5)',
     ('"f1_score"', "keras.metrics.F1Score()", "keras.metrics.Precision()"),
     'The string "f1_score" has threshold=None: every sample counts as positive.'),
    ("activations", "probabilities-rows", "Output activation of a head whose units must give "
     "class probabilities that sum to 1 in each row?", '"softmax"',
     ('"sigmoid"', '"relu"', '"tanh"'),
     "Softmax turns a row of scores into class probabilities that sum to 1."),
    ("activations", "one-probability", "Output activation of a 1-unit head giving the "
     "probability of the positive class, in (0, 1)?", '"sigmoid"',
     ('"softmax"', '"relu"', '"tanh"'),
     "Sigmoid squashes to (0, 1); softmax over one unit is always 1."),
    ("gan", "images-minus-one-one", "Output activation of a generator whose images are scaled "
     "to [-1, 1]?", '"tanh"', ('"sigmoid"', '"relu"', '"softmax"'),
     "A tanh output lies in [-1, 1]; sigmoid, relu and softmax never go below 0."),
    ("gan", "targets-near-4", "Output activation of a generator whose 1-D samples should "
     "follow N(4, 0.5)?", '"linear"', ('"tanh"', '"sigmoid"', '"softmax"'),
     "Use a linear output for data outside [-1, 1]; tanh, sigmoid and softmax stop at 1."),
)


def choose_questions(cards, seed):
    chosen = {card.topic for card in cards}
    for topic, key, prompt, right, wrong, why in CHOICES:
        if topic not in chosen:
            continue
        question_id = f"choose:{topic}:{key}"
        choices = [right, *wrong]
        random.Random(f"{seed}:{question_id}").shuffle(choices)
        yield Question(question_id, "choose", topic, prompt, "", tuple(choices), right, why)


# -- fill the gap --------------------------------------------------------------------------------

# Keyword arguments worth remembering; one gap per card and keyword, a non-"relu" one first.
# Only a literal or an arithmetic expression is a gap: a variable's name cannot be guessed.
GAP_KEYWORDS = ("restore_best_weights", "monitor", "return_sequences", "negative_slope",
                "momentum", "epsilon", "threshold", "average", "training", "use_bias", "delta",
                "shuffle", "from_logits", "padding", "keepdims", "activation", "key_dim",
                "beta_1", "rho", "patience")
GAP_CALLS = ("Dropout",)  # calls whose first argument is the gap
CONTEXT_LINES = 5


def guessable(value):
    """A literal (True, 0.5, "val_loss") or arithmetic on names (embed_dim // num_heads)."""
    return isinstance(value, ast.Constant) or (
        isinstance(value, ast.BinOp) and all(isinstance(node, (ast.Name, ast.Constant))
                                             for node in (value.left, value.right)))


def definition_lines(code):
    """(first, last) line index of each top-level definition of `code`."""
    return [(min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1,
             node.end_lineno - 1)
            for node in ast.parse(code).body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def gaps_in(code):
    """(key, line index, start column, end column) of every candidate gap in `code`."""
    seen = {}
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func).rsplit(".", 1)[-1]
        targets = [(keyword.arg, keyword.value) for keyword in node.keywords
                   if keyword.arg in GAP_KEYWORDS]
        if name in GAP_CALLS and node.args:
            targets.append((name, node.args[0]))
        for key, value in targets:
            if value.lineno != value.end_lineno or not guessable(value):
                continue
            place = (value.lineno - 1, value.col_offset, value.end_col_offset)
            text = ast.get_source_segment(code, value)
            better = key != "activation" or text.strip("'\"") != "relu"
            if key not in seen or (better and not seen[key][0]) or \
                    (better == seen[key][0] and place < seen[key][1]):
                seen[key] = (better, place)
    return sorted((key, *place) for key, (_, place) in seen.items())


def gap_questions(cards):
    for card in cards:
        code = SnippetSource.of(card).copy_ready(card.functions)
        lines = code.splitlines()
        definitions = definition_lines(code)
        for key, row, start, end in gaps_in(code):
            answer = lines[row][start:end]
            top, bottom = next(((first, last) for first, last in definitions
                                if first <= row <= last), (0, len(lines) - 1))
            first = max(top, row - CONTEXT_LINES)
            shown_lines = lines[first:min(bottom, row + CONTEXT_LINES) + 1]
            shown_lines[row - first] = lines[row][:start] + GAP + lines[row][end:]
            excerpt = "\n".join(shown_lines).strip("\n")
            what = f"{key}(...)'s first argument" if key in GAP_CALLS else f"{key}="
            yield Question(f"fill-the-gap:{card.topic}:{key}", "fill-the-gap", card.topic,
                           f"Fill the gap ({what}) in the {card.topic} card's tested code.",
                           excerpt, (), answer, f"{card.title}: {card.summary}")


# -- all of them ---------------------------------------------------------------------------------

def questions(cards=None, seed=0):
    """Every question the cards make, in roadmap order, kind by kind within a card."""
    cards = list(index.CARDS if cards is None else cards)
    made = [*spot_questions(cards, seed), *predict_questions(cards),
            *choose_questions(cards, seed), *gap_questions(cards)]
    order = {card.topic: number for number, card in enumerate(index.CARDS)}
    return sorted(made, key=lambda question: (order[question.topic],
                                              KINDS.index(question.kind)))


def select_cards(cards, section=None):
    """The named cards (default: all), narrowed to one roadmap section, case folded."""
    cards = list(cards) or list(index.CARDS)
    if section is not None:
        names = {name.lower(): name for name in index.SECTION_NAMES}
        if section.strip().lower() not in names:
            raise QuizError(f"no section named {shown(section)!r}; sections are: "
                            f"{', '.join(index.SECTION_NAMES)}")
        section = names[section.strip().lower()]
        cards = [card for card in cards if card.section == section]
        if not cards:
            raise QuizError(f"none of the named cards is in section {section!r}")
    return cards


def make_quiz(cards, count, seed, section=None):
    """`count` questions (or all there are) drawn by `seed`: the same seed, the same quiz."""
    cards = select_cards(cards, section)
    pool = questions(cards, seed)
    if not pool:
        raise QuizError(f"no questions for {', '.join(card.topic for card in cards)}")
    return random.Random(seed).sample(pool, min(count, len(pool)))


# -- answers -------------------------------------------------------------------------------------

def normal(text):
    """An answer as compared: no spaces, outer quotes or case; numbers without separators."""
    text = re.sub(r"\s+", "", text).strip("'\"").lower()
    return text.replace("'", '"')


def as_number(text):
    try:
        return float(re.sub(r"[\s,_]", "", text))
    except ValueError:
        return None


def is_right(question, reply):
    """Whether a typed reply answers the question: a letter (or the option's text) for a
    choice, a count exactly, a decimal within 0.1%, the code token for a gap."""
    reply = reply.strip()
    if question.choices:
        if len(reply) == 1 and reply.lower() in LETTERS:
            return question.choices[LETTERS.index(reply.lower())] == question.answer
        if reply.isdigit() and 1 <= int(reply) <= len(question.choices):
            return question.choices[int(reply) - 1] == question.answer
        return normal(reply) == normal(question.answer)
    if question.kind == "predict":
        expected, given = as_number(question.answer), as_number(reply)
        if given is None:
            return False
        if expected.is_integer() and given.is_integer():
            return given == expected
        return abs(given - expected) <= 1e-3 * abs(expected)
    return normal(reply) == normal(question.answer)


def valid_reply(question, reply):
    reply = reply.strip()
    if not reply:
        return False
    if question.choices:
        return (reply.lower() in LETTERS and len(reply) == 1) or reply in "1234" or any(
            normal(reply) == normal(choice) for choice in question.choices)
    return True


# -- text ----------------------------------------------------------------------------------------

def indent(text, prefix="      "):
    return "\n".join(prefix + line if line.strip() else line for line in text.splitlines())


def question_text(number, question):
    import textwrap

    head = f"{number}. [{KIND_LABELS[question.kind]}] {question.topic}"
    parts = [head, textwrap.fill(question.prompt, 88, initial_indent="   ",
                                 subsequent_indent="   ")]
    if question.code:
        parts.append(indent(question.code))
    for letter, choice in zip(LETTERS, question.choices, strict=False):
        parts.append(textwrap.fill(choice, 88, initial_indent=f"   {letter}) ",
                                   subsequent_indent="      "))
    return "\n".join(parts)


def answer_text(question):
    if question.choices:
        letter = LETTERS[question.choices.index(question.answer)]
        return f"{letter}) {question.answer}"
    return question.answer


def printable(questions_asked):
    """Every question with its answer and the card to read: --answers, for paper."""
    blocks = []
    for number, question in enumerate(questions_asked, start=1):
        blocks.append(f"{question_text(number, question)}\n   Answer: {answer_text(question)}"
                      f"\n   Read: cheatsheet show {question.topic}")
    return "\n\n".join(blocks) + "\n"


def as_json(questions_asked, seed):
    return {"seed": seed, "questions": [
        {"id": question.id, "kind": question.kind, "topic": question.topic,
         "prompt": question.prompt, "code": question.code, "choices": list(question.choices),
         "answer": question.answer, "why": question.why,
         "read": f"cheatsheet show {question.topic}"}
        for question in questions_asked]}


def score_line(right, asked, revisit):
    line = f"Score: {right}/{asked}"
    if asked:
        line += f" ({100 * right // asked}%)"
    if revisit:
        line += ". Cards to revisit: " + ", ".join(f"cheatsheet show {topic}"
                                                   for topic in revisit)
    return line + "."


def ask(questions_asked, stdin, stdout, seed):
    """Ask each question on `stdout`, read each answer from `stdin`, say right or wrong; end
    with the score. Returns the number right; raises InputEnded when input ends early."""
    right, revisit = 0, []
    total = len(questions_asked)
    print(f"{total} question(s), seed {seed}. Answer with a letter, a number or the code; "
          "Ctrl-D stops.\n", file=stdout)
    for number, question in enumerate(questions_asked, start=1):
        print(question_text(number, question), file=stdout)
        while True:
            print("   > ", end="", file=stdout, flush=True)
            reply = stdin.readline()
            if not reply:  # end of input: Ctrl-D, or a closed pipe
                print("\n\n" + score_line(right, number - 1, revisit), file=stdout, flush=True)
                raise InputEnded(f"input ended at question {number} of {total}; "
                                 f"score so far {right}/{number - 1}")
            if valid_reply(question, reply):
                break
            print("   (answer " + ("a, b, c or d" if question.choices else "something") + ")",
                  file=stdout)
        if is_right(question, reply):
            right += 1
            print("   Right.\n", file=stdout)
        else:
            if question.topic not in revisit:
                revisit.append(question.topic)
            print(f"   Wrong. Answer: {answer_text(question)}\n"
                  f"   Read: cheatsheet show {question.topic}\n", file=stdout)
    print(score_line(right, total, revisit), file=stdout)
    print(f"Same quiz again: --seed {seed}", file=stdout)
    return right


def command(cards, args, stdin, stdout):
    """`cheatsheet quiz`: print (--answers, --json) or ask on a terminal. Returns the exit
    status: 0 when every answer was right, 1 when one was wrong (a quiz is a check too)."""
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    asked = make_quiz(cards, args.count, seed, args.section)
    if args.json:
        import json

        print(json.dumps(as_json(asked, seed), indent=2, ensure_ascii=False), file=stdout)
        return 0
    if args.answers:
        print(printable(asked), end="", file=stdout)
        return 0
    if stdin is None or not stdin.isatty():
        raise QuizError("standard input is not a terminal, so there is no one to answer; "
                        "print the quiz with --answers, or take it as --json")
    right = ask(asked, stdin, stdout, seed)
    return 0 if right == len(asked) else 1
