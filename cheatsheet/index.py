"""The card index: one declarative table mapping topics (and aliases) to snippet functions.

Lookups read only this table and the snippet files as text, so nothing here may import
tensorflow, keras, matplotlib or sklearn.
"""

from collections import namedtuple

Card = namedtuple(
    "Card",
    [
        "topic",  # the id people type: `cheatsheet show <topic>`
        "title",  # equals the `Title:` line of the snippet's docstring (checked by the tests)
        "section",  # one of SECTIONS, in roadmap order
        "summary",  # equals the `Description:` line of the snippet's docstring
        "note",  # what the idea is and why it works, in our own words
        "module",  # snippet module under snippets/, e.g. "cnn"
        "functions",  # the top-level functions/classes `show` prints, in reading order
        "aliases",  # other names people type
        "pitfalls",  # the Keras 3 pitfalls this card avoids (see shared/keras3-notes.md)
        "see_also",  # related topics
    ],
)

# The study path, fundamentals to deployment: (section, why it comes at this point).
SECTIONS = (
    ("Fundamentals", "Layers, losses and optimizers are the vocabulary every later card uses."),
    ("Architectures", "With the vocabulary in hand, see how layers stack for images, sequences "
                      "and generation."),
    ("Frameworks", "The same models in the Sequential and Functional APIs, and in PyTorch, so "
                   "you can read code written either way."),
    ("Optimization", "Once a model is built, how it is trained decides whether it learns: "
                     "optimizers and learning-rate schedules."),
    ("Regularization", "A model that trains well can still memorize: penalties, dropout, batch "
                       "norm and early stopping keep it general."),
    ("Quick reference", "The losses and metrics to pick from once you know what you are "
                        "training and how to judge it."),
    ("Diagnostics and deployment", "Last: find out why training misbehaves, then save, export "
                                   "and scale out the model that works."),
)

CARDS = (
    # -- Fundamentals -----------------------------------------------------------------------
    Card(
        topic="basics",
        title="Neural-network basics",
        section="Fundamentals",
        summary="A Dense layer, a forward pass, a loss and one Adam step that lowers it.",
        note=(
            "A Dense layer computes activation(x @ W + b): every output unit is a weighted sum of "
            "all inputs plus a bias, bent by a non-linearity. A forward pass runs a real tensor "
            "through the layers; a loss (here binary cross-entropy, "
            "-mean(y log p + (1-y) log(1-p))) scores the predictions; the optimizer (Adam) "
            "moves each weight a small step against "
            "its gradient, which is what training repeats thousands of times."
        ),
        module="basics",
        functions=("build_dense_model", "forward_pass", "train_step"),
        aliases=("nn", "neural-network", "dense", "fundamentals"),
        pitfalls=(
            "The seed calls `layer(input)`, which passes Python's built-in `input` function and "
            "raises ValueError: a layer needs a real tensor (here a NumPy batch).",
            "Start models with `keras.Input(shape=...)`; `input_shape=` on a layer is deprecated "
            "in Keras 3 and leaves a Sequential unbuilt until the first call.",
            "Use `import keras` and `keras.losses.BinaryCrossentropy()`, not `tf.keras`: the same "
            "code then runs on the JAX and PyTorch backends too.",
        ),
        see_also=("activations",),
    ),
    Card(
        topic="activations",
        title="Activation functions",
        section="Fundamentals",
        summary="Sigmoid, ReLU and softmax in NumPy, numerically stable and equal to Keras.",
        note=(
            "Without a non-linearity between them, stacked layers collapse into one linear map. "
            "Sigmoid squashes to (0, 1) for binary probabilities, ReLU (max(0, x)) keeps gradients "
            "alive in deep stacks, and softmax turns a row of scores into class probabilities that "
            "sum to 1. Written by hand they must be numerically stable: subtract the row maximum "
            "before exp in softmax, and split sigmoid by sign so exp never overflows."
        ),
        module="activations",
        functions=("sigmoid", "relu", "softmax"),
        aliases=("activation", "sigmoid", "relu", "softmax", "nonlinearity"),
        pitfalls=(
            "The seed's softmax normalises over axis 0, across the batch: on a (batch, classes) "
            "array rows do not sum to 1 and it differs from Keras by up to ~0.92. Take max and "
            "sum over `axis=-1` with `keepdims=True`.",
            "The seed subtracts the global maximum, so a row far below it divides 0 by 0 and "
            "gives NaN; subtracting each row's own maximum cannot.",
            "`1 / (1 + np.exp(-x))` overflows (RuntimeWarning) for x < -88.7 in float32; the "
            "sign-split form never calls exp on a positive number.",
        ),
        see_also=("basics",),
    ),
    # -- Architectures ----------------------------------------------------------------------
    Card(
        topic="cnn",
        title="Convolutional neural network (CNN)",
        section="Architectures",
        summary="Two Conv2D + MaxPooling2D blocks and a Dense head that classify 8x8 digit images.",
        note=(
            "A convolution slides small learned filters (3x3 here) over the image, so the same "
            "edge or stroke detector works wherever the pattern sits, with 9 weights per input "
            "channel where a Dense unit needs one per pixel. Max-pooling halves each side, "
            "keeping the strongest response; the second convolution then combines strokes into "
            "larger shapes. "
            "Flatten turns the feature maps into one vector for a Dense classifier. At 28x28x1 "
            "the seed's stack has 121,930 parameters, 102,464 of them in the first Dense layer. "
            "The demo pads ('same') so the stack fits scikit-learn's 8x8 digits and trains it "
            "with Adam on integer labels (sparse categorical cross-entropy)."
        ),
        module="cnn",
        functions=("build_cnn", "load_digit_images"),
        aliases=("conv", "convnet", "conv2d", "convolution", "convolutional"),
        pitfalls=(
            "The seed puts `input_shape=(28, 28, 1)` on the first Conv2D; Keras 3 warns about it "
            "and wants the model to start with `keras.Input(shape=(28, 28, 1))`.",
            "On small images the seed's unpadded stack runs out of pixels (8 -> 6 -> 3 -> 1 -> "
            "0) and Keras raises ValueError; `padding=\"same\"` keeps each convolution's size.",
            "Sparse categorical cross-entropy takes integer labels (3); one-hot labels need "
            "`CategoricalCrossentropy` instead. The card uses class objects, not strings.",
            "`keras.datasets.mnist` downloads at run time and fails offline; the bundled "
            "`sklearn.datasets.load_digits` needs no network.",
        ),
        see_also=("basics", "activations"),
    ),
    Card(
        topic="rnn",
        title="Recurrent neural network (RNN)",
        section="Architectures",
        summary="Stacked SimpleRNN layers read a sequence step by step and predict its next value.",
        note=(
            "A recurrent layer reads a sequence one step at a time and carries a hidden state "
            "(50 numbers here) from step to step, computed from the current input and the previous "
            "state with the same weights at every step; so one model reads sequences of any "
            "length. Stacked layers pass their whole output sequence upward "
            "(`return_sequences=True`); the last passes only its final state to Dense(1), the "
            "predicted next value. The demo learns a noisy sine wave and must beat the naive "
            "forecast 'the next value equals the last one' by 2x in mean squared error."
        ),
        module="rnn",
        functions=("build_rnn", "noisy_sine_windows", "mixed_length_batches"),
        aliases=("simplernn", "simple-rnn", "recurrent"),
        pitfalls=(
            "The seed never calls `compile`, so its model cannot be fitted; the card compiles "
            "with Adam and mean squared error, the loss of a regression head.",
            "Declare `keras.Input(shape=(None, 1))`, not `input_shape=` on the first layer: "
            "`None` is the time axis, so the model takes sequences of any length.",
            "Accepting any length is not predicting well at any length: trained on length 20 "
            "alone it does worse than the naive forecast on length 8. Train on mixed lengths "
            "(here 10, 20 and 30).",
            "A Python generator passed to `fit` with the default `shuffle=True` raises a "
            "UserWarning in Keras 3; fresh random batches need `shuffle=False`.",
        ),
        see_also=("lstm", "transformer"),
    ),
    Card(
        topic="lstm",
        title="Long short-term memory (LSTM)",
        section="Architectures",
        summary="Stacked LSTM layers whose gated memory predicts the next value of a sequence.",
        note=(
            "A SimpleRNN multiplies its state by the same weights at every step, so gradients "
            "from far back shrink (or blow up) as they flow through time. An LSTM adds a cell "
            "state that is updated by addition, under three learned gates: forget (how much "
            "memory to keep), input (how much new information to write) and output (how much to "
            "show). That path lets gradients survive long sequences, at four times the weights "
            "of a SimpleRNN (50,851 against 12,751 here). Same task as the rnn card: beat "
            "'repeat the last value' by 2x on a noisy sine."
        ),
        module="lstm",
        functions=("build_lstm", "noisy_sine_windows", "mixed_length_batches"),
        aliases=("long-short-term-memory", "gated-recurrent"),
        pitfalls=(
            "The seed's LSTM stack is never compiled and cannot be fitted; the card compiles "
            "it for regression (Adam, mean squared error).",
            "Use `keras.Input(shape=(None, 1))` instead of `input_shape=`: Keras 3 warns about "
            "the latter, and `None` keeps the sequence length free.",
            "A model that accepts any length only predicts well at lengths it was trained on "
            "(or longer); the card trains on batches of 10, 20 and 30 steps.",
            "The LSTM's gates make a slow start at Adam's default 0.001; the demo uses 0.005 "
            "to learn in three short epochs.",
        ),
        see_also=("rnn", "transformer"),
    ),
    Card(
        topic="transformer",
        title="Transformer block",
        section="Architectures",
        summary="Self-attention and a feed-forward network, each with a residual and LayerNorm.",
        note=(
            "Self-attention lets every token look at every other token at once: each position "
            "scores all positions (query times key), and takes the softmax-weighted mix of their "
            "values. Several heads do this in parallel in smaller slices, key_dim = embed_dim // "
            "num_heads, so four heads cost what one full-width head would (4,224 parameters at "
            "embed 32, against 16,800 with the seed's key_dim=embed_dim). A feed-forward network "
            "then transforms each token alone; residual connections and LayerNorm keep deep "
            "stacks trainable. Attention has no sense of order, so a learned position vector is "
            "added to each token's embedding. The demo classifies 'does token 7 occur?'."
        ),
        module="transformer",
        functions=("TransformerBlock", "TokenAndPositionEmbedding", "build_classifier"),
        aliases=("attention", "self-attention", "multi-head-attention", "transformer-block"),
        pitfalls=(
            "The seed's `call(self, inputs, training)` has no default, so fit, predict and a "
            "plain `block(x)` raise TypeError; `training=None` lets Keras fill it in.",
            "Without `**kwargs` passed to `super().__init__`, `get_config()` and "
            "`@keras.saving.register_keras_serializable`, a saved .keras model cannot be loaded "
            "(TypeError: could not be deserialized).",
            "Without `build()`, loading warns that the layer 'has unbuilt state' and skips the "
            "optimizer's saved variables; the card builds every sublayer there.",
            "The seed's `key_dim=embed_dim` is legal but gives each head the full width: about "
            "4x the attention parameters of `key_dim=embed_dim // num_heads`.",
        ),
        see_also=("rnn", "lstm"),
    ),
    Card(
        topic="gan",
        title="Generative adversarial network (GAN)",
        section="Architectures",
        summary="A generator and a discriminator trained in turns until fakes look like the data.",
        note=(
            "The generator turns random noise into samples; the discriminator scores samples as "
            "real (1) or fake (0). They train in turns: the discriminator on a batch of real "
            "samples and the generator's fakes, then the generator, through a stacked model whose "
            "discriminator is frozen, towards fakes the discriminator calls real. When neither can "
            "improve, the fakes follow the data's distribution. The seed's generator maps 100-d "
            "noise to a 28x28x1 image in [-1, 1] (tanh). The demo's 1-D GAN must move its sample "
            "mean to within 0.5 of 4 (data N(4, 0.5)) in 150 rounds; with a path it also trains "
            "the generator on 8x8 digits and saves a PNG grid."
        ),
        module="gan",
        functions=("build_generator", "build_discriminator", "build_gan", "train_step"),
        aliases=("generative-adversarial-network", "generator", "discriminator", "adversarial"),
        pitfalls=(
            "`LeakyReLU(alpha=0.2)` is deprecated in Keras 3: write `negative_slope=0.2` (the "
            "default slope is 0.3, not 0.2).",
            "`Dense(256, input_dim=100)` warns in Keras 3; start with `keras.Input(shape=(100,))`.",
            "The seed builds a generator but never trains it. In Keras 3 each model reads the "
            "`trainable` flags when it first trains: set the discriminator trainable before its "
            "own step and frozen before the stacked model's. Frozen at its own first step it "
            "learns nothing; trainable at the stacked model's, the generator's turn trains it too.",
            "A tanh output lies in [-1, 1]: scale real images to the same range, and use a linear "
            "output for data outside it (the 1-D demo's target is near 4).",
        ),
        see_also=("cnn", "basics"),
    ),
)

# Every name a user may type, resolved to its card. Built once at import; ~20 entries.
_BY_NAME = {}
for _card in CARDS:
    for _name in (_card.topic, *_card.aliases):
        _BY_NAME.setdefault(_name, _card)
del _card, _name


def find(name):
    """The card for a topic or alias (case-insensitive), or None."""
    return _BY_NAME.get(name.strip().lower())


def suggestions(name, limit=3):
    """Topics whose id or aliases look like `name`, best first, for 'Did you mean'."""
    import difflib

    close = difflib.get_close_matches(name.strip().lower(), list(_BY_NAME), n=limit * 2,
                                      cutoff=0.6)
    topics = []
    for match in close:
        topic = _BY_NAME[match].topic
        if topic not in topics:
            topics.append(topic)
    return topics[:limit]


def cards_by_section():
    """(section, why, [cards]) in roadmap order, skipping sections with no card yet."""
    return [(section, why, [c for c in CARDS if c.section == section])
            for section, why in SECTIONS
            if any(c.section == section for c in CARDS)]
