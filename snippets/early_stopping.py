"""
Title: Early stopping
Description: Stop when validation loss stalls and roll back to the best epoch's weights.
Section: Regularization
Aliases: earlystopping, early-stop, patience, restore-best-weights
Use when: overfitting, when to stop training, how many epochs, validation loss stops improving,
    restore best weights, validation loss going up, validation loss increasing after a few epochs,
    validation accuracy drops, number of epochs, keep the best epoch
See also: weight-regularization, dropout, batch-norm
Functions: build_overfitting_model, train_with_early_stopping
Backends: tensorflow, jax, torch

## Note

EarlyStopping checks a metric on held-out data at the end of every epoch and stops training once
it has not improved for `patience` epochs; with restore_best_weights=True the model ends with
the weights of its best epoch, not the last, overfitted ones. It needs validation data: val_loss
is what shows the moment the model starts memorizing its training set, when training loss keeps
falling but validation loss turns up. The number of epochs is then decided by the data instead
of guessed. The demo must stop before its 100-epoch limit and end with weights whose val_loss,
evaluated again, equals the best epoch's (within 1e-4): a callback that never stops, or one that
keeps the last weights, misses.

## Pitfalls

- The original tf.keras 2 sheet monitors `val_loss` but gives fit() no validation data: Keras
  only warns that the metric is missing and trains every epoch. Pass `validation_data=` (or
  `validation_split=`).
- Keras 3 restores the best weights at the end of training even when it never stopped early;
  older tf.keras 2 restored them only when the callback itself stopped training.
- `stopped_epoch` and `best_epoch` count from 0, while the log prints epochs from 1;
  `stopped_epoch` stays 0 when training ran to the end.
"""

import keras
import numpy as np


def build_overfitting_model(input_dim=20, units=128):
    """A binary classifier far larger than its small training set: it will memorize the noise."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu")(inputs)  # (batch, units)
    hidden = keras.layers.Dense(units, activation="relu")(hidden)  # (batch, units)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)  # (batch, 1), P(class 1)
    return keras.Model(inputs, outputs, name="overfitting_mlp")


def train_with_early_stopping(model, train, validation, patience=5, max_epochs=100,
                              batch_size=48, verbose=0):
    """fit() with EarlyStopping on val_loss; returns (history, stopper). Needs validation data:
    without it there is no val_loss, Keras only warns, and training runs all max_epochs."""
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_loss",  # judge on data the weights never trained on
        patience=patience,  # epochs without a new best before stopping
        restore_best_weights=True,  # end with the best epoch's weights, not the last epoch's
    )
    history = model.fit(*train, validation_data=validation, epochs=max_epochs,
                        batch_size=batch_size, callbacks=[stopper], verbose=verbose,
                        validation_batch_size=len(validation[0]))  # one batch: less work an epoch
    return history, stopper


def make_data(seed=0, train_size=48, validation_size=256, input_dim=20, noise=0.7):
    """Label = (x0 + x1 + noise > 0): 2 of 20 features matter and ~1 label in 5 is "wrong",
    so 48 samples can only be fitted perfectly by memorizing them."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(train_size + validation_size, input_dim)).astype("float32")
    y = (x[:, 0] + x[:, 1] + noise * rng.normal(size=len(x)) > 0).astype("float32")[:, None]
    return (x[:train_size], y[:train_size]), (x[train_size:], y[train_size:])


def demo(seed=0, patience=3, max_epochs=100, verbose=0):
    """Train until val loss stalls; it must stop early and end with the best epoch's weights."""
    keras.utils.set_random_seed(seed)
    train, validation = make_data(seed)
    model = build_overfitting_model(input_dim=train[0].shape[1])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy")])
    history, stopper = train_with_early_stopping(model, train, validation, patience=patience,
                                                 max_epochs=max_epochs, verbose=verbose)
    restored_loss = model.evaluate(*validation, verbose=verbose, return_dict=True)["loss"]
    epochs_run = len(history.history["loss"])
    best_loss = min(history.history["val_loss"])
    if verbose:
        print(f"ran {epochs_run} of {max_epochs} epochs; best epoch {stopper.best_epoch + 1}")
    # What a broken early stop misses: it must stop before the limit (a patience too large
    # never does) AND end with the best epoch's weights, evaluated again here (without
    # restore_best_weights it keeps the last epoch's, `patience` epochs past the best).
    gap = abs(restored_loss - best_loss) if epochs_run < max_epochs else float("inf")
    return {
        "metric": "restored val_loss - best epoch's (inf if never stopped)",
        "value": float(gap),
        "target": 1e-4,
        "higher_is_better": False,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
        # Epochs counted from 1, as Keras prints them; stopped_epoch is None if it never stopped.
        "epochs_run": epochs_run,
        "max_epochs": max_epochs,
        "best_epoch": stopper.best_epoch + 1,
        "stopped_epoch": stopper.stopped_epoch + 1 if stopper.stopped_epoch else None,
    }


if __name__ == "__main__":
    result = demo(verbose=0)
    print(f"stopped after {result['epochs_run']} of {result['max_epochs']} epochs, "
          f"best epoch {result['best_epoch']}")
    print(f"{result['metric']}: {result['value']:.4f} (target <= {result['target']:.4f})")
