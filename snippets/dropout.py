"""
Title: Dropout
Description: Zero a random share of units in training, scale the rest up; identity at inference.
Section: Regularization
Aliases: dropout-layer, inverted-dropout, drop-out
Use when: overfitting, prevent overfitting, randomly drop units, dropout rate, dropout at inference,
    dropout in predict, training=True, dropout layer, regularization, high training accuracy but low
    validation accuracy
See also: batch-norm, weight-regularization, early-stopping
Functions: build_dropout_model, apply_dropout
Backends: tensorflow, jax, torch

## Note

While training, Dropout sets each unit to zero with probability `rate` and multiplies the
survivors by 1 / (1 - rate), so every unit keeps its expected value; a fresh mask is drawn at
every step. No unit can count on another being there, so the network learns redundant features,
much like averaging many thinned networks. At inference the layer is the identity: predict() and
evaluate() use the whole network, and no rescaling is needed there because training already did
it.

## Pitfalls

- The original tf.keras 2 sheet's `model.add(Dropout(0.5))` has no model to add to: put the
  layer in a model built on `keras.Input`, here between the hidden layer and the head.
- A layer or model called directly runs in inference mode: `Dropout(0.5)(x)` returns x
  unchanged. Pass `training=True` to see the mask; fit() passes it for you, predict() and
  evaluate() do not.
- `rate` is the share of units dropped, not kept (TF 1's `keep_prob` was the opposite):
  `Dropout(0.8)` keeps only 20% of them.
"""

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def build_dropout_model(input_dim=64, units=128, rate=0.5, num_classes=10):
    """A classifier with Dropout between its hidden layer and its softmax head."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    hidden = keras.layers.Dropout(rate)(hidden)  # (batch, units): `rate` is the share DROPPED
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, classes)
    return keras.Model(inputs, outputs, name="dropout_mlp")


def apply_dropout(x, rate=0.5, training=True, seed=None):
    """Run one Dropout layer on x in training or inference mode and return NumPy."""
    layer = keras.layers.Dropout(rate, seed=seed)
    # A layer called directly runs in inference mode unless told otherwise: say training=True
    # to see the mask. fit() passes training=True for you; predict() and evaluate() pass False.
    return keras.ops.convert_to_numpy(layer(x, training=training))


def load_data(seed=0):
    """scikit-learn's bundled 8x8 digits, pixels scaled to [0, 1], as a 75/25 split."""
    images, labels = load_digits(return_X_y=True)
    return train_test_split((images / 16.0).astype("float32"), labels, test_size=0.25,
                            random_state=seed, stratify=labels)


def demo(seed=0, epochs=15, verbose=0):
    """Train the dropout classifier on digits; held-out accuracy should reach 0.95."""
    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test = load_data(seed)
    model = build_dropout_model(input_dim=x_train.shape[1], rate=0.5)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=verbose)
    # evaluate() runs in inference mode: the whole network, dropout off.
    _, accuracy = model.evaluate(x_test, y_test, verbose=verbose)
    if verbose:
        kept = np.mean(apply_dropout(np.ones((100, 100), "float32"), rate=0.5, seed=seed) > 0)
        print(f"share of units kept by Dropout(0.5) in training: {kept:.3f}")
    return {
        "metric": "held-out accuracy",
        "value": float(accuracy),
        "target": 0.95,
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target >= {result['target']})")
