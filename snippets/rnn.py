"""
Title: Recurrent neural network (RNN)
Description: Stacked SimpleRNN layers read a sequence step by step and predict its next value.
Section: Architectures
Aliases: simplernn, simple-rnn, recurrent
Use when: time series, sequences, forecasting, predict the next value, sequences of any length,
    input shape of a sequence, timesteps and features, 3d input, input with 3 dimensions
See also: lstm, transformer
Functions: build_rnn, noisy_sine_windows, mixed_length_batches
Backends: tensorflow, jax, torch

## Note

A recurrent layer reads a sequence one step at a time and carries a hidden state (50 numbers
here) from step to step, computed from the current input and the previous state with the same
weights at every step; so one model reads sequences of any length. Stacked layers pass their
whole output sequence upward (`return_sequences=True`); the last passes only its final state to
Dense(1), the predicted next value. The demo learns a noisy sine wave and must beat the naive
forecast 'the next value equals the last one' by 2x in mean squared error.

## Pitfalls

- The original tf.keras 2 sheet never calls `compile`, so its model cannot be fitted; the card
  compiles with Adam and mean squared error, the loss of a regression head.
- Declare `keras.Input(shape=(None, 1))`, not `input_shape=` on the first layer: `None` is the
  time axis, so the model takes sequences of any length.
- Accepting any length is not predicting well at any length: trained on length 20 alone it does
  worse than the naive forecast on length 8. Train on mixed lengths (here 10, 20 and 30).
- A Python generator cannot be shuffled: from Keras 3.15, `fit` with the default `shuffle=True`
  says so in a UserWarning (earlier versions ignored it silently). Pass `shuffle=False` to say
  what happens; the batches are fresh either way.
"""

import itertools

import keras
import numpy as np


def build_rnn(features=1, units=50, layers=3, learning_rate=0.001):
    """Stacked SimpleRNN layers -> Dense(1), compiled for regression (mean squared error).

    shape=(None, features): the time axis is None, so one model takes sequences of any length.
    """
    model = keras.Sequential([keras.Input(shape=(None, features))], name="rnn")  # (b, time, 1)
    for layer in range(layers):
        last = layer == layers - 1
        # Every layer but the last returns its whole output sequence, (batch, time, 50), for the
        # next RNN layer to read; the last returns only its final state, (batch, 50).
        model.add(keras.layers.SimpleRNN(units, return_sequences=not last))
    model.add(keras.layers.Dense(1))  # (batch, 1): the predicted next value, no activation
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.MeanSquaredError())
    return model


def noisy_sine_windows(count, length, period=20.0, noise=0.1, seed=0):
    """`count` windows of a noisy sine wave, (count, length, 1), and the value after each."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, period, size=(count, 1))  # a random phase for every window
    steps = start + np.arange(length + 1)  # (count, length + 1) time points
    wave = np.sin(2 * np.pi * steps / period) + rng.normal(0, noise, size=steps.shape)
    wave = wave.astype("float32")
    return wave[:, :length, None], wave[:, length:]  # inputs (count, length, 1), targets (count, 1)


def mixed_length_batches(batch_size=32, lengths=(10, 20, 30), seed=0):
    """Endless (inputs, targets) batches of noisy sine whose length cycles through `lengths`."""
    rng = np.random.default_rng(seed)
    # The first two batches differ in length, so Keras gives the time axis the shape None.
    for length in itertools.cycle(lengths):
        yield noisy_sine_windows(batch_size, length, seed=int(rng.integers(2**31)))


def demo(seed=0, epochs=2, verbose=0):
    """Learn next-step prediction; held-out MSE should be under half the repeat-last baseline."""
    keras.utils.set_random_seed(seed)
    x_test, y_test = noisy_sine_windows(256, 20, seed=seed + 1)  # fresh phases and noise
    model = build_rnn(learning_rate=0.002)  # twice Adam's default: two short epochs suffice
    # Train on several lengths: a model fitted on length 20 alone accepts length 8 but
    # predicts it badly. Every batch is freshly drawn, so there is nothing to shuffle.
    history = model.fit(mixed_length_batches(seed=seed), steps_per_epoch=32, epochs=epochs,
                        shuffle=False, verbose=verbose)
    mse = model.evaluate(x_test, y_test, verbose=verbose)  # the compiled loss: mean squared error
    baseline = float(np.mean((x_test[:, -1] - y_test) ** 2))  # "tomorrow equals today"
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
