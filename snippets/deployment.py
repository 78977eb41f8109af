"""
Title: Saving, exporting and TensorFlow Lite
Description: Save and reload .keras, export a SavedModel, run it as LiteRT and check the
    outputs.
Section: Diagnostics and deployment
Aliases: save, export, savedmodel, tflite, litert, load-model
Use when: save a model, load a model, checkpoint, resume training, export for serving, mobile,
    phone, quantization, save and load a .keras file, h5 or keras format, savedmodel, load_model
    file format not supported, tflite, litert
See also: diagnostics, distributed
Functions: save_and_reload, export_saved_model, load_saved_model, convert_to_tflite, run_tflite
Backends: tensorflow, jax; not torch: SavedModel and LiteRT export need TensorFlow installed on
    any backend (JAX converts through jax2tf). From torch, Keras 3.15.1's export stops in
    torch.export (inputs vs dynamic_shapes) and would need torch_xla next. The .keras round trip
    works on torch too

## Note

Three ways to ship a trained model. A .keras file holds the whole model (architecture, weights,
optimizer state) for Keras itself: reload it and go on training. model.export() writes a
SavedModel, an inference-only TensorFlow graph that loads without Keras or the model's Python
code (TF Serving, converters). The TFLite converter turns that into one flatbuffer file for
phones and microcontrollers, run by the LiteRT interpreter: in float32 its outputs stay within
1e-5 of Keras (measured ~3e-7), while quantize=True stores 8-bit weights for a file up to 4x
smaller at ~1e-3 drift. Every file goes to a temporary directory.

## Pitfalls

- `model.save('my_model')` with no extension raises ValueError in Keras 3: save to a `.keras`
  path, and use `model.export()` for a SavedModel.
- `keras.saving.load_model` cannot read a SavedModel in Keras 3: reload it with
  `tf.saved_model.load` (or wrap it as a layer with `keras.layers.TFSMLayer`).
- Keep the object `tf.saved_model.load` returns: keeping only its `.serve` function lets the
  restored variables be freed, and the first call fails.
- `tf.lite.Interpreter` still runs in TensorFlow 2.21 but warns that it is deprecated and
  scheduled for deletion; LiteRT (`pip install ai-edge-litert`) has the same Interpreter. The
  converter stays `tf.lite.TFLiteConverter`.
"""

import os
import tempfile

import keras
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter  # pip install ai-edge-litert
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def save_and_reload(model, directory):
    """Save the whole model (layers, weights, optimizer state) to one .keras file; reload it."""
    path = os.path.join(directory, f"{model.name}.keras")  # must end in .keras (or .h5)
    model.save(path)
    return keras.saving.load_model(path)


def export_saved_model(model, directory):
    """Export an inference-only TensorFlow SavedModel: what TF Serving and converters read."""
    path = os.path.join(directory, "saved_model")
    model.export(path, format="tf_saved_model", verbose=False)
    return path


def load_saved_model(path):
    """Reload a SavedModel with TensorFlow alone (no Keras, no model code); call `.serve(x)`.

    Keep the returned object: it owns the restored variables. Keeping only the bound function
    (`tf.saved_model.load(path).serve`) lets them be freed and the first call fails.
    """
    return tf.saved_model.load(path)


def convert_to_tflite(saved_model_path, directory, quantize=False):
    """Convert a SavedModel to a .tflite flatbuffer for phones and microcontrollers.

    With quantize=True the weights are stored as 8-bit integers: a file ~4x smaller for big
    models, at the price of outputs that move by ~1e-3; left off, float32 outputs match Keras.
    """
    converter = tf.lite.TFLiteConverter.from_saved_model(saved_model_path)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    path = os.path.join(directory, "model_quantized.tflite" if quantize else "model.tflite")
    with open(path, "wb") as file:
        file.write(converter.convert())
    return path


def run_tflite(tflite_path, x):
    """Run a .tflite model on a batch with the LiteRT interpreter; returns a NumPy array."""
    interpreter = Interpreter(model_path=tflite_path)
    runner = interpreter.get_signature_runner()  # the exported `serve` signature, any batch size
    (input_name,) = runner.get_input_details()  # the keras.Input's name, here "pixels"
    outputs = runner(**{input_name: np.asarray(x, dtype="float32")})
    return next(iter(outputs.values()))


def build_classifier(input_dim=64, num_classes=10, units=32):
    """A small digits classifier; naming the Input names the exported signature's argument."""
    inputs = keras.Input(shape=(input_dim,), name="pixels")  # (batch, 64)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, 10)
    return keras.Model(inputs, outputs, name="digits_classifier")


def demo(seed=0, epochs=6, verbose=0):
    """Train on digits, ship it three ways; LiteRT must agree with Keras within 1e-5."""
    keras.utils.set_random_seed(seed)
    features, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        (features / 16.0).astype("float32"), labels, test_size=0.25, random_state=seed,
        stratify=labels)
    model = build_classifier()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    expected = model.predict(x_test, verbose=verbose)  # (450, 10), what Keras computes
    with tempfile.TemporaryDirectory() as directory:  # nothing lands in the working directory
        reloaded = save_and_reload(model, directory)
        restored = load_saved_model(export_saved_model(model, directory))
        tflite_path = convert_to_tflite(os.path.join(directory, "saved_model"), directory)
        gaps = {
            ".keras": np.max(np.abs(reloaded.predict(x_test, verbose=verbose) - expected)),
            "SavedModel": np.max(np.abs(restored.serve(x_test).numpy() - expected)),
            "LiteRT": np.max(np.abs(run_tflite(tflite_path, x_test) - expected)),
        }
        if verbose:
            print(f".tflite file: {os.path.getsize(tflite_path)} bytes; max |output - Keras|:",
                  {name: f"{gap:.1e}" for name, gap in gaps.items()})
    return {
        "metric": "max |LiteRT - Keras|",
        "value": float(gaps["LiteRT"]),
        "target": 1e-5,
        "higher_is_better": False,
        "accuracy": float(np.mean(np.argmax(expected, axis=-1) == y_test)),  # held out
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo(verbose=2)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
