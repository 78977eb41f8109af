import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from snippets import cnn

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models


def conv_params(kernel, channels_in, filters):
    return (kernel * kernel * channels_in + 1) * filters  # weights per filter plus its bias


def dense_params(inputs, units):
    return (inputs + 1) * units


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(cnn, "build_cnn")
    return result, models[0]


def test_seed_stack_at_28x28x1_has_121930_parameters():
    model = cnn.build_cnn(input_shape=(28, 28, 1), num_classes=10)
    side = ((28 - 2) // 2 - 2) // 2  # valid 3x3 conv, 2x2 pool, twice: 28 -> 26 -> 13 -> 11 -> 5
    by_hand = (conv_params(3, 1, 32) + conv_params(3, 32, 64)
               + dense_params(side * side * 64, 64) + dense_params(64, 10))
    assert by_hand == model.count_params() == 121_930
    assert model.get_layer(index=4).output.shape == (None, 5 * 5 * 64)  # Flatten


def test_compiled_with_adam_and_sparse_cross_entropy_on_integer_labels():
    model = cnn.build_cnn(input_shape=(8, 8, 1), padding="same")
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    images = np.random.default_rng(0).uniform(size=(6, 8, 8, 1)).astype("float32")
    labels = np.array([0, 3, 9, 1, 1, 7])
    probabilities = keras.ops.convert_to_numpy(model(images)).astype("float64")
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-5)
    by_hand = -np.mean(np.log(probabilities[np.arange(6), labels]))  # -log P(true class)
    np.testing.assert_allclose(float(model.loss(labels, probabilities)), by_hand, rtol=1e-5)


def test_valid_padding_cannot_shrink_8x8_twice_so_the_card_pads():
    with pytest.raises(ValueError):
        cnn.build_cnn(input_shape=(8, 8, 1), padding="valid")  # 8 -> 6 -> 3 -> 1 -> 0


def test_demo_reaches_97_percent_on_held_out_digits(demo_run):
    result, model = demo_run
    pixels, labels = load_digits(return_X_y=True)
    _, test_pixels, _, test_labels = train_test_split(pixels, labels, test_size=0.25,
                                                      random_state=0, stratify=labels)
    predicted = np.argmax(model.predict(test_pixels.reshape(-1, 8, 8, 1) / 16.0, verbose=0), -1)
    accuracy = accuracy_score(test_labels, predicted)
    assert accuracy >= 0.97
    assert result["value"] == pytest.approx(accuracy) and result["target"] == 0.97
    by_hand = (conv_params(3, 1, 32) + conv_params(3, 32, 64) + dense_params(2 * 2 * 64, 64)
               + dense_params(64, 10))  # same padding: 8 -> 8 -> 4 -> 4 -> 2
    assert result["params"] == by_hand
    assert len(result["history"]["loss"]) == 15 and "val_loss" not in result["history"]


def test_trains_one_step_and_round_trips_through_a_keras_file(tmp_path):
    model = cnn.build_cnn(input_shape=(8, 8, 1), num_classes=3, padding="same")
    images = np.random.default_rng(1).uniform(size=(8, 8, 8, 1)).astype("float32")
    assert_trains_and_round_trips(model, images, np.arange(8) % 3, tmp_path)
