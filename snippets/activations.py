"""
Title: Activation functions
Description: Sigmoid, ReLU and softmax in NumPy, numerically stable and equal to Keras.
Section: Fundamentals
Aliases: activation, sigmoid, relu, softmax, nonlinearity
Use when: choosing an activation function, non-linearity, class probabilities, probabilities that
    sum to one, numerically stable softmax, softmax gives nan, sigmoid overflow, output layer
    activation, sigmoid or softmax output
See also: basics, losses, diagnostics, transformer
Functions: sigmoid, relu, softmax
Backends: tensorflow, jax, torch

## Note

Without a non-linearity between them, stacked layers collapse into one linear map. Sigmoid
squashes to (0, 1) for binary probabilities, ReLU (max(0, x)) keeps gradients alive in deep
stacks, and softmax turns a row of scores into class probabilities that sum to 1. Written by
hand they must be numerically stable: subtract the row maximum before exp in softmax, and split
sigmoid by sign so exp never overflows.

## Pitfalls

- The original tf.keras 2 sheet's softmax sums over axis 0, across the batch: on a (batch,
  classes) array its rows do not sum to 1, and how far it lands from Keras depends on the data:
  a largest gap of 0.14 to 1.0 on random normal batches of 2 to 64 rows, never close. Take max
  and sum over `axis=-1` with `keepdims=True`.
- On a 2-D batch it also subtracts the global maximum, so a column whose scores all sit far
  below it underflows to 0 / 0 = NaN (`[[1000, 0]]` gives `[1, nan]`, while `[[1000, 1001],
  [-1000, -999]]` gives no NaN); subtracting each row's own maximum cannot. On a 1-D vector the
  original is correct and stable.
- `1 / (1 + np.exp(-x))` overflows (RuntimeWarning) for x < -88.7 in float32; the sign-split
  form never calls exp on a positive number.
"""

import keras
import numpy as np


def sigmoid(x):
    """1 / (1 + exp(-x)), computed so that exp never sees a positive argument."""
    x = np.asarray(x, dtype=float)
    small = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow, whatever |x| is
    return np.where(x >= 0, 1 / (1 + small), small / (1 + small))


def relu(x):
    """max(0, x), element-wise."""
    return np.maximum(0, np.asarray(x, dtype=float))


def softmax(x):
    """exp(x) / sum(exp(x)) over the last axis (the classes), one distribution per row."""
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=-1, keepdims=True)  # each row's own max: largest exp is exp(0) = 1
    exps = np.exp(shifted)
    return exps / exps.sum(axis=-1, keepdims=True)


def demo(seed=0, verbose=0):
    """Compare the NumPy forms with keras.activations; the gap should stay below 1e-6."""
    keras.utils.set_random_seed(seed)
    logits = np.random.default_rng(seed).normal(scale=5.0, size=(64, 10)).astype("float32")
    pairs = [
        (sigmoid, keras.activations.sigmoid),
        (relu, keras.activations.relu),
        (softmax, keras.activations.softmax),
    ]
    gap = max(
        float(np.max(np.abs(ours(logits) - keras.ops.convert_to_numpy(theirs(logits)))))
        for ours, theirs in pairs
    )
    if verbose:
        print(f"softmax row sums: {softmax(logits).sum(axis=-1)[:4]} ...")
    return {
        "metric": "max |numpy - keras|",
        "value": gap,
        "target": 1e-6,
        "higher_is_better": False,
        "params": None,
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
