import keras

from snippets import rnn

from .sequences import RecurrentCardChecks, demo_run  # noqa: F401 (the fixture)


class TestRnnCard(RecurrentCardChecks):
    card = rnn
    build = "build_rnn"
    layer_class = keras.layers.SimpleRNN
    gates = 1
    params = 12_751
