import itertools

import keras
import numpy as np
import pytest

from snippets import gru

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models
from .sequences import mse_and_repeat_last_baseline


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(gru, "build_gru")
    return result, models[0]


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def sequences(batch=3, time=7, features=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, time, features)).astype("float32")


def gru_by_numpy(x, kernel, recurrent, bias):
    """The reset_after GRU written out: gates z, r, candidate, h = z * h_old + (1 - z) * cand."""
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    for step in range(x.shape[1]):
        from_input = x[:, step] @ kernel + bias[0]  # (batch, 3 * units): z, r, candidate blocks
        from_state = h @ recurrent + bias[1]
        z = sigmoid(from_input[:, :units] + from_state[:, :units])
        r = sigmoid(from_input[:, units:2 * units] + from_state[:, units:2 * units])
        candidate = np.tanh(from_input[:, 2 * units:] + r * from_state[:, 2 * units:])
        h = z * h + (1 - z) * candidate
    return h


def test_gru_layer_equals_the_update_gate_equations_in_numpy():
    layer = keras.layers.GRU(4)
    x = sequences()
    out = numpy(layer(x))
    kernel, recurrent, bias = (numpy(w).astype("float64") for w in layer.weights)
    assert bias.shape == (2, 12)  # reset_after: an input bias and a recurrent bias per gate
    np.testing.assert_allclose(out, gru_by_numpy(x, kernel, recurrent, bias), atol=1e-5)


@pytest.mark.parametrize("features,units", list(itertools.product((1, 5), (4, 32))))
def test_parameter_counts_by_hand_three_gates_and_reset_after_bias(features, units):
    def count(layer):
        keras.Sequential([keras.Input(shape=(None, features)), layer])
        return layer.count_params()

    weights = features * units + units * units
    assert count(keras.layers.GRU(units)) == 3 * (weights + 2 * units)
    assert count(keras.layers.GRU(units, reset_after=False)) == 3 * (weights + units)
    assert count(keras.layers.LSTM(units)) == 4 * (weights + units)


def test_demo_gru_has_about_three_quarters_of_the_lstm_weights():
    model = gru.build_gru()
    layer = next(layer for layer in model.layers if isinstance(layer, keras.layers.GRU))
    features, units = model.input_shape[-1], layer.units
    # by hand: per gate a kernel, a recurrent kernel and a bias; reset_after adds a second bias
    gru_weights = 3 * (units * (units + features + 1) + units)
    lstm_weights = 4 * units * (units + features + 1)
    head_weights = units + 1  # Dense(1)
    lstm_model = keras.Sequential([keras.Input(shape=(None, features)),
                                   keras.layers.LSTM(units), keras.layers.Dense(1)])
    assert layer.count_params() == gru_weights == 3_360  # the layers alone
    assert lstm_model.layers[0].count_params() == lstm_weights == 4_352
    assert model.count_params() == gru_weights + head_weights == 3_393  # with the Dense(1)
    assert lstm_model.count_params() == lstm_weights + head_weights == 4_385
    assert 0.7 < layer.count_params() / lstm_model.layers[0].count_params() < 0.8
    assert 0.7 < model.count_params() / lstm_model.count_params() < 0.8


def test_bidirectional_doubles_the_output_features_and_the_weights():
    model = gru.build_bidirectional(features=2, units=32)
    bidirectional = model.layers[1]
    assert bidirectional.output.shape == (None, None, 64)
    assert bidirectional.count_params() == 2 * 3 * (2 * 32 + 32 * 32 + 64)
    summed = gru.build_bidirectional(features=2, units=32, merge_mode="sum").layers[1]
    assert summed.output.shape == (None, None, 32)


def test_bidirectional_output_is_forward_then_time_reversed_backward_run():
    layer = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True))
    x = sequences()
    out = numpy(layer(x))
    forward = [numpy(w).astype("float64") for w in layer.forward_layer.weights]
    backward = [numpy(w).astype("float64") for w in layer.backward_layer.weights]
    # The last state of each direction, by NumPy: forward reads 0..T-1, backward T-1..0.
    np.testing.assert_allclose(out[:, -1, :4], gru_by_numpy(x, *forward), atol=1e-5)
    np.testing.assert_allclose(out[:, 0, 4:], gru_by_numpy(x[:, ::-1], *backward), atol=1e-5)


def test_bidirectional_early_outputs_change_when_a_later_step_changes_forward_ones_do_not():
    x = sequences(time=10)
    later = x.copy()
    later[:, -1] += 1.0  # only the last step changes
    forward = keras.layers.GRU(8, return_sequences=True)
    both = keras.layers.Bidirectional(keras.layers.GRU(8, return_sequences=True))
    np.testing.assert_array_equal(numpy(forward(x))[:, 0], numpy(forward(later))[:, 0])
    assert np.abs(numpy(both(x))[:, 0] - numpy(both(later))[:, 0]).max() > 1e-4


def test_models_train_one_step_and_round_trip(tmp_path):
    x = sequences(batch=8, time=5, features=1)
    assert_trains_and_round_trips(gru.build_gru(), x, x[:, -1], tmp_path)
    assert_trains_and_round_trips(gru.build_bidirectional(), x, np.arange(8) % 2, tmp_path)


def test_demo_beats_repeating_the_last_value_2x_on_independent_data(demo_run):
    result, model = demo_run
    mse, baseline = mse_and_repeat_last_baseline(model, length=20, seed=321)
    assert mse * 2 <= baseline
    assert result["value"] <= result["target"] == 0.5 and not result["higher_is_better"]
    x_test, y_test = gru.noisy_sine_windows(256, 20, seed=1)  # the demo's held-out set
    by_hand = np.mean((model.predict_on_batch(x_test) - y_test) ** 2)
    assert result["value"] == pytest.approx(
        by_hand / np.mean((x_test[:, -1] - y_test) ** 2), rel=1e-4)


def test_an_untrained_gru_misses_the_target():
    result = gru.demo(epochs=0)
    assert result["value"] > result["target"]
