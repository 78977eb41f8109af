"""The original tf.keras 2 sheet's buggy lines, verbatim, each paired with the card pitfall that
says what goes wrong: the data of the quiz's "spot the bug" questions.

The package cannot read tests/original/ (an installed copy has no tests), so the lines live
here; tests/test_quiz.py checks that each one appears verbatim in tests/original/<card>.py and
in the sheet itself (../shared/seed/deep-learning-cheatsheet.txt, when it is there), and
tests/cards/test_quiz_answers.py runs each one to see it fail or warn as its answer says.

Each Spot is (topic, code, pitfall, family, answer, wrong):
- code: the original's lines, verbatim (the sheet's no-break spaces read as plain spaces);
- pitfall: a phrase found in exactly one of the card's pitfalls, shown with the answer;
- family: the kind of bug, the last part of the question's id (Anki notes are keyed on it);
- answer: what happens when the code runs in Keras 3, with the exception or warning by name;
- wrong: three (key, text) plausible failures of the same code that do not happen (another
  exception, a silent wrong result, "nothing goes wrong"); tests/cards/test_quiz_answers.py
  disproves each one by its key on the installed Keras, as it proves the answer.
"""

from collections import namedtuple

Spot = namedtuple("Spot", ["topic", "code", "pitfall", "family", "answer", "wrong"])

NO_MODEL = ("NameError: name 'model' is not defined: the sheet adds the layer to a model it "
            "never creates.")

SPOTS = (
    Spot("basics", "layer = Dense(units=64, activation='relu')\n\n"
                   "# Forward pass\noutput = layer(input)",
         "`layer(input)`", "built-in input",
         "ValueError: Only input tensors may be passed as positional arguments: `input` is "
         "Python's built-in input function, not a batch.",
         (("name-error", "NameError: name 'input' is not defined: the forward pass uses a "
                         "variable the code never creates."),
          ("units-keyword", "TypeError: Dense() got an unexpected keyword argument 'units': "
                            "Keras 3 takes the layer's units only as its first argument."),
          ("works", "Nothing goes wrong: the layer builds on its first call and `output` is a "
                    "(batch, 64) tensor of ReLU activations."))),
    Spot("activations", "def softmax(x):\n    exp_x = np.exp(x - np.max(x))\n"
                        "    return exp_x / np.sum(exp_x, axis=0)",
         "sums over axis 0", "softmax axis",
         "No error or warning, but a wrong result: np.sum(..., axis=0) sums down the batch, so "
         "the rows of a (batch, classes) array do not sum to 1.",
         (("overflow", "RuntimeWarning: overflow encountered in exp once a score in x passes "
                       "about 709, since np.exp takes the raw scores."),
          ("broadcast", "ValueError: operands could not be broadcast together: np.max(x) is one "
                        "number and x a (batch, classes) array."),
          ("works", "Nothing goes wrong: each row of a (batch, classes) array sums to 1, as "
                    "keras.activations.softmax gives."))),
    Spot("activations", "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))",
         "overflows (RuntimeWarning)", "overflow",
         "RuntimeWarning: overflow encountered in exp for x below about -88.7 in float32 "
         "(np.exp(-x) is inf); the result still rounds to 0.",
         (("nan", "No warning, but it returns nan for large negative x, where np.exp(-x) is inf "
                  "and 1 / inf is undefined."),
          ("positive", "RuntimeWarning: overflow encountered in exp for large positive x, where "
                       "it returns nan instead of 1."),
          ("raises", "FloatingPointError: overflow encountered in exp, raised for x below about "
                     "-88.7 in float32, so the call fails."))),
    Spot("cnn", "    Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),",
         "`input_shape=(28, 28, 1)`", "input_shape",
         "UserWarning: Do not pass an `input_shape`/`input_dim` argument to a layer; the model "
         "is still built for (28, 28, 1) inputs. Start with `keras.Input(shape=(28, 28, 1))`.",
         (("type-error", "TypeError: Conv2D got an unexpected keyword argument 'input_shape': "
                         "Keras 3 removed it from layers."),
          ("ignored", "No warning, but input_shape=(28, 28, 1) is ignored: the model stays "
                      "unbuilt until its first call, so count_params() raises ValueError."),
          ("works", "Nothing goes wrong: input_shape=(28, 28, 1) on the first Conv2D layer is "
                    "how Keras 3 gives a model its input, with no warning."))),
    Spot("rnn", "model = Sequential([\n"
                "    SimpleRNN(50, return_sequences=True, input_shape=(None, 1)),\n"
                "    SimpleRNN(50, return_sequences=True),\n"
                "    SimpleRNN(50),\n"
                "    Dense(1)\n"
                "])",
         "never calls `compile`", "never compiled",
         "ValueError: You must call `compile()` before using the model, raised by the first "
         "fit(): the sheet never compiles the model (predict() works).",
         (("predict", "ValueError from predict() as well as fit(): a model that was never "
                      "compiled cannot run forward either."),
          ("default-compile", "Nothing at fit(): Keras 3 compiles a model that was never "
                              "compiled with rmsprop and mean squared error."),
          ("input-shape", "TypeError: SimpleRNN got an unexpected keyword argument "
                          "'input_shape', raised when the model is built."))),
    Spot("lstm", "model = Sequential([\n"
                 "    LSTM(50, return_sequences=True, input_shape=(None, 1)),\n"
                 "    LSTM(50, return_sequences=True),\n"
                 "    LSTM(50),\n"
                 "    Dense(1)\n"
                 "])",
         "never compiled", "never compiled",
         "ValueError: You must call `compile()` before using the model, at the first fit(): "
         "the LSTM stack is never compiled (predict() runs).",
         (("unknown-length", "ValueError when the model is built: input_shape=(None, 1) "
                             "leaves the time steps unknown, which an LSTM cannot take."),
          ("predict", "ValueError from predict() as well as fit(): the LSTM model was never "
                      "compiled, so it cannot run forward either."),
          ("default-compile", "Nothing at fit(): Keras 3 compiles the LSTM model itself with "
                              "rmsprop and mean squared error."))),
    Spot("transformer", "    def call(self, inputs, training):\n"
                        "        attn_output = self.att(inputs, inputs)\n"
                        "        attn_output = self.dropout1(attn_output, training=training)",
         "`call(self, inputs, training)`", "training default",
         "TypeError: missing a required argument: 'training', from a plain `block(inputs)` or "
         "from building a model on the block: training has no default (write training=None).",
         (("dropout-on", "No error, but dropout stays on at inference: a training argument "
                         "with no default counts as training=True."),
          ("dropout-off", "No error, but dropout never runs in fit(): Keras passes training "
                          "only to a call whose training defaults to None."),
          ("self-attention", "ValueError: self.att(inputs, inputs) gets no value tensor: "
                             "attention needs query, key and value."))),
    Spot("transformer", "        self.att = MultiHeadAttention(num_heads=num_heads, "
                        "key_dim=embed_dim)",
         "`key_dim=embed_dim` is legal", "key_dim",
         "No error: key_dim=embed_dim is legal, but each head gets the full width: about 4x "
         "the attention parameters of key_dim=embed_dim // num_heads.",
         (("output-width", "ValueError: each head's output is embed_dim wide, so the "
                           "attention output (num_heads x embed_dim) no longer adds to inputs."),
          ("split", "Nothing goes wrong: MultiHeadAttention splits key_dim between the heads, "
                    "so each head gets embed_dim // num_heads."),
          ("clipped", "UserWarning: key_dim is larger than embed_dim // num_heads, and "
                      "MultiHeadAttention clips each head to that width."))),
    Spot("gan", "    model.add(LeakyReLU(alpha=0.2))", "`LeakyReLU(alpha=0.2)`", "alpha",
         "UserWarning: Argument `alpha` is deprecated. Use `negative_slope` instead; the slope "
         "is still 0.2.",
         (("type-error", "TypeError: LeakyReLU got an unexpected keyword argument 'alpha': "
                         "Keras 3 renamed it to negative_slope."),
          ("default-slope", "UserWarning: Argument `alpha` is deprecated and ignored, so the "
                            "LeakyReLU layer uses the default slope, 0.3."),
          ("works", "Nothing goes wrong: alpha=0.2 is LeakyReLU's slope argument in Keras 3, "
                    "with no warning."))),
    Spot("gan", "    model.add(Dense(256, input_dim=100))", "`Dense(256, input_dim=100)`",
         "input_shape",
         "UserWarning: Do not pass an `input_shape`/`input_dim` argument to a layer; the model "
         "is still built for 100 inputs. Start with `keras.Input(shape=(100,))`.",
         (("type-error", "TypeError: Dense got an unexpected keyword argument 'input_dim': "
                         "Keras 3 removed it from layers."),
          ("units", "No warning, but Dense reads input_dim=100 as its units: the layer "
                    "outputs 100 features, not 256."),
          ("unbuilt", "UserWarning, and input_dim=100 is dropped: the model stays unbuilt "
                      "until its first call."))),
    Spot("sequential", "model = tf.keras.Sequential([\n"
                       "    layers.Dense(64, activation='relu'),\n"
                       "    layers.Dense(64, activation='relu'),\n"
                       "    layers.Dense(10, activation='softmax')\n"
                       "])",
         "has no input", "unbuilt",
         "ValueError from count_params(): the Sequential model has no input, so it stays "
         "unbuilt (summary() lists '0 (unbuilt)') until its first call.",
         (("at-construction", "ValueError when the Sequential model is made: its layers list "
                              "must start with keras.Input."),
          ("predict", "ValueError from predict(): a Sequential model with no input can never "
                      "be called, so it never gets built."),
          ("inferred", "Nothing goes wrong: Keras infers a 64-feature input from the first "
                       "Dense(64) layer, and summary() counts its parameters."))),
    Spot("pytorch", "        self.fc1 = nn.Linear(9216, 128)", "`nn.Linear(9216, 128)`",
         "fixed input size",
         "RuntimeError: mat1 and mat2 shapes cannot be multiplied, at fc1 for a 27x27 or 30x30 "
         "image: 9216 = 12 * 12 * 64 fixes the input at 28x28 (or 28x29, 29x29).",
         (("28-fails", "RuntimeError at fc1 for 28x28 images too: 28x28 flattens to 64 * 14 * "
                       "14 = 12544 features, not 9216."),
          ("inferred", "Nothing goes wrong: nn.Linear(9216, 128) infers its input size at the "
                       "first call, so any image size works."),
          ("truncated", "No error, but a 30x30 image is cut to fc1's first 9216 features, "
                        "silently."))),
    Spot("lr-schedule", "lr_schedule = tf.keras.optimizers.schedules.ExponentialDecay(\n"
                        "    initial_learning_rate=1e-2,\n"
                        "    decay_steps=10000,\n"
                        "    decay_rate=0.9)\n"
                        "optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)",
         "A schedule owns the rate", "schedule owns the rate",
         "TypeError (the learning rate is not settable) as soon as anything sets it: "
         "`optimizer.learning_rate = 0.001`, or ReduceLROnPlateau lowering it. The schedule "
         "owns the rate.",
         (("staircase", "No error, but the learning rate drops by decay_rate=0.9 all at once "
                        "every 10,000 steps: ExponentialDecay's staircase defaults to True."),
          ("construct", "TypeError when the SGD optimizer is made: its learning_rate must be "
                        "a float, not a schedule."),
          ("settable", "Nothing goes wrong: setting `optimizer.learning_rate = 0.001` later "
                       "replaces the schedule with a fixed rate."))),
    Spot("weight-regularization",
         "model.add(Dense(64, kernel_regularizer=tf.keras.regularizers.l2(0.01)))",
         "never defines", "no model", NO_MODEL,
         (("l2-removed", "AttributeError: tf.keras.regularizers has no l2 in Keras 3, only "
                         "L2, so the Dense layer is never made."),
          ("ignored", "No error, but Keras 3 ignores kernel_regularizer on Dense: the "
                      "l2(0.01) penalty never reaches the loss."),
          ("string-only", "TypeError: kernel_regularizer takes a string such as 'l2', not a "
                          "regularizer object."))),
    Spot("dropout", "model.add(Dropout(0.5))", "`model.add(Dropout(0.5))`", "no model",
         NO_MODEL,
         (("inference", "No error, but Dropout(0.5) also drops half the units at inference, "
                        "unless the model is put in eval mode."),
          ("rate-keyword", "TypeError: Dropout takes its rate only as a keyword in Keras 3: "
                           "write Dropout(rate=0.5)."),
          ("no-rescale", "No error, but Dropout(0.5) does not rescale the units it keeps, so "
                         "activations halve while training."))),
    Spot("batch-norm", "model.add(BatchNormalization())", "`model.add(BatchNormalization())`",
         "no model", NO_MODEL,
         (("axis", "TypeError: BatchNormalization() needs the axis to normalize over; there "
                   "is no default."),
          ("batch-statistics", "No error, but BatchNormalization() keeps normalizing by each "
                               "batch's own statistics at inference."),
          ("deprecated", "UserWarning: BatchNormalization() is deprecated in Keras 3; use "
                         "LayerNormalization()."))),
    Spot("early-stopping", "early_stopping = tf.keras.callbacks.EarlyStopping(\n"
                           "    monitor='val_loss',\n"
                           "    patience=10,\n"
                           "    restore_best_weights=True)",
         "gives fit() no validation data", "no validation data",
         "UserWarning: Early stopping conditioned on metric `val_loss` which is not available, "
         "every epoch: fit() has no validation data, so it never stops early.",
         (("key-error", "KeyError: 'val_loss' at the end of the first epoch: fit() has no "
                        "validation data for EarlyStopping to monitor."),
          ("falls-back", "No warning: EarlyStopping monitors loss instead of val_loss, and "
                         "stops after patience=10 epochs without improvement."),
          ("stops-at-once", "UserWarning that `val_loss` is not available, and training stops "
                            "after the first epoch."))),
    Spot("losses", "huber_loss # Combines MSE and MAE", '`loss="huber_loss"`', "huber_loss",
         'ValueError: Could not interpret loss identifier: huber_loss, at the first fit(); '
         'compile(loss="huber_loss") accepts it. The Keras name is "huber".',
         (("at-compile", 'ValueError from compile(loss="huber_loss"): the unknown loss name '
                         "fails as soon as it is given."),
          ("mse", 'No error: an unknown loss name such as "huber_loss" falls back to mean '
                  "squared error (MSE)."),
          ("works", 'Nothing goes wrong: "huber_loss" is the Keras 3 name of the Huber loss, '
                    "which combines MSE and MAE."))),
    Spot("metrics", "def custom_metric(y_true, y_pred):\n"
                    "    return tf.reduce_mean(y_true - y_pred)",
         "The original's custom metric", "custom metric",
         "TypeError on TensorFlow with integer labels (int64 y_true minus float32 y_pred); on "
         "float labels it runs, but errors of opposite sign cancel in the mean.",
         (("mean-absolute", "Nothing goes wrong: custom_metric is the mean absolute error, "
                            "the same as keras.metrics.MeanAbsoluteError."),
          ("metric-class", "ValueError: compile(metrics=...) takes only keras.metrics.Metric "
                           "objects in Keras 3, not a function such as custom_metric."),
          ("per-sample", "ValueError: a metric function must return one value per sample, "
                         "not tf.reduce_mean over the batch."))),
    Spot("metrics", "precision\nrecall\nf1_score\nauc # Area Under ROC Curve",
         'only `"accuracy"` works', "metric strings",
         'ValueError (shapes) at the first evaluate() or fit() with integer labels on a softmax '
         'head: compile(metrics=["precision"]) accepts the string; only "accuracy" fits.',
         (("at-compile", "ValueError from compile(): Keras 3 knows none of the strings "
                         "precision, recall, f1_score and auc."),
          ("class-zero", "No error, but precision, recall, f1_score and auc on a softmax "
                         "head score only class 0 against the rest."),
          ("f1-only", "Only f1_score fails, as Keras 3 has no such string; precision, recall "
                      "and auc work with integer labels."))),
)

# What the original sheet says its CNN takes: the "predict" questions compute from these.
CNN_BLOCK = """\
model = Sequential([
    Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    MaxPooling2D((2, 2)),
    Conv2D(64, (3, 3), activation='relu'),
    MaxPooling2D((2, 2)),
    Flatten(),
    Dense(64, activation='relu'),
    Dense(10, activation='softmax')
])"""
