import keras
import numpy as np
import pytest

from snippets import basics

from .keep_models import demo_accuracy_measured_by_sklearn


def test_dense_forward_pass_has_batch_by_units_shape_and_relu_is_non_negative():
    layer = keras.layers.Dense(units=64, activation="relu")
    x = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    output = basics.forward_pass(layer, x)
    assert output.shape == (8, 64)
    assert (output >= 0).all()


def test_binary_cross_entropy_equals_closed_form():
    model = basics.build_dense_model(input_dim=5, units=16)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 5)).astype("float32")
    y = rng.integers(0, 2, size=(32, 1)).astype("float32")
    p = np.clip(keras.ops.convert_to_numpy(model(x)).astype("float64"), 1e-7, 1 - 1e-7)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    actual = float(keras.losses.BinaryCrossentropy()(y, model(x)))
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def test_one_adam_step_lowers_the_loss():
    model = basics.build_dense_model(input_dim=5, units=16)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    before, after = basics.train_step(model, x, y)
    assert after < before


def test_demo_learns_breast_cancer_past_threshold():
    result, accuracy = demo_accuracy_measured_by_sklearn(basics, "build_dense_model")
    assert accuracy >= result["target"] == 0.93
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert result["params"] == 30 * 64 + 64 + 64 + 1
    assert len(result["history"]["loss"]) == 5  # the epochs the demo trains


def traces_of_fit(build_optimizer_first):
    """How often fit() traces the model's train_step (tracing runs the Python; later steps do
    not), with Adam's slots made before fit() or, as by default, inside its first trace."""
    model = basics.build_dense_model(input_dim=5, units=8)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    if build_optimizer_first:
        model.optimizer.build(model.trainable_variables)
    traced, train_step = [], model.train_step
    model.train_step = lambda data: traced.append(data) or train_step(data)
    x = np.random.default_rng(3).normal(size=(64, 5)).astype("float32")
    model.fit(x, (x[:, :1] > 0).astype("float32"), epochs=2, batch_size=16, verbose=0)
    return len(traced)


@pytest.mark.tensorflow_only
def test_variables_made_inside_the_first_trace_make_tensorflow_trace_fit_twice():
    # The demos' `model.optimizer.build(model.trainable_variables)` after compile(): one trace.
    assert traces_of_fit(build_optimizer_first=False) == 2
    assert traces_of_fit(build_optimizer_first=True) == 1


def test_the_pitfalls_it_names_happen_as_said():
    with pytest.raises(ValueError):  # the seed's `layer(input)`: Python's built-in function
        keras.layers.Dense(4)(input)
    with pytest.warns(UserWarning, match="input_shape"):
        keras.Sequential([keras.layers.Dense(4, input_shape=(3,))])
    unbuilt = keras.Sequential([keras.layers.Dense(4)])
    with pytest.raises(ValueError):
        unbuilt.count_params()
    assert basics.build_dense_model().built  # the card's form: keras.Input first
