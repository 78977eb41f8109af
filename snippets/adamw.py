"""
Title: AdamW: decoupled weight decay
Description: AdamW shrinks every weight by lr * weight_decay; an L2 penalty under Adam does not.
Section: Optimization
Aliases: adam-w, decoupled-weight-decay, l2-vs-weight-decay, weight-decay-vs-l2
Use when: adamw, adam with weight decay, weight decay or l2 regularization, weight_decay argument,
    decoupled weight decay, adam l2 penalty, exclude bias from weight decay
See also: optimizers, weight-regularization, lr-schedule
Functions: make_setups, one_step, hand_updates
Backends: tensorflow, jax, torch

## Note

Weight decay shrinks each weight toward zero every step; an L2 penalty adds l2 * sum(w**2) to the
loss, whose gradient 2 * l2 * w pulls the same way. Under SGD the two are one update: w - lr * (g
+ 2 * l2 * w) equals w - lr * wd * w - lr * g when wd = 2 * l2. Adam divides each gradient by the
root of its own moving average of squares, and an L2 term added to the gradient is divided too:
a weight with large gradients is barely pulled, one with tiny gradients moves about lr toward
zero whatever l2 is (the first Adam step is about lr * sign(g)). Decoupled decay (Loshchilov and
Hutter's AdamW) subtracts lr * wd * w outside Adam's division, so every weight shrinks by the
same factor 1 - lr * wd. The demo takes one step of each of the four setups (SGD + L2, SGD with
weight_decay, Adam + L2, AdamW) on a diabetes batch and compares Keras's weights with NumPy
formulas: equal for the SGD pair, different for the Adam pair.

## Pitfalls

- In Keras 3 every optimizer takes `weight_decay=` and applies it decoupled:
  `Adam(weight_decay=0.01)` is AdamW, not Adam with an L2 penalty. For Adam + L2, pass
  `kernel_regularizer=keras.regularizers.L2(...)` to the layers instead.
- `L2(l2)` adds l2 * sum(w**2), whose gradient is 2 * l2 * w: SGD + `L2(l2)` equals
  `SGD(weight_decay=2 * l2)`, not `weight_decay=l2`.
- The decay per step is learning_rate * weight_decay (as in PyTorch's AdamW), not weight_decay:
  AdamW's default weight_decay=0.004 at lr=0.001 takes 4e-6 of each weight per step, and a
  learning-rate schedule scales the decay too.
- weight_decay shrinks every trainable variable, biases and normalization scales included; call
  `optimizer.exclude_from_weight_decay(var_names=["bias"])` before the optimizer is built (before
  fit) to spare them. Keras 3.15 accepts a later call without a word, but on TensorFlow and JAX
  the train step fit already compiled goes on decaying the biases.
"""

import keras
import numpy as np
from sklearn.datasets import load_diabetes


def make_setups(learning_rate=0.01, weight_decay=0.1):
    """The four setups: {name: (optimizer, kernel penalty or None)}, new instances each call.

    The L2 strength is weight_decay / 2, because L2(l2)'s gradient is 2 * l2 * w."""
    penalty = weight_decay / 2
    return {
        # the penalty's gradient joins the data gradient: w -= lr * (g + wd * w)
        "sgd_l2": (keras.optimizers.SGD(learning_rate), keras.regularizers.L2(penalty)),
        # decay outside the gradient: w -= lr * wd * w, then w -= lr * g (the same update)
        "sgd_decay": (keras.optimizers.SGD(learning_rate, weight_decay=weight_decay), None),
        # the penalty's gradient goes through Adam's division by sqrt(v): rescaled per weight
        "adam_l2": (keras.optimizers.Adam(learning_rate), keras.regularizers.L2(penalty)),
        # decoupled: w -= lr * wd * w outside Adam's division, the same factor for every weight
        "adamw": (keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay), None),
    }


def one_step(optimizer, penalty, kernel, x, y):
    """The kernel of a linear model y = x @ kernel after one fit step (MSE) on one batch."""
    inputs = keras.Input(shape=(x.shape[1],))  # (batch, features)
    dense = keras.layers.Dense(1, use_bias=False, kernel_regularizer=penalty)
    outputs = dense(inputs)  # (batch, 1)
    model = keras.Model(inputs, outputs)
    dense.kernel.assign(kernel)  # the same start for every setup
    model.compile(optimizer=optimizer, loss=keras.losses.MeanSquaredError())
    model.train_on_batch(x, y)
    return keras.ops.convert_to_numpy(dense.kernel).astype("float64")


def hand_updates(kernel, x, y, learning_rate=0.01, weight_decay=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
    """The same four first steps in NumPy: {name: kernel after one step}."""
    kernel, x, y = (np.asarray(array, dtype="float64") for array in (kernel, x, y))
    gradient = 2 / len(x) * x.T @ (x @ kernel - y)  # d/dw of mean((x @ w - y)**2)

    def adam_step(g):  # first Adam step: m = (1 - b1) g, v = (1 - b2) g**2, bias-corrected
        alpha = learning_rate * np.sqrt(1 - beta_2) / (1 - beta_1)
        return alpha * (1 - beta_1) * g / (np.sqrt((1 - beta_2) * g**2) + epsilon)

    with_penalty = gradient + weight_decay * kernel  # gradient of the loss + (wd / 2) * sum(w**2)
    decayed = kernel - learning_rate * weight_decay * kernel  # decoupled: before the step
    return {
        "sgd_l2": kernel - learning_rate * with_penalty,
        "sgd_decay": decayed - learning_rate * gradient,
        "adam_l2": kernel - adam_step(with_penalty),
        "adamw": decayed - adam_step(gradient),
    }


def load_batch(batch_size=32):
    """scikit-learn's bundled diabetes data (10 scaled features), target scaled to unit std."""
    x, y = load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    return x[:batch_size].astype("float32"), y[:batch_size, None].astype("float32")


def demo(seed=0, learning_rate=0.01, weight_decay=0.1, verbose=0):
    """One step of each setup, Keras against NumPy; SGD's pair agrees, Adam's pair does not."""
    keras.utils.set_random_seed(seed)
    x, y = load_batch()
    kernel = np.random.default_rng(seed).normal(size=(x.shape[1], 1)).astype("float32")
    keras_kernels = {name: one_step(optimizer, penalty, kernel, x, y) for name, (optimizer, penalty)
                     in make_setups(learning_rate, weight_decay).items()}
    numpy_kernels = hand_updates(kernel, x, y, learning_rate, weight_decay)
    error = max(np.max(np.abs(keras_kernels[name] - numpy_kernels[name])) for name in numpy_kernels)
    sgd_gap = np.max(np.abs(keras_kernels["sgd_l2"] - keras_kernels["sgd_decay"]))
    adam_gap = np.max(np.abs(keras_kernels["adam_l2"] - keras_kernels["adamw"]))
    if verbose:
        print(f"|SGD+L2 - SGD decay| {sgd_gap:.1e}, |Adam+L2 - AdamW| {adam_gap:.1e}")
    return {
        "metric": "max |keras - numpy| over one step of the four setups",
        "value": float(error),
        "target": 1e-6,
        "higher_is_better": False,
        "params": x.shape[1],
        "sgd_gap": float(sgd_gap),
        "adam_gap": float(adam_gap),
        "kernels": keras_kernels,
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']:.0e})")
