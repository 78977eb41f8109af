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

    def test_at_adams_default_rate_the_last_epochs_loss_is_over_twice_as_high(
            self, demo_run, monkeypatch):  # noqa: F811 (the imported fixture)
        result, _ = demo_run
        build = lstm.build_lstm
        monkeypatch.setattr(lstm, "build_lstm", lambda learning_rate, **kwargs: build(**kwargs))
        default = lstm.demo(seed=0)  # the same demo with build_lstm's default 0.001
        assert default["value"] <= default["target"]  # it still beats the baseline
        # measured 2.6x-6x over seeds 0-2 and the three backends
        assert default["history"]["loss"][-1] > 2 * result["history"]["loss"][-1]
