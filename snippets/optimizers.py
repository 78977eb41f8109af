"""
Title: Optimizers
Description: SGD with momentum, Adam, RMSprop and Adagrad on one problem, with their loss
    curves.
Section: Optimization
Aliases: optimizer, sgd, momentum, adam, rmsprop, adagrad
Use when: which optimizer, compare optimizers, momentum, adaptive learning rate, lr argument error,
    adam or sgd, learning rate too high
See also: lr-schedule, basics
Functions: make_optimizers, build_model, compare_optimizers
Backends: tensorflow, jax, torch

## Note

An optimizer turns gradients into weight updates. SGD with momentum keeps a velocity (0.9 *
velocity - lr * gradient) that smooths noisy gradients and speeds up along directions they agree
on. Adam keeps bias-corrected moving averages of the gradient and of its square and divides one
by the root of the other, so each weight gets its own step size: its first step is about lr in
every coordinate, whatever the gradient's scale. RMSprop divides by the root of a moving average
of squared gradients; Adagrad by the root of their running sum, which only grows, so a steady
gradient gets ever smaller steps. compare_optimizers trains one model from one start with each
and returns the loss per epoch.

## Pitfalls

- One optimizer instance serves one model: it builds its slots (velocities, moving averages) for
  that model's variables, and a second model raises ValueError 'Unknown variable'.
  make_optimizers returns new instances on every call.
- Keras 3 rejects the legacy `lr=` (ValueError): write `learning_rate=`. A decaying rate is a
  schedule (see lr-schedule), not `decay=`.
- `optimizer="adam"` uses the defaults; pass an instance to set learning_rate, momentum,
  beta_1/beta_2 or rho.
"""

import keras
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def make_optimizers():
    """The original sheet's four optimizers, new instances on every call (one instance serves
    one model)."""
    return {
        # velocity = 0.9 * velocity - lr * gradient; weight += velocity
        "sgd_momentum": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        # bias-corrected moving averages of gradient and gradient**2: first step ~ lr * sign(g)
        "adam": keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        # divide by the root of a moving average of squared gradients
        "rmsprop": keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9),
        # divide by the root of the running *sum* of squared gradients: steps only shrink
        "adagrad": keras.optimizers.Adagrad(learning_rate=0.01),
    }


def build_model(input_dim=64, num_classes=10):
    """A small classifier, the same for every optimizer."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 64)
    hidden = keras.layers.Dense(32, activation="relu")(inputs)  # (batch, 32)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(hidden)  # (batch, 10)
    return keras.Model(inputs, outputs)


def compare_optimizers(x, y, epochs=10, batch_size=32, seed=0):
    """Train the same model from the same start with each optimizer: {name: [loss per epoch]}."""
    curves = {}
    for name, optimizer in make_optimizers().items():
        keras.utils.set_random_seed(seed)  # identical initial weights and batch order
        model = build_model(x.shape[1], int(y.max()) + 1)
        model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy())
        # fit() builds the optimizer's slots for this model's variables: from now on it serves
        # this model only.
        history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
        curves[name] = [float(loss) for loss in history.history["loss"]]
    return curves


def load_data(seed=0):
    """scikit-learn's bundled 8x8 digits as 64 features in [0, 1], split 75/25."""
    features, labels = load_digits(return_X_y=True)
    return train_test_split((features / 16.0).astype("float32"), labels, test_size=0.25,
                            random_state=seed, stratify=labels)


def demo(seed=0, epochs=10, verbose=0):
    """Loss curves of the four optimizers on digits; the best final loss should fall below 0.3."""
    x_train, _, y_train, _ = load_data(seed)
    curves = compare_optimizers(x_train, y_train, epochs=epochs, seed=seed)
    if verbose:
        for name, losses in curves.items():
            print(f"{name:>12}: {losses[0]:.3f} -> {losses[-1]:.3f}")
    return {
        "metric": "best final training loss",
        "value": min(losses[-1] for losses in curves.values()),
        "target": 0.3,
        "higher_is_better": False,
        "params": build_model().count_params(),
        "history": curves,
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
