"""The rules: one row each, with its code, card, message and the examples its test runs.

A row's INVALID example fails on the installed Keras as its message says (the `expect` pattern
matches the exception or warning it gives, or the AssertionError of its `probe`, which checks
the right result); its VALID example and its fixed INVALID example run clean. tests/lint runs
them all. Codes are stable: a retired rule keeps its number unused.

  KC1xx imports and namespaces   KC2xx layers      KC3xx training and optimizers
  KC4xx saving                   KC5xx heads, losses, metrics    KC6xx custom layers
"""

from typing import NamedTuple

ERROR, WARNING = "error", "warning"
SAFE, UNSAFE = "safe", "unsafe"


class Rule(NamedTuple):
    code: str
    name: str
    severity: str
    card: str
    summary: str  # one line for `lint --rules`
    fix: str | None  # SAFE, UNSAFE, or None: what the rule's fix is when it has one
    invalid: str
    valid: str
    expect: str  # regex over "ExceptionType: message" / "WarningType: message" of INVALID
    probe: str = ""  # appended to both examples in the test: asserts the right result
    needs: str = ""  # "no-tensorflow": proven in a Python without TensorFlow; else a module
    backends: tuple = ()  # where INVALID fails as said, when not on every backend


RULES = (
    # -- KC1xx imports and namespaces (KC100: the text itself) ----------------------------------
    Rule("KC100", "non-breaking-space", ERROR, "basics",
         "a non-breaking space (U+00A0, copied from a web page or a PDF): Python stops with a "
         "SyntaxError", SAFE,
         "x = 1\nif x:\n\u00a0\u00a0\u00a0\u00a0y = 2\n",
         "x = 1\nif x:\n    y = 2\n",
         r"SyntaxError: invalid non-printable character U\+00A0"),
    Rule("KC101", "tf-keras-namespace", WARNING, "basics",
         "`tf.keras.X` where the installed Keras has `keras.X`: ties the code to TensorFlow",
         SAFE,
         "model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])\n",
         "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n",
         r"No module named 'tensorflow'", needs="no-tensorflow"),
    Rule("KC102", "tensorflow-keras-import", WARNING, "basics",
         "`from tensorflow import keras` / `tensorflow.keras` imports: use `import keras`",
         SAFE,
         "from tensorflow import keras\nfrom tensorflow.keras.layers import Dense\n"
         "layer = Dense(2)\n",
         "import keras\nfrom keras.layers import Dense\nlayer = Dense(2)\n",
         r"No module named 'tensorflow'", needs="no-tensorflow"),
    Rule("KC103", "image-data-generator", ERROR, "augmentation",
         "`ImageDataGenerator` is not in Keras 3: augmentation layers and "
         "`keras.utils.image_dataset_from_directory`", None,
         "from keras.preprocessing.image import ImageDataGenerator\n"
         "generator = ImageDataGenerator(horizontal_flip=True)\n",
         "import keras\naugment = keras.Sequential([keras.layers.RandomFlip('horizontal')])\n",
         r"ImportError: cannot import name 'ImageDataGenerator'"),
    Rule("KC104", "text-tokenizer", ERROR, "text",
         "`keras.preprocessing.text` (Tokenizer) is not in Keras 3: use "
         "`keras.layers.TextVectorization`", None,
         "from keras.preprocessing.text import Tokenizer\ntokenizer = Tokenizer(num_words=100)\n",
         "import keras\nvectorize = keras.layers.TextVectorization(max_tokens=100)\n",
         r"No module named 'keras.preprocessing.text'"),
    Rule("KC105", "np-utils", ERROR, "losses",
         "`keras.utils.np_utils` is not in Keras 3: `keras.utils.to_categorical`", None,
         "from keras.utils import np_utils\nlabels = np_utils.to_categorical([0, 2], 3)\n",
         "import keras\nlabels = keras.utils.to_categorical([0, 2], 3)\n",
         r"cannot import name 'np_utils'"),
    Rule("KC106", "scikit-learn-wrapper", ERROR, "sequential",
         "`keras.wrappers.scikit_learn` is not in Keras 3: `keras.wrappers.SKLearnClassifier` "
         "(or scikeras)", None,
         "from keras.wrappers.scikit_learn import KerasClassifier\n",
         "from keras.wrappers import SKLearnClassifier\n",
         r"No module named 'keras.wrappers.scikit_learn'"),
    Rule("KC107", "experimental-layers", ERROR, "augmentation",
         "`layers.experimental.preprocessing.X` is `layers.X` in Keras 3", SAFE,
         "import keras\nflip = keras.layers.experimental.preprocessing.RandomFlip('horizontal')\n",
         "import keras\nflip = keras.layers.RandomFlip('horizontal')\n",
         r"has no attribute 'experimental'"),
    Rule("KC108", "legacy-optimizer", ERROR, "optimizers",
         "`optimizers.legacy.X` raises in Keras 3: use `optimizers.X`", SAFE,
         "import keras\noptimizer = keras.optimizers.legacy.Adam(learning_rate=1e-3)\n",
         "import keras\noptimizer = keras.optimizers.Adam(learning_rate=1e-3)\n",
         r"ImportError: `keras.optimizers.legacy` is not supported in Keras 3"),
    Rule("KC109", "backend-function", ERROR, "custom-training",
         "`K.<fn>` backend math is not in Keras 3's `keras.backend`: use `keras.ops.<fn>`",
         UNSAFE,
         "import numpy as np\nfrom keras import backend as K\n"
         "total = K.sum(np.ones((2, 3)), axis=-1)\n",
         "import keras\nimport numpy as np\ntotal = keras.ops.sum(np.ones((2, 3)), axis=-1)\n",
         r"AttributeError: module 'keras.backend' has no attribute 'sum'"),
    Rule("KC110", "missing-keras-name", ERROR, "basics",
         "a `keras.` name the installed Keras does not have", None,
         "import keras\nsequence = keras.preprocessing.sequence.TimeseriesGenerator\n",
         "import keras\nmake = keras.utils.timeseries_dataset_from_array\n",
         r"has no attribute 'TimeseriesGenerator'"),
    Rule("KC111", "tf-keras-mixed", ERROR, "transfer-learning",
         "`tf_keras` or `tensorflow_hub` layers cannot go into a Keras 3 model", None,
         "import keras\nimport tf_keras\n"
         "model = keras.Sequential([keras.Input((3,)), tf_keras.layers.Dense(2)])\n",
         "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n",
         r"(ValueError|TypeError)", needs="tf_keras"),
    # -- KC2xx layers ---------------------------------------------------------------------------
    Rule("KC201", "layer-input-shape", WARNING, "sequential",
         "`input_shape=` / `input_dim=` on a layer: start the model with `keras.Input(shape=...)`",
         None,
         "import keras\nmodel = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])\n",
         "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n",
         r"UserWarning: Do not pass an `input_shape`"),
    Rule("KC202", "input-layer-input-shape", WARNING, "sequential",
         "`InputLayer(input_shape=)` is `InputLayer(shape=)` in Keras 3", SAFE,
         "import keras\nlayer = keras.layers.InputLayer(input_shape=(3,))\n",
         "import keras\nlayer = keras.layers.InputLayer(shape=(3,))\n",
         r"UserWarning: Argument `input_shape` is deprecated"),
    Rule("KC203", "embedding-input-length", WARNING, "text",
         "`Embedding(input_length=)` is deprecated in Keras 3: remove it", SAFE,
         "import keras\nembed = keras.layers.Embedding(100, 8, input_length=10)\n",
         "import keras\nembed = keras.layers.Embedding(100, 8)\n",
         r"UserWarning: Argument `input_length` is deprecated"),
    Rule("KC204", "batch-input-shape", ERROR, "sequential",
         "`batch_input_shape=` on a layer raises in Keras 3: `keras.Input(batch_shape=...)`", None,
         "import keras\nlayer = keras.layers.Dense(2, batch_input_shape=(8, 3))\n",
         "import keras\ninputs = keras.Input(batch_shape=(8, 3))\nlayer = keras.layers.Dense(2)\n",
         r"ValueError: Unrecognized keyword arguments passed to Dense"),
    Rule("KC205", "leaky-relu-alpha", WARNING, "activations",
         "`LeakyReLU(alpha=)` is `LeakyReLU(negative_slope=)` in Keras 3", SAFE,
         "import keras\nactivation = keras.layers.LeakyReLU(alpha=0.2)\n",
         "import keras\nactivation = keras.layers.LeakyReLU(negative_slope=0.2)\n",
         r"UserWarning: Argument `alpha` is deprecated"),
    Rule("KC206", "unknown-layer-argument", ERROR, "basics",
         "a keyword the installed Keras layer does not take (read from its source)", None,
         "import keras\nlayer = keras.layers.Dense(2, weights=None)\n",
         "import keras\nlayer = keras.layers.Dense(2)\n",
         r"ValueError: Unrecognized keyword arguments passed to Dense"),
    Rule("KC207", "unknown-activation", ERROR, "activations",
         "an activation name Keras does not accept", None,
         "import keras\nlayer = keras.layers.Dense(2, activation='leakyrelu')\n",
         "import keras\nlayer = keras.layers.Dense(2, activation='leaky_relu')\n",
         r"Could not interpret activation function identifier"),
    # -- KC3xx training and optimizers ----------------------------------------------------------
    Rule("KC301", "optimizer-lr", ERROR, "optimizers",
         "`lr=` is rejected by Keras 3 optimizers: `learning_rate=`", SAFE,
         "import keras\noptimizer = keras.optimizers.Adam(lr=1e-3)\n",
         "import keras\nlr = 1e-3\noptimizer = keras.optimizers.Adam(learning_rate=lr)\n",
         r"ValueError: Argument\(s\) not recognized: \{'lr'"),
    Rule("KC302", "optimizer-decay", WARNING, "lr-schedule",
         "`decay=` is ignored by Keras 3 optimizers: pass a `keras.optimizers.schedules` schedule",
         None,
         "import keras\noptimizer = keras.optimizers.SGD(learning_rate=0.1, decay=1e-4)\n",
         "import keras\nschedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 1e-4)\n"
         "optimizer = keras.optimizers.SGD(learning_rate=schedule)\n",
         r"UserWarning: Argument `decay` is no longer supported"),
    Rule("KC303", "optimizer-lr-attribute", ERROR, "optimizers",
         "`optimizer.lr` is gone in Keras 3: `optimizer.learning_rate`", SAFE,
         "import keras\noptimizer = keras.optimizers.Adam()\nrate = optimizer.lr\n",
         "import keras\noptimizer = keras.optimizers.Adam()\nrate = optimizer.learning_rate\n",
         r"AttributeError: 'Adam' object has no attribute 'lr'"),
    Rule("KC304", "generator-methods", ERROR, "data-pipeline",
         "`fit_generator` / `evaluate_generator` / `predict_generator` are gone: `fit` takes "
         "generators and datasets", SAFE,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "def batches():\n    while True:\n        yield np.ones((4, 3)), np.ones((4, 1))\n"
         "model.fit_generator(batches(), steps_per_epoch=2, verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "def batches():\n    while True:\n        yield np.ones((4, 3)), np.ones((4, 1))\n"
         "model.fit(batches(), steps_per_epoch=2, verbose=0)\n",
         r"AttributeError: 'Sequential' object has no attribute 'fit_generator'"),
    Rule("KC305", "predict-classes", ERROR, "basics",
         "`predict_classes` / `predict_proba` are gone: `predict(x).argmax(axis=-1)`", UNSAFE,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(4, activation='softmax')])\n"
         "classes = model.predict_classes(np.ones((2, 3)))\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(4, activation='softmax')])\n"
         "classes = model.predict(np.ones((2, 3)), verbose=0).argmax(axis=-1)\n",
         r"AttributeError: 'Sequential' object has no attribute 'predict_classes'"),
    Rule("KC306", "fit-workers", ERROR, "data-pipeline",
         "`fit(workers=, use_multiprocessing=, max_queue_size=)` raise in Keras 3: they belong to "
         "a `keras.utils.PyDataset`", SAFE,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), workers=2, verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n",
         r"TypeError: .*fit\(\) got an unexpected keyword argument 'workers'"),
    Rule("KC307", "monitor-without-validation", WARNING, "early-stopping",
         "a callback monitors `val_*` but this `fit` has no validation data: it never acts", None,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "stop = keras.callbacks.EarlyStopping(monitor='val_loss', patience=1)\n"
         "model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, callbacks=[stop], verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "stop = keras.callbacks.EarlyStopping(monitor='val_loss', patience=1)\n"
         "model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, callbacks=[stop], verbose=0,\n"
         "          validation_split=0.25)\n",
         r"UserWarning: Early stopping conditioned on metric `val_loss` which is not available"),
    Rule("KC308", "trainable-after-compile", WARNING, "transfer-learning",
         "`trainable` changed after `compile` and `fit`, with no `compile` after it: ignored on "
         "TensorFlow, an error on JAX", None,
         "import keras, numpy as np\nkeras.utils.set_random_seed(0)\n"
         "base = keras.layers.Dense(4)\n"
         "model = keras.Sequential([keras.Input((3,)), base, keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "x, y = np.random.rand(16, 3), np.random.rand(16, 1)\nmodel.fit(x, y, verbose=0)\n"
         "base.trainable = False\nbefore = base.get_weights()[0].copy()\n"
         "model.fit(x, y, epochs=2, verbose=0)\n",
         "import keras, numpy as np\nkeras.utils.set_random_seed(0)\n"
         "base = keras.layers.Dense(4)\n"
         "model = keras.Sequential([keras.Input((3,)), base, keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse')\n"
         "x, y = np.random.rand(16, 3), np.random.rand(16, 1)\nmodel.fit(x, y, verbose=0)\n"
         "base.trainable = False\nmodel.compile(optimizer='sgd', loss='mse')\n"
         "before = base.get_weights()[0].copy()\nmodel.fit(x, y, epochs=2, verbose=0)\n",
         r"AssertionError: the frozen layer trained|ValueError: Argument `optimizer_variables` "
         r"must be a list",
         probe="assert (base.get_weights()[0] == before).all(), 'the frozen layer trained'\n",
         backends=("tensorflow", "jax")),
    Rule("KC309", "unknown-optimizer", ERROR, "optimizers",
         "an optimizer name Keras does not accept", None,
         "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='adams', loss='mse')\n",
         "import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='adam', loss='mse')\n",
         r"ValueError: Could not interpret optimizer identifier: adams"),
    # -- KC4xx saving ---------------------------------------------------------------------------
    Rule("KC401", "save-suffix", ERROR, "deployment",
         "`save()` needs a `.keras` (or legacy `.h5`) path in Keras 3; SavedModel is "
         "`model.export()`", SAFE,
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save('my_model')\n",
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save('my_model.keras')\n",
         r"ValueError: Invalid filepath extension for saving"),
    Rule("KC402", "save-format", ERROR, "deployment",
         "`save_format=` is gone in Keras 3: the path's suffix decides (`.keras`)", UNSAFE,
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save('my_model', save_format='tf')\n",
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save('my_model.keras')\n",
         r"ValueError: The `save_format` argument is deprecated in Keras 3"),
    Rule("KC403", "load-saved-model", ERROR, "deployment",
         "`load_model` reads `.keras`/`.h5` files only: a SavedModel folder is "
         "`keras.layers.TFSMLayer`", None,
         "import keras, os, tempfile\nos.chdir(tempfile.mkdtemp())\nos.mkdir('exported')\n"
         "model = keras.models.load_model('exported')\n",
         "import keras, os, tempfile\nos.chdir(tempfile.mkdtemp())\n"
         "keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]).save('m.keras')\n"
         "model = keras.models.load_model('m.keras')\n",
         r"ValueError: File format not supported"),
    Rule("KC404", "weights-suffix", ERROR, "callbacks",
         "weights files must end in `.weights.h5` in Keras 3", SAFE,
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save_weights('weights.h5')\n",
         "import keras, os, tempfile\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "os.chdir(tempfile.mkdtemp())\nmodel.save_weights('weights.weights.h5')\n",
         r"ValueError: The filename must end in `.weights.h5`"),
    Rule("KC405", "checkpoint-suffix", ERROR, "callbacks",
         "`ModelCheckpoint` saving a whole model needs a `.keras` path in Keras 3", SAFE,
         "import keras\ncheckpoint = keras.callbacks.ModelCheckpoint('best')\n",
         "import keras\ncheckpoint = keras.callbacks.ModelCheckpoint('best.keras')\n",
         r"ValueError: The filepath provided must end in `.keras`"),
    # -- KC5xx heads, losses and metrics --------------------------------------------------------
    Rule("KC501", "one-unit-softmax", ERROR, "activations",
         "softmax over one unit is always 1.0: use `sigmoid` for one output", UNSAFE,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(1, activation='softmax')])\n"
         "output = model.predict(np.random.rand(4, 3), verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(1, activation='sigmoid')])\n"
         "output = model.predict(np.random.rand(4, 3), verbose=0)\n",
         r"AssertionError: a constant output|UserWarning: You are using a softmax over axis -1",
         probe="assert np.ptp(np.asarray(output)) > 0, 'a constant output'\n"),
    Rule("KC502", "logits-after-activation", WARNING, "losses",
         "`from_logits=True` but the head already applies softmax/sigmoid: a double activation",
         None,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(3, activation='softmax')])\n"
         "loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n"
         "model.compile(optimizer='sgd', loss=loss)\n"
         "value = model.evaluate(np.ones((2, 3)), np.array([0, 1]), verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(3, activation='softmax')])\n"
         "loss = keras.losses.SparseCategoricalCrossentropy()\n"
         "model.compile(optimizer='sgd', loss=loss)\n"
         "value = model.evaluate(np.ones((2, 3)), np.array([0, 1]), verbose=0)\n",
         r"UserWarning: .*received `from_logits=True`, but the `output` argument was produced by a "
         r"Softmax|AssertionError: not the cross-entropy",
         probe="probabilities = np.asarray(model.predict(np.ones((2, 3)), verbose=0))\n"
               "right = -np.log(probabilities[[0, 1], [0, 1]]).mean()\n"
               "assert abs(value - right) < 1e-4, 'not the cross-entropy'\n"),
    Rule("KC503", "probabilities-loss-on-logits", WARNING, "losses",
         "a cross-entropy that expects probabilities on a head with no activation: pass "
         "`from_logits=True` or add the activation", None,
         "import keras, numpy as np\nkeras.utils.set_random_seed(0)\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])\n"
         "model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')\n"
         "x, y = np.random.rand(4, 3) * 10, np.array([0, 1, 2, 0])\n"
         "value = model.evaluate(x, y, verbose=0)\n",
         "import keras, numpy as np\nkeras.utils.set_random_seed(0)\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])\n"
         "model.compile(optimizer='sgd',\n"
         "              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n"
         "x, y = np.random.rand(4, 3) * 10, np.array([0, 1, 2, 0])\n"
         "value = model.evaluate(x, y, verbose=0)\n",
         r"AssertionError: not the cross-entropy of the logits",
         probe="logits = np.asarray(model.predict(x, verbose=0), dtype='float64')\n"
               "shifted = logits - logits.max(axis=-1, keepdims=True)\n"
               "log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))\n"
               "right = -log_p[np.arange(4), y].mean()\n"
               "assert abs(value - right) < 1e-4, 'not the cross-entropy of the logits'\n"),
    Rule("KC504", "crossentropy-head-mismatch", ERROR, "losses",
         "categorical cross-entropy on a one-unit head (always 0), or binary cross-entropy on a "
         "multi-class softmax head", None,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(1, activation='sigmoid')])\n"
         "model.compile(optimizer='sgd', loss='categorical_crossentropy')\n"
         "x, y = np.random.rand(4, 3), np.array([[0], [1], [1], [0]])\n"
         "value = model.evaluate(x, y, verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)),\n"
         "                          keras.layers.Dense(1, activation='sigmoid')])\n"
         "model.compile(optimizer='sgd', loss='binary_crossentropy')\n"
         "x, y = np.random.rand(4, 3), np.array([[0], [1], [1], [0]])\n"
         "value = model.evaluate(x, y, verbose=0)\n",
         r"AssertionError: a loss of 0|SyntaxWarning: In loss categorical_crossentropy",
         probe="assert value > 0, 'a loss of 0'\n"),
    Rule("KC505", "unknown-loss", ERROR, "losses",
         "a loss name Keras does not accept (the error comes only at the first fit)", SAFE,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='huber_loss')\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='huber')\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n",
         r"ValueError: Could not interpret loss identifier: huber_loss"),
    Rule("KC506", "unknown-metric", ERROR, "metrics",
         "a metric name Keras does not accept (the error comes only at the first fit)", None,
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse', metrics=['rmse'])\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n",
         "import keras, numpy as np\n"
         "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
         "model.compile(optimizer='sgd', loss='mse', metrics=['root_mean_squared_error'])\n"
         "model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)\n",
         r"ValueError: Could not interpret metric identifier: rmse"),
    Rule("KC507", "numpy-softmax-axis", WARNING, "activations",
         "a NumPy softmax summed over axis 0 (or all axes): on a batch, rows do not sum to 1; "
         "use `axis=-1, keepdims=True`", None,
         "import numpy as np\n"
         "def softmax(x):\n    exps = np.exp(x - np.max(x))\n"
         "    return exps / np.sum(exps, axis=0)\n"
         "rows = softmax(np.random.rand(4, 3)).sum(axis=-1)\n",
         "import numpy as np\n"
         "def softmax(x):\n    exps = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"
         "    return exps / np.sum(exps, axis=-1, keepdims=True)\n"
         "rows = softmax(np.random.rand(4, 3)).sum(axis=-1)\n",
         r"AssertionError: rows do not sum to 1",
         probe="assert np.allclose(rows, 1), 'rows do not sum to 1'\n"),
    # -- KC6xx custom layers --------------------------------------------------------------------
    Rule("KC601", "training-without-default", ERROR, "transformer",
         "`call(self, x, training)` with no default: fit, predict and eager calls raise; "
         "`training=None`", SAFE,
         "import keras, numpy as np\n"
         "class Block(keras.layers.Layer):\n    def call(self, inputs, training):\n"
         "        return inputs\n"
         "output = Block()(np.ones((2, 3)))\n",
         "import keras, numpy as np\n"
         "class Block(keras.layers.Layer):\n    def call(self, inputs, training=None):\n"
         "        return inputs\n"
         "output = Block()(np.ones((2, 3)))\n",
         r"TypeError: missing a required argument: 'training'"),
    Rule("KC602", "python-if-on-tensor", ERROR, "custom-training",
         "a Python `if` on a tensor in `call`: fails when traced (Functional models, fit; "
         "TensorFlow and JAX); use `keras.ops.where` or `keras.ops.cond`", None,
         "import keras\n"
         "class Flip(keras.layers.Layer):\n    def call(self, inputs):\n"
         "        if keras.ops.sum(inputs) > 0:\n            return inputs\n"
         "        return -inputs\n"
         "inputs = keras.Input((3,))\nmodel = keras.Model(inputs, Flip()(inputs))\n",
         "import keras\n"
         "class Flip(keras.layers.Layer):\n    def call(self, inputs):\n"
         "        return keras.ops.where(keras.ops.sum(inputs) > 0, inputs, -inputs)\n"
         "inputs = keras.Input((3,))\nmodel = keras.Model(inputs, Flip()(inputs))\n",
         r"OperatorNotAllowedInGraphError|TracerBoolConversionError|"
         r"Exception encountered when calling Flip\.call\(\)", backends=("tensorflow", "jax")),
    Rule("KC603", "init-without-kwargs", WARNING, "transformer",
         "a layer whose `get_config` extends `super().get_config()` but whose `__init__` takes no "
         "`**kwargs`: loading it fails", None,
         "import keras, os, tempfile\nos.chdir(tempfile.mkdtemp())\n"
         "@keras.saving.register_keras_serializable()\n"
         "class Scale(keras.layers.Layer):\n    def __init__(self, factor):\n"
         "        super().__init__()\n        self.factor = factor\n"
         "    def call(self, inputs):\n        return inputs * self.factor\n"
         "    def get_config(self):\n"
         "        return {**super().get_config(), 'factor': self.factor}\n"
         "inputs = keras.Input((3,))\nkeras.Model(inputs, Scale(2.0)(inputs)).save('m.keras')\n"
         "keras.models.load_model('m.keras')\n",
         "import keras, os, tempfile\nos.chdir(tempfile.mkdtemp())\n"
         "@keras.saving.register_keras_serializable()\n"
         "class Scale(keras.layers.Layer):\n    def __init__(self, factor, **kwargs):\n"
         "        super().__init__(**kwargs)\n        self.factor = factor\n"
         "    def call(self, inputs):\n        return inputs * self.factor\n"
         "    def get_config(self):\n"
         "        return {**super().get_config(), 'factor': self.factor}\n"
         "inputs = keras.Input((3,))\nkeras.Model(inputs, Scale(2.0)(inputs)).save('m.keras')\n"
         "keras.models.load_model('m.keras')\n",
         r"TypeError: .*could not be deserialized"),
)

BY_CODE = {rule.code: rule for rule in RULES}
