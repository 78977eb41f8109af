import keras
import numpy as np
import pytest

from snippets import sequential

from ..kerastest import assert_trains_and_round_trips
from .keep_models import demo_accuracy_measured_by_sklearn

# Hand count: each Dense layer has inputs * units weights plus one bias per unit.
HAND_COUNT = (32 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)


def numpy_forward(weights, x):
    """relu(relu(x W1 + b1) W2 + b2) W3 + b3, then a row-wise softmax, in float64."""
    kernel_1, bias_1, kernel_2, bias_2, kernel_3, bias_3 = (w.astype("float64") for w in weights)
    hidden = np.maximum(0, x @ kernel_1 + bias_1)
    hidden = np.maximum(0, hidden @ kernel_2 + bias_2)
    scores = hidden @ kernel_3 + bias_3
    exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True)


def summary_text(model):
    lines = []
    model.summary(print_fn=lambda text, **kwargs: lines.append(text))
    return "\n".join(lines)


def test_model_is_built_with_the_hand_counted_6922_parameters():
    model = sequential.build_sequential_model()
    assert HAND_COUNT == 6_922
    assert model.built and model.count_params() == HAND_COUNT
    text = summary_text(model)
    assert "6,922" in text and "unbuilt" not in text


def test_output_equals_a_numpy_forward_pass_with_its_weights():
    model = sequential.build_sequential_model()
    x = np.random.default_rng(0).normal(size=(16, 32)).astype("float32")
    expected = numpy_forward(model.get_weights(), x.astype("float64"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_model_add_builds_the_same_stack_one_layer_at_a_time():
    model = keras.Sequential()
    model.add(keras.Input(shape=(32,)))
    for units, activation in ((64, "relu"), (64, "relu"), (10, "softmax")):
        model.add(keras.layers.Dense(units, activation=activation))
    listed = sequential.build_sequential_model()
    assert model.count_params() == HAND_COUNT
    model.set_weights(listed.get_weights())
    x = np.random.default_rng(2).normal(size=(8, 32)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), listed.predict(x, verbose=0))


def test_the_seed_form_without_keras_input_stays_unbuilt():
    # What the note warns about: no Input, no shapes, so no weights yet.
    seed_form = keras.Sequential([keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
    assert not seed_form.built
    with pytest.raises(ValueError, match="isn't built"):
        seed_form.count_params()
    assert "unbuilt" in summary_text(seed_form)


def test_input_shape_on_a_layer_is_deprecated():
    with pytest.warns(UserWarning, match="input_shape"):
        keras.layers.Dense(64, input_shape=(32,))


def test_trains_one_step_and_round_trips(tmp_path):
    model = sequential.build_sequential_model()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 32)).astype("float32")
    y = rng.integers(0, 10, size=(32,))
    assert_trains_and_round_trips(model, x, y, tmp_path, compile_kwargs={
        "optimizer": "adam", "loss": keras.losses.SparseCategoricalCrossentropy()})


def test_demo_learns_past_threshold():
    result, accuracy = demo_accuracy_measured_by_sklearn(sequential, "build_sequential_model")
    assert accuracy >= result["target"] == 0.9
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert result["params"] == HAND_COUNT
    assert len(result["history"]["loss"]) == 5  # the epochs the demo trains
