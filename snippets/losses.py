"""
Title: Loss functions
Description: Eight Keras losses, each beside its NumPy formula and a line on when to use it.
Section: Quick reference
Aliases: loss, mse, mae, huber, cross-entropy, hinge, kl-divergence
Use when: which loss, regression loss, classification loss, binary classification, multi-class
    classification, one-hot or integer labels, outliers, multi-label classification, several labels
    per sample, sigmoid per label, binary or categorical cross-entropy, sparse categorical
    cross-entropy, wrong loss for the labels
See also: metrics, basics, activations
Functions: mean_squared_error, mean_absolute_error, huber, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy, hinge, kl_divergence,
    keras_losses
Backends: tensorflow, jax, torch

## Note

A loss turns a batch of predictions into the one number training drives down, and the head
decides which to use. Regression: mean squared error (big errors cost most; it predicts the
mean), mean absolute error (every unit costs the same; robust to outliers, it predicts the
median) or Huber (squared below delta, linear above). A sigmoid head takes binary cross-entropy;
a softmax head takes categorical cross-entropy on one-hot labels or the sparse form on integer
labels, which gives the same number. Hinge is the SVM margin on -1/1 labels; KL divergence
measures how far one distribution is from another. Each NumPy formula here equals Keras to 1e-6.
The original tf.keras 2 sheet's "huber_loss" is not a Keras name ("huber" is, or
keras.losses.Huber()), and compile accepts it anyway: the ValueError comes only at the first
fit.

## Pitfalls

- `loss="huber_loss"` is not a Keras identifier: compile succeeds and the first fit raises
  ValueError. Write `"huber"` or `keras.losses.Huber(delta=1.0)`.
- Match labels to the loss: CategoricalCrossentropy takes one-hot (batch, k),
  SparseCategoricalCrossentropy integers (batch,); swapped, both raise a shape ValueError.
- Prefer `import keras` and the class forms (`keras.losses.MeanSquaredError()`):
  `tf.keras.losses` and `keras.losses` spell some short aliases differently.
"""

import keras
import numpy as np

# Shapes: y_true and y_pred are (batch, outputs) unless a docstring says otherwise. Keras takes
# the mean over the last axis per sample, then over the batch: one overall mean, as below.
# The probability losses clip to [1e-7, 1 - 1e-7] (keras.config.epsilon()) so log never sees 0.


# -- Regression: a linear Dense head, real-valued targets ------------------------------------
def mean_squared_error(y_true, y_pred):
    """keras.losses.MeanSquaredError(). The regression default: squaring makes big errors
    cost most, so the model chases outliers (and predicts the mean)."""
    return np.mean((y_true - y_pred) ** 2)


def mean_absolute_error(y_true, y_pred):
    """keras.losses.MeanAbsoluteError(). Regression with outliers you do not want to chase:
    every unit of error costs the same (the model predicts the median)."""
    return np.mean(np.abs(y_true - y_pred))


def huber(y_true, y_pred, delta=1.0):
    """keras.losses.Huber(delta=1.0), string "huber". Squared below delta, linear above it:
    MSE's smooth minimum with MAE's calm about outliers."""
    error = np.abs(y_true - y_pred)
    return np.mean(np.where(error <= delta, 0.5 * error**2, delta * (error - 0.5 * delta)))


# -- Classification: the head's activation decides the loss ----------------------------------
def binary_crossentropy(y_true, y_pred):
    """keras.losses.BinaryCrossentropy(). A Dense(1, "sigmoid") head and 0/1 labels, or one
    sigmoid per label when a sample can carry several labels."""
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def categorical_crossentropy(y_one_hot, y_pred):
    """keras.losses.CategoricalCrossentropy(). A Dense(k, "softmax") head with one-hot (or
    soft) labels; -log of the probability given to the true class."""
    p = np.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), 1e-7, 1 - 1e-7)
    return -np.mean(np.sum(y_one_hot * np.log(p), axis=-1))


def sparse_categorical_crossentropy(labels, y_pred):
    """keras.losses.SparseCategoricalCrossentropy(). The same loss with integer labels 0..k-1,
    shape (batch,): no one-hot arrays to build when there are many classes."""
    return categorical_crossentropy(np.eye(y_pred.shape[-1])[labels], y_pred)


def hinge(y_true, y_pred):
    """keras.losses.Hinge(). SVM-style margin for a linear or tanh head, labels -1/1 (0/1 are
    mapped to -1/1): zero once a score is on the right side by at least 1."""
    if np.isin(y_true, (0, 1)).all():
        y_true = 2 * y_true - 1
    return np.mean(np.maximum(0, 1 - y_true * y_pred))


def kl_divergence(p_true, p_pred):
    """keras.losses.KLDivergence(). How far a predicted distribution is from a target one
    (distillation, VAEs); 0 only when the two are equal."""
    p_true, p_pred = np.clip(p_true, 1e-7, 1), np.clip(p_pred, 1e-7, 1)
    return np.mean(np.sum(p_true * np.log(p_true / p_pred), axis=-1))


def keras_losses():
    """name -> (Keras loss, NumPy formula). The names are what compile(loss=...) accepts."""
    return {
        "mean_squared_error": (keras.losses.MeanSquaredError(), mean_squared_error),
        "mean_absolute_error": (keras.losses.MeanAbsoluteError(), mean_absolute_error),
        "huber": (keras.losses.Huber(delta=1.0), huber),  # not "huber_loss": fit would fail
        "binary_crossentropy": (keras.losses.BinaryCrossentropy(), binary_crossentropy),
        "categorical_crossentropy": (keras.losses.CategoricalCrossentropy(),
                                     categorical_crossentropy),
        "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy(),
                                            sparse_categorical_crossentropy),
        "hinge": (keras.losses.Hinge(), hinge),
        "kl_divergence": (keras.losses.KLDivergence(), kl_divergence),
    }


def example_batch(name, batch=64, classes=5, seed=0):
    """Random (y_true, y_pred) of the kind each loss expects, float32 as Keras computes."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(batch, classes)).astype("float32")
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    labels = rng.integers(0, classes, size=batch)
    if name in ("mean_squared_error", "mean_absolute_error", "huber"):
        return rng.normal(scale=2.0, size=(batch, 1)).astype("float32"), scores[:, :1]
    if name == "binary_crossentropy":
        sigmoid = 1 / (1 + np.exp(-scores[:, :1]))
        return rng.integers(0, 2, size=(batch, 1)).astype("float32"), sigmoid
    if name == "categorical_crossentropy":
        return np.eye(classes, dtype="float32")[labels], probabilities
    if name == "sparse_categorical_crossentropy":
        return labels, probabilities
    if name == "hinge":
        return rng.choice([-1.0, 1.0], size=(batch, 1)).astype("float32"), 2 * scores[:, :1]
    return np.roll(probabilities, 1, axis=0), probabilities  # kl_divergence


def demo(seed=0, verbose=0):
    """Every Keras loss against its NumPy formula on random batches: the gap stays below 1e-6."""
    keras.utils.set_random_seed(seed)
    gaps = {}
    for name, (keras_loss, formula) in keras_losses().items():
        y_true, y_pred = example_batch(name, seed=seed)
        gaps[name] = abs(float(keras_loss(y_true, y_pred)) - float(formula(y_true, y_pred)))
        if verbose:
            print(f"{name:32s} numpy {float(formula(y_true, y_pred)):.6f}  gap {gaps[name]:.1e}")
    return {
        "metric": "max |numpy - keras|",
        "value": max(gaps.values()),
        "target": 1e-6,
        "higher_is_better": False,
        "params": None,
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
