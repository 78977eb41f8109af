"""One shared check for card models, after keras's own run_layer_test: it builds, trains one
step, and survives a .keras save/load with identical outputs."""

import keras
import numpy as np


def assert_trains_and_round_trips(model, x, y, tmp_path, compile_kwargs=None):
    """Fit one step (finite loss), then save and reload: predictions must match exactly."""
    if compile_kwargs is not None:
        model.compile(**compile_kwargs)
    assert model.compiled, "compile the model (or pass compile_kwargs) before checking it"
    loss = model.train_on_batch(x, y)
    loss = loss[0] if isinstance(loss, (list, tuple)) else loss
    assert np.isfinite(loss), f"one training step gave a non-finite loss: {loss}"
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), reloaded.predict(x, verbose=0))
    return reloaded

