import keras
import numpy as np
import pytest
from sklearn import metrics as sk

from snippets import metrics

from ..kerastest import assert_trains_and_round_trips

SEEDS = [0, 1, 2]


def result(metric, y_true, y_pred):
    metric.update_state(y_true, y_pred)
    return float(metric.result())


def binary_batch(seed, size=300):
    """0/1 labels as a (batch, 1) column and sigmoid outputs that lean towards them."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=(size, 1))
    scores = 1.5 * (2 * labels - 1) + rng.normal(scale=2.0, size=(size, 1))
    return labels.astype("float32"), (1 / (1 + np.exp(-scores))).astype("float32")


def softmax_batch(seed, size=300, classes=4):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=size)
    scores = 2.0 * np.eye(classes)[labels] + rng.normal(scale=1.5, size=(size, classes))
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    return labels, probabilities.astype("float32")


def regression_batch(seed, size=300):
    rng = np.random.default_rng(seed)
    targets = rng.uniform(1.0, 10.0, size=(size, 1))
    return targets.astype("float32"), (targets + rng.normal(size=(size, 1))).astype("float32")


BINARY_REFERENCES = {
    "accuracy": lambda y, p: sk.accuracy_score(y, p > 0.5),
    "precision": lambda y, p: sk.precision_score(y, p > 0.5),
    "recall": lambda y, p: sk.recall_score(y, p > 0.5),
    "f1": lambda y, p: sk.f1_score(y, p > 0.5),
    "auc": lambda y, p: sk.roc_auc_score(y, p),
}


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_head_metrics_equal_scikit_learn(seed):
    y_true, y_pred = binary_batch(seed)
    for metric in metrics.binary_head_metrics():
        expected = BINARY_REFERENCES[metric.name](y_true.ravel(), y_pred.ravel())
        tolerance = 1e-2 if metric.name == "auc" else 1e-5  # AUC: 200 thresholds, interpolated
        assert result(metric, y_true, y_pred) == pytest.approx(expected, abs=tolerance), metric.name


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_head_metrics_on_one_hot_labels_equal_scikit_learn(seed):
    labels, probabilities = softmax_batch(seed)
    one_hot = np.eye(probabilities.shape[1], dtype="float32")[labels]
    predicted = probabilities.argmax(axis=1)
    references = {
        "accuracy": (sk.accuracy_score(labels, predicted), 1e-5),
        "macro_f1": (sk.f1_score(labels, predicted, average="macro"), 1e-5),
        "auc": (sk.roc_auc_score(one_hot, probabilities, average="micro"), 1e-2),
    }
    for metric in metrics.softmax_head_metrics():
        expected, tolerance = references[metric.name]
        assert result(metric, one_hot, probabilities) == pytest.approx(expected, abs=tolerance)


def test_sparse_accuracy_on_integer_labels_equals_scikit_learn():
    labels, probabilities = softmax_batch(3)
    [accuracy] = metrics.softmax_head_metrics(sparse_labels=True)
    assert result(accuracy, labels, probabilities) == pytest.approx(
        sk.accuracy_score(labels, probabilities.argmax(axis=1)), abs=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_head_metrics_equal_scikit_learn(seed):
    y_true, y_pred = regression_batch(seed)
    references = {
        "mse": sk.mean_squared_error, "mae": sk.mean_absolute_error, "r2": sk.r2_score,
        "mean_relative_error": sk.mean_absolute_percentage_error,
    }
    for metric in metrics.regression_head_metrics():
        if not isinstance(metric, keras.metrics.Metric):  # the custom function: one value a row
            values = keras.ops.convert_to_numpy(metric(y_true, y_pred))
            assert values.shape == (len(y_true),)
            value, name = float(values.mean()), metric.__name__
        else:
            value, name = result(metric, y_true, y_pred), metric.name
        assert value == pytest.approx(references[name](y_true, y_pred), abs=1e-5), name


def test_custom_metric_does_not_let_errors_cancel_and_takes_integer_targets():
    # The seed's signed mean: [1, 2] vs [1.5, 1.5] gives (-0.5 + 0.5) / 2 = 0.
    y_true, y_pred = np.array([[1], [2]]), np.array([[1.5], [1.5]], dtype="float32")
    values = keras.ops.convert_to_numpy(metrics.mean_relative_error(y_true, y_pred))
    np.testing.assert_allclose(values, [0.5 / 1, 0.5 / 2], rtol=1e-6)


def regression_model():
    inputs = keras.Input(shape=(3,))  # (batch, 3)
    outputs = keras.layers.Dense(1)(inputs)  # (batch, 1)
    return keras.Model(inputs, outputs)


# exact to 1e-5 on TensorFlow's float32 sums; JAX's differ by 3e-5
@pytest.mark.tensorflow_only
def test_compiled_custom_metric_averages_exactly_over_uneven_batches():
    x = np.random.default_rng(7).normal(size=(50, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) + 5.0).astype("float32")
    model = regression_model()
    model.compile(optimizer="sgd", loss="mse", metrics=metrics.regression_head_metrics())
    reported = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)  # 16+16+16+2
    predicted = model.predict(x, verbose=0)
    assert reported["mean_relative_error"] == pytest.approx(
        sk.mean_absolute_percentage_error(y, predicted), abs=1e-5)
    assert reported["r2"] == pytest.approx(sk.r2_score(y, predicted), abs=1e-5)


def test_model_compiled_with_the_custom_metric_survives_keras_save_and_load(tmp_path):
    x = np.random.default_rng(8).normal(size=(32, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) + 5.0).astype("float32")
    model = regression_model()
    reloaded = assert_trains_and_round_trips(
        model, x, y, tmp_path,
        compile_kwargs={"optimizer": "sgd", "loss": "mse",
                        "metrics": metrics.regression_head_metrics()})
    # No custom_objects were passed: the registration is what makes this load.
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    after = reloaded.evaluate(x, y, verbose=0, return_dict=True)
    assert set(after) == {"loss", "mse", "mae", "r2", "mean_relative_error"}
    for name, value in before.items():
        assert after[name] == pytest.approx(value, rel=1e-6), name


def sigmoid_model():
    inputs = keras.Input(shape=(4,))  # (batch, 4)
    outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)  # (batch, 1)
    return keras.Model(inputs, outputs)


# the figures come from TensorFlow's random stream
@pytest.mark.tensorflow_only
def test_bare_f1_string_on_a_sigmoid_head_scores_everything_positive():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")  # about a third positive
    model = sigmoid_model()
    model.compile(loss="binary_crossentropy",
                  metrics=["f1_score", keras.metrics.F1Score(average="micro", threshold=0.5,
                                                             name="f1")])
    reported = model.evaluate(x, y, verbose=0, return_dict=True)
    positives = y.sum()
    everything_positive = 2 * positives / (positives + len(y))  # F1 when precision = base rate
    true_f1 = sk.f1_score(y.ravel(), model.predict(x, verbose=0).ravel() > 0.5)
    assert reported["f1_score"] == pytest.approx(everything_positive, abs=1e-5)
    assert reported["f1"] == pytest.approx(true_f1, abs=1e-5)
    assert abs(reported["f1_score"] - true_f1) > 0.05


def runtime_shape_error():
    """The error a shape mismatch raises when it is found only while the graph runs."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("measured on the TensorFlow backend only")
    import tensorflow as tf

    return tf.errors.InvalidArgumentError


# Measured (Keras 3.15, TensorFlow backend) over 2, 3, 4, 5 and 10 classes and 8 to 64 samples,
# in evaluate and fit alike. With integer labels every one of these strings fails, always on
# shapes, but the error's type depends on the batches: when every batch is full (samples a
# multiple of batch_size) the batch size is fixed while tracing and a ValueError comes at once;
# with a smaller last batch (or fewer samples than batch_size) it is unknown, and precision,
# recall and auc fail only inside the running graph with TensorFlow's InvalidArgumentError
# ('Incompatible shapes'), which is not a ValueError. f1_score checks ranks first: ValueError.
# TensorFlow's errors; JAX raises a TypeError from its broadcasting
@pytest.mark.usefixtures("collect_abandoned_iterators")
@pytest.mark.tensorflow_only
@pytest.mark.parametrize("samples", [32, 8], ids=["full-batches", "partial-batch"])
@pytest.mark.parametrize("name", ["precision", "recall", "f1_score", "auc"])
def test_bare_strings_crash_on_integer_labels_with_a_softmax_head(name, samples):
    x = np.random.default_rng(10).normal(size=(samples, 4)).astype("float32")
    labels = np.arange(samples) % 3
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert set(model.evaluate(x, labels, verbose=0, return_dict=True)) == {"loss", "accuracy"}
    model.compile(loss="sparse_categorical_crossentropy", metrics=[name])
    partial = samples % 32 != 0  # evaluate's default batch_size is 32
    expected = runtime_shape_error() if partial and name != "f1_score" else ValueError
    with pytest.raises(expected) as raised:
        model.evaluate(x, labels, verbose=0, batch_size=32)
    # The pitfall cannot promise a ValueError: the runtime error is not one.
    assert isinstance(raised.value, ValueError) == (expected is ValueError)


def test_demo_keras_metrics_agree_with_scikit_learn():
    result = metrics.demo()
    assert result["value"] <= result["target"] == 1e-5
    assert result["params"] == 30 * 16 + 16 + 16 + 1
    assert result["accuracy"] >= 0.9  # held out: the figures compared are of a real classifier
    assert len(result["history"]["loss"]) == 3  # the epochs the demo trains


def test_f1_score_needs_labels_as_a_column():
    y_true, y_pred = binary_batch(11)
    with pytest.raises(ValueError, match="2D"):
        keras.metrics.F1Score(average="micro", threshold=0.5).update_state(y_true.ravel(), y_pred)


def seed_custom_metric(y_true, y_pred):
    """The seed's version, verbatim: TensorFlow ops, no cast, signed, not registered."""
    import tensorflow as tf

    return tf.reduce_mean(y_true - y_pred)


# the dtype TypeError of TensorFlow and JAX; torch promotes int - float silently
@pytest.mark.tensorflow_only
@pytest.mark.jax_only
def test_seed_metric_fails_on_integer_labels_where_the_cast_one_works():
    x = np.random.default_rng(12).normal(size=(16, 4)).astype("float32")
    labels = (x[:, :1] > 0).astype("int64")
    model = sigmoid_model()
    model.compile(loss="binary_crossentropy", metrics=[seed_custom_metric])
    with pytest.raises(TypeError):
        model.evaluate(x, labels, verbose=0)
    model.compile(loss="binary_crossentropy", metrics=[metrics.mean_relative_error])
    assert np.isfinite(model.evaluate(x, labels, verbose=0, return_dict=True)
                       ["mean_relative_error"])


# its metric is written with tf ops, which JAX cannot trace
@pytest.mark.tensorflow_only
def test_an_unregistered_metric_function_cannot_be_reloaded(tmp_path):
    x = np.random.default_rng(13).normal(size=(8, 3)).astype("float32")
    model = regression_model()
    model.compile(optimizer="sgd", loss="mse", metrics=[seed_custom_metric])
    model.train_on_batch(x, x[:, :1])
    model.save(tmp_path / "model.keras")
    with pytest.raises(TypeError, match="register_keras_serializable"):
        keras.saving.load_model(tmp_path / "model.keras")
