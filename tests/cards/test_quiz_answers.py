"""Every quiz answer, checked independently: parameter counts and sizes by building the model in
Keras, formulas by Keras layers against NumPy, spot-the-bug by running the original line and
seeing it fail or warn as the pitfall says, choose by compiling each option."""

import re
import warnings

import keras
import numpy as np
import pytest

from cheatsheet import quiz
from cheatsheet.quiz.original import SPOTS
from snippets import functional, lstm, rnn, sequential
from tests import original

ALL = quiz.questions()
BY_KIND = {kind: [q for q in ALL if q.kind == kind] for kind in quiz.KINDS}

# A shape mismatch fails on every backend, each in its own words: TensorFlow a ValueError, JAX a
# TypeError from broadcasting, torch a RuntimeError.
SHAPE_ERRORS = (ValueError, TypeError, RuntimeError)


def value(question):
    return quiz.as_number(question.answer)


# -- predict -------------------------------------------------------------------------------------

def original_cnn():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # input_shape=
        return original.run("cnn")["model"]


def attention(key_dim):
    layer = keras.layers.MultiHeadAttention(num_heads=4, key_dim=key_dim)
    x = np.zeros((1, 5, 32), "float32")
    layer(x, x)
    return layer.count_params()


def dropout_output():
    rate = quiz.DROPOUT_RATE
    out = keras.ops.convert_to_numpy(keras.layers.Dropout(rate)(np.full((1, 4000), 3.0),
                                                                training=True))
    kept = np.unique(out[out != 0])
    assert len(kept) == 1 and 0.4 < (out == 0).mean() < 0.6
    return float(kept[0])


def moving_mean():
    momentum = 0.99
    layer = keras.layers.BatchNormalization(momentum=momentum)
    batch = quiz.BATCH_MEAN + np.array([[-1.0], [1.0]], "float32")  # mean 5
    layer(batch, training=True)
    return float(keras.ops.convert_to_numpy(layer.moving_mean)[0])


def torch_fc1_inputs():
    x = keras.Input(shape=(28, 28, 1))  # the Net's layers in Keras: the same sizes
    y = keras.layers.Conv2D(32, 3)(x)
    y = keras.layers.Conv2D(64, 3)(y)
    y = keras.layers.MaxPooling2D(2)(y)
    return keras.layers.Flatten()(y).shape[-1]


PREDICT = {
    "predict:cnn:params": lambda: original_cnn().count_params(),
    "predict:cnn:dense-params": lambda: next(
        layer for layer in original_cnn().layers if isinstance(layer, keras.layers.Dense)
    ).count_params(),
    "predict:cnn:flatten-width": lambda: next(
        layer for layer in original_cnn().layers if isinstance(layer, keras.layers.Flatten)
    ).output.shape[-1],
    "predict:sequential:params": lambda: sequential.build_sequential_model().count_params(),
    "predict:functional:params": lambda: functional.build_functional_model().count_params(),
    "predict:lstm:params": lambda: lstm.build_lstm().count_params(),
    "predict:lstm:simple-rnn-params": lambda: rnn.build_rnn().count_params(),
    "predict:transformer:attention-params": lambda: attention(32 // 4),
    "predict:transformer:wide-attention-params": lambda: attention(32),
    "predict:lr-schedule:rate-10000": lambda: float(
        original.run("lr_schedule")["lr_schedule"](10_000)),
    "predict:lr-schedule:rate-25000": lambda: float(
        original.run("lr_schedule")["lr_schedule"](25_000)),
    "predict:pytorch:fc1-inputs": torch_fc1_inputs,
    "predict:dropout:kept-value": dropout_output,
    "predict:weight-regularization:l2-penalty": lambda: float(keras.regularizers.L2(
        quiz.L2_STRENGTH)(np.array(quiz.PENALISED_KERNEL, "float32"))),
    "predict:batch-norm:moving-mean": moving_mean,
}


@pytest.mark.parametrize("question", BY_KIND["predict"], ids=lambda q: q.id)
def test_predict_answer_is_what_keras_computes(question):
    assert question.id in PREDICT, "a new predict question needs its independent check here"
    computed = PREDICT[question.id]()
    digits = len(re.sub(r"[^\d]", "", question.answer.split("e")[0]).lstrip("0"))
    # the note's rounding: 7.68e-3 states three significant digits
    assert computed == pytest.approx(value(question), rel=0.5 * 10 ** (1 - digits) + 1e-6)


# -- spot the bug --------------------------------------------------------------------------------

def small_model():
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])


def raises_on_fit(card):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = original.run(card)["model"]
    with pytest.raises(ValueError, match=r"compile\(\)"):
        model.fit(np.zeros((4, 5, 1)), np.zeros((4, 1)), verbose=0)


def warns(run, match):
    """The original code warns `match` (among others: they all are the original's)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    assert any(re.search(match, str(warning.message)) for warning in caught), caught


def spot_check(question):
    topic, family = question.topic, question.id.split(":")[2]
    if family == "built-in-input":
        with pytest.raises(ValueError, match="Only input tensors may be passed as positional"):
            original.run("basics")
    elif family == "softmax-axis":
        x = np.random.default_rng(0).normal(size=(8, 10))
        assert not np.allclose(original.run("activations")["softmax"](x).sum(axis=1), 1.0)
    elif family == "overflow":
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with pytest.raises(RuntimeWarning, match="overflow"):
                original.run("activations")["sigmoid"](np.array([-89.0], "float32"))
    elif family == "input_shape" and topic == "cnn":
        warns(lambda: original.run("cnn"), "input_shape")
    elif family == "input_shape" and topic == "gan":
        warns(lambda: original.run("gan")["build_generator"](), "input_shape")
    elif family == "never-compiled":
        raises_on_fit(topic)
    elif family == "training-default":
        block = original.run("transformer")["TransformerBlock"](32, 4, 64)
        with pytest.raises(TypeError, match="training"):
            block(np.zeros((2, 5, 32), "float32"))
    elif family == "key_dim":
        block = original.run("transformer")["TransformerBlock"](32, 4, 64)
        block(np.zeros((1, 5, 32), "float32"), training=False)
        assert block.att.count_params() > 3.9 * attention(8)
    elif family == "alpha":
        warns(lambda: original.run("gan")["build_generator"](), "alpha.*deprecated")
    elif family == "unbuilt":
        with pytest.raises(ValueError, match="isn't built"):
            original.run("sequential")["model"].count_params()
    elif family == "fixed-input-size":
        torch = pytest.importorskip("torch")
        with pytest.raises(RuntimeError, match="cannot be multiplied"):
            original.run("pytorch")["Net"]()(torch.zeros((1, 1, 30, 30)))
    elif family == "schedule-owns-the-rate":
        with pytest.raises(TypeError, match="not settable"):
            original.run("lr_schedule")["optimizer"].learning_rate = 0.001
    elif family == "no-model":
        with pytest.raises(NameError, match="model"):
            original.run(topic.replace("-", "_"), question.code)
    elif family == "no-validation-data":
        model = small_model()
        model.compile(optimizer="sgd", loss="mse")
        with pytest.warns(UserWarning, match="val_loss"):
            model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=3, verbose=0,
                      callbacks=[original.run("early_stopping")["early_stopping"]])
    elif family == "huber_loss":
        model = small_model()
        model.compile(optimizer="sgd", loss="huber_loss")
        with pytest.raises(ValueError, match="huber_loss"):
            model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    elif family == "custom-metric":
        if keras.backend.backend() == "torch":  # measured: int64 - float32 tensors just work
            pytest.skip("on torch the original metric's int labels raise no TypeError")
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, "sigmoid")])
        model.compile(loss="binary_crossentropy",
                      metrics=[original.run("metrics", question.code)["custom_metric"]])
        with pytest.raises(TypeError):
            model.evaluate(np.ones((4, 3), "float32"), np.ones((4, 1), "int64"), verbose=0)
    elif family == "metric-strings":
        x = np.random.default_rng(10).normal(size=(32, 4)).astype("float32")
        for name in original.names("metrics"):
            if name in question.code.split():
                model = keras.Sequential([keras.Input(shape=(4,)),
                                          keras.layers.Dense(3, "softmax")])
                model.compile(loss="sparse_categorical_crossentropy", metrics=[name])
                with pytest.raises(SHAPE_ERRORS):  # (32,) labels against (32, 3) predictions
                    model.evaluate(x, np.arange(32) % 3, verbose=0)
    else:
        pytest.fail(f"a new spot-the-bug question needs its check here: {question.id}")


@pytest.mark.parametrize("question", [  # torch's import alone takes seconds
    pytest.param(q, marks=pytest.mark.slow) if q.topic == "pytorch" else q
    for q in BY_KIND["spot-the-bug"]], ids=lambda q: q.id)
def test_original_line_fails_or_warns_as_the_pitfall_says(question):
    spot_check(question)


# Each wrong option of a spot-the-bug question is a plausible failure of the same code; each is
# disproved here, by its key in cheatsheet/quiz/original.py, on the installed Keras: its lambda is
# True when what the option says does not happen.

def outcome(run):
    """(exception or None, warnings, result) of calling `run`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return None, caught, run()
        except Exception as error:  # noqa: BLE001 - the disproof asserts on its type
            return error, caught, None


def warned(caught, pattern):
    return any(re.search(pattern, str(warning.message)) for warning in caught)


def user_warnings(caught):
    """Keras's own warnings (UserWarning), not NumPy's or torch's DeprecationWarnings."""
    return [warning for warning in caught if issubclass(warning.category, UserWarning)]


def original_model(card):
    return outcome(lambda: original.run(card)["model"])


def no_runtime_warning(run):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return run()


def transformer_block():
    return original.run("transformer")["TransformerBlock"](32, 4, 64)


def generator():
    return outcome(lambda: original.run("gan")["build_generator"]())


def early_stopping_fit(epochs, learning_rate=0.01):
    model = small_model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return outcome(lambda: model.fit(
        np.ones((8, 3)), np.ones((8, 1)), epochs=epochs, verbose=0,
        callbacks=[original.run("early_stopping")["early_stopping"]]))


def huber_loss_outcomes():
    model = small_model()
    compiled = outcome(lambda: model.compile(optimizer="sgd", loss="huber_loss"))
    return compiled, outcome(lambda: model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0))


def custom_metric():
    return original.run("metrics", next(spot.code for spot in SPOTS
                                         if spot.family == "custom metric"))["custom_metric"]


def custom_metric_on_float_labels():
    if keras.backend.backend() != "tensorflow":  # under JAX's jit tf.reduce_mean cannot run
        pytest.skip("the original metric is TensorFlow code; only TensorFlow runs it in fit")
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=[custom_metric()])
    return outcome(lambda: model.evaluate(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"),
                                          verbose=0, return_dict=True))


def metric_string_outcomes(name):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, "softmax")])
    compiled = outcome(lambda: model.compile(loss="sparse_categorical_crossentropy",
                                             metrics=[name]))
    x = np.random.default_rng(10).normal(size=(32, 4)).astype("float32")
    return compiled, outcome(lambda: model.evaluate(x, np.arange(32) % 3, verbose=0))


def torch_net_on(side):
    torch = pytest.importorskip("torch")
    return outcome(lambda: original.run("pytorch")["Net"]()(torch.zeros((1, 1, side, side))))


def assert_no_model(topic):
    error, _, _ = outcome(lambda: original.run(topic.replace("-", "_"), next(
        spot.code for spot in SPOTS if spot.topic == topic)))
    assert isinstance(error, NameError)


def softmax_rows(x):
    return original.run("activations")["softmax"](x)


def sigmoid_of(value):
    return original.run("activations")["sigmoid"](np.array([value], "float32"))


def regularized_dense_penalty():
    layer = keras.layers.Dense(64, kernel_regularizer=keras.regularizers.l2(0.01))
    model = keras.Sequential([keras.Input(shape=(3,)), layer])
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    assert len(model.losses) == 1
    return float(keras.ops.convert_to_numpy(model.losses[0])), 0.01 * float(np.sum(kernel ** 2))


def batch_norm_at_inference():
    layer = keras.layers.BatchNormalization()
    x = (5.0 + np.array([[-1.0], [1.0]])).astype("float32")  # batch mean 5, variance 1
    out = keras.ops.convert_to_numpy(layer(x, training=False))
    return out, x / np.sqrt(1 + layer.epsilon)  # moving mean 0, variance 1: not the batch's


DISPROOFS = {
    "basics:built-in-input:name-error": lambda: (
        isinstance(outcome(lambda: original.run("basics"))[0], ValueError)),
    "basics:built-in-input:units-keyword": lambda: (
        keras.layers.Dense(units=64, activation="relu").units == 64),
    "basics:built-in-input:works": lambda: (
        outcome(lambda: original.run("basics"))[0] is not None),
    "activations:softmax-axis:overflow": lambda: no_runtime_warning(
        lambda: softmax_rows(np.array([[800.0, 0.0], [0.0, 800.0]]))) is not None,
    "activations:softmax-axis:broadcast": lambda: (
        softmax_rows(np.ones((8, 10))).shape == (8, 10)),
    "activations:softmax-axis:works": lambda: (not np.allclose(softmax_rows(
        np.random.default_rng(0).normal(size=(8, 10))).sum(axis=1), 1.0)),
    "activations:overflow:nan": lambda: (
        outcome(lambda: sigmoid_of(-89.0))[2][0] == 0.0),
    "activations:overflow:positive": lambda: (
        no_runtime_warning(lambda: sigmoid_of(89.0))[0] == 1.0),
    "activations:overflow:raises": lambda: (
        outcome(lambda: sigmoid_of(-89.0))[0] is None),
    "cnn:input_shape:type-error": lambda: (original_model("cnn")[0] is None),
    "cnn:input_shape:ignored": lambda: (
        original_model("cnn")[2].count_params() == 121_930),
    "cnn:input_shape:works": lambda: (
        warned(original_model("cnn")[1], "input_shape")),
    "rnn:never-compiled:predict": lambda: (original_model("rnn")[2].predict(
        np.zeros((4, 5, 1)), verbose=0).shape == (4, 1)),
    "rnn:never-compiled:default-compile": lambda: raises_on_fit("rnn") is None,
    "rnn:never-compiled:input-shape": lambda: (
        original_model("rnn")[0] is None),
    "lstm:never-compiled:unknown-length": lambda: all(
        original_model("lstm")[2].predict(np.zeros((2, length, 1)), verbose=0).shape == (2, 1)
        for length in (5, 7)),
    "lstm:never-compiled:predict": lambda: (original_model("lstm")[2].predict(
        np.zeros((4, 5, 1)), verbose=0).shape == (4, 1)),
    "lstm:never-compiled:default-compile": lambda: raises_on_fit("lstm") is None,
    "transformer:training-default:dropout-on": lambda: (isinstance(outcome(
        lambda: transformer_block()(np.zeros((2, 5, 32), "float32")))[0], TypeError)),
    # no model can even be built on the block, so fit() never runs
    "transformer:training-default:dropout-off": lambda: (isinstance(outcome(
        lambda: transformer_block()(keras.Input(shape=(5, 32))))[0], TypeError)),
    "transformer:training-default:self-attention": lambda: (transformer_block()(
        np.zeros((1, 5, 32), "float32"), training=False).shape == (1, 5, 32)),
    "transformer:key_dim:output-width": lambda: (transformer_block()(
        np.zeros((1, 5, 32), "float32"), training=False).shape == (1, 5, 32)),
    "transformer:key_dim:split": lambda: (attention(32) > 3.9 * attention(32 // 4)),
    "transformer:key_dim:clipped": lambda: (
        not user_warnings(outcome(lambda: attention(32))[1])
        and attention(32) == 3 * (32 * 4 * 32 + 4 * 32) + 4 * 32 * 32 + 32),  # q, k, v: 4
    # heads of 32 each, not clipped to 8; then the output projection back to 32
    "gan:alpha:type-error": lambda: (generator()[0] is None),
    "gan:alpha:default-slope": lambda: (float(keras.ops.convert_to_numpy(outcome(
        lambda: keras.layers.LeakyReLU(alpha=0.2))[2](np.array([-1.0])))[0]) == pytest.approx(
        -0.2)),
    "gan:alpha:works": lambda: (warned(generator()[1], "alpha.*deprecated")),
    "gan:input_shape:type-error": lambda: (generator()[0] is None),
    "gan:input_shape:units": lambda: (
        tuple(generator()[2].layers[0].kernel.shape) == (100, 256)),
    "gan:input_shape:unbuilt": lambda: (generator()[2].built),
    "sequential:unbuilt:at-construction": lambda: (
        outcome(lambda: original.run("sequential"))[0] is None),
    "sequential:unbuilt:predict": lambda: (original.run("sequential")["model"].predict(
        np.zeros((2, 5)), verbose=0).shape == (2, 10)),
    "sequential:unbuilt:inferred": lambda: (isinstance(outcome(
        lambda: original.run("sequential")["model"].count_params())[0], ValueError)),
    "pytorch:fixed-input-size:28-fails": lambda: (
        tuple(torch_net_on(28)[2].shape) == (1, 10)),
    "pytorch:fixed-input-size:inferred": lambda: (
        isinstance(torch_net_on(30)[0], RuntimeError)),
    "pytorch:fixed-input-size:truncated": lambda: (
        isinstance(torch_net_on(30)[0], RuntimeError)),
    "lr-schedule:schedule-owns-the-rate:staircase": lambda: (float(original.run("lr_schedule")[
        "lr_schedule"](5_000)) == pytest.approx(1e-2 * 0.9 ** 0.5)),
    "lr-schedule:schedule-owns-the-rate:construct": lambda: (
        outcome(lambda: original.run("lr_schedule")["optimizer"])[0] is None),
    "lr-schedule:schedule-owns-the-rate:settable": lambda: (isinstance(outcome(
        lambda: setattr(original.run("lr_schedule")["optimizer"], "learning_rate", 0.001))[0],
        TypeError)),
    "weight-regularization:no-model:l2-removed": lambda: (float(original.run(
        "weight_regularization", "reg = tf.keras.regularizers.l2(0.01)")["reg"].l2)
        == pytest.approx(0.01)),
    "weight-regularization:no-model:ignored": lambda: (
        lambda penalty: penalty[0] == pytest.approx(penalty[1], rel=1e-5))(
        regularized_dense_penalty()),
    "weight-regularization:no-model:string-only": lambda: (outcome(
        lambda: keras.layers.Dense(64, kernel_regularizer=keras.regularizers.l2(0.01)))[0]
        is None),
    "dropout:no-model:inference": lambda: (np.array_equal(keras.ops.convert_to_numpy(
        keras.layers.Dropout(0.5)(np.ones((2, 8), "float32"))), np.ones((2, 8)))),
    "dropout:no-model:rate-keyword": lambda: (keras.layers.Dropout(0.5).rate == 0.5),
    "dropout:no-model:no-rescale": lambda: (set(np.unique(keras.ops.convert_to_numpy(
        keras.layers.Dropout(0.5)(np.ones((4, 64), "float32"), training=True)))) == {0.0, 2.0}),
    "batch-norm:no-model:axis": lambda: (keras.layers.BatchNormalization().axis == -1),
    "batch-norm:no-model:batch-statistics": lambda: (
        np.allclose(*batch_norm_at_inference(), atol=1e-5)),
    "batch-norm:no-model:deprecated": lambda: (
        not user_warnings(outcome(keras.layers.BatchNormalization)[1])),
    "early-stopping:no-validation-data:key-error": lambda: (
        early_stopping_fit(3)[0] is None),
    # a loss that never improves (rate 0) for 13 epochs, more than patience=10: no stop
    "early-stopping:no-validation-data:falls-back": lambda: (
        len(early_stopping_fit(13, learning_rate=0.0)[2].history["loss"]) == 13),
    "early-stopping:no-validation-data:stops-at-once": lambda: (
        len(early_stopping_fit(3)[2].history["loss"]) == 3),
    "losses:huber_loss:at-compile": lambda: (huber_loss_outcomes()[0][0] is None),
    "losses:huber_loss:mse": lambda: (isinstance(huber_loss_outcomes()[1][0], ValueError)),
    "losses:huber_loss:works": lambda: (isinstance(huber_loss_outcomes()[1][0], ValueError)),
    "metrics:custom-metric:mean-absolute": lambda: (float(keras.ops.convert_to_numpy(
        custom_metric()(np.array([0.0, 1.0], "float32"), np.array([0.5, 0.5], "float32"))))
        == pytest.approx(0.0)),  # mean absolute error: 0.5
    "metrics:custom-metric:metric-class": lambda: (
        custom_metric_on_float_labels()[0] is None),
    "metrics:custom-metric:per-sample": lambda: (
        custom_metric_on_float_labels()[0] is None),
    "metrics:metric-strings:at-compile": lambda: all(
        metric_string_outcomes(name)[0][0] is None
        for name in ("precision", "recall", "f1_score", "auc")),
    "metrics:metric-strings:class-zero": lambda: (isinstance(
        metric_string_outcomes("auc")[1][0], SHAPE_ERRORS)),
    "metrics:metric-strings:f1-only": lambda: (isinstance(
        metric_string_outcomes("precision")[1][0], SHAPE_ERRORS)),
}


def wrong_options():
    for question in BY_KIND["spot-the-bug"]:
        spot = next(spot for spot in SPOTS if question.id == "spot-the-bug:"
                    f"{spot.topic}:{spot.family.replace(' ', '-')}")
        for key, _ in spot.wrong:
            marks = [pytest.mark.slow] if question.topic == "pytorch" else []
            yield pytest.param(question.id.split(":", 1)[1] + ":" + key, marks=marks,
                               id=question.id.split(":", 1)[1] + ":" + key)


@pytest.mark.parametrize("key", list(wrong_options()))
def test_each_wrong_spot_the_bug_option_does_not_happen(key):
    assert key in DISPROOFS, "a new wrong option needs its disproof here"
    disproved = DISPROOFS[key]()
    assert disproved is not None and bool(disproved), key  # what the option says did not happen


def test_what_the_answers_add_to_the_pitfalls_holds():
    error, caught, result = outcome(lambda: sigmoid_of(-89.0))
    assert error is None and warned(caught, "overflow") and result[0] == 0.0  # "rounds to 0"
    metric = custom_metric()  # float labels: it runs, and opposite errors cancel
    assert float(keras.ops.convert_to_numpy(metric(np.array([0.0, 1.0], "float32"),
                                                   np.array([1.0, 0.0], "float32")))) == 0.0
    assert custom_metric_on_float_labels()[0] is None


# -- choose --------------------------------------------------------------------------------------

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")


def head(units, activation, rng=RNG):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(units, activation)])
    model.layers[0].set_weights([rng.normal(size=(4, units)).astype("float32"),
                                 np.zeros(units, "float32")])
    return model


def loss_case(key):
    """(model, labels, the NumPy value the right loss must give). The head's weights come from
    their own seed: some draws give a probability under the 1e-7 that the NumPy value clips at,
    where TensorFlow's cross-entropy works from the logits and no longer agrees."""
    rng = np.random.default_rng(4)
    if key == "sigmoid-binary":
        model = head(1, "sigmoid", rng)
        y = (X[:, :1] > 0).astype("float32")
        p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
        return model, y, -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    if key in ("softmax-integers", "softmax-one-hot"):
        model = head(3, "softmax", rng)
        labels = np.arange(64) % 3
        p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
        reference = -np.mean(np.log(p[np.arange(64), labels]))
        y = labels if key == "softmax-integers" else np.eye(3, dtype="float32")[labels]
        return model, y, reference
    model = head(1, None, rng)
    y = X[:, :1] * 3.0
    error = model.predict(X, verbose=0) - y
    if key == "regression-outliers":
        return model, y, np.mean(np.where(np.abs(error) <= 1, 0.5 * error ** 2,
                                          np.abs(error) - 0.5))
    return model, y, np.mean(error ** 2)


def check_loss(question):
    """The right loss gives the NumPy value on a head and trains it well; every other option
    raises, or trains the same head clearly worse on the same task."""
    key = question.id.split(":")[2]
    model, y, reference = loss_case(key)
    model.compile(optimizer="sgd", loss=question.answer.strip('"'))
    assert model.evaluate(X, y, batch_size=64, verbose=0) == pytest.approx(reference, rel=1e-4)
    right = trained_score(key, question.answer)
    assert right >= (0.85 if key in CLASSIFICATION else 0.0), right
    for option in question.choices:
        if option == question.answer:
            continue
        try:
            score = trained_score(key, option)
        except Exception:  # ValueError, TypeError, or TensorFlow's InvalidArgumentError
            continue
        if key in CLASSIFICATION:  # held-out accuracy: clearly lower
            assert score <= right - 0.15, (option, score, right)
        else:  # held-out error on clean targets: at least 3x the right loss's
            assert score >= 3 * right, (option, score, right)


CLASSIFICATION = ("sigmoid-binary", "softmax-integers", "softmax-one-hot")
TASK_X = np.random.default_rng(1).normal(size=(384, 4)).astype("float32")
TASK_W = np.random.default_rng(2).normal(size=(4, 3)).astype("float32")


def trained_score(key, option):
    """Train a zero-initialized one-layer head with the loss `option` on 256 rows of a
    learnable task, 150 full-batch Adam steps; held-out accuracy (classification), or on
    regression the mean absolute error (outliers) or mean squared error against clean
    targets. Raises where Keras refuses the loss for these labels."""
    x_train, x_test = TASK_X[:256], TASK_X[256:]
    scores = TASK_X @ TASK_W
    if key == "sigmoid-binary":
        units, activation, labels = 1, "sigmoid", (scores[:, :1] > 0).astype("float32")
        truth = labels[256:, 0]
    elif key in ("softmax-integers", "softmax-one-hot"):
        units, activation, truth = 3, "softmax", scores.argmax(axis=1)[256:]
        labels = scores.argmax(axis=1)
        labels = labels if key == "softmax-integers" else np.eye(3, dtype="float32")[labels]
    else:
        units, activation = 1, None
        noise = np.random.default_rng(3).normal(scale=0.1, size=(384, 1)).astype("float32")
        labels = scores[:, :1] + noise
        truth = labels[256:]
        if key == "regression-outliers":
            labels = labels.copy()
            labels[:256:8] += 30.0  # one training target in 8 is an outlier
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(
        units, activation, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=option.strip('"'))
    steps = 150  # one epoch of the training rows repeated: fewer per-epoch costs
    model.fit(np.tile(x_train, (steps, 1)), np.tile(labels[:256], (steps,) + (1,) * (
        labels.ndim - 1)), batch_size=256, epochs=1, shuffle=False, verbose=0)
    predicted = model.predict(x_test, verbose=0)
    if key == "sigmoid-binary":
        return float(np.mean((predicted[:, 0] > 0.5) == truth))
    if key in ("softmax-integers", "softmax-one-hot"):
        return float(np.mean(predicted.argmax(axis=1) == truth))
    if not np.all(np.isfinite(predicted)):
        return float("inf")
    if key == "regression-outliers":
        return float(np.mean(np.abs(predicted - truth)))
    return float(np.mean((predicted - truth) ** 2))


def metric_option(option):
    if option.startswith("keras."):
        return eval(option, {"keras": keras})  # the option as the question prints it
    return option.strip('"')


def check_metric(question):
    key = question.id.split(":")[2]
    if key == "softmax-integers":
        for option in question.choices:
            model = head(3, "softmax")
            model.compile(loss="sparse_categorical_crossentropy", metrics=[metric_option(option)])
            if option == question.answer:
                model.evaluate(X[:32], np.arange(32) % 3, verbose=0)
            else:
                with pytest.raises(SHAPE_ERRORS):
                    model.evaluate(X[:32], np.arange(32) % 3, verbose=0)
        return
    from sklearn.metrics import f1_score

    model = head(1, "sigmoid")
    y = (X[:, :1] + 0.5 * X[:, 1:2] > 0).astype("float32")
    reference = f1_score(y.ravel(), model.predict(X, verbose=0).ravel() > 0.5)
    for option in question.choices:
        model.compile(loss="binary_crossentropy", metrics=[metric_option(option)])
        result = model.evaluate(X, y, verbose=0, return_dict=True)
        got = float(np.ravel([v for k, v in result.items() if k != "loss"])[0])
        if option == question.answer:
            assert got == pytest.approx(reference, abs=1e-5)
        else:
            assert got != pytest.approx(reference, abs=1e-3), option


def check_activation(question):
    key = question.id.split(":")[2]
    scores = RNG.normal(scale=4.0, size=(256, 3)).astype("float32")
    for option in question.choices:
        name = option.strip('"')
        with warnings.catch_warnings(record=True) as caught:  # softmax over 1 unit warns
            warnings.simplefilter("always")
            one = keras.ops.convert_to_numpy(keras.activations.get(name)(scores[:, :1]))
        rows = keras.ops.convert_to_numpy(keras.activations.get(name)(scores))
        # Keras's own UserWarning (softmax over one unit); not torch's NumPy-2 DeprecationWarning
        warned = [warning for warning in caught if issubclass(warning.category, UserWarning)]
        fits = (key == "probabilities-rows" or not warned) and {
            "probabilities-rows": np.allclose(rows.sum(axis=1), 1.0, atol=1e-5),
            "one-probability": (one.min() > 0 and one.max() < 1 and one.std() > 0.1),
            "images-minus-one-one": one.min() < -0.9 and one.max() <= 1.0,
            "targets-near-4": one.max() > 4.0,
        }[key]
        assert fits == (option == question.answer), option


@pytest.mark.parametrize("question", BY_KIND["choose"], ids=lambda q: q.id)
def test_choose_answer_fits_and_every_other_option_fails_or_differs(question):
    kind = {"losses": check_loss, "metrics": check_metric}.get(question.topic, check_activation)
    kind(question)
