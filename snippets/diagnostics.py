"""
Title: Training diagnostics
Description: Learning-curve verdicts, one-batch overfit, gradient norms, dead ReLUs, NaN guards.
Section: Diagnostics and deployment
Aliases: debugging, learning-curves, vanishing-gradients, dead-relu, clipnorm
Use when: overfitting, underfitting, loss not decreasing, model does not learn, nan loss, exploding
    gradients, vanishing gradients, dying relu, gradient clipping, learning curves, model not
    learning, accuracy stuck, accuracy does not change, accuracy stays the same, loss keeps
    increasing, validation loss going up, validation loss increasing, high training accuracy but low
    validation accuracy, loss explodes, gradient explosion, relu outputs zero, same output for every
    input, accuracy remains constant
See also: activations, basics, deployment
Functions: learning_curve_verdict, overfit_one_batch, gradient_norms, flag_gradients,
    dead_relu_fraction, check_finite, guarded_compile
Backends: tensorflow, jax, torch

## Note

When training misbehaves, check in this order. First overfit one small batch: a working model,
loss and optimizer drive 16 samples to ~0 loss, so if yours cannot, the bug is in the code
(labels, loss, learning rate), not in the data. Then read the learning curves: a training loss
that stays high is underfitting (bigger model, longer training); a validation loss that turns up
while the training loss falls is overfitting (regularize, stop early). Per-layer gradient norms
show vanishing gradients (early layers get under a thousandth of the largest, as in a deep
sigmoid stack, whose derivative is at most 0.25 per layer) or exploding ones; a dead ReLU unit
outputs 0 for every input, gets no gradient and never learns again. Guard long runs with
clipnorm and TerminateOnNaN, and check the data for NaN before fit.

## Pitfalls

- Keras 3 has no backend-neutral gradient call, and `tf.GradientTape` ties the code to
  TensorFlow: one plain SGD step on a copy of the model moves each weight by -learning_rate *
  gradient, so (old - new) / learning_rate is the gradient on any backend (equal to
  GradientTape's within 1e-5).
- TerminateOnNaN watches only the loss. On TensorFlow's default x86 CPU build (oneDNN), a NaN
  pixel went through the compiled Dense+ReLU as 0: the loss stayed finite while the first
  layer's weights were already NaN. Check the data with `np.isfinite` before fit.
- TerminateOnNaN stops after the batch whose loss was NaN, whose step has already been applied:
  the weights are NaN by then, so resume from a checkpoint, not from the model in memory.
"""

import math

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def learning_curve_verdict(history, baseline=None, fit_fraction=0.5, gap=0.1):
    """'underfitting', 'overfitting' or 'fine', read from the loss and val_loss curves.

    underfitting: the training loss ended above `fit_fraction` x `baseline` (the loss of a model
        that learned nothing; default: the first epoch's training loss): it cannot even fit the
        data it sees, so grow the model or train longer before regularizing anything.
    overfitting: the validation loss ended more than `gap` (10 %) above its best epoch while the
        training loss kept falling: it learns the training set by heart (regularize, stop early).
    """
    train, validation = list(history["loss"]), list(history["val_loss"])
    baseline = train[0] if baseline is None else baseline
    if train[-1] > fit_fraction * baseline:
        return "underfitting"
    best_epoch = validation.index(min(validation))
    if validation[-1] > (1 + gap) * validation[best_epoch] and train[-1] < train[best_epoch]:
        return "overfitting"
    return "fine"


def overfit_one_batch(model, x, y, steps=100, tolerance=0.01):
    """Train a compiled model on one small batch only: (loss reached ~0?, loss per step).

    A working model, loss and optimizer can memorize 16 samples; when the loss will not go to
    ~0 here, look for a bug (labels, loss, learning rate) before tuning anything else.
    """
    losses = [float(np.ravel(model.train_on_batch(x, y))[0]) for _ in range(steps)]
    return math.isfinite(losses[-1]) and losses[-1] < tolerance, losses


def gradient_norms(model, x, y, loss, learning_rate=1e6):
    """The gradient norm of each layer's weights on one batch, on any Keras backend.

    Keras has no backend-neutral `gradient()` call, but one plain SGD step moves every weight by
    exactly -learning_rate * gradient, so we take that step on a throw-away copy and read the
    gradient back. The huge step keeps tiny (vanishing) gradients visible in float32.
    """
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=loss)
    before = [weight.numpy().astype("float64") for weight in copy.trainable_weights]
    copy.train_on_batch(x, y)
    gradient_of = {
        id(weight): (old - weight.numpy().astype("float64")) / learning_rate
        for weight, old in zip(copy.trainable_weights, before, strict=True)
    }
    return {
        layer.name: math.sqrt(sum(float(np.sum(gradient_of[id(weight)] ** 2))
                                  for weight in layer.trainable_weights))
        for layer in copy.layers if layer.trainable_weights
    }


def flag_gradients(norms, vanishing_ratio=1e-3, exploding_norm=1e3):
    """Per layer: 'vanishing' (under 1/1000 of the largest layer's norm: it barely learns),
    'exploding' (norm above 1000, or not finite) or 'ok'."""
    largest = max((norm for norm in norms.values() if math.isfinite(norm)), default=0.0)
    flags = {}
    for name, norm in norms.items():
        if not math.isfinite(norm) or norm > exploding_norm:
            flags[name] = "exploding"
        elif norm < vanishing_ratio * largest:
            flags[name] = "vanishing"
        else:
            flags[name] = "ok"
    return flags


def dead_relu_fraction(model, x):
    """Per ReLU layer, the fraction of units that output 0 for every sample of `x`.

    A dead unit gets zero gradient and never recovers (too high a learning rate, or a large
    negative bias, kills them); a few are harmless, half the layer is not.
    """
    relu_layers = [layer for layer in model.layers
                   if isinstance(layer, keras.layers.ReLU)
                   or getattr(layer, "activation", None) is keras.activations.relu]
    probe = keras.Model(model.input, [layer.output for layer in relu_layers])
    outputs = probe.predict(x, verbose=0)  # one array per ReLU layer
    outputs = outputs if isinstance(outputs, list) else [outputs]
    return {layer.name: float(np.mean(np.all(output.reshape(len(x), -1) <= 0, axis=0)))
            for layer, output in zip(relu_layers, outputs, strict=True)}


def check_finite(*arrays):
    """Raise ValueError if an array holds NaN or inf: check the data before fit, not after."""
    for position, array in enumerate(arrays):
        bad = ~np.isfinite(np.asarray(array, dtype="float64"))
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"array {position} has {int(bad.sum())} NaN/inf values, "
                             f"the first at index {first}")


def guarded_compile(model, loss, learning_rate=1e-3, clipnorm=1.0,
                    optimizer_class=keras.optimizers.Adam, metrics=None):
    """Compile with gradient clipping; returns the callbacks that stop training on a NaN loss.

    clipnorm rescales each weight's gradient to norm <= clipnorm before the step, so one bad
    batch cannot throw the weights far; TerminateOnNaN ends fit() at the first NaN batch
    instead of training on garbage for the remaining epochs.
    """
    optimizer = optimizer_class(learning_rate=learning_rate, clipnorm=clipnorm)
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return [keras.callbacks.TerminateOnNaN()]


def build_classifier(input_dim=64, num_classes=10, units=64):
    """A small ReLU MLP: Input -> Dense(relu) -> Dense(relu) -> Dense(softmax)."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu", name="hidden_1")(inputs)  # (batch, units)
    hidden = keras.layers.Dense(units, activation="relu", name="hidden_2")(hidden)  # (batch, units)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(
        hidden)  # (batch, num_classes)
    return keras.Model(inputs, outputs, name="digits_mlp")


def demo(seed=0, epochs=5, verbose=0):
    """Run every check on a digits classifier; a healthy set-up passes all four."""
    keras.utils.set_random_seed(seed)
    features, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        (features / 16.0).astype("float32"), labels, test_size=0.25, random_state=seed,
        stratify=labels)
    loss = keras.losses.SparseCategoricalCrossentropy()
    sanity_model = build_classifier()
    sanity_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss=loss)
    # 30 steps: this small MLP is below 1e-3 by step 25 (seeds 0-4); give a big model more.
    memorized, _ = overfit_one_batch(sanity_model, x_train[:16], y_train[:16], steps=30)

    model = build_classifier()
    flags = flag_gradients(gradient_norms(model, x_train[:128], y_train[:128], loss))
    check_finite(x_train, y_train)  # a NaN input need not reach the loss (see pitfalls)
    callbacks = guarded_compile(model, loss, learning_rate=3e-3)
    # Validation every epoch: the learning curves are what this card reads.
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=epochs,
                        batch_size=64, callbacks=callbacks, verbose=verbose)
    dead = dead_relu_fraction(model, x_test)
    verdict = learning_curve_verdict(history.history, baseline=math.log(10))
    checks = {
        "overfits one batch": memorized,
        "gradients ok": set(flags.values()) == {"ok"},
        "few dead ReLUs": max(dead.values()) < 0.5,
        "learning curves fine": verdict == "fine",
    }
    if verbose:
        for name, passed in checks.items():
            print(f"{'pass' if passed else 'FAIL'}  {name}")
        print(f"gradient flags {flags}\ndead ReLU fraction {dead}\nverdict {verdict}")
    return {
        "metric": "diagnostic checks passed",
        "value": sum(checks.values()),
        "target": len(checks),
        "higher_is_better": True,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo(verbose=2)  # 2: one line per epoch, then the checks
    print(f"{result['metric']}: {result['value']} of {result['target']}")
