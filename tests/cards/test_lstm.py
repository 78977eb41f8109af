import keras
import pytest

from snippets import lstm

from .sequences import RecurrentCardChecks, demo_run  # noqa: F401 (the fixture)


class TestLstmCard(RecurrentCardChecks):
    card = lstm
    build = "build_lstm"
    layer_class = keras.layers.LSTM
    gates = 4
    params = 50_851

    def test_demo_learns_at_0_008_in_two_short_epochs_as_the_pitfall_says(
            self, demo_run):  # noqa: F811 (the imported fixture)
        result, model = demo_run
        assert len(result["history"]["loss"]) == 2
        rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        assert rate == pytest.approx(0.008)
