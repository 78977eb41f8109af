import os
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from snippets import deployment


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """One trained-for-a-step classifier, saved, exported and converted once for all tests."""
    keras.utils.set_random_seed(0)
    directory = str(tmp_path_factory.mktemp("ship"))
    rng = np.random.default_rng(0)
    x = rng.random((40, 64)).astype("float32")
    model = deployment.build_classifier()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
    model.train_on_batch(x, rng.integers(0, 10, size=40))  # weights off their initial values
    saved_model = deployment.export_saved_model(model, directory)
    return {
        "model": model, "x": x, "directory": directory, "saved_model": saved_model,
        "expected": model.predict(x, verbose=0),
        "tflite": deployment.convert_to_tflite(saved_model, directory),
    }


def test_keras_file_round_trip_gives_identical_outputs(shipped):
    reloaded = deployment.save_and_reload(shipped["model"], shipped["directory"])
    assert os.path.isfile(os.path.join(shipped["directory"], "digits_classifier.keras"))
    np.testing.assert_array_equal(reloaded.predict(shipped["x"], verbose=0), shipped["expected"])
    assert reloaded.optimizer.iterations.numpy() == 1  # optimizer state travels too


def test_saved_model_reloads_without_keras_with_equal_outputs(shipped):
    restored = deployment.load_saved_model(shipped["saved_model"])
    outputs = restored.serve(tf.constant(shipped["x"])).numpy()
    np.testing.assert_allclose(outputs, shipped["expected"], rtol=0, atol=1e-7)
    assert not hasattr(restored, "predict")  # a TensorFlow object, not a Keras model


def test_litert_outputs_within_1e_5_of_keras_for_any_batch_size(shipped):
    for rows in (1, 7, 40):  # the exported signature has a free batch dimension
        outputs = deployment.run_tflite(shipped["tflite"], shipped["x"][:rows])
        assert outputs.shape == (rows, 10)
        np.testing.assert_allclose(outputs, shipped["expected"][:rows], rtol=0, atol=1e-5)


# TensorFlow's SavedModel; from JAX (jax2tf) the float file is 18.6 kB, the 8-bit one 69 %
@pytest.mark.tensorflow_only
def test_quantized_model_is_smaller_but_drifts_past_1e_5(shipped):
    quantized = deployment.convert_to_tflite(shipped["saved_model"], shipped["directory"],
                                             quantize=True)
    assert os.path.getsize(quantized) < 0.6 * os.path.getsize(shipped["tflite"])
    drift = np.max(np.abs(deployment.run_tflite(quantized, shipped["x"]) - shipped["expected"]))
    assert 1e-5 < drift < 0.05


def test_litert_interpreter_runs_without_the_deprecation_warning(shipped):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tf.lite.Interpreter would raise its UserWarning here
        deployment.run_tflite(shipped["tflite"], shipped["x"][:2])


def test_keras_3_refuses_what_the_card_avoids(shipped, tmp_path):
    with pytest.raises(ValueError, match="extension"):
        shipped["model"].save(str(tmp_path / "no_extension"))
    with pytest.raises(ValueError, match="File format not supported"):
        keras.saving.load_model(shipped["saved_model"])
    with pytest.warns(UserWarning, match="deprecated"):
        tf.lite.Interpreter(model_path=shipped["tflite"])
    with pytest.raises(AssertionError, match="deleted"):  # only the bound function was kept
        tf.saved_model.load(shipped["saved_model"]).serve(tf.constant(shipped["x"][:1]))


def test_demo_learns_digits_matches_litert_and_writes_nothing_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = deployment.demo()
    assert list(tmp_path.iterdir()) == []  # all files went to a temporary directory
    assert result["value"] <= result["target"] == 1e-5
    assert result["accuracy"] > 0.95  # held out: what is shipped is a trained classifier
    assert len(result["history"]["loss"]) == 6  # the epochs the demo trains
    assert result["params"] == 64 * 32 + 32 + 32 * 10 + 10
