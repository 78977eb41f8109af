import keras
import numpy as np
import pytest

from snippets import batch_norm as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import demo_accuracy_measured_by_sklearn

EPSILON = 1e-3  # Keras' default, added to the variance before the square root


def shifted_batch(seed, size=64, features=5):
    """Features with means 3..7 and standard deviations 2..6, far from mean 0, std 1."""
    rng = np.random.default_rng(seed)
    means, stds = np.arange(3, 3 + features), np.arange(2, 2 + features)
    return (means + stds * rng.normal(size=(size, features))).astype("float32")


def fresh_layer(features=5, momentum=0.99):
    layer = keras.layers.BatchNormalization(momentum=momentum)
    layer.build((None, features))  # gamma 1, beta 0, moving mean 0, moving variance 1
    return layer


def batch_norm_layer(model):
    return next(layer for layer in model.layers
                if isinstance(layer, keras.layers.BatchNormalization))


def test_training_mode_gives_each_feature_mean_zero_and_std_one():
    x = shifted_batch(0)
    output = card.batch_norm_forward(fresh_layer(), x, training=True)
    np.testing.assert_allclose(output.mean(axis=0), 0.0, atol=1e-5)
    # The std is sqrt(var / (var + epsilon)): 1 up to epsilon's share of the variance.
    np.testing.assert_allclose(output.std(axis=0), 1.0, atol=1e-3)
    # Exactly the textbook formula with the batch's own (biased) statistics:
    x64 = x.astype("float64")
    expected = (x64 - x64.mean(axis=0)) / np.sqrt(x64.var(axis=0) + EPSILON)
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("momentum", [0.99, 0.9, 0.5])
def test_moving_statistics_follow_the_momentum_formula(momentum):
    layer = fresh_layer(momentum=momentum)
    moving_mean, moving_variance = np.zeros(5), np.ones(5)  # the initial values
    for seed in range(3):
        x = shifted_batch(seed, size=8).astype("float64")
        card.batch_norm_forward(layer, x.astype("float32"), training=True)
        # moving = momentum * moving + (1 - momentum) * batch statistic; the variance is the
        # biased one (divided by n, ddof=0), unlike PyTorch's running_var (n - 1).
        moving_mean = momentum * moving_mean + (1 - momentum) * x.mean(axis=0)
        moving_variance = momentum * moving_variance + (1 - momentum) * x.var(axis=0)
        actual_mean, actual_variance = card.moving_statistics(layer)
        np.testing.assert_allclose(actual_mean, moving_mean, rtol=1e-5)
        np.testing.assert_allclose(actual_variance, moving_variance, rtol=1e-5)
    unbiased = momentum * 1 + (1 - momentum) * x.var(axis=0, ddof=1)
    assert not np.allclose(card.moving_statistics(layer)[1], unbiased, rtol=1e-3)


def test_keras_momentum_099_is_pytorch_momentum_001_but_torch_variance_is_unbiased():
    torch = pytest.importorskip(
        "torch", reason="torch is an optional extra (pip install keras-cheatsheet[torch])")
    keras_layer = fresh_layer(momentum=0.99)  # weight on the OLD average
    torch_layer = torch.nn.BatchNorm1d(5, momentum=0.01, eps=EPSILON).train()  # on the NEW batch
    unbiased_average = np.ones(5)
    for seed in range(3):
        x = shifted_batch(seed, size=8)
        card.batch_norm_forward(keras_layer, x, training=True)
        torch_layer(torch.from_numpy(x))
        batch_variance = x.astype("float64").var(axis=0, ddof=1)  # divided by n - 1
        unbiased_average = 0.99 * unbiased_average + 0.01 * batch_variance
    keras_mean, keras_variance = card.moving_statistics(keras_layer)
    np.testing.assert_allclose(keras_mean, torch_layer.running_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(torch_layer.running_var.numpy(), unbiased_average, rtol=1e-5)
    assert not np.allclose(keras_variance, torch_layer.running_var.numpy(), rtol=1e-3)


def test_inference_uses_the_moving_statistics_and_changes_nothing():
    layer = fresh_layer(momentum=0.5)
    for seed in range(4):
        card.batch_norm_forward(layer, shifted_batch(seed), training=True)
    moving_mean, moving_variance = card.moving_statistics(layer)
    x = shifted_batch(10)
    output = card.batch_norm_forward(layer, x, training=False)
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    expected = gamma * (x - moving_mean) / np.sqrt(moving_variance + EPSILON) + beta
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-5)
    # Not the batch's own statistics, and the moving averages did not move.
    batch_normalized = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + EPSILON)
    assert not np.allclose(output, batch_normalized, atol=1e-2)
    for before, after in zip((moving_mean, moving_variance), card.moving_statistics(layer),
                             strict=True):
        np.testing.assert_array_equal(before, after)


def test_fit_updates_moving_statistics_and_predict_does_not():
    model = card.build_batch_norm_model(input_dim=8, units=16)
    layer = batch_norm_layer(model)
    x = shifted_batch(0, size=32, features=8)
    y = np.random.default_rng(1).integers(0, 10, size=32)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(card.moving_statistics(layer)[0], np.zeros(16))
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert np.abs(card.moving_statistics(layer)[0]).max() > 0


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    # Keras 3: trainable=False makes BatchNormalization use its moving statistics (fine-tuning).
    layer = fresh_layer()
    layer.trainable = False
    x = shifted_batch(0)
    np.testing.assert_allclose(card.batch_norm_forward(layer, x, training=True),
                               card.batch_norm_forward(layer, x, training=False))
    np.testing.assert_array_equal(card.moving_statistics(layer)[0], np.zeros(5))


def test_model_has_no_dense_bias_before_batch_norm_and_counts_parameters():
    model = card.build_batch_norm_model(input_dim=64, units=128)
    # Dense 64x128 (no bias) + BN gamma, beta, moving mean, moving variance + head 128x10 + 10.
    assert model.count_params() == 64 * 128 + 4 * 128 + 128 * 10 + 10
    assert sum(w.size for w in model.get_weights()) == model.count_params()


def test_batch_norm_model_trains_and_round_trips(tmp_path):
    model = card.build_batch_norm_model(input_dim=8, units=16)
    x = shifted_batch(2, size=32, features=8)
    y = np.random.default_rng(3).integers(0, 10, size=32)
    reloaded = assert_trains_and_round_trips(model, x, y, tmp_path, compile_kwargs={
        "optimizer": "adam", "loss": keras.losses.SparseCategoricalCrossentropy()})
    np.testing.assert_array_equal(card.moving_statistics(batch_norm_layer(reloaded))[1],
                                  card.moving_statistics(batch_norm_layer(model))[1])


def test_demo_reaches_target_accuracy_on_unscaled_digits():
    result, accuracy = demo_accuracy_measured_by_sklearn(card, "build_batch_norm_model")
    assert accuracy >= result["target"] == 0.95
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert {"loss", "accuracy"} <= set(result["history"])  # held out once, at the end (issue 17)
