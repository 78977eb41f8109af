import keras
import numpy as np
import pytest

from snippets import functional, sequential

from ..kerastest import assert_trains_and_round_trips
from .keep_models import demo_accuracy_measured_by_sklearn
from .test_sequential import HAND_COUNT, numpy_forward, summary_text


def test_model_is_built_with_the_hand_counted_6922_parameters():
    model = functional.build_functional_model()
    assert model.built and model.count_params() == HAND_COUNT == 6_922
    text = summary_text(model)
    assert "6,922" in text and "unbuilt" not in text


def test_same_weights_give_identical_outputs_to_the_sequential_model():
    functional_model = functional.build_functional_model()
    sequential_model = sequential.build_sequential_model()
    assert [w.shape for w in functional_model.get_weights()] == \
        [w.shape for w in sequential_model.get_weights()]
    functional_model.set_weights(sequential_model.get_weights())
    x = np.random.default_rng(0).normal(size=(64, 32)).astype("float32")
    np.testing.assert_array_equal(functional_model.predict(x, verbose=0),
                                  sequential_model.predict(x, verbose=0))


def test_output_equals_a_numpy_forward_pass_with_its_weights():
    model = functional.build_functional_model()
    x = np.random.default_rng(1).normal(size=(16, 32)).astype("float32")
    expected = numpy_forward(model.get_weights(), x.astype("float64"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_feature_extractor_shares_the_weights_and_outputs_the_hidden_layer():
    model = functional.build_functional_model()
    extractor = functional.feature_extractor(model)
    assert extractor.output.shape == (None, 64)
    assert extractor.count_params() == (32 * 64 + 64) + (64 * 64 + 64)
    # Shared, not copied: change the classifier's first layer and the extractor sees it.
    kernel, bias = model.get_layer("hidden_1").get_weights()
    model.get_layer("hidden_1").set_weights([kernel * 2.0, bias + 0.5])
    x = np.random.default_rng(2).normal(size=(8, 32))
    kernel_1, bias_1, kernel_2, bias_2 = (w.astype("float64") for w in model.get_weights()[:4])
    expected = np.maximum(0, np.maximum(0, x @ kernel_1 + bias_1) @ kernel_2 + bias_2)
    np.testing.assert_allclose(extractor.predict(x.astype("float32"), verbose=0), expected,
                               rtol=1e-5, atol=1e-5)


def test_trains_one_step_and_round_trips(tmp_path):
    model = functional.build_functional_model()
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 32)).astype("float32")
    y = rng.integers(0, 10, size=(32,))
    assert_trains_and_round_trips(model, x, y, tmp_path, compile_kwargs={
        "optimizer": "adam", "loss": keras.losses.SparseCategoricalCrossentropy()})


def test_demo_learns_past_threshold():
    result, accuracy = demo_accuracy_measured_by_sklearn(functional, "build_functional_model")
    assert accuracy >= result["target"] == 0.9
    assert result["value"] == pytest.approx(accuracy, abs=1e-6)  # the figure `run` prints
    assert result["params"] == HAND_COUNT


def test_clone_model_has_new_weights_until_set_weights_copies_them():
    model = functional.build_functional_model()
    clone = keras.models.clone_model(model)
    x = np.random.default_rng(0).normal(size=(16, 32)).astype("float32")
    assert any(not np.array_equal(a, b)
               for a, b in zip(model.get_weights(), clone.get_weights(), strict=True))
    assert not np.allclose(model.predict(x, verbose=0), clone.predict(x, verbose=0))
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(model.predict(x, verbose=0), clone.predict(x, verbose=0))
    clone.layers[1].kernel.assign(clone.layers[1].kernel * 2)  # independent once copied
    assert not np.allclose(model.predict(x, verbose=0), clone.predict(x, verbose=0))
