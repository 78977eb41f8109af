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
    # -- Diagnostics and deployment ---------------------------------------------------------
    Card(
        topic="diagnostics",
        title="Training diagnostics",
        section="Diagnostics and deployment",
        summary=("Learning-curve verdicts, one-batch overfit, "
                 "gradient norms, dead ReLUs, NaN guards."),
        note=(
            "When training misbehaves, check in this order. First overfit one small batch: a "
            "working model, loss and optimizer drive 16 samples to ~0 loss, so if yours cannot, "
            "the bug is in the code (labels, loss, learning rate), not in the data. Then read "
            "the learning curves: a training loss that stays high is underfitting (bigger model, "
            "longer training); a validation loss that turns up while the training loss falls is "
            "overfitting (regularize, stop early). Per-layer gradient norms show vanishing "
            "gradients (early layers get under a thousandth of the largest, as in a deep sigmoid "
            "stack, whose derivative is at most 0.25 per layer) or exploding ones; a dead ReLU "
            "unit outputs 0 for every input, gets no gradient and never learns again. Guard long "
            "runs with clipnorm and TerminateOnNaN, and check the data for NaN before fit."
        ),
        module="diagnostics",
        functions=("learning_curve_verdict", "overfit_one_batch", "gradient_norms",
                   "flag_gradients", "dead_relu_fraction", "check_finite", "guarded_compile"),
        aliases=("debugging", "learning-curves", "vanishing-gradients", "dead-relu", "clipnorm"),
        pitfalls=(
            "Keras 3 has no backend-neutral gradient call, and `tf.GradientTape` ties the code to "
            "TensorFlow: one plain SGD step on a copy of the model moves each weight by "
            "-learning_rate * gradient, so (old - new) / learning_rate is the gradient on any "
            "backend (equal to GradientTape's within 1e-5).",
            "TerminateOnNaN watches only the loss. On TensorFlow's default x86 CPU build "
            "(oneDNN), a NaN pixel went through the compiled Dense+ReLU as 0: the loss stayed "
            "finite while the first layer's weights were already NaN. Check the data with "
            "`np.isfinite` before fit.",
            "TerminateOnNaN stops after the batch whose loss was NaN, whose step has already "
            "been applied: the weights are NaN by then, so resume from a checkpoint, not from "
            "the model in memory.",
        ),
        see_also=("activations", "basics", "deployment"),
    ),
    Card(
        topic="deployment",
        title="Saving, exporting and TensorFlow Lite",
        section="Diagnostics and deployment",
        summary=("Save and reload .keras, export a SavedModel, "
                 "run it as LiteRT and check the outputs."),
        note=(
            "Three ways to ship a trained model. A .keras file holds the whole model "
            "(architecture, weights, optimizer state) for Keras itself: reload it and go on "
            "training. model.export() writes a SavedModel, an inference-only TensorFlow graph "
            "that loads without Keras or the model's Python code (TF Serving, converters). The "
            "TFLite converter turns that into one flatbuffer file for phones and "
            "microcontrollers, run by the LiteRT interpreter: in float32 its outputs stay within "
            "1e-5 of Keras (measured ~3e-7), while quantize=True stores 8-bit weights for a file "
            "up to 4x smaller at ~1e-3 drift. Every file goes to a temporary directory."
        ),
        module="deployment",
        functions=("save_and_reload", "export_saved_model", "load_saved_model",
                   "convert_to_tflite", "run_tflite"),
        aliases=("save", "export", "savedmodel", "tflite", "litert", "load-model"),
        pitfalls=(
            "`model.save('my_model')` with no extension raises ValueError in Keras 3: save to a "
            "`.keras` path, and use `model.export()` for a SavedModel.",
            "`keras.saving.load_model` cannot read a SavedModel in Keras 3: reload it with "
            "`tf.saved_model.load` (or wrap it as a layer with `keras.layers.TFSMLayer`).",
            "Keep the object `tf.saved_model.load` returns: keeping only its `.serve` function "
            "lets the restored variables be freed, and the first call fails.",
            "`tf.lite.Interpreter` still runs in TensorFlow 2.21 but warns that it is deprecated "
            "and scheduled for deletion; LiteRT (`pip install ai-edge-litert`) has the same "
            "Interpreter. The converter stays `tf.lite.TFLiteConverter`.",
        ),
        see_also=("diagnostics", "distributed"),
    ),
    Card(
        topic="distributed",
        title="Data-parallel training",
        section="Diagnostics and deployment",
        summary=("Train one model on several devices with MirroredStrategy; "
                 "its loss matches one device."),
        note=(
            "Data parallelism puts a copy of the model (a replica) on every device. Each replica "
            "takes its share of the global batch and computes gradients; an all-reduce averages "
            "them, so every replica takes the same step, and the losses match one device "
            "training on the whole batch (tested on two logical CPUs, within 1e-5). Build and "
            "compile inside strategy.scope(), where variables get one copy per replica, and grow "
            "the global batch with the number of replicas. Logical CPUs share the same cores, so "
            "they show the mechanics, not a speed-up. For several machines, "
            "tf.distribute.MultiWorkerMirroredStrategy does the same, each worker reading the "
            "cluster from its TF_CONFIG variable; keras.distribution (DataParallel over a "
            "DeviceMesh) is Keras 3's backend-neutral API, implemented for JAX."
        ),
        module="distributed",
        functions=("use_logical_cpus", "build_regressor", "train_under"),
        aliases=("multi-gpu", "mirrored-strategy", "data-parallel", "multi-worker"),
        pitfalls=(
            "Logical devices can only be set before TensorFlow runs its first op; later "
            "`set_logical_device_configuration` raises RuntimeError, so configure them first "
            "thing in the process (the demo does, and says so when it is too late).",
            "Build and compile the model inside `strategy.scope()`: variables created there are "
            "MirroredVariables, one copy per replica; built outside, they live on one device.",
            "Under a strategy, fit's `batch_size` is the global batch, split across replicas: "
            "each device sees batch_size / replicas rows.",
        ),
        see_also=("deployment", "diagnostics"),
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
