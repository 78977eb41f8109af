import keras

from snippets import lstm

from .sequences import RecurrentCardChecks, demo_run  # noqa: F401 (the fixture)


class TestLstmCard(RecurrentCardChecks):
    card = lstm
    build = "build_lstm"
    layer_class = keras.layers.LSTM
    gates = 4
    params = 50_851
