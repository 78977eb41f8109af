"""
Title: Gated recurrent unit (GRU) and Bidirectional
Description: A GRU stack forecasts a noisy sine; Bidirectional reads a sequence both ways.
Section: Architectures
Aliases: gated-recurrent-unit, bidirectional, birnn, bidirectional-rnn
Use when: time series, forecasting, predict the next value, lighter than lstm, fewer parameters
    than lstm, read a sequence in both directions, future context, sequence classification
See also: rnn, lstm
Functions: build_gru, build_bidirectional, noisy_sine_windows
Backends: tensorflow, jax, torch

## Note

A GRU gates its state like an LSTM, with less machinery: an update gate z decides how much of
the old state to keep (h = z * h_old + (1 - z) * candidate), a reset gate r how much of it the
candidate sees, and there is no separate cell state. Three weight blocks instead of the LSTM's
four: at equal units a GRU has about 3/4 of an LSTM's weights (a GRU(32) layer on one feature
has 3,360 against the LSTM's 4,352; with the demo's Dense(1) head the models have 3,393 and
4,385), so try it first when data or compute is small, and keep the LSTM
where it measurably does better. `Bidirectional` runs a second copy of the
layer from the end of the sequence backwards and concatenates both, so each step's output has
2 x units features and sees the future as well as the past. Use it only when the whole sequence
is known before you predict (classifying a sentence, tagging, a finished window), never to
produce outputs as steps arrive. The demo must beat 'the next value equals the last one' by 2x
in mean squared error on a noisy sine.

## Pitfalls

- Keras's GRU defaults to `reset_after=True` (the cuDNN form), which keeps two bias vectors:
  3 x (features x units + units x units + 2 x units) parameters, not the textbook 3 x (... +
  units); `reset_after=False` gives the textbook count.
- `Bidirectional(GRU(32))` outputs 64 features, not 32: size the next layer for the
  concatenation, or pass `merge_mode="sum"` (or "ave") to keep 32.
- A bidirectional layer's output at step t depends on later steps: feed it a stream and its
  early outputs change when new steps arrive. Forecast step by step with a forward-only GRU.
"""

import keras
import numpy as np


def build_gru(features=1, units=32, layers=1, learning_rate=0.01):
    """Stacked GRU layers -> Dense(1), compiled for regression (mean squared error)."""
    model = keras.Sequential([keras.Input(shape=(None, features))], name="gru")  # (b, time, 1)
    for layer in range(layers):
        # Stacked, all but the last return the whole sequence, (batch, time, 32), for the next
        # GRU; the last returns only its final state, (batch, 32).
        model.add(keras.layers.GRU(units, return_sequences=layer < layers - 1))
    model.add(keras.layers.Dense(1))  # (batch, 1): the predicted next value
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.MeanSquaredError())
    return model


def build_bidirectional(features=1, units=32, num_classes=2, merge_mode="concat"):
    """Bidirectional GRU over the whole sequence -> class probabilities (a sequence classifier)."""
    inputs = keras.Input(shape=(None, features))  # (batch, time, 1)
    # Forward and backward GRU each return (batch, time, 32); "concat" joins them: 64 features.
    x = keras.layers.Bidirectional(keras.layers.GRU(units, return_sequences=True),
                                   merge_mode=merge_mode)(inputs)  # (batch, time, 64)
    x = keras.layers.GlobalAveragePooling1D()(x)  # (batch, 64)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)  # (batch, 2)
    model = keras.Model(inputs, outputs, name="bidirectional_gru")
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model


def noisy_sine_windows(count, length, period=20.0, noise=0.1, seed=0):
    """`count` windows of a noisy sine wave, (count, length, 1), and the value after each."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, period, size=(count, 1))  # a random phase for every window
    steps = start + np.arange(length + 1)  # (count, length + 1) time points
    wave = np.sin(2 * np.pi * steps / period) + rng.normal(0, noise, size=steps.shape)
    wave = wave.astype("float32")
    return wave[:, :length, None], wave[:, length:]  # inputs (count, length, 1), targets (count, 1)


def demo(seed=0, epochs=2, verbose=0):
    """Learn next-step prediction; held-out MSE should be under half the repeat-last baseline."""
    keras.utils.set_random_seed(seed)
    x_train, y_train = noisy_sine_windows(512, 20, seed=seed)
    x_test, y_test = noisy_sine_windows(256, 20, seed=seed + 1)  # fresh phases and noise
    model = build_gru()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=verbose)
    mse = model.evaluate(x_test, y_test, verbose=verbose)  # the compiled loss: mean squared error
    baseline = float(np.mean((x_test[:, -1] - y_test) ** 2))  # "the next value equals the last"
    return {
        "metric": "held-out MSE / repeat-last-value MSE",
        "value": float(mse) / baseline,
        "target": 0.5,
        "higher_is_better": False,
        "params": model.count_params(),
        "history": {name: [float(v) for v in values] for name, values in history.history.items()},
    }


if __name__ == "__main__":
    result = demo()
    print(f"{result['metric']}: {result['value']:.3f} (target <= {result['target']})")
