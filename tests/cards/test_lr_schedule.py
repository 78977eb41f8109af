import math

import keras
import numpy as np
import pytest

from snippets import lr_schedule

from .keep_models import run_recording_fits


def closed_form(step, initial=1e-2, rate=0.9, decay_steps=10_000, staircase=False):
    exponent = step / decay_steps
    return initial * rate ** (math.floor(exponent) if staircase else exponent)


@pytest.mark.parametrize("step", [0, 10_000, 25_000])
def test_schedule_values_equal_the_closed_form(step):
    schedule = lr_schedule.make_schedule()
    np.testing.assert_allclose(float(schedule(step)), closed_form(step), rtol=1e-6)


@pytest.mark.parametrize("step", [0, 9_999, 10_000, 25_000])
def test_staircase_values_equal_the_floor_form(step):
    schedule = lr_schedule.make_schedule(staircase=True)
    np.testing.assert_allclose(float(schedule(step)), closed_form(step, staircase=True),
                               rtol=1e-6)


def test_schedule_curve_samples_the_closed_form_for_a_plot():
    steps, rates = lr_schedule.schedule_curve(lr_schedule.make_schedule(), last_step=50_000,
                                              every=5_000)
    assert steps == list(range(0, 50_001, 5_000))
    np.testing.assert_allclose(rates, [closed_form(step) for step in steps], rtol=1e-6)
    assert all(later < earlier for earlier, later in zip(rates[:-1], rates[1:], strict=True))


@pytest.mark.parametrize("staircase", [False, True])
def test_after_k_training_steps_the_optimizer_rate_is_the_schedule_at_k(staircase):
    steps = 25
    schedule = lr_schedule.make_schedule(decay_steps=10, staircase=staircase)
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=lr_schedule.make_sgd(schedule), loss=keras.losses.MeanSquaredError())
    rng = np.random.default_rng(0)
    model.fit(rng.random((steps * 4, 4)), rng.random((steps * 4, 1)), batch_size=4, epochs=1,
              verbose=0)
    assert int(model.optimizer.iterations) == steps
    np.testing.assert_allclose(float(model.optimizer.learning_rate),
                               closed_form(steps, decay_steps=10, staircase=staircase), rtol=1e-6)


def test_each_sgd_update_uses_the_rate_at_its_own_step():
    # Constant gradient g: after k updates w = w0 - g * (lr(0) + lr(1) + ... + lr(k - 1)).
    optimizer = lr_schedule.make_sgd(lr_schedule.make_schedule(decay_steps=10))
    variable, gradient = keras.Variable(np.zeros(3, dtype="float32")), np.array([1.0, -2.0, 0.5])
    for _ in range(30):
        optimizer.apply([keras.ops.convert_to_tensor(gradient, dtype="float32")], [variable])
    total_rate = sum(closed_form(step, decay_steps=10) for step in range(30))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), -gradient * total_rate,
                               rtol=1e-5)


def test_a_scheduled_rate_cannot_be_reassigned():
    optimizer = lr_schedule.make_sgd(lr_schedule.make_schedule())
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.001


def test_a_schedule_cannot_be_combined_with_reduce_lr_on_plateau():
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=lr_schedule.make_sgd(lr_schedule.make_schedule()),
                  loss=keras.losses.MeanSquaredError())
    x, y = np.random.default_rng(1).random((16, 4)), np.random.default_rng(2).random((16, 1))
    # min_delta=10: no epoch can improve that much, so it tries to lower the rate at once.
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=0, min_delta=10)
    with pytest.raises(TypeError, match="not settable"):
        model.fit(x, y, validation_data=(x, y), epochs=3, verbose=0, callbacks=[plateau])


def test_legacy_decay_argument_only_warns_and_leaves_the_rate_constant():
    with pytest.warns(UserWarning, match="decay"):
        optimizer = keras.optimizers.SGD(learning_rate=0.01, decay=0.5)
    variable = keras.Variable(np.zeros(2, dtype="float32"))
    for _ in range(5):
        optimizer.apply([keras.ops.ones(2)], [variable])  # a tensor: torch takes no NumPy
    np.testing.assert_allclose(float(optimizer.learning_rate), 0.01, rtol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), -0.05, rtol=1e-5)


def test_demo_learns_past_threshold_while_the_rate_decays(demo_run):
    result, _ = demo_run
    assert result["value"] >= result["target"] == 0.9
    assert len(result["history"]["loss"]) == 6


class RateAtEpochEnd(keras.callbacks.Callback):
    """(optimizer step, learning rate the optimizer reports) after each epoch."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        optimizer = self.model.optimizer
        self.seen.append((int(optimizer.iterations), float(optimizer.learning_rate)))


@pytest.fixture(scope="module")
def demo_run():
    return run_recording_fits(lr_schedule.demo, callbacks=[RateAtEpochEnd])


def test_demo_rate_decays_by_the_closed_form_once_per_epoch(demo_run):
    _, (fitted,) = demo_run
    x_train, _, _, _ = lr_schedule.load_data(0)
    steps_per_epoch = math.ceil(len(x_train) / 32)  # 1347 samples, batch 32: 43 updates
    seen = fitted["watchers"][0].seen
    assert [step for step, _ in seen] == [steps_per_epoch * epoch for epoch in range(1, 7)]
    expected = [closed_form(step, initial=0.5, rate=0.8, decay_steps=steps_per_epoch)
                for step, _ in seen]  # 0.5 * 0.8 ** epoch: 0.4 after one epoch, 0.131 after six
    np.testing.assert_allclose([rate for _, rate in seen], expected, rtol=1e-6)


def test_demo_accuracy_is_re_measured_by_scikit_learn(demo_run):
    from sklearn.metrics import accuracy_score

    result, (fitted,) = demo_run
    _, x_test, _, y_test = lr_schedule.load_data(0)
    predicted = fitted["model"].predict(x_test, verbose=0).argmax(axis=-1)
    accuracy = accuracy_score(y_test, predicted)  # measured 434 / 450 = 0.9644
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)
    assert accuracy >= 0.9
