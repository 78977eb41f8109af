import keras
import numpy as np
import pytest

from snippets import weight_regularization as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_recording_fits


def kernels(model):
    """The Dense kernels as float64 NumPy arrays, read straight from the layers."""
    return [layer.kernel.numpy().astype("float64")
            for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def random_batch(seed=0, size=16, input_dim=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(size, input_dim)).astype("float32"),
            rng.normal(size=(size, 1)).astype("float32"))


# The reference penalties, written from the definitions: no 1/2 in front of the L2 sum.
NUMPY_PENALTY = {
    "l1": lambda w, s: s * np.sum(np.abs(w)),
    "l2": lambda w, s: s * np.sum(w ** 2),
    "l1_l2": lambda w, s: s * np.sum(np.abs(w)) + s * np.sum(w ** 2),
}


@pytest.mark.parametrize("kind", ["l1", "l2", "l1_l2"])
def test_model_losses_equal_the_numpy_penalty_of_each_kernel(kind):
    model = card.build_regularized_model(input_dim=6, kinds=(kind, kind), strength=0.01, units=8)
    hidden_kernels = kernels(model)[:2]  # the head has no penalty
    expected = [NUMPY_PENALTY[kind](w, 0.01) for w in hidden_kernels]
    actual = [float(keras.ops.convert_to_numpy(loss)) for loss in model.losses]
    np.testing.assert_allclose(actual, expected, rtol=1e-5)
    np.testing.assert_allclose(card.regularization_penalty(model), sum(expected), rtol=1e-5)


def test_seed_layout_l2_then_l1_l2_adds_both_penalties():
    model = card.build_regularized_model(input_dim=6, units=8)  # kinds=("l2", "l1_l2")
    first, second, _ = kernels(model)
    expected = 0.01 * np.sum(first ** 2) + 0.01 * (np.sum(np.abs(second)) + np.sum(second ** 2))
    np.testing.assert_allclose(card.regularization_penalty(model), expected, rtol=1e-5)
    # The 1/2 convention (0.005 * sum(w**2)) would be a different number, far outside rtol.
    assert not np.isclose(card.regularization_penalty(model), expected - 0.005 * np.sum(first ** 2),
                          rtol=1e-3)


def test_plain_model_has_no_penalty():
    model = card.build_regularized_model(input_dim=6, kinds=(None, None), units=8)
    assert model.losses == []
    assert card.regularization_penalty(model) == 0.0


def test_the_loss_fit_minimizes_is_data_loss_plus_penalty():
    model = card.build_regularized_model(input_dim=6, units=8)
    model.compile(optimizer="sgd", loss="mse")
    x, y = random_batch()
    predictions = keras.ops.convert_to_numpy(model(x)).astype("float64")
    first, second, _ = kernels(model)
    penalty = 0.01 * np.sum(first ** 2) + 0.01 * (np.sum(np.abs(second)) + np.sum(second ** 2))
    expected = np.mean((predictions - y) ** 2) + penalty
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=len(x), verbose=0), expected,
                               rtol=1e-5)


def test_with_sgd_l2_is_weight_decay_by_two_lr_strength():
    # Targets equal to the predictions make the data gradient zero, so one SGD step moves the
    # penalised kernel by the penalty's gradient alone: w <- w - lr * 2 * strength * w.
    strength, learning_rate = 0.05, 0.1
    model = card.build_regularized_model(input_dim=6, kinds=("l2",), strength=strength, units=8)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    x, _ = random_batch()
    before = kernels(model)[0]
    model.train_on_batch(x, model.predict(x, verbose=0))
    np.testing.assert_allclose(kernels(model)[0], before * (1 - 2 * learning_rate * strength),
                               rtol=1e-5, atol=1e-7)


def test_strong_l2_shrinks_the_weights_and_l1_sends_most_of_them_to_zero():
    x_train, y_train, _, _ = card.make_data(seed=0)
    norms, near_zero = {}, {}
    for kind in (None, "l2", "l1"):
        keras.utils.set_random_seed(0)  # same start and batches: only the penalty differs
        model = card.build_regularized_model(input_dim=x_train.shape[1], kinds=(kind, kind),
                                             strength=0.1, units=32)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
        model.fit(x_train, y_train, epochs=10, batch_size=8, verbose=0)
        weights = kernels(model)
        norms[kind] = np.sqrt(sum(np.sum(w ** 2) for w in weights))
        near_zero[kind] = np.mean(np.abs(weights[0]) < 0.01)  # first layer: 27 inputs are noise
    assert norms["l2"] < 0.7 * norms[None], norms
    # L2 shrinks every weight in proportion; L1's constant pull leaves most of them at ~0.
    assert near_zero["l1"] > 0.5 and near_zero["l1"] > 3 * near_zero["l2"], near_zero


def test_l1_l2_needs_both_strengths_spelled_out():
    # The pitfall the card avoids: Keras 3's L1L2 defaults to zero for both factors.
    assert keras.regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    config = card.make_regularizer("l1_l2", 0.01).get_config()
    np.testing.assert_allclose([config["l1"], config["l2"]], [0.01, 0.01])


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="kind must be"):
        card.make_regularizer("l3")


def test_penalised_model_trains_and_round_trips(tmp_path):
    model = card.build_regularized_model(input_dim=6, units=8)
    x, y = random_batch()
    reloaded = assert_trains_and_round_trips(
        model, x, y, tmp_path,
        compile_kwargs={"optimizer": keras.optimizers.Adam(learning_rate=0.01), "loss": "mse"})
    np.testing.assert_allclose(card.regularization_penalty(reloaded),
                               card.regularization_penalty(model), rtol=1e-6)


def test_demo_shrinks_the_kernels_and_helps_held_out_error(demo_run):
    result, _ = demo_run
    assert result["value"] <= result["target"] == 0.6
    plain, penalised = result["results"]["plain"], result["results"]["penalised"]
    assert penalised["test_mse"] < plain["test_mse"]
    assert result["params"] == 30 * 64 + 64 + 64 * 64 + 64 + 64 + 1
    assert len(result["history"]["penalised_loss"]) == 14


def test_demo_figures_are_re_measured_from_the_trained_models(demo_run):
    from sklearn.metrics import mean_squared_error

    result, fits = demo_run
    plain, penalised = (fitted["model"] for fitted in fits)  # the demo trains plain first
    assert plain.losses == [] and len(penalised.losses) == 2

    def norm(model):  # every 2-D weight is a Dense kernel here; biases are 1-D
        return np.sqrt(sum(np.sum(w.astype("float64") ** 2)
                           for w in model.get_weights() if w.ndim == 2))

    # measured: 16.001 plain, 7.234 penalised, ratio 0.4521
    assert result["value"] == pytest.approx(norm(penalised) / norm(plain), rel=1e-6)
    _, _, x_test, y_test = card.make_data(seed=0)
    for name, model in (("plain", plain), ("penalised", penalised)):
        numbers = result["results"][name]
        assert numbers["kernel_norm"] == pytest.approx(norm(model), rel=1e-6)
        test_mse = mean_squared_error(y_test, model.predict(x_test, verbose=0))
        assert numbers["test_mse"] == pytest.approx(test_mse, rel=1e-5)  # 2.910 and 2.527


@pytest.fixture(scope="module")
def demo_run():
    """One demo run per module, with the models it trained."""
    return run_recording_fits(card.demo)
