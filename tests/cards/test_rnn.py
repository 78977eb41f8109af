import keras
import numpy as np
import pytest

from snippets import rnn

from .keep_models import run_demo_keeping_models
from .sequences import mse_and_repeat_last_baseline, recurrent_params


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(rnn, "build_rnn")
    return result, models[0]


def test_seed_stack_is_three_simple_rnn_layers_of_50_and_a_dense_head():
    model = rnn.build_rnn()
    recurrent = [layer for layer in model.layers if isinstance(layer, keras.layers.SimpleRNN)]
    assert [layer.units for layer in recurrent] == [50, 50, 50]
    assert [layer.return_sequences for layer in recurrent] == [True, True, False]
    assert isinstance(model.layers[-1], keras.layers.Dense) and model.layers[-1].units == 1
    by_hand = (recurrent_params(1, 50, gates=1) + 2 * recurrent_params(50, 50, gates=1)
               + (50 + 1) * 1)
    assert model.count_params() == by_hand == 12_751


def test_compiled_for_regression_its_loss_is_the_mean_squared_error(demo_run):
    _, model = demo_run  # the seed forgot compile(); a compiled model can be fitted and scored
    x = np.random.default_rng(5).normal(size=(32, 20, 1)).astype("float32")
    y = np.random.default_rng(6).normal(size=(32, 1)).astype("float32")
    by_hand = np.mean((model.predict_on_batch(x) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), by_hand, rtol=1e-5)


def test_held_out_mse_is_at_least_2x_lower_than_repeating_the_last_value(demo_run):
    result, model = demo_run
    mse, baseline = mse_and_repeat_last_baseline(model, length=20, seed=123)
    assert mse * 2 <= baseline
    assert result["value"] <= result["target"] == 0.5


@pytest.mark.parametrize("length", [10, 40])
def test_sequences_of_other_lengths_work_and_still_beat_the_baseline(demo_run, length):
    _, model = demo_run  # shape=(None, 1): one model, trained on lengths 10-30, reads any length
    mse, baseline = mse_and_repeat_last_baseline(model, length=length, seed=length)
    assert mse * 2 <= baseline
