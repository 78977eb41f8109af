import csv

import keras
import numpy as np
import pytest

from snippets import callbacks as card


class OptimizerRateReader(keras.callbacks.Callback):
    """The test's own reading of the optimizer's rate, at the end of each epoch's training steps
    (on_train_batch_end), before any callback's on_epoch_end can change it."""

    def __init__(self):
        super().__init__()
        self.rates = {}

    def on_train_batch_end(self, batch, logs=None):
        variable = self.model.optimizer.learning_rate
        self.rates[self.epoch] = float(np.asarray(keras.ops.convert_to_numpy(variable)))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One demo run writing into a kept directory, with the test's own rate reader added."""
    directory = tmp_path_factory.mktemp("callbacks")
    reader, make_callbacks = OptimizerRateReader(), card.make_callbacks
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(card, "make_callbacks", lambda path: [*make_callbacks(path), reader])
        result = card.demo(seed=0, directory=str(directory))
    return result, directory, [reader.rates[epoch] for epoch in sorted(reader.rates)]


def numpy_cross_entropy(model, x, y):
    p = np.clip(model.predict(x, verbose=0).astype("float64"), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_the_checkpoint_file_holds_the_best_epoch_not_the_last(run):
    result, directory, _ = run
    val_loss = result["history"]["val_loss"]
    _, validation = card.make_data(seed=0)
    reloaded = keras.saving.load_model(directory / "best.keras")
    checkpoint_loss = numpy_cross_entropy(reloaded, *validation)  # re-evaluated here
    np.testing.assert_allclose(checkpoint_loss, min(val_loss), rtol=1e-4)
    assert abs(checkpoint_loss - min(val_loss)) <= result["target"] == 1e-4
    assert result["value"] <= result["target"]
    assert val_loss[-1] - min(val_loss) > 0.05  # the last epoch was worse: the file is not it
    assert result["best_epoch"] == int(np.argmin(val_loss)) + 1 < len(val_loss)


def expected_rates(val_loss, rate=0.01, patience=2, factor=0.5, min_delta=1e-4, min_lr=1e-5):
    """ReduceLROnPlateau's rule by hand: the rate each epoch trains with."""
    rates, best, wait = [], np.inf, 0
    for loss in val_loss:
        rates.append(rate)
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience and rate > np.float32(min_lr):
                rate, wait = max(rate * factor, min_lr), 0
    return rates


def test_the_rate_halves_after_patience_flat_epochs_read_from_the_optimizer(run):
    result, _, read_here = run
    history = result["history"]
    expected = expected_rates(history["val_loss"])
    assert len(set(expected)) >= 3  # the demo really cuts the rate, more than once
    np.testing.assert_allclose(read_here, expected, rtol=1e-6)
    np.testing.assert_allclose(result["rates"], expected, rtol=1e-6)  # the card's own callback
    # The logged rate is the one the epoch trained with; a cut shows from the next row on.
    np.testing.assert_allclose(history["learning_rate"], expected, rtol=1e-6)
    first_cut = next(epoch for epoch, rate in enumerate(expected) if rate < 0.01)
    assert history["learning_rate"][first_cut - 1] == pytest.approx(0.01)


def test_the_csv_rows_equal_the_history(run):
    result, directory, _ = run
    with open(directory / "log.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    history = result["history"]
    assert set(rows[0]) == {"epoch", *history}
    assert [int(row["epoch"]) for row in rows] == list(range(len(history["loss"])))
    for name, values in history.items():
        np.testing.assert_allclose([float(row[name]) for row in rows], values, rtol=1e-6)


def small_fit(callbacks, epochs=3):
    keras.utils.set_random_seed(0)
    train, validation = card.make_data(seed=0)
    model = card.build_model()
    return model.fit(*train, validation_data=validation, epochs=epochs, verbose=0,
                     callbacks=callbacks)


def test_a_csv_logger_listed_before_reduce_lr_on_plateau_has_no_rate_column(tmp_path):
    path = tmp_path / "early.csv"
    history = small_fit([keras.callbacks.CSVLogger(str(path)),
                         keras.callbacks.ReduceLROnPlateau(monitor="val_loss")])
    with open(path, newline="") as file:
        header = next(csv.reader(file))
    assert "learning_rate" not in header and "val_loss" in header
    assert "learning_rate" in history.history  # History comes last


def test_checkpoint_file_names_are_checked(tmp_path):
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "best.h5"), save_weights_only=True)
    weights = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"),
                                              save_weights_only=True)
    whole = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.keras"))
    legacy = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.h5"))  # tf.keras 2's habit
    small_fit([weights, whole, legacy], epochs=1)
    assert (tmp_path / "best.keras").read_bytes()[:2] == b"PK"  # a .keras file is a zip
    assert (tmp_path / "best.weights.h5").read_bytes()[:4] == b"\x89HDF"
    assert (tmp_path / "best.h5").read_bytes()[:4] == b"\x89HDF"  # the legacy whole-model HDF5


def test_get_value_is_gone_and_the_rate_is_read_and_set_on_the_optimizer():
    assert not hasattr(keras.backend, "get_value") and not hasattr(keras.backend, "set_value")
    model = card.build_model()
    model.optimizer.learning_rate = 0.25
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == 0.25


@pytest.mark.slow  # a second 12-epoch demo
def test_a_checkpoint_without_save_best_only_misses_the_demo_target(monkeypatch):
    checkpoint = keras.callbacks.ModelCheckpoint

    def every_epoch(*args, **kwargs):
        return checkpoint(*args, **{**kwargs, "save_best_only": False})

    monkeypatch.setattr(card.keras.callbacks, "ModelCheckpoint", every_epoch)
    result = card.demo(seed=0)
    val_loss = result["history"]["val_loss"]
    np.testing.assert_allclose(result["value"], val_loss[-1] - min(val_loss), rtol=1e-4)
    assert result["value"] > result["target"]
