"""
Title: Neural-network basics
Description: A Dense layer, a forward pass, a loss and one Adam step that lowers it.
Section: Fundamentals
Aliases: nn, neural-network, dense, fundamentals
Use when: what is a neural network, what is a tensor, dense layer, forward pass, one training step,
    weights and bias, gradient descent
See also: activations, sequential, optimizers, losses, cnn
Functions: build_dense_model, forward_pass, train_step
Backends: tensorflow, jax, torch

## Note

A Dense layer computes activation(x @ W + b): every output unit is a weighted sum of all inputs
plus a bias, bent by a non-linearity. A forward pass runs a real tensor through the layers; a
loss (here binary cross-entropy, -mean(y log p + (1-y) log(1-p))) scores the predictions; the
optimizer (Adam) moves each weight a small step against its gradient, which is what training
repeats thousands of times.

## Pitfalls

- The original tf.keras 2 sheet calls `layer(input)`, which passes Python's built-in `input`
  function and raises ValueError: a layer needs a real tensor (here a NumPy batch).
- Start models with `keras.Input(shape=...)`: `input_shape=` on a layer still works but warns in
  Keras 3 (UserWarning: "Do not pass an `input_shape`"), and a Sequential with neither stays
  unbuilt, so `count_params()` raises until its first call.
- Write `import keras` and `keras.losses.BinaryCrossentropy()`: since TensorFlow 2.16 `tf.keras`
  is this same Keras 3, but `import keras` runs on the JAX and PyTorch backends too and needs no
  TensorFlow import.
"""

import keras
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


def build_dense_model(input_dim=30, units=64):
    """A binary classifier: Input -> Dense(relu) -> Dense(1, sigmoid)."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim): declare the input first
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)  # (batch, 1), P(class 1)
    return keras.Model(inputs, outputs, name="dense_basics")


def forward_pass(layer, x):
    """Call a layer on a real tensor (not Python's built-in `input`) and return NumPy."""
    return keras.ops.convert_to_numpy(layer(x))


def train_step(model, x, y, learning_rate=0.01):
    """One Adam step on binary cross-entropy; returns (loss before, loss after)."""
    loss_fn = keras.losses.BinaryCrossentropy()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss_fn)
    before = float(loss_fn(y, model(x)))
    model.train_on_batch(x, y)  # forward, loss, gradients, one weight update
    after = float(loss_fn(y, model(x)))
    return before, after


def load_data(seed=0):
    """scikit-learn's bundled breast-cancer set, standardized, as a 75/25 split."""
    features, labels = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features.astype("float32"), labels.astype("float32"), test_size=0.25,
        random_state=seed, stratify=labels)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # statistics of the train split only
    return (x_train - mean) / std, (x_test - mean) / std, y_train, y_test


def demo(seed=0, epochs=5, verbose=0):
    """Train the classifier on breast-cancer data; held-out accuracy should reach 0.93."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_dense_model(input_dim=x_train.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)  # 143 held-out samples
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.93,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
