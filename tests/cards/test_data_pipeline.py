import importlib.util

import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler

from snippets import data_pipeline as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models

needs_tensorflow = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                                      reason="tf.data needs TensorFlow installed")


@pytest.fixture(scope="module")
def demo_run():
    result, models = run_demo_keeping_models(card, "build_classifier")
    return result, models[-1]


def ids_and_labels(n):
    """x holds each example's own index, so a batch says which examples it carries."""
    ids = np.arange(n, dtype="float32")[:, None]
    return ids, np.zeros(n, dtype="float32")


def test_adapt_measures_scikit_learns_standard_scaler_mean_and_variance():
    x_train, x_test, _, _ = card.load_data(seed=0)
    normalization = keras.layers.Normalization()
    normalization.adapt(x_train)
    scaler = StandardScaler().fit(x_train.astype("float64"))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalization.mean)[0], scaler.mean_,
                               rtol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalization.variance)[0],
                               scaler.var_, rtol=1e-4)  # the population variance (ddof=0)
    # And it standardizes unseen data exactly as the scaler fitted on the training split does.
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalization(x_test)),
                               scaler.transform(x_test), rtol=1e-3, atol=1e-4)


def test_features_span_very_different_scales():
    x_train, x_test, _, _ = card.load_data(seed=0)
    means = np.concatenate([x_train, x_test]).astype("float64").mean(axis=0)
    assert 0.003 < means.min() < 0.005 and 800 < means.max() < 1000  # note: ~0.004 to ~900


def test_an_unadapted_normalization_is_silently_the_identity():
    x = np.array([[5.0, 600.0, -7.0]], dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(keras.layers.Normalization()(x)), x)


def test_a_pydataset_epoch_yields_every_example_exactly_once_in_a_new_order():
    x, y = ids_and_labels(103)
    batches = card.ArrayBatches(x, y, batch_size=10, seed=0)
    assert len(batches) == 11  # ceil(103 / 10), counted by hand
    orders = []
    for _ in range(2):
        seen = [batches[index][0][:, 0] for index in range(len(batches))]
        assert [len(batch) for batch in seen] == [10] * 10 + [3]
        orders.append(np.concatenate(seen))
        np.testing.assert_array_equal(np.sort(orders[-1]), np.arange(103))
        batches.on_epoch_end()
    assert not np.array_equal(orders[0], orders[1])  # reshuffled between epochs
    assert not np.array_equal(orders[0], np.arange(103))


@needs_tensorflow
def test_a_tf_data_epoch_yields_every_example_exactly_once_in_a_new_order():
    x, y = ids_and_labels(103)
    dataset = card.make_tf_dataset(x, y, batch_size=10, seed=0)
    orders = []
    for _ in range(2):
        seen = [np.asarray(batch_x)[:, 0] for batch_x, _ in dataset]
        assert [len(batch) for batch in seen] == [10] * 10 + [3]
        orders.append(np.concatenate(seen))
        np.testing.assert_array_equal(np.sort(orders[-1]), np.arange(103))
    assert not np.array_equal(orders[0], orders[1])


@needs_tensorflow
def test_a_small_shuffle_buffer_leaves_sorted_data_almost_sorted():
    import tensorflow as tf

    ids = np.arange(1000)
    small = next(iter(tf.data.Dataset.from_tensor_slices(ids).shuffle(10, seed=0).batch(100)))
    full = next(iter(tf.data.Dataset.from_tensor_slices(ids).shuffle(1000, seed=0).batch(100)))
    # With a buffer of 10, the first 100 drawn come from the first 109 ids (hand count).
    assert np.asarray(small).max() < 110
    assert np.asarray(full).max() > 500


@needs_tensorflow
def test_batching_before_shuffling_shuffles_whole_batches():
    import tensorflow as tf

    ids = np.arange(100)
    for batch in tf.data.Dataset.from_tensor_slices(ids).batch(10).shuffle(10, seed=0):
        batch = np.asarray(batch)
        np.testing.assert_array_equal(batch, np.arange(batch[0], batch[0] + 10))  # never mixed


def fit_from_the_same_start(data, **fit_kwargs):
    x_train, _, y_train, _ = card.load_data(seed=0)
    keras.utils.set_random_seed(7)
    model = card.build_classifier(x_train)
    model.fit(data, epochs=2, verbose=0, **fit_kwargs)
    return model.get_weights()


def test_the_pipelines_model_equals_one_trained_on_the_same_arrays():
    x_train, _, y_train, _ = card.load_data(seed=0)
    arrays = fit_from_the_same_start(x_train, y=y_train, batch_size=32, shuffle=False)
    pipelines = [card.ArrayBatches(x_train, y_train, batch_size=32, shuffle=False)]
    if importlib.util.find_spec("tensorflow") is not None:
        pipelines.append(card.make_tf_dataset(x_train, y_train, batch_size=32, shuffle=False))
    for pipeline in pipelines:
        weights = fit_from_the_same_start(pipeline, shuffle=False)
        for expected, got in zip(arrays, weights, strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_a_pydataset_without_super_init_warns():
    class Forgetful(keras.utils.PyDataset):
        def __init__(self, x, y):
            self.x, self.y = x, y  # no super().__init__(**kwargs)

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return self.x, self.y

    x_train, _, y_train, _ = card.load_data(seed=0)
    model = card.build_classifier(x_train)
    with pytest.warns(UserWarning, match="super"):
        model.fit(Forgetful(x_train[:32], y_train[:32]), epochs=1, verbose=0)


def test_fit_shuffle_reorders_a_pydatasets_batches_not_their_examples():
    class Recording(card.ArrayBatches):
        requested = []

        def __getitem__(self, index):
            self.requested.append(index)
            return super().__getitem__(index)

    x_train, _, y_train, _ = card.load_data(seed=0)
    model = card.build_classifier(x_train)
    for shuffle in (False, True):
        Recording.requested = []
        batches = Recording(x_train, y_train, batch_size=16, shuffle=False)
        model.fit(batches, epochs=1, shuffle=shuffle, verbose=0)
        epoch = Recording.requested[-len(batches):]  # Keras first peeks at a batch or two
        assert sorted(epoch) == list(range(len(batches)))  # each batch once, whole
        assert (epoch == list(range(len(batches)))) is not shuffle


@needs_tensorflow
def test_fit_warns_that_shuffle_is_ignored_for_tf_data():
    x_train, _, y_train, _ = card.load_data(seed=0)
    model = card.build_classifier(x_train)
    with pytest.warns(UserWarning, match="shuffle=True.*ignored"):
        model.fit(card.make_tf_dataset(x_train, y_train), epochs=1, verbose=0)


def test_demo_accuracy_measured_by_sklearn_meets_the_target(demo_run):
    result, model = demo_run
    _, x_test, _, y_test = card.load_data(seed=0)
    accuracy = accuracy_score(y_test, (model.predict(x_test, verbose=0)[:, 0] > 0.5))
    assert accuracy == pytest.approx(result["value"])
    assert accuracy >= result["target"] == 0.93


def test_without_normalization_the_demo_misses_the_target():
    result, models = run_demo_keeping_models(card, "build_classifier", normalize=False)
    _, x_test, _, y_test = card.load_data(seed=0)
    accuracy = accuracy_score(y_test, (models[-1].predict(x_test, verbose=0)[:, 0] > 0.5))
    assert accuracy == pytest.approx(result["value"]) and accuracy < result["target"]


@needs_tensorflow
def test_the_tf_data_demo_meets_the_target_too():
    result, models = run_demo_keeping_models(card, "build_classifier", pipeline="tf.data")
    _, x_test, _, y_test = card.load_data(seed=0)
    accuracy = accuracy_score(y_test, (models[-1].predict(x_test, verbose=0)[:, 0] > 0.5))
    assert accuracy == pytest.approx(result["value"]) and accuracy >= result["target"]


def test_the_model_carries_its_normalization_through_save_and_load(tmp_path):
    x_train, _, y_train, _ = card.load_data(seed=0)
    reloaded = assert_trains_and_round_trips(card.build_classifier(x_train), x_train[:32],
                                             y_train[:32], tmp_path)
    normalization = next(layer for layer in reloaded.layers
                         if isinstance(layer, keras.layers.Normalization))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalization.mean)[0],
                               x_train.astype("float64").mean(axis=0), rtol=1e-5)
