import math
import os
import platform

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits

from snippets import diagnostics


def digits_batch(size=16):
    features, labels = load_digits(return_X_y=True)
    return (features[:size] / 16.0).astype("float32"), labels[:size]


def dense_stack(depth, activation, kernel_initializer="glorot_uniform", width=32):
    inputs = keras.Input(shape=(10,))
    hidden = inputs
    for _ in range(depth):
        hidden = keras.layers.Dense(width, activation=activation,
                                    kernel_initializer=kernel_initializer)(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def binary_batch(size=64):
    x = np.random.default_rng(0).normal(size=(size, 10)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


# -- learning curves: the verdict follows the curves it is given ------------------------------

@pytest.mark.parametrize("train, validation, expected", [
    ([2.3, 1.0, 0.5, 0.3, 0.2], [2.2, 1.1, 0.6, 0.45, 0.4], "fine"),
    ([2.3, 1.0, 0.5, 0.3, 0.2], [2.2, 1.1, 0.60, 0.62, 0.64], "fine"),  # +7 %: noise, not a trend
    ([2.3, 1.0, 0.4, 0.2, 0.1], [2.2, 1.0, 0.6, 0.7, 0.9], "overfitting"),  # val turned up
    ([2.3, 2.2, 2.2, 2.1, 2.1], [2.3, 2.2, 2.2, 2.2, 2.1], "underfitting"),  # barely moved
    ([2.3, 2.2, 2.2, 2.1, 2.1], [2.3, 2.2, 2.4, 2.6, 2.9], "underfitting"),  # first fix the fit
], ids=["fine", "fine-with-noise", "overfitting", "underfitting", "underfitting-first"])
def test_verdict_follows_the_curves(train, validation, expected):
    history = {"loss": train, "val_loss": validation}
    assert diagnostics.learning_curve_verdict(history) == expected


def test_baseline_judges_a_loss_that_fell_but_stays_high():
    # log(10) = 2.30 is what a uniform guess over 10 classes scores; 1.5 is far from fitted.
    history = {"loss": [2.0, 1.6, 1.5], "val_loss": [2.0, 1.6, 1.5]}
    assert diagnostics.learning_curve_verdict(history, baseline=math.log(10)) == "underfitting"
    assert diagnostics.learning_curve_verdict(history, baseline=4.0) == "fine"


def test_baseline_spares_a_model_that_learned_most_in_its_first_epoch():
    # By default the first epoch is the baseline, and 0.2 is not below half of 0.3.
    history = {"loss": [0.3, 0.25, 0.2], "val_loss": [0.3, 0.26, 0.22]}
    assert diagnostics.learning_curve_verdict(history) == "underfitting"
    assert diagnostics.learning_curve_verdict(history, baseline=math.log(10)) == "fine"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 10.0), min_size=2, max_size=30, unique=True))
def test_falling_validation_loss_is_never_called_overfitting(losses):
    falling = sorted(losses, reverse=True)
    history = {"loss": falling, "val_loss": falling}
    assert diagnostics.learning_curve_verdict(history) != "overfitting"


# -- overfit one batch ---------------------------------------------------------------------------

def test_healthy_model_overfits_one_batch_to_near_zero_loss():
    x, y = digits_batch()
    model = diagnostics.build_classifier()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    passed, losses = diagnostics.overfit_one_batch(model, x, y)
    # Independent reference: cross-entropy recomputed with numpy from the model's predictions.
    probabilities = model.predict(x, verbose=0).astype("float64")
    numpy_loss = -np.mean(np.log(probabilities[np.arange(len(y)), y]))
    assert passed and numpy_loss < 0.01
    assert (probabilities.argmax(axis=1) == y).all()
    assert losses[0] > 1.0  # it started from a real loss: the check had something to do


def test_learning_rate_of_ten_fails_the_one_batch_check():
    x, y = digits_batch()
    model = diagnostics.build_classifier()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=10.0),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    passed, losses = diagnostics.overfit_one_batch(model, x, y)
    assert not passed
    assert not (losses[-1] < 0.01)  # NaN or stuck high, either way not memorized


# -- gradient norms ------------------------------------------------------------------------------

# the reference is tf.GradientTape
@pytest.mark.tensorflow_only
def test_gradient_norms_equal_gradient_tape():
    # Reference: TensorFlow's own autodiff, layer by layer.
    model = dense_stack(4, "tanh")
    x, y = binary_batch()
    loss = keras.losses.BinaryCrossentropy()
    with tf.GradientTape() as tape:
        value = loss(y, model(x, training=True))
    gradients = dict(zip([id(w) for w in model.trainable_weights],
                         tape.gradient(value, model.trainable_weights), strict=True))
    expected = {layer.name: np.sqrt(sum(np.sum(gradients[id(w)].numpy().astype("float64") ** 2)
                                        for w in layer.trainable_weights))
                for layer in model.layers if layer.trainable_weights}
    before = [w.numpy().copy() for w in model.weights]
    actual = diagnostics.gradient_norms(model, x, y, loss)
    assert actual.keys() == expected.keys() and len(actual) == 5
    for name in expected:
        np.testing.assert_allclose(actual[name], expected[name], rtol=1e-5)
    for weight, old in zip(model.weights, before, strict=True):  # the model itself is untouched
        np.testing.assert_array_equal(weight.numpy(), old)


def test_deep_sigmoid_stack_is_flagged_vanishing_and_healthy_relu_is_not():
    x, y = binary_batch()
    loss = keras.losses.BinaryCrossentropy()
    deep_sigmoid = diagnostics.flag_gradients(
        diagnostics.gradient_norms(dense_stack(10, "sigmoid"), x, y, loss))
    healthy = diagnostics.flag_gradients(
        diagnostics.gradient_norms(dense_stack(3, "relu", "he_normal"), x, y, loss))
    assert list(deep_sigmoid.values())[0] == "vanishing"  # the first layers learn nothing
    assert list(deep_sigmoid.values())[-1] == "ok"
    assert set(healthy.values()) == {"ok"}


# TensorFlow's random stream: JAX draws other weights, whose norms stay under the flag
@pytest.mark.tensorflow_only
def test_huge_initial_weights_are_flagged_exploding():
    x, y = binary_batch()
    model = dense_stack(8, "relu", keras.initializers.RandomNormal(stddev=1.0))
    flags = diagnostics.flag_gradients(
        diagnostics.gradient_norms(model, x, y, keras.losses.BinaryCrossentropy()))
    assert "exploding" in flags.values()


def test_flags_on_hand_made_norms():
    norms = {"d": float("nan"), "a": 1e-7, "b": 0.5, "c": 10.0, "e": 5e3}
    # The largest finite norm is 5e3, so 1e-3 * 5e3 = 5 is the vanishing bar.
    assert diagnostics.flag_gradients(norms) == {
        "d": "exploding", "a": "vanishing", "b": "vanishing", "c": "ok", "e": "exploding"}
    assert diagnostics.flag_gradients({"a": 0.002, "b": 1.0, "c": float("inf")})["c"] \
        == "exploding"
    assert diagnostics.flag_gradients({"a": 0.002, "b": 1.0}) == {"a": "ok", "b": "ok"}


# -- dead ReLUs ----------------------------------------------------------------------------------

def test_dead_relu_fraction_equals_a_numpy_count():
    inputs = keras.Input(shape=(10,))
    hidden = keras.layers.Dense(20, activation="relu", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    kernel, bias = model.get_layer("hidden").get_weights()
    bias[:7] = -100.0  # kill 7 of 20 units: no input of this scale can lift them above 0
    model.get_layer("hidden").set_weights([kernel, bias])
    x = np.random.default_rng(0).normal(size=(64, 10)).astype("float32")
    expected = np.mean(np.all(x @ kernel + bias <= 0, axis=0))  # hand count with numpy
    fraction = diagnostics.dead_relu_fraction(model, x)
    assert fraction == {"hidden": pytest.approx(expected)}
    assert fraction["hidden"] >= 7 / 20


def test_dead_relu_fraction_counts_relu_layers_too():
    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.ReLU(name="relu")(keras.layers.Dense(3, name="linear")(inputs))
    model = keras.Model(inputs, outputs)
    model.get_layer("linear").set_weights([np.eye(4, 3, dtype="float32"),
                                           np.array([0.0, 0.0, -10.0], dtype="float32")])
    x = np.abs(np.random.default_rng(0).normal(size=(8, 4))).astype("float32")
    assert diagnostics.dead_relu_fraction(model, x) == {"relu": pytest.approx(1 / 3)}


# -- NaN guard and clipping ----------------------------------------------------------------------

class BatchCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


# torch's binary cross-entropy raises on a NaN target before TerminateOnNaN can see the loss
@pytest.mark.usefixtures("collect_abandoned_iterators")
@pytest.mark.tensorflow_only
@pytest.mark.jax_only
@pytest.mark.parametrize("guarded", [True, False])
def test_a_nan_in_the_data_stops_training_at_once(guarded):
    x, y = binary_batch()
    y[20] = np.nan  # sample 20 sits in the third batch of 8
    model = dense_stack(2, "relu", width=8)
    loss = keras.losses.BinaryCrossentropy()
    callbacks = diagnostics.guarded_compile(model, loss) if guarded else []
    if not guarded:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=loss)
    counter = BatchCounter()
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                        callbacks=[*callbacks, counter])
    assert math.isnan(history.history["loss"][-1])
    if guarded:
        assert counter.batches == 3 and len(history.history["loss"]) == 1
        # It stops after the NaN batch's step: the weights already took the NaN update.
        assert np.isnan(model.layers[1].get_weights()[0]).all()
    else:  # the control: without the guard all 3 epochs of 8 batches run on NaN weights
        assert counter.batches == 24


# about TensorFlow's oneDNN CPU kernels turning a NaN into 0
@pytest.mark.tensorflow_only
def test_a_nan_input_can_poison_the_weights_without_a_nan_loss():
    # The note's warning: TerminateOnNaN watches the loss only. On TensorFlow's default x86
    # CPU build (oneDNN), compiled Dense+ReLU turns a NaN into 0, so the loss stays finite.
    x, y = digits_batch(size=64)
    x[20, 5] = np.nan
    model = diagnostics.build_classifier()
    callbacks = diagnostics.guarded_compile(model, keras.losses.SparseCategoricalCrossentropy())
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0,
                        callbacks=callbacks)
    assert np.isnan(model.get_layer("hidden_1").get_weights()[0]).any()
    onednn = (platform.machine() in ("x86_64", "AMD64")
              and os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") != "0")
    if onednn:
        assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    with pytest.raises(ValueError, match=r"1 NaN/inf values, the first at index \(20, 5\)"):
        diagnostics.check_finite(x, y)
    diagnostics.check_finite(x[:16], y[:16])  # clean data passes silently


# the reference is tf.GradientTape
@pytest.mark.tensorflow_only
def test_clipnorm_caps_each_gradient_at_its_norm():
    x, y = binary_batch()
    y = y * 1000.0  # a regression target far off: gradients much larger than 1
    model = dense_stack(2, "relu", width=8)
    loss = keras.losses.MeanSquaredError()
    with tf.GradientTape() as tape:
        value = loss(y, model(x, training=True))
    gradients = [g.numpy() for g in tape.gradient(value, model.trainable_weights)]
    before = [w.numpy().copy() for w in model.trainable_weights]
    diagnostics.guarded_compile(model, loss, learning_rate=0.1, clipnorm=1.0,
                                optimizer_class=keras.optimizers.SGD)
    model.train_on_batch(x, y)
    for weight, old, gradient in zip(model.trainable_weights, before, gradients, strict=True):
        # Reference: SGD on g * min(1, clipnorm / |g|), each weight tensor on its own.
        clipped = gradient * min(1.0, 1.0 / np.linalg.norm(gradient))
        np.testing.assert_allclose(weight.numpy(), old - 0.1 * clipped, rtol=1e-4, atol=1e-6)
    assert max(np.linalg.norm(g) for g in gradients) > 10  # clipping really had work to do


def test_demo_passes_every_check_and_records_learning_curves():
    result = diagnostics.demo()
    assert result["value"] == result["target"] == 4
    assert {"loss", "val_loss"} <= result["history"].keys()
    assert len(result["history"]["val_loss"]) == 5
