import keras
import numpy as np
import pytest

from snippets import custom_training as card

from .keep_models import demo_accuracy_measured_by_sklearn

BACKEND = keras.backend.backend()


def only_on(backend):
    """The backend's marker, and a skip where another backend runs (its step cannot run)."""
    marker = getattr(pytest.mark, f"{backend}_only")
    skip = pytest.mark.skipif(BACKEND != backend, reason=f"a {backend} step needs "
                                                         f"KERAS_BACKEND={backend}")
    return lambda test: marker(skip(test))


def batch(size=64):
    x_train, _, y_train, _ = card.load_data(0)
    return x_train[:size], y_train[:size]


def build_normalized_model(model_class=keras.Model):
    """The card's classifier with a BatchNormalization layer: in training mode it normalizes by
    the batch's statistics and updates its moving ones, so a step that calls the model with
    `training=False` (or without training=True) gives another loss and other weights."""
    inputs = keras.Input(shape=(64,))  # (batch, 64)
    # no bias: BatchNorm subtracts the batch mean, so a bias's gradient is rounding noise that
    # Adam's first step would blow up to a full step of either sign
    hidden = keras.layers.Dense(32, use_bias=False)(inputs)  # (batch, 32)
    hidden = keras.layers.BatchNormalization()(hidden)  # (batch, 32)
    hidden = keras.layers.Activation("relu")(hidden)  # (batch, 32)
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)  # (batch, 10)
    return model_class(inputs, outputs)


def fresh(seed=0):
    keras.utils.set_random_seed(seed)
    return build_normalized_model(), keras.optimizers.Adam(learning_rate=0.01)


def weights_of(model):
    return [np.asarray(keras.ops.convert_to_numpy(weight)) for weight in model.weights]


def numpy_cross_entropy(probabilities, labels):
    probabilities = np.asarray(probabilities, dtype="float64")
    return float(-np.mean(np.log(probabilities[np.arange(len(labels)), labels])))


def fit_steps(x, y, batch_size):
    """The reference: fit() on the same batches, in order, from the same start."""
    model, optimizer = fresh()
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy())
    history = model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return history.history["loss"][0], weights_of(model)


def assert_one_hand_step_equals_one_fit_step(step):
    x, y = batch()
    twin, _ = fresh()  # the same start; calling it in training mode moves its moving statistics
    expected_loss = numpy_cross_entropy(keras.ops.convert_to_numpy(twin(x, training=True)), y)
    model, optimizer = fresh()
    before = weights_of(model)
    loss = step(model, optimizer, keras.losses.SparseCategoricalCrossentropy(),
                keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y))
    fit_loss, fit_weights = fit_steps(x, y, batch_size=len(x))
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-5)
    np.testing.assert_allclose(fit_loss, expected_loss, rtol=1e-5)
    after = weights_of(model)
    for hand, fitted, start in zip(after, fit_weights, before, strict=True):
        # Adam's first step is ~0.01 * sign(gradient): 1e-5 is a thousandth of a step (fit()'s
        # compiled step can round a near-zero gradient differently from the eager one).
        np.testing.assert_allclose(hand, fitted, atol=1e-5)
        assert not np.allclose(hand, start)  # the step really moved every weight


@only_on("tensorflow")
def test_gradient_tape_step_equals_one_fit_step():
    assert_one_hand_step_equals_one_fit_step(card.train_step_tensorflow)


@only_on("jax")
def test_jax_value_and_grad_step_equals_one_fit_step():
    assert_one_hand_step_equals_one_fit_step(card.train_step_jax)


@only_on("torch")
def test_torch_backward_step_equals_one_fit_step():
    assert_one_hand_step_equals_one_fit_step(card.train_step_torch)


def test_the_loop_picks_the_running_backends_step_and_two_steps_equal_fits_two():
    x, y = batch(64)
    model, optimizer = fresh()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    step = card.TRAIN_STEPS[BACKEND]
    for half in (slice(0, 32), slice(32, 64)):  # fit's order with shuffle=False, batch 32
        step(model, optimizer, loss_fn, keras.ops.convert_to_tensor(x[half]),
             keras.ops.convert_to_tensor(y[half]))
    _, fit_weights = fit_steps(x, y, batch_size=32)
    for hand, fitted in zip(weights_of(model), fit_weights, strict=True):
        np.testing.assert_allclose(hand, fitted, atol=1e-5)


def summed_gradient_steps(x, y, halves):
    """The reference for a step without zero_grad, written out with torch.autograd.grad (which
    leaves .grad alone): the first batch's gradients g1, applied; then g1 plus the second
    batch's gradients at the new weights, applied as one step."""
    import torch

    model, optimizer = fresh()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    trainable = model.trainable_variables
    applied = None
    for half in halves:
        loss = loss_fn(keras.ops.convert_to_tensor(y[half]),
                       model(keras.ops.convert_to_tensor(x[half]), training=True))
        gradients = torch.autograd.grad(loss, [variable.value for variable in trainable])
        applied = gradients if applied is None else [
            before + now for before, now in zip(applied, gradients, strict=True)]
        with torch.no_grad():
            optimizer.apply(applied, trainable)
    return weights_of(model)


@only_on("torch")
def test_without_zero_grad_torch_applies_the_sum_of_two_batches_gradients(monkeypatch):
    x, y = batch(64)
    halves = (slice(0, 32), slice(32, 64))
    summed = summed_gradient_steps(x, y, halves)
    _, fit_weights = fit_steps(x, y, batch_size=32)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    for zero_grad in (True, False):
        model, optimizer = fresh()
        if not zero_grad:
            monkeypatch.setattr(model, "zero_grad", lambda *args, **kwargs: None)
        for half in halves:
            card.train_step_torch(model, optimizer, loss_fn,
                                  keras.ops.convert_to_tensor(x[half]),
                                  keras.ops.convert_to_tensor(y[half]))
        reference = fit_weights if zero_grad else summed
        for hand, expected in zip(weights_of(model), reference, strict=True):
            np.testing.assert_allclose(hand, expected, atol=1e-5)
    gaps = [np.max(np.abs(with_sum - fitted))
            for with_sum, fitted in zip(summed, fit_weights, strict=True)]
    assert max(gaps) > 1e-3  # the summed step is not fit()'s: the two references differ


@only_on("jax")  # TensorFlow has no stateless_apply; torch's updates its tensors in place
def test_stateless_results_change_nothing_until_assigned():
    x, y = batch(8)
    keras.utils.set_random_seed(0)
    model, optimizer = card.build_model(), keras.optimizers.Adam(learning_rate=0.01)
    before = weights_of(model)  # all trainable: the card's model has no BatchNorm
    zeros = [keras.ops.zeros_like(variable.value) for variable in model.trainable_variables]
    outputs, _ = model.stateless_call(zeros, [], keras.ops.convert_to_tensor(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(outputs), 0.1, rtol=1e-6)  # softmax(0)
    assert not optimizer.built and len(optimizer.variables) == 2  # iteration, rate: no slots
    optimizer.build(model.trainable_variables)
    assert len(optimizer.variables) == 2 + 2 * len(model.trainable_variables)  # m and v each
    ones = [keras.ops.ones_like(variable.value) for variable in model.trainable_variables]
    trainable = [variable.value for variable in model.trainable_variables]
    new_values, _ = optimizer.stateless_apply([v.value for v in optimizer.variables], ones,
                                              trainable)
    for weight, start in zip(weights_of(model), before, strict=True):
        np.testing.assert_array_equal(weight, start)  # the model still holds the old weights
    for variable, value in zip(model.trainable_variables, new_values, strict=True):
        variable.assign(value)
    assert all(not np.allclose(weight, start)
               for weight, start in zip(weights_of(model), before, strict=True))


def test_without_training_true_dropout_acts_as_at_inference():
    inputs = keras.Input(shape=(64,))  # (batch, 64)
    outputs = keras.layers.Dropout(0.5)(inputs)  # (batch, 64)
    model = keras.Model(inputs, outputs)
    x = np.ones((4, 64), dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(x)), x)  # identity
    trained = keras.ops.convert_to_numpy(model(x, training=True))
    assert set(np.unique(trained)) == {0.0, 2.0}  # dropped, or scaled by 1 / (1 - 0.5)


@pytest.fixture(scope="module")
def demo_run():
    return demo_accuracy_measured_by_sklearn(card, "build_model")


def test_demo_accuracy_measured_again_by_sklearn(demo_run):
    result, accuracy = demo_run
    np.testing.assert_allclose(result["value"], accuracy)
    assert accuracy >= result["target"] == 0.9
    losses = result["history"]["loss"]
    assert len(losses) == 4 and losses[-1] < losses[0] / 3
    assert result["params"] == 64 * 32 + 32 + 32 * 10 + 10


def test_a_step_that_never_applies_its_gradients_misses_the_target(monkeypatch):
    def no_update(model, optimizer, loss_fn, x, y):
        return float(keras.ops.convert_to_numpy(loss_fn(y, model(x, training=True))))

    monkeypatch.setitem(card.TRAIN_STEPS, BACKEND, no_update)
    result = card.demo(epochs=1)
    assert result["value"] < 0.5 < result["target"]


def fit_two_epochs(build, run_eagerly=False, batch_size=32):
    """fit() for two epochs of 64 rows from one seed, with loss and accuracy in the logs."""
    x, y = batch(64)
    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"],
                  run_eagerly=run_eagerly)
    history = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0)
    return model, history.history


def test_the_train_step_override_gives_fits_own_losses_metrics_and_weights():
    built = card.build_step_model()
    assert isinstance(built, card.STEP_MODELS[BACKEND])
    assert built.count_params() == card.build_model().count_params()  # the same layers
    model, history = fit_two_epochs(lambda: build_normalized_model(card.STEP_MODELS[BACKEND]))
    reference, reference_history = fit_two_epochs(build_normalized_model)  # Keras's train_step
    assert type(reference).train_step is not type(model).train_step
    assert history.keys() == reference_history.keys() == {"loss", "accuracy"}
    np.testing.assert_allclose(history["loss"], reference_history["loss"], rtol=1e-5)
    np.testing.assert_allclose(history["accuracy"], reference_history["accuracy"])
    for mine, theirs in zip(weights_of(model), weights_of(reference), strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-5)


def test_the_override_runs_once_per_batch_and_its_first_loss_is_the_cross_entropy():
    calls = []

    class Counted(card.STEP_MODELS[BACKEND]):
        def train_step(self, *args):  # (data), or (state, data) on JAX
            calls.append(1)
            return super().train_step(*args)

    x, y = batch(64)
    twin, _ = fresh()  # fit_two_epochs's start, called in training mode as a step must
    expected = numpy_cross_entropy(keras.ops.convert_to_numpy(twin(x, training=True)), y)
    _, history = fit_two_epochs(lambda: build_normalized_model(Counted), run_eagerly=True,
                                batch_size=64)  # one batch of 64 an epoch
    assert len(calls) == 2  # eagerly, every call is a real call: one batch a epoch, two epochs
    np.testing.assert_allclose(history["loss"][0], expected, rtol=1e-5)


def test_a_step_that_returns_empty_logs_fails_on_tensorflow_and_records_no_loss_elsewhere():
    class Silent(card.STEP_MODELS[BACKEND]):
        def train_step(self, *args):
            logs = super().train_step(*args)
            return ({}, logs[1]) if BACKEND == "jax" else {}

    _, reference = fit_two_epochs(card.build_step_model)
    assert "loss" in reference
    x, y = batch(64)
    keras.utils.set_random_seed(0)
    plain = card.build_model()
    model = Silent(plain.input, plain.output)
    before = weights_of(model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    if BACKEND == "tensorflow":
        with pytest.raises(ValueError, match="OptionalFromValue"):
            model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        return
    history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    assert "loss" not in history
    assert all(not np.allclose(after, start)
               for after, start in zip(weights_of(model), before, strict=True))  # it trained
