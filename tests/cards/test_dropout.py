import keras
import numpy as np
import pytest

from snippets import dropout as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import demo_accuracy_measured_by_sklearn

# 100,000 units, each dropped independently with probability `rate`: the share dropped has
# standard deviation sqrt(rate * (1 - rate) / n), at most 0.0016 (rate 0.5). A tolerance of
# 5 standard deviations fails a correct layer with probability < 1e-6, yet is 4x tighter
# than a 0.03 mistake in the rate (e.g. keeping 0.53 instead of 0.5) would need to pass.
UNITS = 100_000
RATES = [0.1, 0.3, 0.5, 0.8]


def positive_batch(seed=0):
    """Inputs in [1, 2]: any zero in the output was made by dropout."""
    return np.random.default_rng(seed).uniform(1.0, 2.0, size=(100, UNITS // 100)).astype(
        "float32")


@pytest.mark.parametrize("rate", RATES)
def test_inference_mode_is_the_identity(rate):
    x = positive_batch()
    np.testing.assert_array_equal(card.apply_dropout(x, rate, training=False), x)


@pytest.mark.parametrize("rate", RATES)
def test_training_drops_about_rate_of_the_units(rate):
    output = card.apply_dropout(positive_batch(), rate, training=True, seed=1)
    dropped = np.mean(output == 0)
    tolerance = 5 * np.sqrt(rate * (1 - rate) / UNITS)
    assert abs(dropped - rate) < tolerance, (dropped, rate, tolerance)


@pytest.mark.parametrize("rate", RATES)
def test_survivors_are_scaled_by_one_over_keep_probability(rate):
    x = positive_batch()
    output = card.apply_dropout(x, rate, training=True, seed=2)
    kept = output != 0
    np.testing.assert_allclose(output[kept], x[kept] / (1 - rate), rtol=1e-6)
    # So the expected activation is unchanged: E[output] = (1 - rate) * x / (1 - rate) = x.
    # Each unit's output has variance x**2 * rate / (1 - rate); 5 standard deviations of the mean:
    tolerance = 5 * np.sqrt(np.mean(x ** 2) * rate / (1 - rate) / UNITS) / x.mean()
    assert abs(output.mean() / x.mean() - 1) < tolerance


def test_masks_differ_between_training_calls():
    layer = keras.layers.Dropout(0.5, seed=3)
    x = positive_batch()
    first = keras.ops.convert_to_numpy(layer(x, training=True))
    second = keras.ops.convert_to_numpy(layer(x, training=True))
    assert not np.array_equal(first == 0, second == 0)


def test_model_predict_is_deterministic_and_equals_the_model_without_dropout():
    model = card.build_dropout_model(input_dim=8, units=16, rate=0.5)
    x = np.random.default_rng(4).normal(size=(32, 8)).astype("float32")
    # The same network with the Dropout layer taken out, computed in NumPy from the weights.
    hidden_kernel, hidden_bias, head_kernel, head_bias = model.get_weights()
    logits = np.maximum(x @ hidden_kernel + hidden_bias, 0) @ head_kernel + head_bias
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    assert not np.allclose(keras.ops.convert_to_numpy(model(x, training=True)), expected,
                           atol=1e-3)


def test_dropout_model_trains_and_round_trips(tmp_path):
    model = card.build_dropout_model(input_dim=8, units=16)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(32, 8)).astype("float32")
    y = rng.integers(0, 10, size=32)
    assert_trains_and_round_trips(model, x, y, tmp_path, compile_kwargs={
        "optimizer": "adam", "loss": keras.losses.SparseCategoricalCrossentropy()})


def test_demo_reaches_target_accuracy_on_digits():
    result, accuracy = demo_accuracy_measured_by_sklearn(card, "build_dropout_model")
    assert accuracy >= result["target"] == 0.95
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert result["params"] == 64 * 128 + 128 + 128 * 10 + 10
    assert {"loss", "accuracy"} <= set(result["history"])  # held out once, at the end (issue 17)
