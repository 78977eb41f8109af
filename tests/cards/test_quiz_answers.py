"""Every quiz answer, checked independently: parameter counts and sizes by building the model in
Keras, formulas by Keras layers against NumPy, spot-the-bug by running the original line and
seeing it fail or warn as the pitfall says, choose by compiling each option."""

import re
import warnings

import keras
import numpy as np
import pytest

from cheatsheet import quiz
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
        with pytest.raises(ValueError):
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
        with pytest.raises(ValueError):
            original.run("sequential")["model"].count_params()
    elif family == "fixed-input-size":
        torch = pytest.importorskip("torch")
        with pytest.raises(RuntimeError, match="cannot be multiplied"):
            original.run("pytorch")["Net"]()(torch.zeros((1, 1, 30, 30)))
    elif family == "schedule-owns-the-rate":
        with pytest.raises(TypeError):
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


# -- choose --------------------------------------------------------------------------------------

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")


def head(units, activation):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(units, activation)])
    model.layers[0].set_weights([RNG.normal(size=(4, units)).astype("float32"),
                                 np.zeros(units, "float32")])
    return model


def loss_case(key):
    """(model, labels, the NumPy value the right loss must give)."""
    if key == "sigmoid-binary":
        model = head(1, "sigmoid")
        y = (X[:, :1] > 0).astype("float32")
        p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
        return model, y, -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    if key in ("softmax-integers", "softmax-one-hot"):
        model = head(3, "softmax")
        labels = np.arange(64) % 3
        p = np.clip(model.predict(X, verbose=0), 1e-7, 1 - 1e-7)
        reference = -np.mean(np.log(p[np.arange(64), labels]))
        y = labels if key == "softmax-integers" else np.eye(3, dtype="float32")[labels]
        return model, y, reference
    model = head(1, None)
    y = X[:, :1] * 3.0
    error = model.predict(X, verbose=0) - y
    if key == "regression-outliers":
        return model, y, np.mean(np.where(np.abs(error) <= 1, 0.5 * error ** 2,
                                          np.abs(error) - 0.5))
    return model, y, np.mean(error ** 2)


def check_loss(question):
    for option in question.choices:
        model, y, reference = loss_case(question.id.split(":")[2])
        model.compile(optimizer="sgd", loss=option.strip('"'))
        try:
            value = model.evaluate(X, y, batch_size=64, verbose=0)
        except Exception as error:  # ValueError, or TensorFlow's own InvalidArgumentError
            assert option != question.answer, f"{option}: {error}"
            continue
        if option == question.answer:
            assert value == pytest.approx(reference, rel=1e-4), option
            model.fit(X, y, epochs=1, batch_size=64, verbose=0)  # and it trains
        else:
            assert value != pytest.approx(reference, rel=1e-3), option  # flagged: not it


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
