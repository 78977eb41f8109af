import keras
import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
)
from sklearn.utils.class_weight import compute_class_weight

from snippets import class_imbalance as card

from ..kerastest import assert_trains_and_round_trips
from .keep_models import run_demo_keeping_models


@pytest.fixture(scope="module")
def demo_run():
    """One weighted demo run and one unweighted (the broken variant), with the models they
    trained."""
    weighted, models = run_demo_keeping_models(card, "build_classifier")
    plain, plain_models = run_demo_keeping_models(card, "build_classifier", class_weight=None)
    return weighted, models[-1], plain, plain_models[-1]


def numpy_binary_cross_entropy(y, p):
    p = np.clip(np.asarray(p, "float64"), 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_the_data_is_95_to_5():
    x_train, x_test, y_train, y_test = card.make_imbalanced_data(seed=0)
    for y in (y_train, y_test):
        assert 0.04 < np.mean(y) < 0.06, np.mean(y)  # hand count of the rare class
    # The all-majority "model": 95% accuracy, and not one rare case found.
    always_majority = np.zeros_like(y_test)
    assert accuracy_score(y_test, always_majority) > 0.94
    assert recall_score(y_test, always_majority) == 0


def test_balanced_weights_equal_scikit_learns_and_average_one():
    _, _, y_train, _ = card.make_imbalanced_data(seed=0)
    weights = card.balanced_class_weights(y_train)
    expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=y_train)
    np.testing.assert_allclose([weights[0], weights[1]], expected, rtol=1e-12)
    per_example = np.array([weights[label] for label in y_train])
    np.testing.assert_allclose(per_example.mean(), 1.0, rtol=1e-12)
    # Both classes weigh the same in total.
    np.testing.assert_allclose(per_example[y_train == 0].sum(), per_example[y_train == 1].sum())


def test_weighted_loss_is_sum_of_weighted_losses_over_n_not_over_the_weights():
    rng = np.random.default_rng(0)
    y = (rng.random(32) < 0.2).astype("float32")[:, None]
    p = rng.uniform(0.05, 0.95, size=(32, 1)).astype("float32")
    w = np.where(y[:, 0] == 1, 10.0, 0.5).astype("float32")
    losses = numpy_binary_cross_entropy(y[:, 0], p[:, 0])
    by_batch = keras.losses.BinaryCrossentropy()(y, p, sample_weight=w)
    np.testing.assert_allclose(float(by_batch), np.sum(w * losses) / len(w), rtol=1e-5)
    by_weights = keras.losses.BinaryCrossentropy(reduction="mean_with_sample_weight")(
        y, p, sample_weight=w)
    np.testing.assert_allclose(float(by_weights), np.sum(w * losses) / np.sum(w), rtol=1e-5)
    assert abs(float(by_batch) - float(by_weights)) > 0.1  # the two readings really differ


def test_class_weight_in_fit_is_sample_weight_per_example():
    x_train, _, y_train, _ = card.make_imbalanced_data(n=512, seed=1)
    weights = card.balanced_class_weights(y_train)
    trained = []
    for kwargs in ({"class_weight": weights},
                   {"sample_weight": np.array([weights[label] for label in y_train])}):
        keras.utils.set_random_seed(3)
        model = card.build_classifier()
        model.fit(x_train, y_train, epochs=1, batch_size=64, shuffle=False, verbose=0, **kwargs)
        trained.append(model)
    for first, second in zip(trained[0].get_weights(), trained[1].get_weights(), strict=True):
        np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-6)
    # And the loss Keras reports for those weights is the hand-weighted mean (over n).
    per_example = np.array([weights[label] for label in y_train])
    model = trained[0]
    reported = model.evaluate(x_train, y_train, sample_weight=per_example, batch_size=len(y_train),
                              verbose=0, return_dict=True)["loss"]
    p = model.predict(x_train, verbose=0)[:, 0]
    expected = np.sum(per_example * numpy_binary_cross_entropy(y_train, p)) / len(y_train)
    np.testing.assert_allclose(reported, expected, rtol=1e-4)


def test_metrics_are_unweighted_and_weighted_metrics_are_weighted():
    x, _, y, _ = card.make_imbalanced_data(n=512, seed=2)
    model = card.build_classifier()
    model.compile(loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy(name="plain")],
                  weighted_metrics=[keras.metrics.BinaryAccuracy(name="weighted")])
    w = np.where(y == 1, 19.0, 1.0)
    scores = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    predicted = (model.predict(x, verbose=0)[:, 0] > 0.5).astype(int)
    np.testing.assert_allclose(scores["plain"], accuracy_score(y, predicted), rtol=1e-5)
    np.testing.assert_allclose(scores["weighted"], accuracy_score(y, predicted, sample_weight=w),
                               rtol=1e-5)


def test_class_weights_raise_minority_recall_measured_by_sklearn(demo_run):
    weighted, weighted_model, plain, plain_model = demo_run
    x_train, x_test, y_train, y_test = card.make_imbalanced_data(seed=0)
    recalls, precisions = [], []
    for model in (weighted_model, plain_model):
        predicted = (model.predict(x_test, verbose=0)[:, 0] > 0.5).astype(int)
        recalls.append(recall_score(y_test, predicted))
        precisions.append(precision_score(y_test, predicted))
    assert recalls[0] == pytest.approx(weighted["value"])  # the demo's figure, measured again
    assert recalls[1] == pytest.approx(plain["value"])
    assert recalls[0] >= weighted["target"] == 0.65 > recalls[1]  # a plain model misses it
    # the note: "from 0.22-0.25 to 0.76-0.82 at seed 0" (TF 0.245/0.764, JAX 0.217/0.821,
    # torch 0.236/0.774)
    assert 0.21 <= recalls[1] <= 0.25 and 0.76 <= recalls[0] <= 0.825
    assert precisions[0] < precisions[1]  # the price: more false alarms


def test_keras_imbalance_metrics_agree_with_sklearn(demo_run):
    _, model, _, _ = demo_run
    _, x_test, _, y_test = card.make_imbalanced_data(seed=0)
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    p = model.predict(x_test, verbose=0)[:, 0]
    predicted = (p > 0.5).astype(int)
    np.testing.assert_allclose(scores["precision"], precision_score(y_test, predicted), rtol=1e-5)
    np.testing.assert_allclose(scores["recall"], recall_score(y_test, predicted), rtol=1e-5)
    # Keras's PR-AUC interpolates over 200 thresholds; scikit-learn's average precision is the
    # step sum over every threshold: close, not equal.
    assert scores["pr_auc"] == pytest.approx(average_precision_score(y_test, p), abs=0.03)


def test_best_threshold_maximizes_f1_and_lifts_the_plain_models_recall(demo_run):
    _, _, plain, plain_model = demo_run
    x_train, x_test, y_train, y_test = card.make_imbalanced_data(seed=0)
    # Choose on validation data (here: the training split), judge on the held-out split.
    p_validation = plain_model.predict(x_train, verbose=0)[:, 0]
    threshold = card.best_threshold(y_train, p_validation)
    # Every candidate threshold at once, F1 counted by hand: 2 TP / (2 TP + FP + FN).
    predicted = p_validation[None, :] >= np.unique(p_validation)[:, None]
    true_positives = (predicted & (y_train == 1)).sum(axis=1)
    brute_force = np.max(2 * true_positives / (predicted.sum(axis=1) + np.sum(y_train == 1)))
    assert f1_score(y_train, (p_validation >= threshold).astype(int)) == pytest.approx(brute_force)
    assert threshold < 0.5  # the rare class needs less evidence than the majority
    p_test = plain_model.predict(x_test, verbose=0)[:, 0]
    assert recall_score(y_test, (p_test >= threshold).astype(int)) > plain["value"]


def test_class_weight_with_a_pydataset_works_and_with_a_generator_raises():
    x, _, y, _ = card.make_imbalanced_data(n=256, seed=3)
    weights = card.balanced_class_weights(y)

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 4

        def __getitem__(self, index):
            return x[index * 32:(index + 1) * 32], y[index * 32:(index + 1) * 32]

    model = card.build_classifier()
    model.fit(Batches(), class_weight=weights, epochs=1, verbose=0)

    def generator():
        while True:
            yield x[:32], y[:32]

    with pytest.raises(ValueError, match="class_weight"):
        model.fit(generator(), steps_per_epoch=2, class_weight=weights, epochs=1, verbose=0)


def test_classifier_trains_and_round_trips(tmp_path):
    x, _, y, _ = card.make_imbalanced_data(n=200, seed=4)
    assert_trains_and_round_trips(card.build_classifier(), x, y, tmp_path)


def test_a_class_left_out_of_class_weight_silently_weighs_one():
    x_train, _, y_train, _ = card.make_imbalanced_data(n=512, seed=1)
    trained = []
    for class_weight in ({1: 19.0}, {0: 1.0, 1: 19.0}, {0: 0.5, 1: 19.0}):
        keras.utils.set_random_seed(3)
        model = card.build_classifier()
        model.fit(x_train, y_train, epochs=1, batch_size=64, shuffle=False, verbose=0,
                  class_weight=class_weight)
        trained.append(model.get_weights())
    for left_out, one in zip(trained[0], trained[1], strict=True):
        np.testing.assert_allclose(left_out, one, rtol=1e-6)  # 1.0, not refused
    assert any(not np.allclose(left_out, half) for left_out, half in zip(trained[0], trained[2],
                                                                         strict=True))
