"""The error index as plain data: one Entry per error a learner meets in a Keras 3 lab.

An entry is keyed by message templates, not numbers (Keras has no error codes): each template is
the message as Keras (or TensorFlow, NumPy, JAX, torch) prints it, with `{}` where a name, shape,
number or path goes. Matching folds case, quotes (' " `) and whitespace, so a template written
from Keras 3 also matches Keras 2's `layer "dense"`. The first template of an entry is the
wording of the installed Keras; older wordings that learners still paste follow it.

Every entry is proven by tests/test_explain.py: code that raises (or warns) on the installed
Keras, whose real message must match the entry; entries that no CPU run can trigger (GPU memory,
a warning Keras 3.15 never reaches) are proven by recorded messages. Every template must match a
message whole, the installed libraries' or a recorded paste from a public issue thread (with its
source beside it): a template nothing proves is a guess, and is not kept.

`card` is the topic to read next (it must exist: a test checks). `rule` is the code of the
`cheatsheet lint` rule that finds the cause in a lab's code before it runs, where one exists (a
test checks that lint has it), else None.
"""

from collections import namedtuple

Entry = namedtuple("Entry", "id title templates cause fix card rule")


def entry(id, title, templates, cause, fix, card, rule=None):
    return Entry(id, title, tuple(templates), " ".join(cause.split()), fix.strip("\n") + "\n",
                 card, rule)


ENTRIES = (
    # -- Keras 2 code in a Keras 3 lab: tf_keras, tensorflow_hub, removed APIs --------------------
    entry(
        "tf-keras-layer",
        "A tf_keras or tensorflow_hub layer in a Keras 3 model",
        ["Only instances of `keras.Layer` can be added to a Sequential model. Received: {}",
         "Could not interpret optimizer identifier: <keras.src.optimizers",
         "Could not interpret optimizer identifier: <tensorflow.python.keras"],
        """The object is a layer (or optimizer) of the other Keras: tensorflow_hub's KerasLayer and
        anything built from `tf_keras` or `tf.keras` under TF_USE_LEGACY_KERAS are Keras 2 objects,
        and a Keras 3 model accepts only Keras 3 ones (and Keras 2 only its own).""",
        """
# Keep the whole model in Keras 3: take the backbone from keras.applications (or KerasHub)...
base = keras.applications.MobileNetV2(include_top=False, pooling="avg",
                                      input_shape=(224, 224, 3), weights="imagenet")
base.trainable = False
model = keras.Sequential([keras.Input((224, 224, 3)), base, keras.layers.Dense(5)])
# ...or keep all of it in Keras 2: `import tf_keras` and build every layer from tf_keras.
""",
        "transfer-learning", rule="KC111"),
    entry(
        "input-shape-argument",
        "input_shape / input_dim passed to a layer",
        ["Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential "
         "models, prefer using an `Input(shape)` object as the first layer in the model instead."],
        """Keras 3 still accepts `input_shape=` on a layer but warns: a model's input is declared
        once, by `keras.Input(shape)` as its first element.""",
        """
model = keras.Sequential([
    keras.Input(shape=(784,)),  # not Dense(64, input_shape=(784,)) or input_dim=784
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
""",
        "sequential", rule="KC201"),
    entry(
        "batch-input-shape",
        "batch_input_shape passed to a layer",
        ["Unrecognized keyword arguments passed to {}: {'batch_input_shape'"],
        """Keras 3 layers take no `batch_input_shape=` (tf.keras 2 read it to fix the batch size):
        a fixed batch shape is declared once, on the model's input.""",
        """
model = keras.Sequential([
    keras.Input(batch_shape=(None, 1)),  # not Dense(1, batch_input_shape=(None, 1))
    keras.layers.Dense(1, activation="linear"),
])
# a batch of any size: keras.Input(shape=(1,))
""",
        "sequential", rule="KC204"),
    entry(
        "unknown-loss",
        "Unknown loss identifier",
        ["Could not interpret loss identifier: {}",
         "Unknown loss function:{}"],
        """The string passed as `loss=` is not the name of a Keras loss (a typo, a Keras 2 name, or
        your own function), or a saved model's custom loss was not given back on load.""",
        """
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # a real name...
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())  # ...or object
# your own loss on load: keras.models.load_model(path, custom_objects={"my_loss": my_loss})
""",
        "losses", rule="KC505"),
    entry(
        "unknown-metric",
        "Unknown metric identifier",
        ["Could not interpret metric identifier: {}",
         "Unknown metric function:{}"],
        """The string in `metrics=[...]` is not a Keras metric name: Keras 3 dropped aliases such
        as "acc" variants and metrics like F1 are classes (`keras.metrics.F1Score`), not
        strings.""",
        """
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=5)])
""",
        "metrics", rule="KC506"),
    entry(
        "unknown-optimizer",
        "Unknown optimizer identifier",
        ["Could not interpret optimizer identifier: {}",
         "Unknown optimizer:{}"],
        """`optimizer=` is neither a Keras 3 optimizer name ("adam", "sgd", "adamw", ...) nor a
        Keras 3 optimizer object (a Keras 2 or `tf.keras` one is not), or a saved model's own
        optimizer was not given back on load.""",
        """
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
# or a name: optimizer="adam"
""",
        "optimizers", rule="KC309"),
    entry(
        "kerastensor-tf-function",
        "A KerasTensor passed to a TensorFlow function",
        ["A KerasTensor cannot be used as input to a TensorFlow function",
         "an intermediate Keras symbolic input/output, to a TF API that does not allow registering "
         "custom dispatchers",
         "Keras symbolic inputs/outputs do not implement {}"],
        """In a Functional model, `keras.Input` and the layers' outputs are symbolic KerasTensors:
        only Keras layers and `keras.ops` can take them, not `tf.*` functions (nor a Keras 2 layer
        such as tensorflow_hub's KerasLayer, which calls TensorFlow).""",
        """
x = keras.Input((28, 28))
y = keras.ops.sum(x, axis=-1)  # keras.ops, not tf.reduce_sum(x, ...)

class Scale(keras.layers.Layer):  # or wrap the TF call in a layer of your own
    def call(self, inputs):
        return tf.math.log1p(inputs)
y = Scale()(x)
""",
        "functional"),
    entry(
        "kerastensor-numpy",
        "A KerasTensor converted to NumPy",
        ["A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have "
         "any actual numerical value. You cannot convert it to a NumPy array.",
         "You cannot convert it to a NumPy array",
         "Cannot convert a symbolic Keras input/output to a numpy array"],
        """A NumPy call (`np.sum`, `np.array`, a loss written with NumPy) received a symbolic tensor
        while the model was being built or traced; symbolic tensors have a shape but no values.""",
        """
from keras import ops
def my_loss(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred))  # keras.ops, not np.mean
# for values, run the model first: predictions = model.predict(x)  (a NumPy array)
""",
        "functional"),
    entry(
        "model-outputs-not-kerastensors",
        "A Functional model's outputs are not KerasTensors",
        ["All `outputs` values must be KerasTensors. Received: {}"],
        """`keras.Model(inputs, outputs)` needs outputs computed from `inputs` by Keras layers or
        `keras.ops`; an array, a `tf.*` result or a Keras 2 layer's output breaks the graph.""",
        """
inputs = keras.Input((16,))
hidden = keras.layers.Dense(32, activation="relu")(inputs)
outputs = keras.layers.Dense(1)(hidden)  # every step a Keras layer or keras.ops call
model = keras.Model(inputs, outputs)
""",
        "functional"),
    entry(
        "optimizer-lr",
        "lr= in an optimizer",
        ["Argument(s) not recognized: {'lr'",
         "Argument(s) not recognized: {{}'lr'",
         "The `lr` argument is deprecated, use `learning_rate` instead",
         "`lr` is deprecated, please use `learning_rate` instead"],
        """Keras 3 optimizers take `learning_rate=` only; the Keras 1 spelling `lr=` was deprecated
        in Keras 2 and removed in Keras 3.""",
        """
optimizer = keras.optimizers.Adam(learning_rate=1e-3)  # not lr=1e-3
""",
        "optimizers", rule="KC301"),
    entry(
        "optimizer-decay",
        "decay= in an optimizer",
        ["Argument `decay` is no longer supported and will be ignored.",
         "Argument `decay` is no longer supported",
         "decay is deprecated in the new Keras optimizer, please check the docstring for valid "
         "arguments, or use the legacy optimizer"],
        """The optimizers' `decay=` (learning-rate decay per step) is gone since Keras 2.11's new
        optimizers; Keras 3 ignores it with a warning, so the rate never decays.""",
        """
schedule = keras.optimizers.schedules.InverseTimeDecay(
    initial_learning_rate=1e-3, decay_steps=1, decay_rate=1e-4)  # what decay=1e-4 did
optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
""",
        "lr-schedule", rule="KC302"),
    entry(
        "optimizers-legacy",
        "keras.optimizers.legacy in Keras 3",
        ["`keras.optimizers.legacy` is not supported in Keras 3",
         "keras.optimizers.legacy is not supported in Keras 3"],
        """The legacy optimizers were Keras 2's old implementations, kept only in `tf_keras`;
        Keras 3 has one set of optimizers, `keras.optimizers.*`.""",
        """
optimizer = keras.optimizers.Adam(learning_rate=1e-3)  # not keras.optimizers.legacy.Adam
""",
        "optimizers", rule="KC108"),
    entry(
        "fit-generator",
        "fit_generator / predict_generator / evaluate_generator",
        ["object has no attribute 'fit_generator'",
         "object has no attribute 'predict_generator'",
         "object has no attribute 'evaluate_generator'",
         "`Model.fit_generator` is deprecated and will be removed in a future version. Please use "
         "`Model.fit`, which supports generators."],
        """The *_generator methods were deprecated in Keras 2.1 and removed in Keras 3: `fit`,
        `evaluate` and `predict` take generators, tf.data datasets and PyDatasets directly.""",
        """
model.fit(train_data, validation_data=val_data, epochs=10)  # not fit_generator(...)
# steps_per_epoch= only when the generator never ends
""",
        "data-pipeline", rule="KC304"),
    entry(
        "fit-workers",
        "workers= / use_multiprocessing= in fit",
        ["fit() got an unexpected keyword argument 'workers'",
         "got an unexpected keyword argument 'workers'",
         "got an unexpected keyword argument 'use_multiprocessing'",
         "got an unexpected keyword argument 'max_queue_size'"],
        """Keras 3's fit/evaluate/predict no longer take `workers`, `use_multiprocessing` or
        `max_queue_size`: parallel loading is set on the data source, a `keras.utils.PyDataset`.""",
        """
class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(workers=4, use_multiprocessing=False, **kwargs)  # here now
        self.x, self.y, self.batch_size = x, y, batch_size
    def __len__(self):
        return -(-len(self.x) // self.batch_size)
    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[part], self.y[part]
model.fit(Batches(x, y, 32), epochs=5)  # no workers= here
""",
        "data-pipeline", rule="KC306"),
    # -- saving and loading -------------------------------------------------------------------
    entry(
        "save-extension",
        "model.save() without .keras or .h5",
        ["Invalid filepath extension for saving. Please add either a `.keras` extension for the "
         "native Keras format (recommended) or a `.h5` extension.",
         "Invalid filepath extension for saving",
         "The `save_format` argument is deprecated in Keras 3",
         "Please remove this argument and pass a file path with either `.keras` or `.h5` "
         "extension"],
        """Keras 3's `model.save` writes only a `.keras` file (or legacy `.h5`): a bare directory
        name, `save_format="tf"` and SavedModel output went to `model.export`.""",
        """
model.save("model.keras")          # to reload in Keras: keras.models.load_model("model.keras")
model.export("exported_model")     # a SavedModel for TF Serving / TFLite (TensorFlow backend)
""",
        "deployment", rule="KC401"),
    entry(
        "h5-legacy",
        "Saving to .h5 is legacy",
        ["You are saving your model as an HDF5 file via `model.save()` or "
         "`keras.saving.save_model(model)`. This file format is considered legacy.",
         "This file format is considered legacy. We recommend using instead the native Keras "
         "format"],
        """`.h5` still works in Keras 3 but keeps less (no custom-object registry, no optimizer
        for some models); the native `.keras` zip keeps the whole model.""",
        """
model.save("model.keras")
model = keras.models.load_model("model.keras")
""",
        "deployment"),
    entry(
        "weights-extension",
        "save_weights without .weights.h5",
        ["The filename must end in `.weights.h5`. Received: filepath={}",
         "the filepath provided must end in `.weights.h5` (Keras weights format)",
         "When using `save_weights_only=True` in `ModelCheckpoint`"],
        """Keras 3 saves weights only to files named `*.weights.h5` (and loads them from there);
        the TensorFlow checkpoint format of `save_weights("ckpt")` is gone.""",
        """
model.save_weights("model.weights.h5")
model.load_weights("model.weights.h5")
keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True)
""",
        "deployment", rule="KC404"),
    entry(
        "checkpoint-extension",
        "ModelCheckpoint file not ending in .keras",
        ["The filepath provided must end in `.keras` (Keras model format). Received: filepath={}"],
        """A ModelCheckpoint that saves the whole model writes the `.keras` format, so its file
        pattern must end in `.keras` (or `.weights.h5` with `save_weights_only=True`).""",
        """
keras.callbacks.ModelCheckpoint("checkpoints/epoch-{epoch:02d}.keras",
                                monitor="val_loss", save_best_only=True)
""",
        "callbacks", rule="KC405"),
    entry(
        "load-savedmodel",
        "load_model on a SavedModel directory",
        ["File format not supported: filepath={}. Keras 3 only supports V3 `.keras` files",
         "Note that the legacy SavedModel format is not supported by `load_model()` in Keras 3",
         "use `keras.layers.TFSMLayer({}, call_endpoint='serving_default')`",
         "Keras 3 only supports V3 `.keras` files and legacy H5 format files"],
        """The path is a TensorFlow SavedModel (a directory, or `tf.saved_model.save` /
        `model.export` output), which Keras 3 cannot reload as a model: only as an inference-only
        layer, TFSMLayer.""",
        """
layer = keras.layers.TFSMLayer("exported_model", call_endpoint="serving_default")
model = keras.Sequential([keras.Input((28, 28, 1)), layer])  # predict only; no fit
# to train it again, save it as model.save("model.keras") from its original code
""",
        "deployment", rule="KC403"),
    entry(
        "load-file-not-found",
        "load_model on a path that is not there",
        ["File not found: filepath={}. Please ensure the file is an accessible `.keras` zip file.",
         "Please ensure the file is an accessible `.keras` zip file"],
        """load_model found no file at that path: a relative path resolved from another working
        directory (a notebook's, Colab's /content), or a file saved under another name.""",
        """
import pathlib
path = pathlib.Path("models/model.keras").resolve()
print(path, path.exists())  # check before loading
model = keras.models.load_model(path)
""",
        "deployment"),
    entry(
        "custom-class-on-load",
        "A custom class or function not registered on load",
        ["Could not locate class {}. Make sure custom classes",
         "Could not locate function {}. Make sure custom classes",
         "Could not locate class {}",
         "Could not locate function {}",
         "Unknown layer:{}"],
        """The saved file names a class or function of your own, and loading cannot find it:
        register it with `@keras.saving.register_keras_serializable()` and import it before
        `load_model`, or pass it in `custom_objects`.""",
        """
@keras.saving.register_keras_serializable(package="my_lab")
class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
    def call(self, inputs):
        return inputs * self.factor
    def get_config(self):
        return {**super().get_config(), "factor": self.factor}

model = keras.models.load_model("model.keras")  # or custom_objects={"Scale": Scale}
""",
        "deployment"),
    entry(
        "lambda-safe-mode",
        "Loading a model with a Lambda layer",
        ["Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. "
         "This carries a potential risk of arbitrary code execution and thus it is disallowed by "
         "default.",
         "Requested the deserialization of a `Lambda` layer",
         "you can override this error by passing `safe_mode=False` to the loading function"],
        """A `.keras` file stores a Lambda layer's Python code as bytecode, and loading runs code
        only when you say you trust the file (`safe_mode=False`).""",
        """
model = keras.models.load_model("model.keras", safe_mode=False)  # only for a file you trust
# better: replace the Lambda by a small registered Layer subclass (see the deployment card)
""",
        "deployment"),
    # -- shapes -------------------------------------------------------------------------------
    entry(
        "input-last-axis",
        "Input size does not match the layer (a missing Flatten, or the wrong input size)",
        ["is incompatible with the layer: expected axis {} of input shape to have value {}, but "
         "received input with shape {}",
         "is incompatible with the layer: expected axis {} of input shape to have value {} but "
         "received input with shape {}",
         "Invalid input shape for input {}. Expected shape {}, but input has incompatible shape {}",
         "Error when checking input: expected {} to have shape {} but got array with shape {}",
         "is incompatible with layer {}: expected axis {} of input shape to have value {}"],
        """The data reaching the layer has a different last dimension from the one the model was
        built for: images not flattened before a Dense layer, the wrong `keras.Input(shape=...)`,
        or a different number of features than at training time.""",
        """
print(x_train.shape)  # e.g. (60000, 28, 28): what the model really receives
model = keras.Sequential([
    keras.Input((28, 28)),     # the shape of ONE example, not the batch
    keras.layers.Flatten(),    # (batch, 28, 28) -> (batch, 784) before Dense
    keras.layers.Dense(10, activation="softmax"),
])
""",
        "sequential"),
    entry(
        "input-rank",
        "Input has the wrong number of dimensions (ndim)",
        ["is incompatible with the layer: expected ndim={}, found ndim={}",
         "is incompatible with the layer: expected min_ndim={}, found ndim={}",
         "is incompatible with the layer: : expected min_ndim={}, found ndim={}",
         "is incompatible with layer {}: expected ndim={}, found ndim={}",
         "Error when checking input: expected {} to have {} dimensions, but got {}array with "
         "shape {}"],
        """The layer expects a different rank: Conv2D wants (batch, height, width, channels), so
        grayscale images need a channel axis; LSTM/GRU/Conv1D want (batch, steps, features).""",
        """
x_train = x_train[..., None]             # (60000, 28, 28) -> (60000, 28, 28, 1) for Conv2D
sequences = series[..., None]            # (samples, steps) -> (samples, steps, 1) for LSTM
model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3)])
""",
        "cnn"),
    entry(
        "integer-labels-categorical",
        "Integer labels with categorical_crossentropy",
        ["Arguments `target` and `output` must have the same rank (ndim). Received: "
         "target.shape={}, output.shape={}",
         "Shapes (None, 1) and {} are incompatible"],
        """The labels are class numbers (shape (batch,) or (batch, 1)) but the loss is
        `categorical_crossentropy`, which wants one-hot rows as wide as the output.""",
        """
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",  # integer labels
              metrics=["accuracy"])
# or one-hot the labels: y = keras.utils.to_categorical(y, num_classes=10)
""",
        "losses"),
    entry(
        "one-hot-labels-sparse",
        "One-hot labels with sparse_categorical_crossentropy",
        ["Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape={}, "
         "output.shape={}",
         "logits and labels must have the same first dimension, got logits shape {} and labels "
         "shape {}"],
        """The labels are one-hot rows but the loss is `sparse_categorical_crossentropy`, which
        wants one class number per example.""",
        """
model.compile(optimizer="adam", loss="categorical_crossentropy")  # one-hot labels
# or keep the sparse loss and pass class numbers: y = y_onehot.argmax(axis=-1)
""",
        "losses"),
    entry(
        "output-units-mismatch",
        "Labels and model output differ in width",
        ["Arguments `target` and `output` must have the same shape. Received: target.shape={}, "
         "output.shape={}",
         "`logits` and `labels` must have the same shape, received ({} vs {})",
         "Shapes {} and {} are incompatible",
         "Error when checking target: expected {} to have shape {} but got array with shape {}"],
        """The last layer's units and the labels' width differ: Dense(1) against one-hot labels,
        Dense(10) against a binary label, or `num_classes` not the number of classes.""",
        """
num_classes = 10
model.add(keras.layers.Dense(num_classes, activation="softmax"))  # one unit per class
# binary labels (0/1): Dense(1, activation="sigmoid") with loss="binary_crossentropy"
""",
        "losses", rule="KC504"),
    entry(
        "label-out-of-range",
        "A label outside [0, number of classes) in sparse cross-entropy",
        ["Received a label value of {} which is outside the valid range of [0, {})",
         "Target {} is out of bounds"],
        """Sparse cross-entropy reads each label as an index into the output, so labels must run
        from 0 to units - 1: labels 1..10 with Dense(10), or more classes than units.""",
        """
print(y.min(), y.max())                 # must be 0 and num_classes - 1
y = y - y.min()                         # labels 1..10 -> 0..9
num_classes = int(y.max()) + 1
model.add(keras.layers.Dense(num_classes, activation="softmax"))
""",
        "losses"),
    entry(
        "data-cardinality",
        "x and y have different numbers of examples",
        ["Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.",
         "Data cardinality is ambiguous",
         "Input arrays should have the same number of samples as target arrays"],
        """`x` and `y` (or `validation_data`) hold different numbers of examples: a split done on
        one array only, or labels read from another file.""",
        """
print(len(x_train), len(y_train))  # must be equal
from sklearn.model_selection import train_test_split
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2)  # split them together
""",
        "data-pipeline"),
    entry(
        "object-dtype",
        "Data of dtype object (mixed or ragged values)",
        ["Invalid dtype: object",
         "Failed to convert a NumPy array to a Tensor (Unsupported object type {})",
         "Unsupported object type {}"],
        """The array handed to fit has dtype object: a pandas column with strings or missing
        values, or a list of sequences of different lengths.""",
        """
x = df[feature_columns].astype("float32").to_numpy()   # numbers only, one dtype
sequences = keras.utils.pad_sequences(sequences, maxlen=100)  # ragged -> one shape
""",
        "data-pipeline"),
    entry(
        "validation-split-dataset",
        "validation_split with a dataset or generator",
        ["`validation_split` is only supported for tensors or NumPy arrays",
         "`validation_split` is only supported for Tensors or NumPy arrays"],
        """`validation_split` slices arrays; a tf.data Dataset, a generator or a PyDataset cannot be
        sliced, so pass a separate validation set.""",
        """
model.fit(train_dataset, validation_data=val_dataset, epochs=10)
# with tf.data: val_dataset = dataset.take(20); train_dataset = dataset.skip(20)
""",
        "data-pipeline"),
    # -- training -----------------------------------------------------------------------------
    entry(
        "compile-before-fit",
        "fit or evaluate before compile",
        ["You must call `compile()` before using the model.",
         "You must compile your model before training/testing. Use `model.compile(optimizer, "
         "loss)`.",
         "You must compile a model before training/testing",
         "You must compile your model before using it"],
        """fit and evaluate need the loss and optimizer that `compile()` sets; the model was never
        compiled (or compile raised and was skipped).""",
        """
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_split=0.1)
""",
        "basics"),
    entry(
        "never-called",
        "model.input / model.output of a model never called",
        ["has never been called and thus has no defined input",
         "has never been called and thus has no defined output"],
        """A Sequential model without `keras.Input` has no input until it sees data, so
        `model.input`, `model.output` (feature extractors, Grad-CAM) are undefined.""",
        """
model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 3)])  # input known now
features = keras.Model(model.inputs, model.layers[0].output)
""",
        "sequential"),
    entry(
        "not-built",
        "A model that has not been built yet",
        ["This model has not yet been built. Build the model first by calling `build()` or by "
         "calling the model on a batch of data.",
         "This model has not yet been built",
         "You are saving a model that has not yet been built",
         "You are loading weights into a model that has not yet been built",
         "This model has never been called, th{}its weights have not yet been created"],
        """The model's weights are created on its first input, and it has none yet: summary,
        save or load_weights came before the model saw a shape.""",
        """
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])  # built at once
# or: model.build((None, 784))
""",
        "sequential"),
    entry(
        "symbolic-bool",
        "A Python if on a symbolic tensor",
        ["A symbolic KerasTensor cannot be used as a boolean.",
         "Using a symbolic `tf.Tensor` as a Python `bool` is not allowed",
         "using a `tf.Tensor` as a Python `bool` is not allowed",
         "Attempted boolean conversion of traced array"],
        """A layer's call, a loss or a train step used `if`/`and`/`while` on a tensor; while the
        model is built or compiled to a graph the tensor has no value to branch on.""",
        """
from keras import ops
def call(self, inputs):
    return ops.where(ops.sum(inputs) > 0, inputs, -inputs)  # not: if ops.sum(inputs) > 0:
# for a branch of layers: ops.cond(condition, lambda: a(inputs), lambda: b(inputs))
""",
        "custom-training", rule="KC602"),
    entry(
        "trainable-after-compile",
        "trainable changed after compile",
        ["A layer's `trainable` state has changed since the model was compiled.",
         "Please recompile your model (e.g. `model.compile(...)`) before calling `fit()` or "
         "`evaluate()` so the change takes effect",
         "Discrepancy between trainable weights and collected trainable weights, did you set "
         "`model.trainable` without calling `model.compile` after ?",
         "Discrepancy between trainable weights and collected trainable weights"],
        """`trainable` was changed after `compile()`: the optimizer and train step compiled for the
        old set of weights, so the change takes effect only at the next compile.""",
        """
base.trainable = True                     # unfreeze for fine-tuning...
model.compile(optimizer=keras.optimizers.Adam(1e-5),  # ...then compile again, low rate
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_data, epochs=5)
""",
        "transfer-learning", rule="KC308"),
    entry(
        "no-trainable-weights",
        "A model with no trainable weights",
        ["The model does not have any trainable weights.",
         "No gradients provided for any variable"],
        """Every weight is frozen (`trainable = False` on the model or all its layers) or the loss
        does not depend on any weight, so training has nothing to update.""",
        """
base.trainable = False                  # freeze the backbone only...
model = keras.Sequential([keras.Input((160, 160, 3)), base, keras.layers.Dense(1)])
print(len(model.trainable_weights))     # ...the new head must still have weights to train
""",
        "transfer-learning"),
    entry(
        "early-stopping-metric",
        "EarlyStopping monitors a metric that is not logged",
        ["Early stopping conditioned on metric `{}` which is not available. Available metrics are:",
         "Early stopping conditioned on metric"],
        """EarlyStopping's `monitor` names a metric fit does not log: `val_*` without validation
        data, or a name that differs from the metric's (`val_acc` vs `val_accuracy`).""",
        """
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=3,
                                     restore_best_weights=True)
model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[stop])  # val_* needs validation
""",
        "early-stopping", rule="KC307"),
    entry(
        "callback-metric-missing",
        "ModelCheckpoint or ReduceLROnPlateau monitors a metric that is not logged",
        ["Can save best model only with {} available",
         "Learning rate reduction is conditioned on metric `{}` which is not available",
         "Reduce LR on plateau conditioned on metric `{}` which is not available"],
        """The callback's `monitor` names a metric fit does not log: `val_*` without validation
        data, or a name that differs from the logged one (`val_acc` vs `val_accuracy`).""",
        """
checkpoint = keras.callbacks.ModelCheckpoint("best.keras", monitor="val_accuracy",
                                             mode="max", save_best_only=True)
model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[checkpoint])
""",
        "callbacks", rule="KC307"),
    entry(
        "nan-loss",
        "The loss became NaN",
        ["Batch {}: Invalid loss, terminating training",
         "NaN or Inf loss encountered at batch {}",
         "loss: nan",
         "Tensor had NaN values"],
        """The loss overflowed to NaN: too high a learning rate, NaN or unscaled values in the
        data, a log of 0 in a hand-written loss, or labels outside the loss's range.""",
        """
import numpy as np
assert not np.isnan(x_train).any() and np.isfinite(x_train).all()
x_train = (x_train - x_train.mean(axis=0)) / (x_train.std(axis=0) + 1e-7)  # scale inputs
optimizer = keras.optimizers.Adam(learning_rate=1e-4, clipnorm=1.0)        # smaller, clipped
model.fit(x_train, y_train, callbacks=[keras.callbacks.TerminateOnNaN()])
""",
        "diagnostics"),
    entry(
        "oom-cpu",
        "Out of memory on the CPU (RAM)",
        ["Unable to allocate {} for an array with shape {} and data type {}",
         "exceeds 10% of free system memory",
         "MemoryError"],
        """The data or a batch's activations do not fit in RAM: a whole dataset loaded as float64
        arrays, or images decoded all at once instead of batch by batch.""",
        """
x = x.astype("float32")  # half of float64
dataset = keras.utils.image_dataset_from_directory("images/", batch_size=32,
                                                   image_size=(160, 160))  # read per batch
model.fit(dataset, epochs=10)
""",
        "data-pipeline"),
    entry(
        "oom-gpu",
        "Out of memory on the GPU",
        ["OOM when allocating tensor with shape{} on {}device:GPU:{}",
         "by allocator GPU_{}_bfc",
         "OOM when allocating tensor with shape",
         "Allocator (GPU_{}_bfc) ran out of memory",
         "ResourceExhaustedError"],
        """The model's weights, optimizer state and one batch's activations exceed the GPU's memory:
        the batch or images too large, or another process (an earlier notebook kernel) holding
        the memory.""",
        """
model.fit(x, y, batch_size=16)            # smaller batches first
keras.mixed_precision.set_global_policy("mixed_float16")  # about half the activations
# TensorFlow: let memory grow instead of taking it all at start
for gpu in tf.config.list_physical_devices("GPU"):
    tf.config.experimental.set_memory_growth(gpu, True)
""",
        "distributed"),
    # -- imports that left Keras ----------------------------------------------------------------
    entry(
        "embedding-input-length",
        "Embedding(input_length=)",
        ["Argument `input_length` is deprecated. Just remove it.",
         "Unrecognized keyword arguments passed to Embedding: {'input_length'",
         "Unrecognized keyword arguments passed to Embedding: {{}'input_length'"],
        """Keras 3's Embedding takes no `input_length`: the sequence length comes from the input,
        `keras.Input((max_length,))`.""",
        """
model = keras.Sequential([
    keras.Input((max_length,), dtype="int32"),
    keras.layers.Embedding(input_dim=vocabulary_size, output_dim=64),  # no input_length
])
""",
        "text", rule="KC203"),
    entry(
        "layers-experimental",
        "layers.experimental.preprocessing",
        ["has no attribute 'experimental'",
         "No module named 'keras.layers.experimental'",
         "No module named 'tensorflow.keras.layers.experimental'",
         "No module named 'keras.layers.preprocessing'"],
        """The preprocessing layers left `layers.experimental.preprocessing` in TensorFlow 2.6 and
        are plain `keras.layers.*` in Keras 3.""",
        """
augment = keras.Sequential([
    keras.layers.RandomFlip("horizontal"),   # not layers.experimental.preprocessing.RandomFlip
    keras.layers.RandomRotation(0.1),
    keras.layers.Rescaling(1 / 255),
])
""",
        "augmentation", rule="KC107"),
    entry(
        "image-data-generator",
        "ImageDataGenerator in Keras 3",
        ["cannot import name 'ImageDataGenerator' from {}",
         "has no attribute 'ImageDataGenerator'"],
        """ImageDataGenerator and `keras.preprocessing.image` were Keras 2's; Keras 3 reads images
        with `keras.utils.image_dataset_from_directory` and augments with Random* layers.""",
        """
train = keras.utils.image_dataset_from_directory("data/train", image_size=(160, 160),
                                                 batch_size=32, validation_split=0.2,
                                                 subset="training", seed=1)
augment = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                            keras.layers.RandomRotation(0.1)])
train = train.map(lambda x, y: (augment(x, training=True), y))
""",
        "augmentation", rule="KC103"),
    entry(
        "np-utils",
        "keras.utils.np_utils",
        ["cannot import name 'np_utils' from {}",
         "has no attribute 'np_utils'",
         "No module named 'keras.utils.np_utils'"],
        """`np_utils` was a Keras 1/2 module; its `to_categorical` is now
        `keras.utils.to_categorical`.""",
        """
from keras.utils import to_categorical   # not from keras.utils.np_utils
y_onehot = to_categorical(y, num_classes=10)
""",
        "losses", rule="KC105"),
    entry(
        "keras-wrappers",
        "keras.wrappers.scikit_learn (KerasClassifier)",
        ["No module named 'keras.wrappers.scikit_learn'",
         "No module named 'keras.wrappers'",
         "No module named 'tensorflow.keras.wrappers'",
         "cannot import name 'KerasClassifier' from {}",
         "cannot import name 'KerasRegressor' from {}"],
        """The scikit-learn wrappers left Keras in 2.12 (for SciKeras); Keras 3.5+ has its own,
        `keras.wrappers.SKLearnClassifier`, which takes a function that builds the model.""",
        """
from keras.wrappers import SKLearnClassifier   # Keras >= 3.5; or: pip install scikeras

def build_model(X, y):
    model = keras.Sequential([keras.Input(X.shape[1:]), keras.layers.Dense(3, "softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model

classifier = SKLearnClassifier(model=build_model, fit_kwargs={"epochs": 5})
""",
        "basics", rule="KC106"),
    entry(
        "backend-functions",
        "K. backend functions removed in Keras 3",
        ["module 'keras.backend' has no attribute {}",
         "backend' has no attribute {}"],
        """Keras 3's `keras.backend` keeps only a few utilities; the math (`K.mean`, `K.sum`...)
        moved to `keras.ops`, and sessions and `K.set_value` are gone.""",
        """
from keras import ops
loss = ops.mean(ops.square(y_true - y_pred))      # not K.mean(K.square(...))
model.optimizer.learning_rate.assign(1e-4)         # not K.set_value(model.optimizer.lr, 1e-4)
keras.utils.clear_session()                        # not K.clear_session() / K.get_session()
""",
        "custom-training", rule="KC109"),
)

BY_ID = {entry.id: entry for entry in ENTRIES}
assert len(BY_ID) == len(ENTRIES), "two entries share an id"
