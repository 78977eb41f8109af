"""Checks shared by the rnn and lstm cards: an independent noisy sine, the naive baseline, and
the claims both cards make (test_rnn.py and test_lstm.py inherit RecurrentCardChecks)."""

import keras
import numpy as np
import pytest

from .keep_models import run_demo_keeping_models


def sine_next_step_data(count, length, seed, period=20.0, noise=0.1):
    """Windows of sin(2*pi*t/period) + N(0, noise) at random phases, written here, not imported."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, period, size=(count, 1)) + np.arange(length + 1)
    series = (np.sin(2 * np.pi * t / period) + rng.normal(0, noise, t.shape)).astype("float32")
    return series[:, :-1, None], series[:, -1:]


def mse_and_repeat_last_baseline(model, length, seed):
    """Held-out MSE of the model, and of predicting that the next value equals the last one."""
    x, y = sine_next_step_data(256, length, seed)
    predicted = model.predict_on_batch(x)
    assert predicted.shape == (256, 1)
    return float(np.mean((predicted - y) ** 2)), float(np.mean((x[:, -1] - y) ** 2))


def recurrent_params(features, units, gates):
    """Kernel, recurrent kernel and bias of one recurrent layer (gates: 1 SimpleRNN, 4 LSTM)."""
    return gates * (features * units + units * units + units)


@pytest.fixture(scope="class")
def demo_run(request):
    """The card's demo, run once per test class, and the model it trained."""
    result, models = run_demo_keeping_models(request.cls.card, request.cls.build)
    return result, models[0]


class RecurrentCardChecks:
    """The seed's stack of three recurrent layers of 50 units and a Dense(1) head, compiled for
    regression, beating the repeat-the-last-value forecast at any sequence length."""

    card = None  # the snippet module
    build = ""  # its model-building function
    layer_class = None  # keras.layers.SimpleRNN or keras.layers.LSTM
    gates = 0  # weight blocks per recurrent layer: 1 for SimpleRNN, 4 for LSTM
    params = 0  # the parameter count, checked against the hand count

    def test_seed_stack_is_three_recurrent_layers_of_50_and_a_dense_head(self):
        model = getattr(self.card, self.build)()
        recurrent = [layer for layer in model.layers if isinstance(layer, self.layer_class)]
        assert [layer.units for layer in recurrent] == [50, 50, 50]
        assert [layer.return_sequences for layer in recurrent] == [True, True, False]
        assert isinstance(model.layers[-1], keras.layers.Dense) and model.layers[-1].units == 1
        by_hand = (recurrent_params(1, 50, gates=self.gates)
                   + 2 * recurrent_params(50, 50, gates=self.gates) + (50 + 1) * 1)
        assert model.count_params() == by_hand == self.params

    def test_compiled_for_regression_its_loss_is_the_mean_squared_error(self, demo_run):
        _, model = demo_run  # the seed forgot compile(); a compiled model can be fitted and scored
        x = np.random.default_rng(5).normal(size=(32, 20, 1)).astype("float32")
        y = np.random.default_rng(6).normal(size=(32, 1)).astype("float32")
        by_hand = np.mean((model.predict_on_batch(x) - y) ** 2)
        np.testing.assert_allclose(model.evaluate(x, y, verbose=0), by_hand, rtol=1e-5)

    def test_held_out_mse_is_at_least_2x_lower_than_repeating_the_last_value(self, demo_run):
        result, model = demo_run
        mse, baseline = mse_and_repeat_last_baseline(model, length=20, seed=123)
        assert mse * 2 <= baseline
        assert result["value"] <= result["target"] == 0.5

    @pytest.mark.parametrize("length", [10, 40])
    def test_sequences_of_other_lengths_work_and_still_beat_the_baseline(self, demo_run, length):
        _, model = demo_run  # shape=(None, 1): one model, trained on lengths 10-30, reads any
        mse, baseline = mse_and_repeat_last_baseline(model, length=length, seed=length)
        assert mse * 2 <= baseline
