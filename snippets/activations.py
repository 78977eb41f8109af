"""
Title: Activation functions
Description: Sigmoid, ReLU and softmax in NumPy, numerically stable and equal to Keras.
"""

import time

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
    started = time.perf_counter()
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
        "build_seconds": 0.0,
        "train_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
