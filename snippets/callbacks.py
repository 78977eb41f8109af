"""
Title: Callbacks: checkpoints, ReduceLROnPlateau, CSVLogger, your own
Description: Hooks fit() calls every epoch: keep the best model, cut the rate on a plateau, log.
Section: Optimization
Aliases: callback, modelcheckpoint, checkpointing, reducelronplateau, csvlogger, custom-callback
Use when: save the best model during training, model checkpoint, reduce learning rate on plateau,
    validation loss plateaus, log training to a csv file, custom callback, run code at the end of
    every epoch, read the learning rate during training, modelcheckpoint, save the model every
    epoch, keep the best model, cut the learning rate when validation loss stops improving
See also: early-stopping, lr-schedule, deployment
Functions: LearningRateRecorder, make_callbacks, train_with_callbacks
Backends: tensorflow, jax, torch

## Note

fit() calls each callback's hooks (on_epoch_begin, on_epoch_end, on_train_batch_end, ...) with a
`logs` dict of the epoch's loss and metrics; a callback reads the model through `self.model`.
ModelCheckpoint with save_best_only=True writes the model only when the monitored val_loss beats
its best so far, so the file ends holding the best epoch, not the last. ReduceLROnPlateau
multiplies the optimizer's learning rate by `factor` once val_loss has not improved (by min_delta,
1e-4) for `patience` epochs in a row, and records the rate as `learning_rate` in the logs.
CSVLogger writes one row per epoch with the same numbers History keeps. A custom callback
subclasses keras.callbacks.Callback and overrides the hooks it needs; the card's one reads the
rate from the optimizer at the start of every epoch. The demo overfits 48 noisy samples for 12
epochs, then reloads the checkpoint: its val_loss must equal the best epoch's within 1e-4.

## Pitfalls

- Keras 3 checks ModelCheckpoint's file name: `save_weights_only=True` needs a path ending in
  `.weights.h5` (ValueError otherwise), and a whole model belongs in a `.keras` file; tf.keras
  2's `best.h5` writes the legacy HDF5 format.
- Callbacks run in list order on one `logs` dict, and ReduceLROnPlateau adds `learning_rate` to
  it: a CSVLogger listed before ReduceLROnPlateau has no learning_rate column (History, added
  last by fit, has one).
- `keras.backend.get_value` and `set_value` are gone in Keras 3: read the rate with
  `float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))` and set it by assigning
  `model.optimizer.learning_rate = value`.
- The rate ReduceLROnPlateau logs for an epoch is the one that epoch trained with; a cut made at
  that epoch's end shows from the next row on.
"""

import os
import tempfile

import keras
import numpy as np


class LearningRateRecorder(keras.callbacks.Callback):
    """A custom callback: reads the optimizer's learning rate as each epoch begins."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        # self.model is set by fit(); the rate is a variable, so convert it to a Python float.
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def make_callbacks(directory, patience=2, factor=0.5):
    """Checkpoint the best model, halve the rate on a plateau, log to CSV, record the rate.

    Order matters: ReduceLROnPlateau adds `learning_rate` to the logs that CSVLogger then writes."""
    return [
        keras.callbacks.ModelCheckpoint(
            os.path.join(directory, "best.keras"),  # a whole model: the name must end .keras
            monitor="val_loss", save_best_only=True),  # write only when val_loss improves
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=factor,  # new rate = factor * rate
            patience=patience, min_lr=1e-5),  # after `patience` epochs without a new best
        keras.callbacks.CSVLogger(os.path.join(directory, "log.csv")),  # one row per epoch
        LearningRateRecorder(),
    ]


def train_with_callbacks(model, train, validation, callbacks, epochs=12, batch_size=48,
                         verbose=0):
    """fit() with validation data, which every val_loss-monitoring callback needs."""
    return model.fit(*train, validation_data=validation, epochs=epochs, batch_size=batch_size,
                     validation_batch_size=len(validation[0]),  # one batch: less per-epoch work
                     callbacks=callbacks, verbose=verbose)


def build_model(input_dim=20, units=64):
    """A binary classifier far larger than its 48 training samples: it will overfit."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, 20)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, 64)
    hidden = keras.layers.Dense(units, activation="relu")(hidden)  # (batch, 64)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)  # (batch, 1), P(class 1)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.BinaryCrossentropy())
    return model


def make_data(seed=0, train_size=48, validation_size=256, input_dim=20, noise=0.7):
    """Label = (x0 + x1 + noise > 0): 48 noisy samples, so validation loss soon turns up."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(train_size + validation_size, input_dim)).astype("float32")
    y = (x[:, 0] + x[:, 1] + noise * rng.normal(size=len(x)) > 0).astype("float32")[:, None]
    return (x[:train_size], y[:train_size]), (x[train_size:], y[train_size:])


def demo(seed=0, epochs=12, directory=None, verbose=0):
    """Train with the four callbacks; the checkpoint must hold the best epoch's model."""
    keras.utils.set_random_seed(seed)
    train, validation = make_data(seed)
    with tempfile.TemporaryDirectory() as scratch:  # removed at the end, files and all
        directory = directory or scratch
        model = build_model(train[0].shape[1])
        callbacks = make_callbacks(directory)
        recorder = next(item for item in callbacks if isinstance(item, LearningRateRecorder))
        history = train_with_callbacks(model, train, validation, callbacks, epochs=epochs,
                                       verbose=verbose)
        best = keras.saving.load_model(os.path.join(directory, "best.keras"))
        checkpoint_loss = best.evaluate(*validation, verbose=verbose, return_dict=True)["loss"]
    val_loss = history.history["val_loss"]
    if verbose:
        print(f"best epoch {int(np.argmin(val_loss)) + 1} of {epochs}; rates {recorder.rates}")
    return {
        "metric": "|checkpoint's val_loss - best epoch's|",
        "value": float(abs(checkpoint_loss - min(val_loss))),
        "target": 1e-4,
        "higher_is_better": False,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
        "rates": recorder.rates,  # read from the optimizer as each epoch began
        "best_epoch": int(np.argmin(val_loss)) + 1,  # counted from 1, as Keras prints epochs
    }


if __name__ == "__main__":
    result = demo(verbose=1)
    print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']:.0e})")
