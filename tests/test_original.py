"""Each pitfall that says what the original tf.keras 2 sheet's code does ("raises", "gives",
"warns") is proven here by running that code itself, kept verbatim in tests/original/."""

import re
import warnings

import keras
import numpy as np
import pytest

from tests import original

INPUT_SHAPE_WARNING = "Do not pass an `input_shape`"


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)


# -- basics ---------------------------------------------------------------------------------
def test_basics_layer_of_builtin_input_raises_value_error():
    with pytest.raises(ValueError):
        original.run("basics")  # `layer(input)`: Python's built-in input function


# -- input_shape= on a layer: warns, still works ---------------------------------------------
@pytest.mark.parametrize("card, x", [
    ("cnn", np.zeros((2, 28, 28, 1), "float32")),
    ("rnn", np.zeros((2, 5, 1), "float32")),
    ("lstm", np.zeros((2, 5, 1), "float32")),
])
def test_input_shape_on_the_first_layer_warns_but_the_model_works(card, x):
    with pytest.warns(UserWarning, match=re.escape(INPUT_SHAPE_WARNING)):
        model = original.run(card)["model"]
    assert model.predict(x, verbose=0).shape[0] == 2


def test_gan_input_dim_warns_and_alpha_is_deprecated_for_negative_slope():
    namespace = original.run("gan")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generator = namespace["build_generator"]()
    messages = [str(w.message) for w in caught]
    assert any(INPUT_SHAPE_WARNING in m for m in messages), messages
    assert any("alpha" in m and "deprecated" in m for m in messages), messages
    slopes = [layer.negative_slope for layer in generator.layers
              if isinstance(layer, keras.layers.LeakyReLU)]
    assert slopes == pytest.approx([0.2] * 3)  # it still takes effect
    assert keras.layers.LeakyReLU().negative_slope == pytest.approx(0.3)  # the default


# -- uncompiled models ------------------------------------------------------------------------
@pytest.mark.parametrize("card", ["rnn", "lstm", "gan"])
def test_original_model_is_never_compiled_so_fit_raises(card):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # input_shape / input_dim / alpha
        namespace = original.run(card)
        model = namespace["build_generator"]() if card == "gan" else namespace["model"]
    x = np.zeros((4, 100) if card == "gan" else (4, 5, 1), "float32")
    y = np.zeros((4, 28, 28, 1) if card == "gan" else (4, 1), "float32")
    assert not model.compiled
    with pytest.raises(ValueError, match=r"You must call `compile\(\)`"):
        model.fit(x, y, epochs=1, verbose=0)


# -- sequential -------------------------------------------------------------------------------
def test_sequential_without_input_stays_unbuilt():
    model = original.run("sequential")["model"]
    assert not model.built
    with pytest.raises(ValueError):
        model.count_params()
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    assert "0 (unbuilt)" in "\n".join(lines)


# -- activations ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_activations():
    return original.run("activations")


def test_seed_softmax_2d_subtracts_the_global_max_nan_only_for_a_column_far_below(
        seed_activations):
    softmax = seed_activations["softmax"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0
        far_rows = softmax(np.array([[1000.0, 1001.0], [-1000.0, -999.0]]))
        far_column = softmax(np.array([[1000.0, 0.0]]))
    np.testing.assert_allclose(far_rows, [[1, 1], [0, 0]], atol=1e-12)  # no NaN
    assert far_column[0, 0] == 1 and np.isnan(far_column[0, 1])


def test_seed_softmax_on_a_1d_vector_is_correct_and_stable(seed_activations):
    x = np.array([1000.0, 1001.0, 998.0])
    shifted = np.exp(x - x.max())
    np.testing.assert_allclose(seed_activations["softmax"](x), shifted / shifted.sum(),
                               rtol=1e-12)


def test_seed_softmax_on_a_batch_normalises_columns_and_its_gap_depends_on_the_data(
        seed_activations):
    gaps = []
    for seed in range(5):
        x = np.random.default_rng(seed).normal(size=(8, 10))
        ours = seed_activations["softmax"](x)
        np.testing.assert_allclose(ours.sum(axis=0), 1.0)  # columns, not rows, sum to 1
        assert not np.allclose(ours.sum(axis=1), 1.0)
        reference = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)  # row softmax by hand
        np.testing.assert_allclose(keras.ops.convert_to_numpy(
            keras.activations.softmax(x.astype("float32"))), reference, rtol=1e-5)
        gaps.append(np.abs(ours - reference).max())
    assert max(gaps) - min(gaps) > 0.05, gaps  # no single "up to" figure: it varies


def test_seed_sigmoid_overflows_below_minus_88_7_in_float32(seed_activations):
    sigmoid = seed_activations["sigmoid"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        sigmoid(np.array([-88.0], "float32"))  # exp(88) still fits in float32
        with pytest.raises(RuntimeWarning, match="overflow"):
            sigmoid(np.array([-89.0], "float32"))


# -- cnn --------------------------------------------------------------------------------------
def test_cnn_unpadded_stack_runs_out_of_pixels_on_8x8_images():
    small = original.source("cnn").replace("input_shape=(28, 28, 1)", "input_shape=(8, 8, 1)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # input_shape
        with pytest.raises(ValueError):  # 8 -> 6 -> 3 -> 1 -> 0: raised while building
            original.run("cnn", small)


# -- transformer ------------------------------------------------------------------------------
def test_transformer_call_without_training_default_raises_type_error():
    block = original.run("transformer")["TransformerBlock"](32, 4, 64)
    x = np.zeros((2, 5, 32), "float32")
    with pytest.raises(TypeError, match="training"):
        block(x)
    with pytest.raises(TypeError, match="training"):
        keras.Model(inputs := keras.Input(shape=(5, 32)), block(inputs))


def test_transformer_key_dim_embed_dim_has_16800_attention_parameters_not_4224():
    block = original.run("transformer")["TransformerBlock"](32, 4, 64)
    block(np.zeros((1, 5, 32), "float32"), training=False)
    assert block.att.count_params() == 16_800
    narrow = keras.layers.MultiHeadAttention(num_heads=4, key_dim=32 // 4)
    narrow(np.zeros((1, 5, 32), "float32"), np.zeros((1, 5, 32), "float32"))
    assert narrow.count_params() == 4_224
    # by hand: q, k, v kernels 32 x (heads * key_dim) + biases, output (heads * key_dim) x 32 + 32
    for key_dim, params in ((32, 16_800), (8, 4_224)):
        assert 3 * (32 * 4 * key_dim + 4 * key_dim) + 4 * key_dim * 32 + 32 == params


# -- pytorch ----------------------------------------------------------------------------------
@pytest.mark.parametrize("height, width, runs", [
    (28, 28, True), (28, 29, True), (29, 29, True), (27, 27, False), (30, 30, False)])
def test_original_torch_net_runs_on_28_and_29_pixel_sides_only(height, width, runs):
    torch = pytest.importorskip("torch")
    net = original.run("pytorch")["Net"]().eval()
    x = torch.zeros((2, 1, height, width))
    if runs:
        assert net(x).shape == (2, 10)  # pooling rounds 25 // 2 down to 12 as well
    else:
        with pytest.raises(RuntimeError, match="cannot be multiplied"):  # at fc1
            net(x)


# -- optimizers, lr-schedule ------------------------------------------------------------------
def small_model():
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])


def test_original_optimizer_lines_run_and_an_instance_serves_one_model():
    optimizer = original.run("optimizers")["optimizer"]  # the last line: Adagrad(0.01)
    x, y = np.ones((4, 3), "float32"), np.ones((4, 1), "float32")
    first, second = small_model(), small_model()
    first.compile(optimizer=optimizer, loss="mse")
    first.train_on_batch(x, y)
    second.compile(optimizer=optimizer, loss="mse")
    with pytest.raises(ValueError, match="Unknown variable"):
        second.train_on_batch(x, y)


def test_legacy_lr_is_rejected_and_decay_only_warns():
    with pytest.raises(ValueError, match="lr"):
        original.run("optimizers", original.source("optimizers").replace(
            "learning_rate=0.01, momentum", "lr=0.01, momentum"))
    with pytest.warns(UserWarning, match="decay"):
        keras.optimizers.SGD(learning_rate=0.01, decay=1e-4)


def test_original_schedule_owns_the_rate_setting_it_raises_type_error():
    namespace = original.run("lr_schedule")
    optimizer = namespace["optimizer"]
    expected = 1e-2 * 0.9 ** (np.array([0, 10_000, 25_000]) / 10_000)  # closed form
    np.testing.assert_allclose([float(namespace["lr_schedule"](s)) for s in (0, 10_000, 25_000)],
                               expected, rtol=1e-6)
    with pytest.raises(TypeError):
        optimizer.learning_rate = 0.001


# -- regularization block ---------------------------------------------------------------------
@pytest.mark.parametrize("card", ["weight_regularization", "dropout", "batch_norm"])
def test_regularization_lines_have_no_model_to_add_to(card):
    with pytest.raises(NameError, match="model"):
        original.run(card)
    functional = keras.Model(inputs := keras.Input(shape=(3,)), keras.layers.Dense(1)(inputs))
    with pytest.raises(AttributeError, match="add"):
        original.run(card, namespace={"model": functional})


def test_original_early_stopping_without_validation_data_warns_and_never_stops():
    stopper = original.run("early_stopping")["early_stopping"]
    model = small_model()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="val_loss"):
        history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=12, callbacks=[stopper],
                            verbose=0)
    assert len(history.history["loss"]) == 12 and stopper.stopped_epoch == 0


# -- losses, metrics --------------------------------------------------------------------------
def test_huber_loss_from_the_original_list_compiles_then_fails_at_fit():
    assert "huber_loss" in original.names("losses")
    model = small_model()
    model.compile(optimizer="sgd", loss="huber_loss")  # no error yet
    with pytest.raises(ValueError, match="huber_loss"):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)


def test_original_custom_metric_fails_on_integer_labels_and_lets_errors_cancel():
    code = original.source("metrics")
    custom_metric = original.run("metrics", code[code.index("def custom_metric"):])[
        "custom_metric"]
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=[custom_metric])
    with pytest.raises(TypeError):
        model.evaluate(np.ones((4, 3), "float32"), np.ones((4, 1), "int64"), verbose=0)
    assert float(custom_metric(np.array([1.0, 2.0], "float32"),
                               np.array([1.5, 1.5], "float32"))) == 0.0


@pytest.mark.parametrize("name", ["precision", "recall", "f1_score", "auc"])
def test_original_metric_strings_fail_with_sparse_labels_on_a_softmax_head(name):
    assert name in original.names("metrics")
    x, labels = np.random.default_rng(10).normal(size=(32, 4)).astype("float32"), np.arange(32) % 3
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, "softmax")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.evaluate(x, labels, verbose=0)  # "accuracy" works
    model.compile(loss="sparse_categorical_crossentropy", metrics=[name])
    with pytest.raises(ValueError):  # (32,) labels against (32, 3) predictions
        model.evaluate(x, labels, verbose=0)


def test_seed_softmax_gap_ranges_as_the_pitfall_says(seed_activations):
    # The activations pitfall: "a largest gap of 0.14 to 1.0 on random normal batches of 2 to 64
    # rows, never close". Scores of scale 1 and 5, 2, 8 and 64 rows, 20 batches each.
    gaps = []
    for scale in (1.0, 5.0):
        for rows in (2, 8, 64):
            for seed in range(20):
                x = np.random.default_rng(seed).normal(scale=scale, size=(rows, 10))
                reference = np.exp(x - x.max(axis=1, keepdims=True))
                reference /= reference.sum(axis=1, keepdims=True)  # row softmax by hand
                gaps.append(np.abs(seed_activations["softmax"](x) - reference).max())
    assert 0.14 <= min(gaps) and max(gaps) <= 1.0 and max(gaps) > 0.99, (min(gaps), max(gaps))
