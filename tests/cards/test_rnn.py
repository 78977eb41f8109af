import warnings

import keras
import numpy as np
import pytest

from snippets import rnn

from .sequences import RecurrentCardChecks, demo_run  # noqa: F401 (the fixture)


class TestRnnCard(RecurrentCardChecks):
    card = rnn
    build = "build_rnn"
    layer_class = keras.layers.SimpleRNN
    gates = 1
    params = 12_751


def batches():
    rng = np.random.default_rng(0)
    while True:
        yield rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(4, 1)).astype("float32")


def fit_on_a_generator(**shuffle):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0, **shuffle)


KERAS_VERSION = tuple(int(part) for part in keras.__version__.split(".")[:2])


@pytest.mark.skipif(KERAS_VERSION < (3, 15), reason="the warning came with Keras 3.15")
@pytest.mark.parametrize("shuffle", [{}, {"shuffle": True}], ids=["default", "shuffle=True"])
def test_fit_on_a_generator_warns_that_it_cannot_shuffle(shuffle):
    with pytest.warns(UserWarning, match="shuffle=True.*ignored.*generator"):
        fit_on_a_generator(**shuffle)


def test_shuffle_false_fits_a_generator_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning at all fails the test
        fit_on_a_generator(shuffle=False)
