"""Checks shared by the rnn and lstm cards: an independent noisy sine and the naive baseline."""

import numpy as np


def sine_next_step_data(count, length, seed, period=20.0, noise=0.1):
    """Windows of sin(2*pi*t/period) + N(0, noise) at random phases, written here, not imported."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, period, size=(count, 1)) + np.arange(length + 1)
    series = (np.sin(2 * np.pi * t / period) + rng.normal(0, noise, t.shape)).astype("float32")
    return series[:, :-1, None], series[:, -1:]


def mse_and_repeat_last_baseline(model, length, seed):
    """Held-out MSE of the model, and of predicting that the next value equals the last one."""
    x, y = sine_next_step_data(256, length, seed)
    predicted = model.predict_on_batch(x)
    assert predicted.shape == (256, 1)
    return float(np.mean((predicted - y) ** 2)), float(np.mean((x[:, -1] - y) ** 2))


def recurrent_params(features, units, gates):
    """Kernel, recurrent kernel and bias of one recurrent layer (gates: 1 SimpleRNN, 4 LSTM)."""
    return gates * (features * units + units * units + units)
