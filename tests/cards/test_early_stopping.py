import keras
import numpy as np
import pytest

from snippets import early_stopping as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models


def compiled_model(seed=0):
    keras.utils.set_random_seed(seed)
    model = card.build_overfitting_model(input_dim=20, units=128)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003),
                  loss=keras.losses.BinaryCrossentropy())
    return model


def numpy_cross_entropy(model, x, y):
    """Validation binary cross-entropy computed here, from the model's probabilities."""
    p = np.clip(model.predict(x, verbose=0).astype("float64"), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_stops_before_the_epoch_limit_and_restores_the_best_epoch():
    train, validation = card.make_data(seed=0)
    model = compiled_model()
    history, stopper = card.train_with_early_stopping(model, train, validation, patience=5,
                                                      max_epochs=100)
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    best_epoch = int(np.argmin(val_loss))  # counted from 0, like stopper.best_epoch
    assert len(val_loss) < 100, "it should stop long before the limit"
    # It overfitted: after the best epoch, training loss kept falling while val loss rose ...
    assert loss[-1] < loss[best_epoch] and val_loss[-1] > val_loss[best_epoch]
    # ... it stopped exactly `patience` epochs after the last improvement ...
    assert stopper.stopped_epoch == best_epoch + 5 == len(val_loss) - 1
    assert stopper.best_epoch == best_epoch
    # ... and the model now holds the best epoch's weights, not the last epoch's.
    np.testing.assert_allclose(numpy_cross_entropy(model, *validation), val_loss[best_epoch],
                               rtol=1e-4)


def test_keras3_restores_the_best_weights_even_when_it_never_stops():
    train, validation = card.make_data(seed=0)
    model = compiled_model()
    history, stopper = card.train_with_early_stopping(model, train, validation, patience=100,
                                                      max_epochs=10)
    val_loss = history.history["val_loss"]
    assert len(val_loss) == 10 and stopper.stopped_epoch == 0
    assert np.argmin(val_loss) < 9, "the check needs a best epoch before the last one"
    np.testing.assert_allclose(numpy_cross_entropy(model, *validation), min(val_loss),
                               rtol=1e-4)
    assert numpy_cross_entropy(model, *validation) < val_loss[-1]


def test_without_validation_data_it_only_warns_and_never_stops():
    # The seed's mistake: monitor="val_loss" with no validation data.
    (x_train, y_train), _ = card.make_data(seed=0)
    model = compiled_model()
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)
    with pytest.warns(UserWarning, match="val_loss"):
        history = model.fit(x_train, y_train, epochs=6, batch_size=48, callbacks=[stopper],
                            verbose=0)
    assert len(history.history["loss"]) == 6 and stopper.stopped_epoch == 0


def test_labels_are_noisy_but_learnable():
    # The set is meant to be overfitted: about 1 label in 5 disagrees with the clean rule.
    (x_train, y_train), (x_val, y_val) = card.make_data(seed=0)
    x, y = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])[:, 0]
    disagreement = np.mean((x[:, 0] + x[:, 1] > 0) != y)
    assert 0.1 < disagreement < 0.3, disagreement


def test_overfitting_model_trains_and_round_trips(tmp_path):
    (x_train, y_train), _ = card.make_data(seed=1, train_size=16)
    assert_trains_and_round_trips(compiled_model(), x_train, y_train, tmp_path)


def test_demo_stops_early_and_ends_with_the_best_epochs_weights_measured_again():
    result, models = run_demo_keeping_models(card, "build_overfitting_model")
    history = result["history"]
    assert result["epochs_run"] == len(history["val_loss"]) < result["max_epochs"]
    assert result["stopped_epoch"] == result["epochs_run"]  # counted from 1
    assert history["val_loss"][result["best_epoch"] - 1] == min(history["val_loss"])
    # The model the demo trained, scored here with NumPy: the best epoch's val loss.
    _, validation = card.make_data(seed=0)
    np.testing.assert_allclose(numpy_cross_entropy(models[-1], *validation),
                               min(history["val_loss"]), rtol=1e-4)
    assert result["value"] <= result["target"] == 1e-4


@pytest.mark.parametrize("broken", ["restore_best_weights=False", "patience too large"])
def test_a_broken_early_stop_misses_the_demo_target(monkeypatch, broken):
    if broken == "patience too large":
        result = card.demo(patience=1000, max_epochs=12)  # never stops: the weights are best
        assert result["epochs_run"] == 12 and result["value"] == float("inf")
    else:
        early_stopping = keras.callbacks.EarlyStopping

        def no_restore(**kwargs):
            return early_stopping(**{**kwargs, "restore_best_weights": False})

        monkeypatch.setattr(card.keras.callbacks, "EarlyStopping", no_restore)
        result = card.demo()  # stops early, but keeps the last epoch's weights
        assert result["epochs_run"] < result["max_epochs"]
        val_loss = result["history"]["val_loss"]
        np.testing.assert_allclose(result["value"], val_loss[-1] - min(val_loss), rtol=1e-4)
    assert result["value"] > result["target"]
