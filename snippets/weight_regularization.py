"""
Title: Weight regularization (L1, L2, L1L2)
Description: Penalties on kernel size added to the loss: l2 * sum(w**2), l1 * sum(|w|), or both.
Section: Regularization
Aliases: l1, l2, l1l2, l1_l2, weight-decay, regularizer
Use when: overfitting, prevent overfitting, weight decay, penalty on weights, sparse weights, l1
    regularization, l2 regularization, kernel_regularizer, high training accuracy but low validation
    accuracy
See also: dropout, early-stopping, optimizers
Functions: make_regularizer, build_regularized_model, regularization_penalty
Backends: tensorflow, jax, torch

## Note

A kernel penalty adds the size of the weights to the loss that fit() minimizes: L2 adds strength
* sum(w**2), with no 1/2 in front; L1 adds strength * sum(|w|); L1L2 adds both. L2 pulls each
weight toward zero in proportion to its size (with plain SGD it is weight decay: every step
multiplies w by 1 - 2 * lr * strength), while L1 pulls with the same force whatever the size, so
weights that barely help end up near zero. Small weights give a smoother function that has less
room to memorize noise. model.losses holds the penalties at the current weights, one per kernel.

## Pitfalls

- The original tf.keras 2 sheet calls `model.add(...)` on a model it never defines (and a
  Functional model has no `.add`): build on `keras.Input` and pass `kernel_regularizer=` to each
  layer.
- `l2(0.01)` adds 0.01 * sum(w**2), not 0.005 * sum(w**2): there is no 1/2, so halve the
  strength to match a formula written as lambda/2 * ||w||^2.
- Keras 3's `L1L2()` (alias `l1_l2`) defaults to l1=0.0, l2=0.0, and the string "l1l2" gives the
  same: no penalty, and no error. tf.keras 2's `l1_l2()` defaulted to 0.01 each. Always pass
  both strengths.
- The `loss` fit() reports includes the penalty, so it is not comparable between a penalised and
  a plain model: compare a metric such as `keras.metrics.MeanSquaredError()` instead.
"""

import keras
import numpy as np


def make_regularizer(kind, strength=0.01):
    """A kernel penalty by name: "l1", "l2", "l1_l2" or None. Strengths are always explicit."""
    if kind is None:
        return None
    if kind == "l1":
        return keras.regularizers.L1(l1=strength)  # adds strength * sum(|w|)
    if kind == "l2":
        return keras.regularizers.L2(l2=strength)  # adds strength * sum(w**2): no 1/2 in front
    if kind == "l1_l2":
        # Both factors by hand: L1L2() defaults to l1=0.0, l2=0.0, a penalty of nothing.
        return keras.regularizers.L1L2(l1=strength, l2=strength)
    raise ValueError(f"kind must be 'l1', 'l2', 'l1_l2' or None, not {kind!r}")


def build_regularized_model(input_dim=30, kinds=("l2", "l1_l2"), strength=0.01, units=64):
    """One Dense(relu) layer per entry of `kinds`, each with that kernel penalty; Dense(1) head."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = inputs
    for kind in kinds:
        hidden = keras.layers.Dense(
            units, activation="relu",
            kernel_regularizer=make_regularizer(kind, strength))(hidden)  # (batch, units)
    outputs = keras.layers.Dense(1)(hidden)  # (batch, 1), a regression head with no penalty
    return keras.Model(inputs, outputs, name="regularized_mlp")


def regularization_penalty(model):
    """The total penalty at the current weights: what fit() adds to the data loss at each step."""
    # model.losses holds one scalar per penalised kernel, recomputed from the current weights.
    return float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses))


def kernel_norm(model):
    """Euclidean norm of all Dense kernels together (biases left out, as the penalties do)."""
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    return float(np.sqrt(sum(np.sum(kernel.numpy() ** 2) for kernel in kernels)))


def make_data(seed=0, train_size=40, test_size=400, input_dim=30, noise=0.5):
    """y depends on 3 of 30 features plus noise: 40 samples are few enough to memorize."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(train_size + test_size, input_dim)).astype("float32")
    true_weights = np.zeros(input_dim)
    true_weights[:3] = [1.5, -2.0, 1.0]
    y = (x @ true_weights + noise * rng.normal(size=len(x))).astype("float32")[:, None]
    return x[:train_size], y[:train_size], x[train_size:], y[train_size:]


def demo(seed=0, epochs=14, verbose=0):
    """Train the original sheet's model (L2 then L1L2) and a plain twin; penalised kernels end
    below 0.6x the plain ones."""
    x_train, y_train, x_test, y_test = make_data(seed)
    results, histories = {}, {}
    for name, kinds in (("plain", (None, None)), ("penalised", ("l2", "l1_l2"))):
        keras.utils.set_random_seed(seed)  # same initial weights and batches for both
        model = build_regularized_model(input_dim=x_train.shape[1], kinds=kinds)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="mse",
                      metrics=[keras.metrics.MeanSquaredError(name="mse")])
        # history["loss"] is MSE + penalty; history["mse"] is the data term alone.
        history = model.fit(x_train, y_train, epochs=epochs, batch_size=8, verbose=verbose)
        _, test_mse = model.evaluate(x_test, y_test, verbose=verbose)  # MSE without the penalty
        results[name] = {"kernel_norm": kernel_norm(model), "test_mse": float(test_mse)}
        histories.update({f"{name}_{key}": [float(v) for v in values]
                          for key, values in history.history.items()})
    return {
        "metric": "kernel norm, penalised / plain",
        "value": results["penalised"]["kernel_norm"] / results["plain"]["kernel_norm"],
        "target": 0.6,
        "higher_is_better": False,
        "params": model.count_params(),
        "history": histories,
        "results": results,
    }


if __name__ == "__main__":
    result = demo()
    for name, numbers in result["results"].items():
        print(f"{name:>9}: kernel norm {numbers['kernel_norm']:.2f}, "
              f"held-out MSE {numbers['test_mse']:.3f}")
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
