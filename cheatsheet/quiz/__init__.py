"""`quiz`: revision questions generated from the tested cards, asked and scored in a terminal.

Four kinds, every one made from what a card already proves:
- spot the bug: an original tf.keras 2 line (cheatsheet/quiz/original.py) and four things it might
  do in Keras 3: what it does (its exception or warning) and three plausible failures of the
  same code that tests show it does not have;
- predict: a parameter count, a size or a formula's value, parsed from the card's note where the
  card's tests prove it, or computed here in plain Python from the sizes in the code;
- choose: the loss, metric or activation that fits a head and its labels (CHOICES);
- fill the gap: an argument that carries a card's idea, blanked out of its copy-ready code
  (`restore_best_weights=___`), from GAPS.

Nothing here imports keras: questions are made from the cards' text, as fast as a lookup.
tests/cards/test_quiz_answers.py checks every answer against Keras and NumPy.
"""

import ast
import random
import re
from collections import namedtuple

from ..cards import index
from ..cards.source import SnippetSource
from ..errors import CheatsheetError, ExitStatus, shown
from .original import CNN_BLOCK, SPOTS

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

def pitfall_of(card, phrase):
    found = [pitfall for pitfall in card.pitfalls if phrase in pitfall]
    if len(found) != 1:
        raise QuizError(f"card {card.topic}: {len(found)} pitfalls mention {phrase!r}, not 1")
    return found[0]


def spot_questions(cards, seed):
    """One question per original buggy line: what happens when it runs (the answer, with its
    exception or warning) against three other things the same code might plausibly do."""
    chosen = {card.topic for card in cards}
    for spot in SPOTS:
        card = index.find(spot.topic)
        if card.topic not in chosen:
            continue
        question_id = f"spot-the-bug:{card.topic}:{spot.family.replace(' ', '-')}"
        choices = [spot.answer, *(text for _, text in spot.wrong)]
        random.Random(f"{seed}:{question_id}").shuffle(choices)
        yield Question(question_id, "spot-the-bug", card.topic,
                       "This is the original tf.keras 2 sheet's code. What happens when it runs "
                       "in Keras 3?", spot.code, tuple(choices), spot.answer,
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
# value; each wrong one raises, trains clearly worse (a loss), or measures something else.
CHOICES = (
    ("losses", "sigmoid-binary", 'Head: Dense(1, activation="sigmoid"); labels: 0 or 1, shape '
     "(batch, 1). Which loss?", '"binary_crossentropy"',
     ('"sparse_categorical_crossentropy"', '"categorical_crossentropy"', '"kl_divergence"'),
     "A sigmoid head takes binary cross-entropy: the sparse form wants one unit per class, "
     "categorical cross-entropy over one unit is constant, and KL divergence ignores the 0s."),
    ("losses", "softmax-integers", 'Head: Dense(3, activation="softmax"); labels: integers '
     "0..2, shape (batch,). Which loss?", '"sparse_categorical_crossentropy"',
     ('"categorical_crossentropy"', '"binary_crossentropy"', '"mean_squared_error"'),
     "Integer labels take the sparse form; categorical cross-entropy wants one-hot labels."),
    ("losses", "softmax-one-hot", 'Head: Dense(3, activation="softmax"); labels: one-hot, '
     "shape (batch, 3). Which loss?", '"categorical_crossentropy"',
     ('"sparse_categorical_crossentropy"', '"categorical_accuracy"', '"accuracy"'),
     "One-hot labels take categorical cross-entropy; the sparse form wants integers, and "
     "accuracy is a metric, not a loss."),
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

# (topic, key, fragment, answer, hint): one gap on an argument that carries the card's idea, in a
# function of its `Functions:` header. `fragment` is code (part of a line, or of two) with GAP
# where the answer goes; with the answer put back, its first occurrence in the card's copy-ready
# code is the gap. Not there, the quiz stops with an error naming the card: drift is caught.
# tests/test_quiz.py checks that no gap's answer is on its line or in a comment around it.
GAPS = (
    ("basics", "activation", "outputs = keras.layers.Dense(1, activation=___)(hidden)",
     '"sigmoid"', "the output activation of a one-unit binary classifier"),
    ("activations", "stable-exp", "small = np.exp(___)", "-np.abs(x)",
     "what the stable sigmoid exponentiates, so that exp never overflows"),
    ("weight-init", "initializer", 'def build_deep_relu_stack(initializer=___, depth=20',
     '"he_normal"', "the initializer that keeps a deep ReLU stack's activations at scale"),
    ("cnn", "pooling", "keras.layers.___((2, 2)),", "MaxPooling2D",
     "the layer that halves each feature map after the first convolution"),
    ("cnn", "activation", "keras.layers.Dense(num_classes, activation=___),", '"softmax"',
     "the head's activation for ten class probabilities"),
    ("residual", "shortcut", "shortcut = keras.layers.Conv2D(filters, ___, strides=stride)(x)",
     "1", "the kernel size of the projection that reshapes the shortcut"),
    ("rnn", "return_sequences", "model.add(keras.layers.SimpleRNN(units, return_sequences=___))",
     "not last", "which stacked layers hand their whole output sequence on"),
    ("lstm", "return_sequences", "model.add(keras.layers.LSTM(units, return_sequences=___))",
     "not last", "which stacked layers hand their whole output sequence on"),
    ("gru", "return_sequences", "x = keras.layers.Bidirectional(keras.layers.GRU(units, "
     "return_sequences=___),", "True", "what the GRU must return for a pooling layer to follow"),
    ("transformer", "residual", "out1 = self.norm1(___)", "inputs + attended",
     "what the first LayerNormalization normalizes"),
    ("text", "mask_zero", "def build_text_classifier(vocabulary_size, embed_dim=16, "
     "num_heads=2, mask_zero=___):", "True", "whether padding id 0 is masked by default"),
    ("text", "key_dim", "keras.layers.MultiHeadAttention(num_heads, key_dim=___)(x, x)",
     "embed_dim // num_heads", "each attention head's width"),
    ("gan", "trainable", "discriminator.trainable = ___", "False",
     "the discriminator's state inside the model that trains the generator"),
    ("gan", "negative_slope", "model.add(keras.layers.LeakyReLU(negative_slope=___))",
     "0.2", "the generator's LeakyReLU slope for x < 0"),
    ("gan", "beta_1", "model.compile(optimizer=keras.optimizers.Adam(learning_rate="
     "learning_rate, beta_1=___),", "0.5", "Adam's first-moment decay for GAN training"),
    ("autoencoder", "reparameterization", "return z_mean + keras.ops.exp(___) * epsilon",
     "0.5 * z_log_var", "the sample's standard deviation, from the log-variance"),
    ("autoencoder", "bottleneck", 'code = keras.layers.Dense(___, name="code")(hidden)',
     "code_size", "the width of the code layer"),
    ("sequential", "input", "keras.___(shape=(input_dim,)),", "Input",
     "what opens the Sequential list, so the model is built at once"),
    ("sequential", "activation", "keras.layers.Dense(num_classes, activation=___),",
     '"softmax"', "the head's activation"),
    ("functional", "activation", 'outputs = keras.layers.Dense(num_classes, activation=___, '
     'name="classes")(hidden)', '"softmax"', "the head's activation"),
    ("functional", "feature-extractor", "outputs=model.___(layer_name).output)", "get_layer",
     "how the feature extractor finds an inner layer by name"),
    ("pytorch", "dim", "return F.log_softmax(x, dim=___)", "1",
     "the axis of torch's log-softmax over the classes"),
    ("pytorch", "transpose", 'kernel = weights[f"{name}.weight"].transpose(___)', "2, 3, 1, 0",
     "the axes that turn torch's (out, in, h, w) kernel into Keras's"),
    ("custom-training", "zero_grad", "model.___()", "zero_grad",
     "what the torch step calls before backward()"),
    ("custom-training", "training",
     "training=___)\n        return loss_fn(y, predictions), non_trainable", "True",
     "how the JAX step's pure loss function calls the model"),
    ("data-pipeline", "adapt", "normalization.___(x_train)", "adapt",
     "what measures the Normalization layer's mean and variance"),
    ("data-pipeline", "reshuffle_each_iteration", "dataset.shuffle(len(x), seed=seed, "
     "reshuffle_each_iteration=___)", "True", "whether tf.data shuffles again every epoch"),
    ("augmentation", "training", "(augmentation(images, training=___), labels)", "True",
     "how the tf.data map makes the augmentation layers act"),
    ("class-imbalance", "class_weight", "return model.fit(x, y, ___, epochs=epochs,",
     "class_weight=class_weight", "the fit() argument (keyword=value) that weighs each "
     "example's loss by its class"),
    ("class-imbalance", "balanced", "return {int(label): ___", "len(y) / (len(classes) * count)",
     "the balanced weight of a class"),
    ("optimizers", "beta_2", "beta_1=0.9, beta_2=___)", "0.999",
     "Adam's second-moment decay"),
    ("adamw", "decoupled", "decayed = kernel - ___",
     "learning_rate * weight_decay * kernel", "AdamW's decay, taken outside the gradient"),
    ("adamw", "penalty", "penalty = ___", "weight_decay / 2",
     "the L2 strength that makes SGD's penalty equal SGD's weight decay"),
    ("lr-schedule", "staircase", "staircase=___):", "False",
     "whether ExponentialDecay decays in steps or smoothly by default"),
    ("lr-schedule", "schedule", "return keras.optimizers.schedules.___(", "ExponentialDecay",
     "the schedule class"),
    ("callbacks", "save_best_only", 'monitor="val_loss", save_best_only=___),', "True",
     "whether ModelCheckpoint writes only on improvement"),
    ("callbacks", "min_lr", "patience=patience, min_lr=___),", "1e-5",
     "the floor of ReduceLROnPlateau's rate"),
    ("transfer-learning", "trainable", "base.trainable = ___", "False",
     "the base while only the new head learns"),
    ("transfer-learning", "batch-norm", "layer.trainable = ___", "False",
     "the BatchNorm layers while fine-tuning"),
    ("weight-regularization", "kernel_regularizer", "___=make_regularizer(kind, strength))",
     "kernel_regularizer", "the Dense argument that adds a penalty on the weights"),
    ("dropout", "placement", "hidden = keras.layers.___(rate)(hidden)", "Dropout",
     "the layer between the hidden layer and the head"),
    ("dropout", "rate", "def build_dropout_model(input_dim=64, units=128, rate=___,", "0.5",
     "the usual share of hidden units dropped"),
    ("batch-norm", "use_bias", "hidden = keras.layers.Dense(units, use_bias=___)(inputs)",
     "False", "the bias of the Dense layer before BatchNormalization"),
    ("early-stopping", "restore_best_weights", "restore_best_weights=___,", "True",
     "whether the model ends with its best epoch's weights"),
    ("early-stopping", "monitor", "monitor=___,", '"val_loss"',
     "what EarlyStopping watches"),
    ("losses", "hinge-labels", "y_true = ___", "2 * y_true - 1",
     "hinge's labels 0/1 mapped to -1/1"),
    ("metrics", "average", "keras.metrics.F1Score(average=___, threshold=0.5", '"micro"',
     "the F1 averaging for one sigmoid output"),
    ("diagnostics", "clipnorm", "def guarded_compile(model, loss, learning_rate=1e-3, "
     "clipnorm=___,", "1.0", "the largest gradient norm per weight"),
    ("deployment", "format", "model.export(path, format=___, verbose=False)",
     '"tf_saved_model"', "the export format TF Serving reads"),
    ("distributed", "scope", "with strategy.___():",
     "scope", "where the model must be built and compiled"),
    ("multi-worker", "global-batch", "loss = keras.ops.sum(squared) / ___",
     "batch_size", "what each replica divides its summed squared errors by"),
)
CONTEXT_LINES = 5


class GapDrift(QuizError):
    """A gap's fragment is no longer in its card's code (the card changed): fix GAPS."""


def definition_lines(code):
    """(first, last, docstring's last) line index of each top-level definition of `code`
    (the docstring's is the definition's first line when it has none)."""
    found = []
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            doc = node.body[0]
            documented = isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) \
                and isinstance(doc.value.value, str)
            found.append((first, node.end_lineno - 1, doc.end_lineno - 1 if documented else first))
    return found


def gap_place(code, topic, fragment, answer):
    """(line index, start column, end column) of the answer that `fragment` blanks out."""
    filled = fragment.replace(GAP, answer)
    if fragment.count(GAP) != 1 or filled not in code:
        raise GapDrift(f"card {topic}: the gap {fragment!r} with {answer!r} is no longer in its "
                       "code; update quiz.GAPS")
    offset = code.index(filled) + fragment.index(GAP)
    row = code.count("\n", 0, offset)
    start = offset - (code.rfind("\n", 0, offset) + 1)
    return row, start, start + len(answer)


def gap_excerpt(code, row, start, end):
    """The gap's line with GAP in place of the answer, and up to CONTEXT_LINES either side
    within the same top-level definition; a gap below the docstring is shown without it, since
    a docstring tends to name the answer."""
    lines = code.splitlines()
    top, bottom, doc = next(((first, last, doc) for first, last, doc in definition_lines(code)
                             if first <= row <= last), (0, len(lines) - 1, 0))
    first = max(doc + 1 if row > doc else top, row - CONTEXT_LINES)
    shown_lines = lines[first:min(bottom, row + CONTEXT_LINES) + 1]
    shown_lines[row - first] = lines[row][:start] + GAP + lines[row][end:]
    return "\n".join(shown_lines).strip("\n")


def gap_questions(cards):
    chosen = {card.topic for card in cards}
    codes = {}
    for topic, key, fragment, answer, hint in GAPS:
        if topic not in chosen:
            continue
        card = index.find(topic)
        if topic not in codes:
            codes[topic] = SnippetSource.of(card).copy_ready(card.functions)
        code = codes[topic]
        excerpt = gap_excerpt(code, *gap_place(code, topic, fragment, answer))
        yield Question(f"fill-the-gap:{topic}:{key}", "fill-the-gap", topic,
                       f"Fill the gap in the {topic} card's tested code: {hint}.", excerpt, (),
                       answer, f"{card.title}: {card.summary}")


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


def command(cards, stdin, stdout, count=10, seed=None, section=None, as_json_output=False,
            answers=False):
    """`cheatsheet quiz`: print (`answers`, `as_json_output`) or ask on a terminal. Returns the
    exit status: OK when every answer was right, FAILED when one was wrong (a quiz is a check
    too). `seed` None: a new quiz each time."""
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    asked = make_quiz(cards, count, seed, section)
    if as_json_output:
        import json

        print(json.dumps(as_json(asked, seed), indent=2, ensure_ascii=False), file=stdout)
        return ExitStatus.OK
    if answers:
        print(printable(asked), end="", file=stdout)
        return ExitStatus.OK
    if stdin is None or not stdin.isatty():
        raise QuizError("standard input is not a terminal, so there is no one to answer; "
                        "print the quiz with --answers, or take it as --json")
    right = ask(asked, stdin, stdout, seed)
    return ExitStatus.OK if right == len(asked) else ExitStatus.FAILED
