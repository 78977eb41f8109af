import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from snippets import transfer_learning as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models


@pytest.fixture(scope="module")
def demo_runs():
    """The demo transferred and from scratch (the broken variant), with the models trained."""
    transferred, models = run_demo_keeping_models(card, "with_new_head")
    scratch, scratch_models = run_demo_keeping_models(card, "with_new_head", transfer=False)
    return transferred, models[-1], scratch, scratch_models[-1]


@pytest.fixture(scope="module")
def pretrained_weights():
    """Pretrained once per module; each test gets its own copy of the base."""
    keras.utils.set_random_seed(0)
    source, _, _ = card.load_transfer_split(seed=0)
    return card.pretrain(card.build_base(), *source).get_weights()


@pytest.fixture
def pretrained_base(pretrained_weights):
    base = card.build_base()
    base.set_weights(pretrained_weights)
    return base


def batch_norm_statistics(base):
    return [keras.ops.convert_to_numpy(weight) for layer in base.layers
            if isinstance(layer, keras.layers.BatchNormalization)
            for weight in (layer.moving_mean, layer.moving_variance)]


def numpy_weights(model):
    return [np.array(weight) for weight in model.get_weights()]


def test_the_split_keeps_the_tasks_apart():
    (x_source, y_source), (x_train, y_train), (x_test, y_test) = card.load_transfer_split(seed=0)
    assert set(y_source) == {0, 1, 2, 3, 4}  # digits 0-4
    assert np.bincount(y_train).tolist() == [10] * 5  # 10 labels a class, counted by hand
    assert len(x_source) + len(x_train) + len(x_test) == 1797  # every digit used exactly once
    # No held-out image is a training image.
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_training_the_head_leaves_every_frozen_base_weight_unchanged(pretrained_base):
    _, train, _ = card.load_transfer_split(seed=0)
    model = card.with_new_head(pretrained_base)
    base_before, head_before = numpy_weights(pretrained_base), numpy_weights(model.layers[-1])
    card.train_head(model, pretrained_base, *train, epochs=3)
    # Kernels, biases, gamma, beta and the BatchNorm moving statistics: all bit for bit equal.
    for before, after in zip(base_before, numpy_weights(pretrained_base), strict=True):
        np.testing.assert_array_equal(after, before)
    assert any(not np.array_equal(before, after) for before, after in
               zip(head_before, numpy_weights(model.layers[-1]), strict=True))


def test_fine_tuning_moves_the_kernels_a_little_but_keeps_batch_norm_statistics(pretrained_base):
    _, train, _ = card.load_transfer_split(seed=0)
    base = pretrained_base
    model = card.with_new_head(base)
    card.train_head(model, base, *train, epochs=2)
    kernel_before = keras.ops.convert_to_numpy(base.layers[1].kernel)
    statistics_before = batch_norm_statistics(base)
    card.fine_tune(model, base, *train, epochs=2)
    kernel_after = keras.ops.convert_to_numpy(base.layers[1].kernel)
    assert not np.array_equal(kernel_after, kernel_before)  # unfrozen: it learns ...
    relative_change = np.linalg.norm(kernel_after - kernel_before) / np.linalg.norm(kernel_before)
    assert relative_change < 0.01  # ... a little, at 1e-4
    for before, after in zip(statistics_before, batch_norm_statistics(base), strict=True):
        np.testing.assert_array_equal(after, before)  # frozen BatchNorm: inference mode


def test_keras3_overrides_training_false_and_unfrozen_batch_norm_loses_its_statistics(
        pretrained_base):
    _, train, _ = card.load_transfer_split(seed=0)
    base = pretrained_base
    # The Keras guide's form: the base called with training=False ...
    inputs = keras.Input(shape=(8, 8, 1))
    outputs = keras.layers.Dense(5, activation="softmax")(base(inputs, training=False))
    model = keras.Model(inputs, outputs)
    statistics_before = batch_norm_statistics(base)
    # ... then unfrozen whole, BatchNorm included: fit()'s training=True wins.
    card.fine_tune(model, base, *train, epochs=2, freeze_batch_norm=False)
    assert any(not np.allclose(after, before) for before, after in
               zip(statistics_before, batch_norm_statistics(base), strict=True))


def fit_after_unfreezing_without_compile(base):
    _, (x_train, y_train), _ = card.load_transfer_split(seed=0)
    model = card.with_new_head(base)
    card.train_head(model, base, x_train, y_train, epochs=1)
    base.trainable = True  # ... but no compile()
    model.fit(x_train, y_train, epochs=1, batch_size=16, verbose=0)


@pytest.mark.tensorflow_only
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's behaviour")
def test_tensorflow_keeps_the_base_frozen_until_the_next_compile(pretrained_base):
    before = numpy_weights(pretrained_base)
    fit_after_unfreezing_without_compile(pretrained_base)
    for weight_before, after in zip(before, numpy_weights(pretrained_base), strict=True):
        np.testing.assert_array_equal(after, weight_before)  # still frozen


@pytest.mark.jax_only
@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's behaviour")
def test_jax_raises_when_unfrozen_without_compile(pretrained_base):
    with pytest.raises(ValueError, match="optimizer was built with"):
        fit_after_unfreezing_without_compile(pretrained_base)


@pytest.mark.torch_only
@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch's behaviour")
def test_torch_raises_when_unfrozen_without_compile(pretrained_base):
    with pytest.raises(ValueError, match="Unknown variable"):
        fit_after_unfreezing_without_compile(pretrained_base)


def test_transferred_model_beats_the_same_model_from_scratch_measured_by_sklearn(demo_runs):
    transferred, transferred_model, scratch, scratch_model = demo_runs
    _, _, (x_test, y_test) = card.load_transfer_split(seed=0)
    accuracies = [accuracy_score(y_test, np.argmax(model.predict(x_test, verbose=0), axis=-1))
                  for model in (transferred_model, scratch_model)]
    assert accuracies[0] == pytest.approx(transferred["value"])  # the demo's figure, re-measured
    assert accuracies[1] == pytest.approx(scratch["value"])
    assert accuracies[0] >= transferred["target"] == 0.85 > accuracies[1]
    assert accuracies[0] > 0.87  # note: "about 0.9"
    assert transferred_model.count_params() == scratch_model.count_params()  # the same network


@pytest.mark.slow  # ~2 s on TensorFlow, ~60 s on JAX under load
def test_a_keras_applications_base_builds_offline_with_weights_none_and_freezes():
    base = keras.applications.MobileNetV2(include_top=False, weights=None, alpha=0.35,
                                          input_shape=(32, 32, 3), pooling="avg")
    assert base.trainable_weights
    base.trainable = False
    assert not base.trainable_weights and base.non_trainable_weights


def test_transfer_model_trains_and_round_trips(tmp_path):
    _, (x_train, y_train), _ = card.load_transfer_split(seed=0)
    model = card.with_new_head(card.build_base())
    card.compile_at(model, 1e-3)
    assert_trains_and_round_trips(model, x_train, y_train, tmp_path)
